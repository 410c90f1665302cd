resource "aws_internet_gateway_attachment" "main" {
  internet_gateway_id = "igw-0a5f227c1b3d4e6f8"
  vpc_id              = "vpc-0990dc6d"
}
