# terraform query (Terraform 1.14 and later) lists the VPC's security groups,
# each as a cumulocity_firewall with the rule sets inferred from its rules;
# `terraform query -generate-config-out=generated.tf` writes a resource and an
# import block for each.
list "cumulocity_firewall" "edge" {
  provider = cumulocity

  config {
    vpc_id = "vpc-0123456789abcdef0"

    filter {
      name   = "group-name"
      values = ["c8y-*"]
    }
  }
}

# Groups by id, anywhere in the provider's Region, with at most 10 results.
list "cumulocity_firewall" "picked" {
  provider = cumulocity
  limit    = 10

  config {
    group_ids = ["sg-0123456789abcdef0", "sg-0fedcba9876543210"]
  }
}
