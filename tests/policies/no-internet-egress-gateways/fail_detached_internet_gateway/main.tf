resource "aws_internet_gateway" "spare" {
  tags = {
    Name = "spare-igw"
  }
}
