resource "aws_iam_user" "johndoe" {
  name = "johndoe"
  path = "/"
}

resource "aws_iam_user_login_profile" "johndoe" {
  user                    = aws_iam_user.johndoe.name
  password_reset_required = true
}
