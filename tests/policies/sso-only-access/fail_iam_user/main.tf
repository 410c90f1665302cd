resource "aws_iam_user" "johndoe" {
  name = "johndoe"
  path = "/"

  tags = {
    team = "data"
  }
}
