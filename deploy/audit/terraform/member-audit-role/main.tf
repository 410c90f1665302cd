# Read-only role `ordinance audit` assumes in a member account; same as
# deploy/audit/member-audit-role.template.yaml. Apply once per member account (a provider per account),
# or prefer the CloudFormation template through a service-managed StackSet. AWS provider v5.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

variable "audit_role_name" {
  description = "Name of the role (`ordinance audit --role-name`)."
  type        = string
  default     = "OrdinanceAudit"
}

variable "audit_task_role_arn" {
  description = "The scheduled audit's task role (output task_role_arn of terraform/scheduled-audit)."
  type        = string
}

variable "external_id" {
  description = "ExternalId the audit passes to sts:AssumeRole (`ordinance audit --external-id`)."
  type        = string
  sensitive   = true
}

resource "aws_iam_role" "audit" {
  name                 = var.audit_role_name
  description          = "Read-only role for ordinance audit (engine/audit/collect.py)"
  max_session_duration = 3600
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = var.audit_task_role_arn }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}

# Exactly the calls of engine/audit/collect.py; none supports resource-level permissions as the audit
# calls them (account-wide list/describe), hence "*".
resource "aws_iam_role_policy" "audit" {
  name = "ordinance-audit-read"
  role = aws_iam_role.audit.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "IamRead"
        Effect   = "Allow"
        Action   = ["iam:ListUsers", "iam:ListAccessKeys", "iam:GetLoginProfile"]
        Resource = "*"
      },
      {
        Sid    = "S3Read"
        Effect = "Allow"
        Action = [
          "s3:ListAllMyBuckets",
          "s3:GetBucketLocation",
          "s3:GetBucketVersioning",
          "s3:GetEncryptionConfiguration",
        ]
        Resource = "*"
      },
      {
        Sid    = "Ec2Read"
        Effect = "Allow"
        Action = [
          "ec2:GetEbsEncryptionByDefault",
          "ec2:DescribeVolumes",
          "ec2:DescribeInstances",
          "ec2:DescribeLaunchTemplateVersions",
          "ec2:DescribeSecurityGroups",
          "ec2:DescribeInternetGateways",
          "ec2:DescribeNatGateways",
          "ec2:DescribeEgressOnlyInternetGateways",
        ]
        Resource = "*"
      },
      {
        Sid      = "RdsRead"
        Effect   = "Allow"
        Action   = ["rds:DescribeDBInstances", "rds:DescribeDBClusters"]
        Resource = "*"
      },
      {
        Sid      = "EksRead"
        Effect   = "Allow"
        Action   = ["eks:ListClusters"]
        Resource = "*"
      },
    ]
  })
}

output "audit_role_arn" {
  value = aws_iam_role.audit.arn
}
