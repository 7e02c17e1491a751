# Bring a security group made by hand under Terraform. The provider reads its
# rules and recognises the documented rule sets it fully holds; every other
# rule becomes an extra_rule. With an import block, let Terraform write the
# configuration:
#
#   import {
#     to = cumulocity_firewall.edge
#     id = "sg-0123456789abcdef0"
#   }
#
#   terraform plan -generate-config-out=generated.tf
#
# Listener and interface timeouts are not part of the group: after import
# they are whatever the configuration says (none, unless you add
# load_balancer_listener_arns or target_network_interface_ids).
terraform import cumulocity_firewall.edge sg-0123456789abcdef0
