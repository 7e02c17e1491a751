# Terraform 1.12 and later: the identity names the group by its id; region
# and account_id are optional and, when given, must be the provider's.
import {
  to = cumulocity_firewall.node
  identity = {
    id = "sg-0fedcba9876543210"
  }
}
