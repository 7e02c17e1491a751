terraform {
  required_providers {
    cumulocity = {
      source = "c8y-community/cumulocity"
    }
  }
}

# Credentials and Region follow the AWS provider's rules: environment
# variables, shared config and credentials files (profile), SSO, and
# container or instance metadata.
provider "cumulocity" {
  region = "eu-central-1"

  # Your account's "Inbound or outbound rules per security group" quota
  # (L-0EA8095F), if it was raised above AWS's default of 60.
  max_rules_per_direction = 60

  default_tags {
    tags = {
      managed-by = "terraform"
    }
  }
}
