variable "name" {
  description = "Prefix for every resource name."
  type        = string
  default     = "ordinance-audit"
}

variable "schedule_expression" {
  description = "EventBridge Scheduler expression."
  type        = string
  default     = "cron(0 3 * * ? *)"
}

variable "schedule_timezone" {
  type    = string
  default = "UTC"
}

variable "image_uri" {
  description = "ordinance container image (the repository's Dockerfile), pushed to ECR."
  type        = string
}

variable "audit_role_name" {
  description = "Role assumed in each member account (terraform/member-audit-role)."
  type        = string
  default     = "OrdinanceAudit"
}

variable "external_id" {
  description = "ExternalId the member role requires."
  type        = string
  sensitive   = true
}

variable "audit_regions" {
  description = "Regions to audit."
  type        = list(string)
  default     = ["us-east-1"]
}

variable "organization_id" {
  description = "The organization's id (o-...); the task role may assume roles only in its accounts."
  type        = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  description = "Private subnets with a route to the AWS APIs (NAT gateway or proxy)."
  type        = list(string)
}

variable "assign_public_ip" {
  type    = bool
  default = false
}

variable "log_retention_days" {
  type    = number
  default = 365
}

variable "security_hub_import" {
  description = "Import findings into this account's Security Hub (BatchImportFindings; Security Hub must be enabled here)."
  type        = bool
  default     = true
}

variable "config_aggregator_name" {
  description = "Optional AWS Config aggregator in this account and region to read instead of assuming the member audit role in every account (for example Control Tower's aws-controltower-GuardrailsComplianceAggregator). Accounts and regions it does not cover, or whose source is failing, are reported not assessed. Empty: crawl every account."
  type        = string
  default     = ""

  validation {
    condition     = can(regex("^([\\w-]{1,256})?$", var.config_aggregator_name))
    error_message = "config_aggregator_name is an aggregator name: letters, digits, _ and -."
  }
}

variable "notification_topic_arn" {
  description = "Optional SNS topic that receives the summary counts and the report location after each run, and an alert when the task fails (exit 2 or 3, a crash, or a failure to start). Its topic policy must allow events.amazonaws.com to publish."
  type        = string
  default     = ""
}

variable "report_bucket_name" {
  description = "An existing report bucket in this region (versioned, SSE-KMS, public access blocked: it is audited too; its key policy must let IAM grant use of the key). Empty: the module creates one."
  type        = string
  default     = ""
}

variable "report_prefix" {
  description = "Key prefix for reports, latest/ and owners/: empty, or ending in a slash (e.g. \"ordinance/\")."
  type        = string
  default     = ""
  validation {
    condition     = can(regex("^([A-Za-z0-9!_.*()-]+/)*$", var.report_prefix))
    error_message = "report_prefix is empty or ends in a slash, e.g. \"ordinance/\"."
  }
}
