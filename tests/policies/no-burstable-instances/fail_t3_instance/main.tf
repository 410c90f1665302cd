resource "aws_instance" "app" {
  ami           = "ami-22ce4934"
  instance_type = "t3.micro"
  subnet_id     = "subnet-0c1d2e3f4a5b6c7d8"

  tags = {
    Name = "order-router"
  }
}
