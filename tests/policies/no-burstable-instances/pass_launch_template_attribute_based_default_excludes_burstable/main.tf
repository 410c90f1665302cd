resource "aws_launch_template" "workers" {
  name                   = "risk-workers"
  image_id               = "ami-0a9c3e1f5b7d2e4c6"
  vpc_security_group_ids = ["sg-0b7d2e4f6a8c01234"]

  instance_requirements {
    vcpu_count {
      min = 2
      max = 8
    }
    memory_mib {
      min = 4096
    }
  }
}
