# The edge: users and devices on the internet reach the core nodes through
# the external NLB, which passes their addresses through. The NLB's TCP
# listeners get 6000 s of the document's 14,400 s session timeout (AWS's
# maximum), its TLS listener keeps a fixed 350 s: the plan warns, per
# listener. The targets' interfaces track connections for all 14,400 s.
resource "cumulocity_firewall" "edge" {
  name                         = "c8y-edge"
  vpc_id                       = var.vpc_id
  rule_sets                    = ["external"]
  ingress_ipv6_cidr_blocks     = ["::/0"]
  load_balancer_listener_arns  = var.listener_arns
  target_network_interface_ids = var.target_network_interface_ids
}

# Every Cumulocity node: any-to-any with the other nodes and the agents,
# HTTP(S) and SMTP to the internet, DNS and NTP to outside servers, SSH from
# the management network only.
resource "cumulocity_firewall" "node" {
  name                    = "c8y-node"
  vpc_id                  = var.vpc_id
  rule_sets               = ["internal", "outbound", "dns", "ntp", "ssh"]
  ssh_cidr_blocks         = [var.management_cidr_block]
  node_security_group_ids = [cumulocity_firewall.agents.id]
}

# The server side agents (OPC UA, Smartrule-Apama), reachable from inside
# the VPC only.
resource "cumulocity_firewall" "agents" {
  name                = "c8y-agents"
  vpc_id              = var.vpc_id
  rule_sets           = ["opcua", "smartrule-apama"]
  ingress_cidr_blocks = [var.vpc_cidr_block]
}
