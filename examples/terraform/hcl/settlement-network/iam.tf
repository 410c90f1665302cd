resource "aws_iam_user" "settlement_ci" {
  name = "settlement-ci"
}

resource "aws_iam_access_key" "settlement_ci" {
  user = aws_iam_user.settlement_ci.name
}
