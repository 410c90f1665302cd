resource "aws_launch_template" "app" {
  name          = "app"
  image_id      = "ami-0c1c30571d2dae5c9"
  instance_type = "m7g.large"

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size = 30
      volume_type = "gp3"
      encrypted   = true
    }
  }

  block_device_mappings {
    device_name = "/dev/sdf"

    ebs {
      volume_size = 100
      volume_type = "gp3"
      encrypted   = true
    }
  }
}
