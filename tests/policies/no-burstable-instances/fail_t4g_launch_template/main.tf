resource "aws_launch_template" "workers" {
  name                   = "risk-workers"
  image_id               = "ami-0a9c3e1f5b7d2e4c6"
  instance_type          = "t4g.large"
  vpc_security_group_ids = ["sg-0b7d2e4f6a8c01234"]
}
