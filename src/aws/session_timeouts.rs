//! Where session timeouts live in AWS: NLB listener attributes
//! (`tcp.idle_timeout.seconds`), ALB load balancer attributes
//! (`idle_timeout.timeout_seconds`) and target network interfaces'
//! connection tracking (`TcpEstablishedTimeout`).

use std::collections::BTreeMap;

use aws_sdk_ec2::types::ConnectionTrackingSpecificationRequest;
use aws_sdk_elasticloadbalancingv2::types::{ListenerAttribute, LoadBalancerAttribute};
use tokio::time::Instant;

use super::clients::Clients;
use super::error::{AwsError, ErrorKind};
use super::security_groups::within;
use crate::rules::session::{ListenerKind, ALB_DEFAULT, NLB_TCP_DEFAULT};

const NLB_ATTRIBUTE: &str = "tcp.idle_timeout.seconds";
const ALB_ATTRIBUTE: &str = "idle_timeout.timeout_seconds";

/// A listener as AWS describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Listener {
    pub arn: String,
    pub load_balancer_arn: String,
    /// `None` for kinds without an idle timeout (a Gateway LB's, say).
    pub kind: Option<ListenerKind>,
}

pub struct SessionTimeouts<'c> {
    clients: &'c Clients,
}

impl<'c> SessionTimeouts<'c> {
    pub fn new(clients: &'c Clients) -> Self {
        SessionTimeouts { clients }
    }

    /// What the listeners are: one DescribeListeners and one
    /// DescribeLoadBalancers for up to 20 listeners each (AWS's page size).
    pub async fn describe_listeners(&self, arns: &[String], deadline: Instant) -> Result<Vec<Listener>, AwsError> {
        let elbv2 = &self.clients.elbv2;
        let mut found: Vec<(String, String, String)> = Vec::new();
        for chunk in arns.chunks(20) {
            let call = elbv2
                .describe_listeners()
                .set_listener_arns(Some(chunk.to_vec()))
                .send();
            let output = within(deadline, "DescribeListeners", call).await?;
            for listener in output.listeners() {
                found.push((
                    listener.listener_arn().unwrap_or_default().to_string(),
                    listener.load_balancer_arn().unwrap_or_default().to_string(),
                    listener.protocol().map(|p| p.as_str().to_string()).unwrap_or_default(),
                ));
            }
        }
        let mut balancers: Vec<String> = found.iter().map(|(_, lb, _)| lb.clone()).collect();
        balancers.sort();
        balancers.dedup();
        let mut types = BTreeMap::new();
        for chunk in balancers.chunks(20) {
            let call = elbv2
                .describe_load_balancers()
                .set_load_balancer_arns(Some(chunk.to_vec()))
                .send();
            let output = within(deadline, "DescribeLoadBalancers", call).await?;
            for lb in output.load_balancers() {
                if let (Some(arn), Some(kind)) = (lb.load_balancer_arn(), lb.r#type()) {
                    types.insert(arn.to_string(), kind.as_str().to_string());
                }
            }
        }
        Ok(found
            .into_iter()
            .map(|(arn, lb, protocol)| Listener {
                kind: types.get(&lb).and_then(|t| ListenerKind::from_aws(t, &protocol)),
                arn,
                load_balancer_arn: lb,
            })
            .collect())
    }

    /// The idle timeout a listener has now: its own attribute on an NLB, its
    /// load balancer's on an ALB; AWS's default where none is set.
    pub async fn listener_timeout(&self, listener: &Listener, deadline: Instant) -> Result<Option<u32>, AwsError> {
        let elbv2 = &self.clients.elbv2;
        match listener.kind {
            Some(ListenerKind::Alb) => {
                let call = elbv2
                    .describe_load_balancer_attributes()
                    .load_balancer_arn(&listener.load_balancer_arn)
                    .send();
                let output = within(deadline, "DescribeLoadBalancerAttributes", call).await?;
                let value = output
                    .attributes()
                    .iter()
                    .find(|a| a.key() == Some(ALB_ATTRIBUTE))
                    .and_then(|a| a.value());
                Ok(Some(value.and_then(|v| v.parse().ok()).unwrap_or(ALB_DEFAULT)))
            }
            Some(ListenerKind::NlbTcp) => {
                let call = elbv2.describe_listener_attributes().listener_arn(&listener.arn).send();
                let output = within(deadline, "DescribeListenerAttributes", call).await?;
                let value = output
                    .attributes()
                    .iter()
                    .find(|a| a.key() == Some(NLB_ATTRIBUTE))
                    .and_then(|a| a.value());
                Ok(Some(value.and_then(|v| v.parse().ok()).unwrap_or(NLB_TCP_DEFAULT)))
            }
            // Fixed by AWS: nothing to read.
            _ => Ok(None),
        }
    }

    /// Sets a listener's idle timeout where AWS allows it; no call for
    /// listeners whose timeout AWS fixes.
    pub async fn set_listener_timeout(
        &self,
        listener: &Listener,
        seconds: u32,
        deadline: Instant,
    ) -> Result<(), AwsError> {
        let elbv2 = &self.clients.elbv2;
        match listener.kind {
            Some(ListenerKind::Alb) => {
                let attribute = LoadBalancerAttribute::builder()
                    .key(ALB_ATTRIBUTE)
                    .value(seconds.to_string())
                    .build();
                let call = elbv2
                    .modify_load_balancer_attributes()
                    .load_balancer_arn(&listener.load_balancer_arn)
                    .attributes(attribute)
                    .send();
                within(deadline, "ModifyLoadBalancerAttributes", call).await?;
            }
            Some(ListenerKind::NlbTcp) => {
                let attribute = ListenerAttribute::builder()
                    .key(NLB_ATTRIBUTE)
                    .value(seconds.to_string())
                    .build();
                let call = elbv2
                    .modify_listener_attributes()
                    .listener_arn(&listener.arn)
                    .attributes(attribute)
                    .send();
                within(deadline, "ModifyListenerAttributes", call).await?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The idle timeout AWS gives a listener when nobody sets one.
    pub fn default_timeout(kind: ListenerKind) -> u32 {
        match kind {
            ListenerKind::Alb => ALB_DEFAULT,
            _ => NLB_TCP_DEFAULT,
        }
    }

    /// Each interface's `TcpEstablishedTimeout`; `None` where AWS reports no
    /// connection-tracking configuration (its default applies). One call.
    pub async fn interface_timeouts(
        &self,
        ids: &[String],
        deadline: Instant,
    ) -> Result<BTreeMap<String, Option<u32>>, AwsError> {
        if ids.is_empty() {
            return Ok(BTreeMap::new());
        }
        let call = self
            .clients
            .ec2
            .describe_network_interfaces()
            .set_network_interface_ids(Some(ids.to_vec()))
            .send();
        let output = within(deadline, "DescribeNetworkInterfaces", call).await?;
        let mut timeouts = BTreeMap::new();
        for eni in output.network_interfaces() {
            if let Some(id) = eni.network_interface_id() {
                let seconds = eni
                    .connection_tracking_configuration()
                    .and_then(|c| c.tcp_established_timeout())
                    .and_then(|s| u32::try_from(s).ok());
                timeouts.insert(id.to_string(), seconds);
            }
        }
        if let Some(missing) = ids.iter().find(|id| !timeouts.contains_key(*id)) {
            return Err(AwsError {
                action: "DescribeNetworkInterfaces",
                kind: ErrorKind::NotFound,
                code: Some("InvalidNetworkInterfaceID.NotFound".to_string()),
                message: format!("network interface {missing} does not exist"),
            });
        }
        Ok(timeouts)
    }

    /// Sets an interface's connection tracking for established TCP
    /// connections.
    pub async fn set_interface_timeout(&self, id: &str, seconds: u32, deadline: Instant) -> Result<(), AwsError> {
        let spec = ConnectionTrackingSpecificationRequest::builder()
            .tcp_established_timeout(seconds as i32)
            .build();
        let call = self
            .clients
            .ec2
            .modify_network_interface_attribute()
            .network_interface_id(id)
            .connection_tracking_specification(spec)
            .send();
        within(deadline, "ModifyNetworkInterfaceAttribute", call).await?;
        Ok(())
    }
}
