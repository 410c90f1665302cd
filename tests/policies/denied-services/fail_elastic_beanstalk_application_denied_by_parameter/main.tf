resource "aws_elastic_beanstalk_application" "legacy" {
  name        = "legacy-portal"
  description = "legacy portal"
}
