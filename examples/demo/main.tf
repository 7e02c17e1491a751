# The demo that `make demo` applies against the AWS emulator: the three roles
# of a Cumulocity installation, each a security group holding exactly the
# documented rule sets it needs.
terraform {
  required_providers {
    cumulocity = {
      source = "c8y-community/cumulocity"
    }
  }
}

variable "endpoint" {
  description = "The AWS emulator's URL."
  type        = string
}

variable "vpc_id" {
  description = "The VPC the groups go into."
  type        = string
}

variable "listener_arns" {
  description = "The NLB's listeners: TCP 443 and 1883, TLS 8883."
  type        = list(string)
}

provider "cumulocity" {
  region     = "eu-central-1"
  access_key = "AKIAIOSFODNN7EXAMPLE"
  secret_key = "demo-secret-for-the-emulator"
  endpoints {
    ec2   = var.endpoint
    elbv2 = var.endpoint
  }
  default_tags {
    tags = { demo = "cumulocity-firewall" }
  }
}

# The external load balancer's group: users and devices on the internet.
# Its listeners get as much of the Cumulocity firewall document's 14,400 s session timeout as AWS
# allows: the plan warns, per listener, what each really gets.
resource "cumulocity_firewall" "edge" {
  name                        = "c8y-edge"
  vpc_id                      = var.vpc_id
  rule_sets                   = ["external"]
  ingress_ipv6_cidr_blocks    = ["::/0"]
  load_balancer_listener_arns = var.listener_arns
}

# Core nodes: any-to-any between nodes, the internet for HTTP(S) and e-mail,
# SSH from the management network only.
resource "cumulocity_firewall" "node" {
  name            = "c8y-node"
  vpc_id          = var.vpc_id
  rule_sets       = ["internal", "outbound", "ssh"]
  ssh_cidr_blocks = ["10.0.100.0/24"]
}

# The server-side agents, reachable from inside the VPC.
resource "cumulocity_firewall" "agents" {
  name                = "c8y-agents"
  vpc_id              = var.vpc_id
  rule_sets           = ["opcua", "smartrule-apama"]
  ingress_cidr_blocks = ["10.0.0.0/16"]
}

output "firewalls" {
  value = {
    edge   = cumulocity_firewall.edge.rules
    node   = cumulocity_firewall.node.rules
    agents = cumulocity_firewall.agents.rules
  }
}

output "listener_timeouts" {
  value = cumulocity_firewall.edge.listener_timeouts
}

output "group_ids" {
  value = {
    edge   = cumulocity_firewall.edge.id
    node   = cumulocity_firewall.node.id
    agents = cumulocity_firewall.agents.id
  }
}
