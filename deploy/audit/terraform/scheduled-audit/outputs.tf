output "task_role_arn" {
  description = "Trusted by the member role (member-audit-role, audit_task_role_arn)."
  value       = aws_iam_role.task.arn
}

output "report_bucket" {
  description = "Reports land at s3://<bucket>/reports/<UTC timestamp>/report.{json,md,html}."
  value       = local.report_bucket
}

output "cluster_arn" {
  value = aws_ecs_cluster.audit.arn
}

output "task_definition_arn" {
  value = aws_ecs_task_definition.audit.arn
}

output "schedule_name" {
  value = aws_scheduler_schedule.audit.name
}

output "log_group_name" {
  value = aws_cloudwatch_log_group.audit.name
}
