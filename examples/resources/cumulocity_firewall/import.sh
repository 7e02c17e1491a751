# The id is the security group's id. The provider recognises the documented
# rule sets the group fully holds; every other rule becomes an extra_rule.
terraform import cumulocity_firewall.edge sg-0123456789abcdef0
