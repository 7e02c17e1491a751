//! Amazon Resource Names, parsed and built in one place.
//!
//! Three kinds of ARN pass through the provider: load balancer listener ARNs
//! (whose path tells an NLB from an ALB, so a plan knows before any API
//! call), IAM role ARNs (the provider block's `assume_role`) and security
//! group ARNs (built when EC2 does not return one). Each layer used to split
//! them its own way; this module is the one reading of their format,
//! `arn:<partition>:<service>:<region>:<account>:<resource>`, pure so that
//! every layer can use it.

/// An ARN split into its six fields. Only the format is checked: the
/// partition is one of AWS's (`aws`, `aws-cn`, `aws-us-gov`, ...); what each
/// field must hold depends on the service, see the parsers below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    /// `aws`, `aws-cn`, `aws-us-gov`, ...
    pub partition: &'a str,
    /// `elasticloadbalancing`, `iam`, `ec2`, ...
    pub service: &'a str,
    /// Empty for global services such as IAM.
    pub region: &'a str,
    /// The account, 12 digits when well formed (see `has_account`).
    pub account: &'a str,
    /// Everything after the fifth colon, `/` and `:` included.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits `text` into its fields; `None` unless it has all six and an
    /// AWS partition.
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let parts: Vec<&str> = text.splitn(6, ':').collect();
        match parts.as_slice() {
            ["arn", partition, service, region, account, resource] if partition.starts_with("aws") => Some(Arn {
                partition,
                service,
                region,
                account,
                resource,
            }),
            _ => None,
        }
    }

    /// Whether the account field is an account id.
    pub fn has_account(&self) -> bool {
        is_account_id(self.account)
    }
}

/// An AWS account id: exactly 12 digits.
pub fn is_account_id(text: &str) -> bool {
    text.len() == 12 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The account an ARN names, when it names one.
pub fn account_of(arn: &str) -> Option<&str> {
    Arn::parse(arn).filter(Arn::has_account).map(|a| a.account)
}

/// The partition a Region belongs to, for building ARNs.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// `arn:<partition>:ec2:<region>:<account>:security-group/<id>`: a group's
/// ARN, for when EC2 does not return it.
pub fn security_group_arn(region: &str, account: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{region}:{account}:security-group/{id}",
        partition_of(region)
    )
}

/// `arn:<partition>:iam::<account>:role/<name>`: an IAM role ARN (IAM is
/// global, so the Region is empty).
pub fn is_role_arn(text: &str) -> bool {
    Arn::parse(text).is_some_and(|arn| {
        arn.service == "iam"
            && arn.region.is_empty()
            && arn.has_account()
            && arn.resource.strip_prefix("role/").is_some_and(|name| !name.is_empty())
    })
}

/// The load balancer type a listener ARN names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BalancerType {
    /// `listener/net/...`: a Network Load Balancer.
    Network,
    /// `listener/app/...`: an Application Load Balancer.
    Application,
    /// `listener/gwy/...`: a Gateway Load Balancer.
    Gateway,
}

/// A load balancer listener ARN,
/// `arn:<partition>:elasticloadbalancing:<region>:<account>:listener/<type>/<name>/<lb id>/<listener id>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ListenerArn<'a> {
    /// Which kind of load balancer the listener belongs to.
    pub balancer: BalancerType,
    /// The load balancer's name.
    pub balancer_name: &'a str,
    /// The listener's own id, the ARN's last segment.
    pub listener_id: &'a str,
}

impl<'a> ListenerArn<'a> {
    /// Parses a listener ARN; `None` for anything else. NLB and ALB listener
    /// ARNs must have every segment; a Gateway Load Balancer's is recognised
    /// from its `listener/gwy/` prefix alone, so that it can be refused for
    /// what it is (its segments may then be empty).
    pub fn parse(text: &'a str) -> Option<ListenerArn<'a>> {
        let arn = Arn::parse(text)
            .filter(|a| a.service == "elasticloadbalancing" && !a.region.is_empty() && a.has_account())?;
        let segments: Vec<&str> = arn.resource.split('/').collect();
        match segments.as_slice() {
            ["listener", kind @ ("net" | "app"), name, lb, listener]
                if [name, lb, listener].iter().all(|s| !s.is_empty()) =>
            {
                Some(ListenerArn {
                    balancer: if *kind == "net" {
                        BalancerType::Network
                    } else {
                        BalancerType::Application
                    },
                    balancer_name: name,
                    listener_id: listener,
                })
            }
            ["listener", "gwy", rest @ ..] => Some(ListenerArn {
                balancer: BalancerType::Gateway,
                balancer_name: rest.first().copied().unwrap_or(""),
                listener_id: rest.get(2).copied().unwrap_or(""),
            }),
            _ => None,
        }
    }

    /// `<load balancer name>/<listener id>`: enough to tell listeners apart
    /// in a summary line.
    pub fn short_name(&self) -> String {
        format!("{}/{}", self.balancer_name, self.listener_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::NLB_LISTENER_ARN as NLB;

    #[test]
    fn fields() {
        let arn = Arn::parse("arn:aws-cn:ec2:cn-north-1:123456789012:security-group/sg-1").unwrap();
        assert_eq!(
            (arn.partition, arn.service, arn.region, arn.account, arn.resource),
            ("aws-cn", "ec2", "cn-north-1", "123456789012", "security-group/sg-1")
        );
        assert_eq!(
            Arn::parse("arn:aws:iam::123456789012:role/a:b").unwrap().resource,
            "role/a:b"
        );
        for bad in [
            "",
            "arn:aws:ec2:eu-west-1:123456789012",
            "arn:gcp:ec2:r:123456789012:x",
            "urn:aws:a:b:c:d",
        ] {
            assert_eq!(Arn::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn accounts() {
        assert_eq!(
            account_of("arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1"),
            Some("123456789012")
        );
        assert_eq!(account_of(""), None);
        assert_eq!(account_of("arn:aws:ec2:eu-west-1::security-group/sg-1"), None);
        assert_eq!(
            account_of("arn:aws:ec2:eu-west-1:12345678901x:security-group/sg-1"),
            None
        );
    }

    #[test]
    fn group_arns_carry_the_regions_partition() {
        assert_eq!(
            security_group_arn("cn-north-1", "123456789012", "sg-1"),
            "arn:aws-cn:ec2:cn-north-1:123456789012:security-group/sg-1"
        );
        assert_eq!(
            security_group_arn("us-gov-west-1", "123456789012", "sg-1"),
            "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:security-group/sg-1"
        );
        assert_eq!(
            security_group_arn("eu-west-1", "123456789012", "sg-1"),
            "arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1"
        );
    }

    #[test]
    fn role_arns() {
        assert!(is_role_arn("arn:aws:iam::123456789012:role/deployer"));
        assert!(is_role_arn("arn:aws-us-gov:iam::123456789012:role/path/deployer"));
        for bad in [
            "",
            "arn:aws:iam::12345:role/x",
            "arn:aws:iam::123456789012:user/x",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123456789012:role/",
            "arn:aws:iam:eu-west-1:123456789012:role/x",
        ] {
            assert!(!is_role_arn(bad), "{bad}");
        }
    }

    #[test]
    fn listener_arns() {
        let nlb = ListenerArn::parse(NLB).unwrap();
        assert_eq!(nlb.balancer, BalancerType::Network);
        assert_eq!(nlb.short_name(), "c8y/f2f7dc8efc522ab2");
        let alb = NLB.replace("/net/", "/app/");
        assert_eq!(ListenerArn::parse(&alb).unwrap().balancer, BalancerType::Application);
        let gwy = NLB.replace("/net/", "/gwy/");
        assert_eq!(ListenerArn::parse(&gwy).unwrap().balancer, BalancerType::Gateway);
        assert_eq!(
            ListenerArn::parse("arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/gwy")
                .unwrap()
                .balancer,
            BalancerType::Gateway
        );
        for bad in [
            "",
            "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/net/c8y/50dc6c495c0c9188",
            "arn:aws:ec2:eu-central-1:123456789012:listener/net/c8y/1/2",
            "arn:aws:elasticloadbalancing:eu-central-1:1234:listener/net/c8y/1/2",
            "arn:aws:elasticloadbalancing::123456789012:listener/net/c8y/1/2",
            "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y//2",
            "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y/1/2/3",
            "listener/net/c8y/1/2",
        ] {
            assert_eq!(ListenerArn::parse(bad), None, "{bad}");
        }
    }
}
