resource "aws_cloudwatch_log_group" "app" {
  name              = "/app/web"
  retention_in_days = 30
}
