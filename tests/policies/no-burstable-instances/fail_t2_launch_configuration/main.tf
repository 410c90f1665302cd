resource "aws_launch_configuration" "workers" {
  name            = "settlement-workers"
  image_id        = "ami-22ce4934"
  instance_type   = "t2.medium"
  security_groups = ["sg-0b7d2e4f6a8c01234"]
}
