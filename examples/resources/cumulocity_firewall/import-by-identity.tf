# Terraform 1.12 and later: the identity names the group by its id; region
# (the provider's when absent) and account_id (when given, the credentials'
# account) are optional.
import {
  to = cumulocity_firewall.node
  identity = {
    id = "sg-0fedcba9876543210"
  }
}
