data "aws_ec2_instance_type_offering" "etl" {
  filter {
    name   = "instance-type"
    values = ["m7g.xlarge", "m6g.xlarge"]
  }
  preferred_instance_types = ["m7g.xlarge", "m6g.xlarge"]
}

resource "aws_launch_template" "batch" {
  name          = "batch-workers"
  image_id      = "ami-0a1b2c3d4e5f67890"
  instance_type = "t3.large"

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      encrypted   = "false"
      volume_size = 100
      volume_type = "gp3"
    }
  }
}

resource "aws_instance" "etl" {
  ami           = "ami-0a1b2c3d4e5f67890"
  instance_type = data.aws_ec2_instance_type_offering.etl.instance_type

  root_block_device {
    encrypted   = true
    volume_size = 50
    volume_type = "gp3"
  }

  tags = {
    Name = "etl"
  }
}
