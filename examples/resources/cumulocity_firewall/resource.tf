# The group of the external load balancer's targets: the Cumulocity firewall document's incoming
# traffic, from anywhere over IPv4 and IPv6.
resource "cumulocity_firewall" "edge" {
  name                     = "c8y-edge"
  vpc_id                   = "vpc-0123456789abcdef0"
  rule_sets                = ["external"]
  ingress_ipv6_cidr_blocks = ["::/0"]

  # The firewall document's 14,400 s: the NLB's TCP listeners get 6000 s (AWS's maximum),
  # its TLS listener keeps 350 s; the plan says so, per listener. The
  # targets' interfaces get all 14,400 s of connection tracking.
  session_timeout_seconds = 14400
  load_balancer_listener_arns = [
    "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y/50dc6c495c0c9188/0467ef3c8400ae65",
    "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y/50dc6c495c0c9188/f2f7dc8efc522ab2",
  ]
  target_network_interface_ids = ["eni-0123456789abcdef0", "eni-0fedcba9876543210"]

  tags = {
    role = "edge"
  }
}

# Core nodes: any-to-any with the other nodes, outbound HTTP(S) and SMTP, DNS
# and NTP to outside servers, SSH from the management network only.
resource "cumulocity_firewall" "node" {
  name_prefix             = "c8y-node-"
  vpc_id                  = "vpc-0123456789abcdef0"
  rule_sets               = ["internal", "outbound", "dns", "ntp", "ssh"]
  ssh_cidr_blocks         = ["10.0.100.0/24"]
  node_security_group_ids = [cumulocity_firewall.edge.id]

  # An integration that needs one more port.
  extra_rule {
    direction   = "egress"
    protocol    = "tcp"
    from_port   = 587
    to_port     = 587
    cidr_blocks = ["192.0.2.25/32"]
    description = "SMTP submission to the mail relay"
  }

  timeouts {
    delete = "20m"
  }

  lifecycle {
    create_before_destroy = true
  }
}

# The standby installation's edge, in another Region, from the same provider
# block: `region` defaults to the provider's; changing it replaces the group.
resource "cumulocity_firewall" "edge_standby" {
  name      = "c8y-edge"
  region    = "eu-west-1"
  vpc_id    = "vpc-0fedcba9876543210"
  rule_sets = ["external"]
}
