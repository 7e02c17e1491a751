# With no resource block for it yet, `terraform plan
# -generate-config-out=generated.tf` writes one for you.
import {
  to = cumulocity_firewall.edge
  id = "sg-0123456789abcdef0"
}
