variable "instance_type" {
  description = "EC2 instance type of the order router"
  type        = string
}

resource "aws_instance" "app" {
  ami           = "ami-22ce4934"
  instance_type = var.instance_type
  subnet_id     = "subnet-0c1d2e3f4a5b6c7d8"

  tags = {
    Name = "order-router"
  }
}
