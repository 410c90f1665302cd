resource "aws_eks_cluster" "platform" {
  name     = "platform"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"
  version  = "1.30"

  vpc_config {
    subnet_ids = ["subnet-0a1b2c3d4e5f60718", "subnet-0b2c3d4e5f6071829"]
  }
}
