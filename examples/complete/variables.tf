variable "region" {
  description = "The AWS Region of the installation."
  type        = string
  default     = "eu-central-1"
}

variable "endpoint" {
  description = "One URL for the EC2 and Elastic Load Balancing APIs, for an AWS emulator; null for AWS itself."
  type        = string
  default     = null
}

variable "vpc_id" {
  description = "The VPC of the installation, e.g. aws_vpc.main.id."
  type        = string
}

variable "vpc_cidr_block" {
  description = "The VPC's IPv4 block: the server side agents accept connections from inside it only."
  type        = string
  default     = "10.0.0.0/16"
}

variable "management_cidr_block" {
  description = "Where administrators connect from with SSH: a management network or a bastion host."
  type        = string
  default     = "10.0.100.0/24"
}

variable "listener_arns" {
  description = "The external NLB's listeners (TCP 80, 443 and 1883, MQTT/TLS 8883), e.g. [for l in aws_lb_listener.external : l.arn]."
  type        = list(string)
}

variable "target_network_interface_ids" {
  description = "The network interfaces of the NLB's targets (the core nodes), whose connection tracking must outlast the NLB's idle timeout."
  type        = list(string)
  default     = []
}
