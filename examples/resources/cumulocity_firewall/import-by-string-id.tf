# With no resource block for it yet, `terraform plan
# -generate-config-out=generated.tf` writes one for you.
import {
  to = cumulocity_firewall.edge
  id = "sg-0123456789abcdef0"
}

# In another Region than the provider's: the id, "@", the Region (the
# generated configuration then sets `region`).
import {
  to = cumulocity_firewall.edge_standby
  id = "sg-0fedcba9876543210@eu-west-1"
}
