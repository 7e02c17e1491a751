# Audit security groups that Terraform does not own against the documented
# Cumulocity firewall rule sets, on every `terraform plan` in CI. The audit
# only reads the groups (two AWS calls each) and never changes them.

variable "production_edge_group_id" {
  type        = string
  description = "The hand-made security group in front of the production load balancer."
}

variable "staging_edge_group_id" {
  type        = string
  description = "The hand-made security group in front of the staging load balancer."
}

# Production must comply: a postcondition fails the plan (and the CI job)
# as soon as the group deviates from the profile or holds an over-permissive
# rule.
data "cumulocity_firewall_audit" "production_edge" {
  security_group_id = var.production_edge_group_id

  rule_sets       = ["external", "outbound", "dns", "ntp", "ssh"]
  ssh_cidr_blocks = ["10.20.0.0/24"]

  lifecycle {
    postcondition {
      condition = self.compliant
      error_message = join("\n", concat(
        ["Security group ${self.security_group_id} does not follow the Cumulocity firewall profile."],
        [for r in self.missing_rules : "missing: ${r.direction} ${r.protocol} ${r.from_port}-${r.to_port} ${coalesce(r.cidr_ipv4, r.cidr_ipv6, r.prefix_list_id, r.referenced_security_group_id, "self")}"],
        [for r in self.unexpected_rules : "unexpected: ${r.direction} ${r.protocol} ${r.from_port}-${r.to_port} ${coalesce(r.cidr_ipv4, r.cidr_ipv6, r.prefix_list_id, r.referenced_security_group_id, "self")}"],
        [for f in self.findings : "${f.severity}: ${f.rule}: ${f.message}"],
      ))
    }
  }
}

# Staging only warns: a check block reports a failed assertion (and any
# error of its scoped data source, such as a group that does not exist) as
# a warning, and the plan goes on.
check "staging_edge_firewall" {
  data "cumulocity_firewall_audit" "staging_edge" {
    security_group_id = var.staging_edge_group_id

    rule_sets       = ["external", "outbound", "dns", "ntp", "ssh"]
    ssh_cidr_blocks = ["10.20.0.0/24"]
  }

  assert {
    condition = data.cumulocity_firewall_audit.staging_edge.compliant
    error_message = format(
      "Security group %s does not follow the Cumulocity firewall profile (missing rules: %d, unexpected rules: %d). %s",
      data.cumulocity_firewall_audit.staging_edge.security_group_id,
      length(data.cumulocity_firewall_audit.staging_edge.missing_rules),
      length(data.cumulocity_firewall_audit.staging_edge.unexpected_rules),
      join(" ", [for f in data.cumulocity_firewall_audit.staging_edge.findings : "${f.severity}: ${f.message}"]),
    )
  }
}

output "production_edge_findings" {
  value = data.cumulocity_firewall_audit.production_edge.findings
}
