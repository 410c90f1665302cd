resource "aws_instance" "app" {
  ami           = "ami-0a9c3e1f5b7d2e4c6"
  instance_type = "m7g.large"
  subnet_id     = "subnet-0c1d2e3f4a5b6c7d8"

  tags = {
    Name = "order-router"
  }
}
