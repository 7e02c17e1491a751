# A complete Cumulocity installation's firewalls: the edge behind the
# external NLB, the nodes, and the server side agents, with the NLB's
# session timeouts. The VPC, the NLB and its listeners come in as variables
# (from hashicorp/aws resources, a remote state or a module's outputs).
#
# CI applies this configuration against an AWS emulator (tests/acceptance/examples.rs).
terraform {
  required_version = ">= 1.5.0"

  required_providers {
    cumulocity = {
      source  = "c8y-community/cumulocity"
      version = ">= 0.1.0"
    }
  }
}

# Credentials from the environment or the shared files, as for the AWS
# provider; nothing secret in the configuration.
provider "cumulocity" {
  region = var.region

  # Only for an AWS emulator or VPC endpoints.
  dynamic "endpoints" {
    for_each = var.endpoint == null ? [] : [var.endpoint]
    content {
      ec2   = endpoints.value
      elbv2 = endpoints.value
    }
  }

  default_tags {
    tags = {
      application = "cumulocity"
      managed-by  = "terraform"
    }
  }
}
