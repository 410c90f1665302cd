resource "aws_iam_access_key" "ci_deployer" {
  user = "ci-deployer"
}
