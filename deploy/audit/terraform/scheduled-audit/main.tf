# Scheduled `ordinance audit` in the organization's audit (delegated administrator) account.
# Same resources as deploy/audit/scheduled-audit.template.yaml. AWS provider v5.

terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # Exec form, no shell. The run goes to s3://<bucket>/reports/<UTC>/ and latest/ advances only after a
  # complete upload, so each run is compared with the previous one. Exit code: 0 clean, 1 blocking
  # findings, 3 incomplete, 2 when an upload, the Security Hub import or the notification failed.
  create_bucket     = var.report_bucket_name == ""
  report_bucket     = local.create_bucket ? aws_s3_bucket.reports[0].id : var.report_bucket_name
  report_bucket_arn = "arn:${local.partition}:s3:::${local.report_bucket}"
  # The stack's own key by ARN; an existing bucket's key (unknown here) only through S3 and only for
  # this bucket's objects, by the encryption context S3 sets. The two statements differ in shape, which
  # a conditional cannot return, so each goes through JSON.
  report_key_statement = jsondecode(local.create_bucket ? jsonencode({
    Sid      = "ReportKey"
    Effect   = "Allow"
    Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
    Resource = aws_kms_key.reports[0].arn
    }) : jsonencode({
    Sid      = "ReportKey"
    Effect   = "Allow"
    Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
    Resource = "*"
    Condition = {
      StringEquals = { "kms:ViaService" = "s3.${data.aws_region.current.name}.amazonaws.com" }
      StringLike   = { "kms:EncryptionContext:aws:s3:arn" = [local.report_bucket_arn, "${local.report_bucket_arn}/*"] }
    }
  }))
  audit_command = concat(
    ["audit", "--regions", join(",", var.audit_regions), "--role-name", var.audit_role_name,
      "--output", "s3://${local.report_bucket}/${var.report_prefix}",
    "--owner-summaries", "s3://${local.report_bucket}/${var.report_prefix}owners"],
    var.security_hub_import ? ["--export", "securityhub"] : [],
    var.config_aggregator_name != "" ? ["--aggregator", var.config_aggregator_name] : [],
    var.notification_topic_arn != "" ? ["--notify", "sns:${var.notification_topic_arn}"] : [],
  )
  # The crawl assumes the member role; reading an aggregator needs its two calls instead (the
  # aggregator's ARN carries an id, not the name, so the statement names this account's).
  member_read_statement = jsondecode(var.config_aggregator_name != "" ? jsonencode({
    Sid      = "ReadConfigAggregator"
    Effect   = "Allow"
    Action   = ["config:DescribeConfigurationAggregatorSourcesStatus", "config:SelectAggregateResourceConfig"]
    Resource = "arn:${local.partition}:config:${data.aws_region.current.name}:${local.account_id}:config-aggregator/*"
    }) : jsonencode({
    Sid       = "AssumeMemberAuditRole"
    Effect    = "Allow"
    Action    = "sts:AssumeRole"
    Resource  = "arn:${local.partition}:iam::*:role/${var.audit_role_name}"
    Condition = { StringEquals = { "aws:ResourceOrgID" = var.organization_id } }
  }))
  security_hub_statements = var.security_hub_import ? [{
    Sid      = "ImportFindings"
    Effect   = "Allow"
    Action   = "securityhub:BatchImportFindings"
    Resource = "arn:${local.partition}:securityhub:${data.aws_region.current.name}:${local.account_id}:product/${local.account_id}/default"
  }] : []
  notify_statements = var.notification_topic_arn != "" ? [{
    Sid      = "NotifyRunSummary"
    Effect   = "Allow"
    Action   = "sns:Publish"
    Resource = var.notification_topic_arn
  }] : []
}

# --- report bucket --------------------------------------------------------------------------------

resource "aws_kms_key" "reports" {
  count               = local.create_bucket ? 1 : 0
  description         = "ordinance audit reports"
  enable_key_rotation = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersKeyThroughIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "reports" {
  count         = local.create_bucket ? 1 : 0
  name          = "alias/${var.name}-reports"
  target_key_id = aws_kms_key.reports[0].key_id
}

resource "aws_s3_bucket" "reports" {
  count         = local.create_bucket ? 1 : 0
  bucket_prefix = "${var.name}-reports-"
}

resource "aws_s3_bucket_versioning" "reports" {
  count  = local.create_bucket ? 1 : 0
  bucket = aws_s3_bucket.reports[0].id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "reports" {
  count  = local.create_bucket ? 1 : 0
  bucket = aws_s3_bucket.reports[0].id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.reports[0].arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "reports" {
  count                   = local.create_bucket ? 1 : 0
  bucket                  = aws_s3_bucket.reports[0].id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "reports" {
  count  = local.create_bucket ? 1 : 0
  bucket = aws_s3_bucket.reports[0].id
  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_policy" "reports" {
  count  = local.create_bucket ? 1 : 0
  bucket = aws_s3_bucket.reports[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "DenyNonTls"
      Effect    = "Deny"
      Principal = "*"
      Action    = "s3:*"
      Resource  = [aws_s3_bucket.reports[0].arn, "${aws_s3_bucket.reports[0].arn}/*"]
      Condition = { Bool = { "aws:SecureTransport" = "false" } }
    }]
  })
}

# --- task -----------------------------------------------------------------------------------------

resource "aws_cloudwatch_log_group" "audit" {
  name              = "/ordinance/audit/${var.name}"
  retention_in_days = var.log_retention_days
}

resource "aws_ecs_cluster" "audit" {
  name = var.name
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

# ordinance:skip=sg-no-open-egress The audit calls the public endpoints of IAM, S3, STS, Organizations, Security Hub, SNS and of EC2, RDS and EKS in every audited region; VPC endpoints are regional and AWS publishes no prefix list for its API endpoints, so egress is HTTPS (TCP 443) only, with no ingress.
resource "aws_security_group" "task" {
  name_prefix = "${var.name}-task-"
  description = "ordinance audit task - HTTPS egress to AWS APIs only, no ingress"
  vpc_id      = var.vpc_id

  egress {
    description = "HTTPS to AWS API endpoints"
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
}

data "aws_iam_policy_document" "ecs_tasks_trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "execution" {
  name_prefix        = "${var.name}-exec-"
  description        = "ECS agent pulls the ordinance image and writes its logs"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_iam_role" "task" {
  name_prefix        = "${var.name}-task-"
  description        = "ordinance audit - reads the organization, assumes the member audit role, writes reports"
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_trust.json
}

resource "aws_iam_role_policy" "task" {
  name = "ordinance-audit"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      local.member_read_statement,
      {
        # Exactly the calls of engine/audit/discovery.py; they take no resource-level permissions.
        Sid    = "ReadOrganization"
        Effect = "Allow"
        Action = [
          "organizations:ListRoots",
          "organizations:ListAccounts",
          "organizations:ListAccountsForParent",
          "organizations:ListOrganizationalUnitsForParent",
          "organizations:ListTagsForResource",
        ]
        Resource = "*"
      },
      {
        Sid      = "ListReportBucket"
        Effect   = "Allow"
        Action   = "s3:ListBucket"
        Resource = local.report_bucket_arn
      },
      {
        Sid      = "ReadWriteReports"
        Effect   = "Allow"
        Action   = ["s3:PutObject", "s3:GetObject"]
        Resource = "${local.report_bucket_arn}/*"
      },
      local.report_key_statement,
    ], local.security_hub_statements, local.notify_statements)
  })
}

resource "aws_ecs_task_definition" "audit" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = "1024"
  memory                   = "2048"
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([{
    name                   = "ordinance"
    image                  = var.image_uri
    essential              = true
    entryPoint             = ["ordinance"]
    command                = local.audit_command
    readonlyRootFilesystem = true
    environment = [
      { name = "ORDINANCE_EXTERNAL_ID", value = var.external_id },
      { name = "AWS_DEFAULT_REGION", value = data.aws_region.current.name },
    ]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        "awslogs-group"         = aws_cloudwatch_log_group.audit.name
        "awslogs-region"        = data.aws_region.current.name
        "awslogs-stream-prefix" = "audit"
      }
    }
  }])
}

# --- schedule -------------------------------------------------------------------------------------

resource "aws_iam_role" "scheduler" {
  name_prefix = "${var.name}-sched-"
  description = "EventBridge Scheduler starts the ordinance audit task"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "scheduler" {
  name = "run-ordinance-audit"
  role = aws_iam_role.scheduler.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "RunAuditTask"
        Effect    = "Allow"
        Action    = "ecs:RunTask"
        Resource  = aws_ecs_task_definition.audit.arn
        Condition = { ArnEquals = { "ecs:cluster" = aws_ecs_cluster.audit.arn } }
      },
      {
        Sid       = "PassTaskRoles"
        Effect    = "Allow"
        Action    = "iam:PassRole"
        Resource  = [aws_iam_role.task.arn, aws_iam_role.execution.arn]
        Condition = { StringEquals = { "iam:PassedToService" = "ecs-tasks.amazonaws.com" } }
      },
    ]
  })
}

# The audit's own notification needs a run that got as far as its report; this catches the rest: an
# error (2), an incomplete audit (3), a crash (e.g. 137 out of memory) and a task that never started.
# Exit 1 (blocking findings) is a normal night and is in the summary already.
resource "aws_cloudwatch_event_rule" "task_failed" {
  count       = var.notification_topic_arn != "" ? 1 : 0
  name_prefix = "${var.name}-failed-"
  description = "ordinance audit task stopped with an error, an incomplete audit, or failed to start"
  event_pattern = jsonencode({
    source        = ["aws.ecs"]
    "detail-type" = ["ECS Task State Change"]
    detail = {
      clusterArn = [aws_ecs_cluster.audit.arn]
      lastStatus = ["STOPPED"]
      "$or" = [
        { containers = { exitCode = [{ "anything-but" = [0, 1] }] } },
        { stopCode = ["TaskFailedToStart"] },
      ]
    }
  })
}

resource "aws_cloudwatch_event_target" "task_failed" {
  count = var.notification_topic_arn != "" ? 1 : 0
  rule  = aws_cloudwatch_event_rule.task_failed[0].name
  arn   = var.notification_topic_arn
  input_transformer {
    input_paths = {
      exitCode = "$.detail.containers[0].exitCode"
      stopCode = "$.detail.stopCode"
      reason   = "$.detail.stoppedReason"
      task     = "$.detail.taskArn"
    }
    input_template = "\"ordinance audit task stopped: exit code <exitCode> (2 error, 3 incomplete audit), <stopCode>: <reason>. Task <task>; its log is in the module's log group.\""
  }
}

resource "aws_scheduler_schedule" "audit" {
  name                         = var.name
  description                  = "Nightly ordinance audit of the organization"
  schedule_expression          = var.schedule_expression
  schedule_expression_timezone = var.schedule_timezone
  state                        = "ENABLED"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_ecs_cluster.audit.arn
    role_arn = aws_iam_role.scheduler.arn

    retry_policy {
      maximum_retry_attempts = 0
    }

    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.audit.arn
      launch_type         = "FARGATE"
      task_count          = 1

      network_configuration {
        subnets          = var.subnet_ids
        security_groups  = [aws_security_group.task.id]
        assign_public_ip = var.assign_public_ip
      }
    }
  }
}
