# The id is the security group's id. The provider recognises the documented
# rule sets the group fully holds; every other rule becomes an extra_rule.
terraform import cumulocity_firewall.edge sg-0123456789abcdef0

# A group in another Region than the provider's: its id, "@", the Region.
terraform import cumulocity_firewall.edge_standby sg-0fedcba9876543210@eu-west-1
