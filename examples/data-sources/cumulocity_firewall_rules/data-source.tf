# The rules a Cumulocity core node needs, without touching AWS: review them,
# or feed them to other tools.
data "cumulocity_firewall_rules" "core_node" {
  rule_sets = ["internal", "outbound", "dns", "ntp", "ssh"]

  ssh_cidr_blocks         = ["10.20.0.0/24"]
  node_security_group_ids = ["sg-0123456789abcdef0"]

  # An integration that needs one more port: SMTP submission to a mail relay.
  extra_rule {
    direction   = "egress"
    protocol    = "tcp"
    from_port   = 587
    to_port     = 587
    cidr_blocks = ["192.0.2.25/32"]
    description = "SMTP submission to the mail relay"
  }
}

output "core_node_rules" {
  value = data.cumulocity_firewall_rules.core_node.rules
}
