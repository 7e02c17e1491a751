output "security_group_ids" {
  description = "The three groups, to attach to the nodes' network interfaces (or launch templates)."
  value = {
    edge   = cumulocity_firewall.edge.id
    node   = cumulocity_firewall.node.id
    agents = cumulocity_firewall.agents.id
  }
}

output "listener_timeouts" {
  description = "By listener ARN: the idle timeout it really has, and why when that is less than 14,400 s."
  value       = cumulocity_firewall.edge.listener_timeouts
}

output "rule_counts" {
  description = "How many rules each group holds (AWS allows 60 per direction and IP family by default)."
  value = {
    edge   = length(cumulocity_firewall.edge.rules)
    node   = length(cumulocity_firewall.node.rules)
    agents = length(cumulocity_firewall.agents.rules)
  }
}
