resource "aws_instance" "app" {
  ami           = "ami-0c1c30571d2dae5c9"
  instance_type = "m7g.large"
  subnet_id     = "subnet-0a1b2c3d4e5f60718"

  root_block_device {
    volume_size = 30
    volume_type = "gp3"
    encrypted   = true
  }

  ebs_block_device {
    device_name = "/dev/sdf"
    volume_size = 100
    volume_type = "gp3"
  }

  tags = {
    Name = "app"
  }
}
