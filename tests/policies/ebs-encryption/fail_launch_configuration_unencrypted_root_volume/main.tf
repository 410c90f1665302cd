resource "aws_launch_configuration" "app" {
  name_prefix   = "app-"
  image_id      = "ami-0c1c30571d2dae5c9"
  instance_type = "m5.large"

  root_block_device {
    volume_size = 20
    volume_type = "gp3"
    encrypted   = false
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 100
    volume_type = "gp3"
    encrypted   = true
  }

  lifecycle {
    create_before_destroy = true
  }
}
