//! The Cumulocity firewall document's long sessions ("the TCP session timeout should be set to
//! 14.400 seconds") against what AWS can do, per place a timeout lives.
//!
//! No AWS load balancer takes 14,400 s: an NLB TCP listener takes 60-6000 s,
//! an NLB TLS listener is fixed at 350 s, UDP flows at 120 s, an ALB takes
//! 1-4000 s (for all its listeners). Target network interfaces track
//! connections for up to 432,000 s. This module decides, without any I/O,
//! what each place really gets and what to tell the user.

use std::fmt;

use super::arn::{BalancerType, ListenerArn};

/// The firewall document's figure, the default of `session_timeout_seconds`.
pub const DOCUMENTED_SESSION_TIMEOUT: u32 = 14_400;
/// What `session_timeout_seconds` accepts: the range of a target interface's
/// `TcpEstablishedTimeout`, the widest of all.
pub const MIN_SESSION_TIMEOUT: u32 = 60;
/// The top of that range.
pub const MAX_SESSION_TIMEOUT: u32 = 432_000;

/// The most an NLB TCP listener's idle timeout takes.
pub const NLB_TCP_MAX: u32 = 6_000;
/// An NLB TCP listener's idle timeout when nobody sets one.
pub const NLB_TCP_DEFAULT: u32 = 350;
/// An NLB TLS listener's idle timeout, which cannot be changed.
pub const NLB_TLS_FIXED: u32 = 350;
/// How long an NLB keeps an idle UDP flow, which cannot be changed.
pub const NLB_UDP_FIXED: u32 = 120;
/// The most an ALB's idle timeout takes.
pub const ALB_MAX: u32 = 4_000;
/// An ALB's idle timeout when nobody sets one.
pub const ALB_DEFAULT: u32 = 60;
/// AWS's default connection tracking for a target interface (Nitro v6
/// instances use 350 s).
pub const ENI_DEFAULT: u32 = 432_000;

/// What kind of listener an ARN or DescribeListeners names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListenerKind {
    /// An NLB TCP listener: its own idle timeout, 60-6000 s.
    NlbTcp,
    /// An NLB TLS listener: fixed at 350 s.
    NlbTls,
    /// An NLB UDP listener: flows fixed at 120 s.
    NlbUdp,
    /// An NLB TCP_UDP listener: fixed (350 s TCP, 120 s UDP).
    NlbTcpUdp,
    /// An ALB listener: the timeout is the load balancer's, shared by all
    /// its listeners.
    Alb,
    /// An NLB listener whose protocol is not known yet (from its ARN alone).
    Nlb,
}

impl ListenerKind {
    /// From a load balancer type and listener protocol, as AWS reports them.
    pub fn from_aws(load_balancer_type: &str, protocol: &str) -> Option<ListenerKind> {
        match (load_balancer_type, protocol) {
            ("application", _) => Some(ListenerKind::Alb),
            ("network", "TCP") => Some(ListenerKind::NlbTcp),
            ("network", "TLS") => Some(ListenerKind::NlbTls),
            ("network", "UDP") => Some(ListenerKind::NlbUdp),
            ("network", "TCP_UDP") => Some(ListenerKind::NlbTcpUdp),
            _ => None,
        }
    }
}

/// A listener as AWS describes it: what the idle-timeout decisions need to
/// know of it, learned from DescribeListeners and DescribeLoadBalancers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    /// The listener's ARN, as the configuration lists it.
    pub arn: String,
    /// Its load balancer's ARN: an ALB's timeout lives there, shared by all
    /// its listeners.
    pub load_balancer_arn: String,
    /// `None` for kinds without an idle timeout (a Gateway LB's, say).
    pub kind: Option<ListenerKind>,
}

/// What a listener ARN says: `...:listener/net/...` is an NLB listener,
/// `...:listener/app/...` an ALB listener.
pub fn kind_from_arn(arn: &str) -> Result<ListenerKind, String> {
    match ListenerArn::parse(arn).map(|l| l.balancer) {
        Some(BalancerType::Network) => Ok(ListenerKind::Nlb),
        Some(BalancerType::Application) => Ok(ListenerKind::Alb),
        Some(BalancerType::Gateway) => Err(format!(
            "\"{arn}\" is a Gateway Load Balancer listener, which has no idle timeout to set; only Network and \
             Application Load Balancer listeners do."
        )),
        None => Err(format!(
            "\"{arn}\" is not a load balancer listener ARN; they look like \
             \"arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y/50dc6c495c0c9188/f2f7dc8efc522ab2\"."
        )),
    }
}

/// What one listener gets for a requested session timeout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenerTimeout {
    /// The listener's kind.
    pub kind: ListenerKind,
    /// The timeout the listener will have, when known.
    pub seconds: Option<u32>,
    /// Whether the provider sets it (false: AWS fixes it).
    pub settable: bool,
    /// Why it differs from the request; `None` when it does not.
    pub reason: Option<String>,
}

impl ListenerTimeout {
    #[cfg(test)]
    fn is_reduced(&self) -> bool {
        self.reason.is_some()
    }
}

/// What a listener of `kind` gets when `requested` seconds are asked for:
/// as much as AWS allows there, and why it is less.
pub fn listener_timeout(kind: ListenerKind, requested: u32) -> ListenerTimeout {
    let (seconds, settable, reason) = match kind {
        ListenerKind::NlbTcp if requested > NLB_TCP_MAX => (
            Some(NLB_TCP_MAX),
            true,
            Some(format!("an NLB TCP listener's idle timeout is at most {NLB_TCP_MAX} s")),
        ),
        ListenerKind::NlbTcp => (Some(requested), true, None),
        ListenerKind::NlbTls => (
            Some(NLB_TLS_FIXED),
            false,
            (requested != NLB_TLS_FIXED).then(|| {
                format!(
                    "an NLB TLS listener's idle timeout is fixed at {NLB_TLS_FIXED} s; for long MQTT/TLS sessions \
                     on 8883, use a TCP listener that passes TLS through to the targets (up to {NLB_TCP_MAX} s)"
                )
            }),
        ),
        ListenerKind::NlbUdp => (
            Some(NLB_UDP_FIXED),
            false,
            (requested != NLB_UDP_FIXED)
                .then(|| format!("UDP flows through an NLB time out after a fixed {NLB_UDP_FIXED} s")),
        ),
        ListenerKind::NlbTcpUdp => (
            Some(NLB_TCP_DEFAULT),
            false,
            (requested != NLB_TCP_DEFAULT).then(|| {
                format!(
                    "a TCP_UDP listener's timeouts cannot be changed ({NLB_TCP_DEFAULT} s for TCP, {NLB_UDP_FIXED} s \
                     for UDP); use separate TCP and UDP listeners to set the TCP timeout"
                )
            }),
        ),
        ListenerKind::Alb if requested > ALB_MAX => (
            Some(ALB_MAX),
            true,
            Some(format!(
                "an ALB's idle timeout is at most {ALB_MAX} s, and it applies to every listener of that load balancer"
            )),
        ),
        ListenerKind::Alb => (Some(requested), true, None),
        // The protocol decides; until it is known, so is the outcome.
        ListenerKind::Nlb => (None, true, None),
    };
    ListenerTimeout {
        kind,
        seconds,
        settable,
        reason,
    }
}

/// What to tell the user about one listener whose timeout falls short of
/// the request: the sentence of a warning (policy `clamp`) or error
/// (policy `strict`).
pub fn shortfall_message(arn: &str, requested: u32, outcome: &ListenerTimeout) -> Option<String> {
    let reason = outcome.reason.as_ref()?;
    let effective = outcome.seconds?;
    Some(format!(
        "Listener {arn} gets an idle timeout of {effective} s, not the {requested} s requested: {reason}. Idle \
         connections through it are closed after {effective} s, so clients must send TCP or MQTT keepalives more \
         often than every {effective} s (for MQTT, a keep-alive interval below {effective} s) to keep longer sessions."
    ))
}

/// The policy for requests a load balancer cannot meet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Policy {
    /// Set the most AWS allows and warn.
    Clamp,
    /// Fail at plan time.
    Strict,
}

impl Policy {
    /// `clamp` or `strict`, as `session_timeout_policy` takes them.
    pub fn parse(text: &str) -> Option<Policy> {
        match text {
            "clamp" => Some(Policy::Clamp),
            "strict" => Some(Policy::Strict),
            _ => None,
        }
    }
}

impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Policy::Clamp => "clamp",
            Policy::Strict => "strict",
        })
    }
}

/// AWS drops connection state silently when an NLB keeps a connection open
/// longer than its targets track it. With no target interfaces managed here,
/// a listener above the targets' possible default (350 s on Nitro v6) needs
/// the user to check them.
pub fn untracked_targets_message(arn: &str, effective: u32) -> Option<String> {
    (effective > NLB_TCP_DEFAULT).then(|| {
        format!(
            "Listener {arn} keeps idle connections for {effective} s, but no target_network_interface_ids are \
             managed by this firewall. AWS drops a connection silently when the targets' connection tracking \
             (TcpEstablishedTimeout; 350 s by default on Nitro v6 instances) is shorter: list the targets' network \
             interfaces in target_network_interface_ids, or make sure their timeout is at least {effective} s."
        )
    })
}

/// `session_timeout_seconds` as a whole number of seconds in range, or a
/// sentence saying what it takes.
pub fn check_session_timeout(value: f64) -> Result<u32, String> {
    super::parse::whole_number_in(value, MIN_SESSION_TIMEOUT as i32, MAX_SESSION_TIMEOUT as i32)
        .map(|n| n as u32)
        .map_err(|e| {
            format!(
                "{e} session_timeout_seconds is the TCP session timeout to aim for: from {MIN_SESSION_TIMEOUT} s to \
                 {MAX_SESSION_TIMEOUT} s (what a target interface's connection tracking takes); the Cumulocity firewall document asks \
                 for {DOCUMENTED_SESSION_TIMEOUT} s."
            )
        })
}

/// Network interface ids are `eni-` and 8 or 17 lowercase hex digits.
pub fn parse_network_interface_id(text: &str) -> Result<String, String> {
    super::parse::parse_ec2_id(text, "eni", "network interface")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{ALB_LISTENER_ARN as ALB, NLB_LISTENER_ARN as NLB};

    #[test]
    fn arns_tell_nlb_from_alb() {
        assert_eq!(kind_from_arn(NLB), Ok(ListenerKind::Nlb));
        assert_eq!(kind_from_arn(ALB), Ok(ListenerKind::Alb));
        assert!(kind_from_arn(&NLB.replace("/net/", "/gwy/"))
            .unwrap_err()
            .contains("Gateway"));
        for bad in [
            "",
            "arn:aws:elasticloadbalancing:eu-central-1:123456789012:loadbalancer/net/c8y/50dc6c495c0c9188",
            "arn:aws:ec2:eu-central-1:123456789012:listener/net/c8y/1/2",
            "arn:aws:elasticloadbalancing:eu-central-1:1234:listener/net/c8y/1/2",
            "arn:aws:elasticloadbalancing:eu-central-1:123456789012:listener/net/c8y//2",
            "listener/net/c8y/1/2",
        ] {
            assert!(
                kind_from_arn(bad)
                    .unwrap_err()
                    .contains("not a load balancer listener ARN"),
                "{bad}"
            );
        }
    }

    #[test]
    fn kinds_from_aws_types_and_protocols() {
        assert_eq!(ListenerKind::from_aws("network", "TCP"), Some(ListenerKind::NlbTcp));
        assert_eq!(ListenerKind::from_aws("network", "TLS"), Some(ListenerKind::NlbTls));
        assert_eq!(ListenerKind::from_aws("network", "UDP"), Some(ListenerKind::NlbUdp));
        assert_eq!(
            ListenerKind::from_aws("network", "TCP_UDP"),
            Some(ListenerKind::NlbTcpUdp)
        );
        assert_eq!(ListenerKind::from_aws("application", "HTTPS"), Some(ListenerKind::Alb));
        assert_eq!(ListenerKind::from_aws("gateway", "GENEVE"), None);
    }

    /// The boundaries of every range, as the issue lists them.
    #[test]
    fn boundaries() {
        let tcp = |r| listener_timeout(ListenerKind::NlbTcp, r);
        assert_eq!((tcp(60).seconds, tcp(60).is_reduced()), (Some(60), false));
        assert_eq!((tcp(350).seconds, tcp(350).is_reduced()), (Some(350), false));
        assert_eq!((tcp(4000).seconds, tcp(4000).is_reduced()), (Some(4000), false));
        assert_eq!((tcp(6000).seconds, tcp(6000).is_reduced()), (Some(6000), false));
        assert_eq!((tcp(6001).seconds, tcp(6001).is_reduced()), (Some(6000), true));
        assert_eq!((tcp(14400).seconds, tcp(14400).is_reduced()), (Some(6000), true));
        assert_eq!((tcp(432000).seconds, tcp(432000).is_reduced()), (Some(6000), true));

        let alb = |r| listener_timeout(ListenerKind::Alb, r);
        assert_eq!((alb(60).seconds, alb(60).is_reduced()), (Some(60), false));
        assert_eq!((alb(4000).seconds, alb(4000).is_reduced()), (Some(4000), false));
        assert_eq!((alb(4001).seconds, alb(4001).is_reduced()), (Some(4000), true));
        assert_eq!((alb(6000).seconds, alb(6000).is_reduced()), (Some(4000), true));
        assert_eq!(alb(14400).seconds, Some(4000));
        assert!(alb(14400).reason.unwrap().contains("every listener"));

        let tls = |r| listener_timeout(ListenerKind::NlbTls, r);
        assert_eq!(
            (tls(350).seconds, tls(350).is_reduced(), tls(350).settable),
            (Some(350), false, false)
        );
        assert_eq!((tls(14400).seconds, tls(14400).is_reduced()), (Some(350), true));
        assert_eq!((tls(60).seconds, tls(60).is_reduced()), (Some(350), true));
        assert!(tls(14400)
            .reason
            .unwrap()
            .contains("TCP listener that passes TLS through"));

        assert_eq!(listener_timeout(ListenerKind::NlbUdp, 14400).seconds, Some(120));
        assert!(!listener_timeout(ListenerKind::NlbTcpUdp, 14400).settable);
        assert_eq!(listener_timeout(ListenerKind::Nlb, 14400).seconds, None);
    }

    #[test]
    fn session_timeout_range() {
        assert!(check_session_timeout(59.0).is_err());
        assert_eq!(check_session_timeout(60.0), Ok(60));
        assert_eq!(check_session_timeout(14400.0), Ok(14400));
        assert_eq!(check_session_timeout(432000.0), Ok(432000));
        assert!(check_session_timeout(432001.0).unwrap_err().contains("432000"));
        assert!(check_session_timeout(600.5).is_err());
    }

    #[test]
    fn messages_name_listener_values_and_remedy() {
        let outcome = listener_timeout(ListenerKind::NlbTcp, 14400);
        let text = shortfall_message(NLB, 14400, &outcome).unwrap();
        for part in [NLB, "6000 s", "14400 s", "keepalive"] {
            assert!(text.contains(part), "{part}: {text}");
        }
        assert_eq!(
            shortfall_message(NLB, 600, &listener_timeout(ListenerKind::NlbTcp, 600)),
            None
        );
        assert!(untracked_targets_message(NLB, 6000).unwrap().contains("6000 s"));
        assert_eq!(untracked_targets_message(NLB, 350), None);
    }

    #[test]
    fn interface_ids() {
        assert!(parse_network_interface_id("eni-0123456789abcdef0").is_ok());
        assert!(parse_network_interface_id("eni-12345678").is_ok());
        assert!(parse_network_interface_id("eni-XYZ").is_err());
        assert!(parse_network_interface_id("sg-12345678").is_err());
    }

    #[test]
    fn policies() {
        assert_eq!(Policy::parse("clamp"), Some(Policy::Clamp));
        assert_eq!(Policy::parse("strict"), Some(Policy::Strict));
        assert_eq!(Policy::parse("Strict"), None);
    }
}
