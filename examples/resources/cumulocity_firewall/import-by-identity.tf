# Terraform 1.12 and later: the identity names the group by its id, and by
# its region when that is not the provider's; account_id, when given, must be
# the account of the provider's credentials.
import {
  to = cumulocity_firewall.node
  identity = {
    id = "sg-0fedcba9876543210"
  }
}
