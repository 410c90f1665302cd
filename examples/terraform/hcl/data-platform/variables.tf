variable "region" {
  type        = string
  description = "Home region of the platform."
  default     = "eu-west-1"
}

variable "regions" {
  type        = list(string)
  description = "Lake regions: one raw bucket per entry."
  default     = ["eu", "us"]
}
