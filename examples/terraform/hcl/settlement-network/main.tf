# The settlement network: an isolated VPC that should reach only the clearing house.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.70"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "vpc_cidr" {
  type    = string
  default = "10.40.0.0/16"
}

resource "aws_vpc" "settlement" {
  cidr_block = var.vpc_cidr
  tags = {
    Name = "settlement"
  }
}

resource "aws_internet_gateway" "edge" {
  vpc_id = aws_vpc.settlement.id
  tags = {
    Name = "settlement-edge"
  }
}

resource "aws_nat_gateway" "to_clearing" {
  connectivity_type = "private"
  subnet_id         = aws_subnet.private.id
}

resource "aws_nat_gateway" "internet" {
  allocation_id = aws_eip.nat.id
  subnet_id     = aws_subnet.public.id
}
