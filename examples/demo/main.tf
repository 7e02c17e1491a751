# The demo that `make demo` applies: the three roles of a Cumulocity
# installation, expanded from the documented rule sets. No AWS call is made.
terraform {
  required_providers {
    cumulocity = {
      source = "c8y-community/cumulocity"
    }
  }
}

provider "cumulocity" {}

# The external load balancer's group: users and devices on the internet.
data "cumulocity_firewall_rules" "edge" {
  rule_sets                = ["external"]
  ingress_ipv6_cidr_blocks = ["::/0"]
}

# Core nodes: any-to-any between nodes, the internet for HTTP(S) and e-mail,
# SSH from the management network only.
data "cumulocity_firewall_rules" "node" {
  rule_sets       = ["internal", "outbound", "ssh"]
  ssh_cidr_blocks = ["10.0.100.0/24"]
}

# The server-side agents.
data "cumulocity_firewall_rules" "agents" {
  rule_sets           = ["opcua", "smartrule-apama"]
  ingress_cidr_blocks = ["10.0.0.0/16"]
}

output "firewalls" {
  value = {
    edge   = data.cumulocity_firewall_rules.edge.rules
    node   = data.cumulocity_firewall_rules.node.rules
    agents = data.cumulocity_firewall_rules.agents.rules
  }
}
