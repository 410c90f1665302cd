resource "aws_instance" "jump" {
  ami           = "ami-0a1b2c3d4e5f67890"
  instance_type = "m7g.medium"
  tags = {
    Name = "jump"
  }
}

resource "aws_ebs_volume" "scratch" {
  availability_zone = "eu-west-1a"
  size              = 100
  type              = "gp3"
}
