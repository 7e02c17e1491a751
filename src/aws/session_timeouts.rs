//! Session timeouts on AWS: NLB listener attributes
//! (`tcp.idle_timeout.seconds`), ALB load balancer attributes
//! (`idle_timeout.timeout_seconds`) and target network interfaces'
//! connection tracking (`TcpEstablishedTimeout`).
//!
//! `rules::session_changes` decides what to set and restore and
//! `rules::session_reads` what to read, each place once; this module
//! describes the listeners those decisions need, carries them out, and is
//! where the Elastic Load Balancing and EC2 error codes of these calls are
//! known: a listener or interface deleted meanwhile is an answer here
//! (nothing left to restore), never a code the caller has to match.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::ConnectionTrackingSpecificationRequest;
use aws_sdk_elasticloadbalancingv2::types::{ListenerAttribute, LoadBalancerAttribute};
use tokio::time::Instant;

use super::call::within;
use super::clients::Clients;
use super::error::{AwsError, ErrorKind};
use crate::rules::session::{Listener, ListenerKind};
use crate::rules::{SessionChanges, SessionPlace};

const NLB_ATTRIBUTE: &str = "tcp.idle_timeout.seconds";
const ALB_ATTRIBUTE: &str = "idle_timeout.timeout_seconds";

/// DescribeListeners' answer when one of the listeners asked for does not
/// exist (its load balancer was deleted, say): the whole batch fails.
const LISTENER_NOT_FOUND: &str = "ListenerNotFound";
/// ModifyNetworkInterfaceAttribute's answer for an interface deleted.
const INTERFACE_NOT_FOUND: &str = "InvalidNetworkInterfaceID.NotFound";

/// The session-timeout calls of one set of clients.
pub struct SessionTimeouts<'c> {
    clients: &'c Clients,
}

impl<'c> SessionTimeouts<'c> {
    /// The calls, made with `clients`.
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

    /// The listeners a change needs: `wanted` must exist; of `gone` (no
    /// longer managed), those that still do. One DescribeListeners for all;
    /// since one missing listener fails the whole batch, the wanted ones are
    /// then asked for again, and the gone ones as `existing_listeners` does.
    pub async fn describe_for_change(
        &self,
        wanted: &[String],
        gone: &[String],
        deadline: Instant,
    ) -> Result<Vec<Listener>, AwsError> {
        let all: Vec<String> = wanted.iter().chain(gone).cloned().collect();
        match self.describe_listeners(&all, deadline).await {
            Err(err) if is_listener_not_found(&err) && !gone.is_empty() => {
                let mut listeners = if wanted.is_empty() {
                    Vec::new()
                } else {
                    self.describe_listeners(wanted, deadline).await?
                };
                listeners.extend(self.existing_listeners(gone, deadline).await?);
                Ok(listeners)
            }
            other => other,
        }
    }

    /// The listeners of `arns` that still exist. DescribeListeners fails the
    /// whole batch on one missing listener (its load balancer deleted first);
    /// then each is asked for alone, so the others are still found.
    pub async fn existing_listeners(&self, arns: &[String], deadline: Instant) -> Result<Vec<Listener>, AwsError> {
        if arns.is_empty() {
            return Ok(Vec::new());
        }
        match self.describe_listeners(arns, deadline).await {
            Err(err) if is_listener_not_found(&err) => {}
            other => return other,
        }
        let mut found = Vec::new();
        for arn in arns {
            match self.describe_listeners(std::slice::from_ref(arn), deadline).await {
                Ok(listeners) => found.extend(listeners),
                Err(err) if is_listener_not_found(&err) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(found)
    }

    /// What each of `places` holds now, in order, one call each; `None`
    /// where AWS reports no value (its default applies).
    pub async fn read(
        &self,
        places: &[SessionPlace],
        deadline: Instant,
    ) -> Result<BTreeMap<SessionPlace, Option<u32>>, AwsError> {
        let mut held = BTreeMap::new();
        for place in places {
            held.insert(place.clone(), self.read_place(place, deadline).await?);
        }
        Ok(held)
    }

    /// What the places and interfaces `changes` changes for the first time
    /// hold now (`changes.capture`, `capture_interfaces`), by place ARN or
    /// interface id; `None` where AWS reports no value. One call a place,
    /// one for all the interfaces; none when there is nothing to capture.
    pub async fn capture(
        &self,
        changes: &SessionChanges,
        deadline: Instant,
    ) -> Result<BTreeMap<String, Option<u32>>, AwsError> {
        let mut captured: BTreeMap<String, Option<u32>> = self
            .read(&changes.capture, deadline)
            .await?
            .into_iter()
            .map(|(place, value)| (place.arn().to_string(), value))
            .collect();
        captured.extend(self.interface_timeouts(&changes.capture_interfaces, deadline).await?);
        Ok(captured)
    }

    async fn read_place(&self, place: &SessionPlace, deadline: Instant) -> Result<Option<u32>, AwsError> {
        let elbv2 = &self.clients.elbv2;
        let value = match place {
            SessionPlace::LoadBalancer(arn) => {
                let call = elbv2.describe_load_balancer_attributes().load_balancer_arn(arn).send();
                let output = within(deadline, "DescribeLoadBalancerAttributes", call).await?;
                output
                    .attributes()
                    .iter()
                    .find(|a| a.key() == Some(ALB_ATTRIBUTE))
                    .and_then(|a| a.value().map(str::to_string))
            }
            SessionPlace::Listener(arn) => {
                let call = elbv2.describe_listener_attributes().listener_arn(arn).send();
                let output = within(deadline, "DescribeListenerAttributes", call).await?;
                output
                    .attributes()
                    .iter()
                    .find(|a| a.key() == Some(NLB_ATTRIBUTE))
                    .and_then(|a| a.value().map(str::to_string))
            }
        };
        Ok(value.and_then(|v| v.parse().ok()))
    }

    /// Carries out the listener part of `changes`: the timeouts to set, then
    /// the defaults to restore; stops at the first failure.
    pub async fn change_listeners(&self, changes: &SessionChanges, deadline: Instant) -> Result<(), AwsError> {
        for (place, seconds) in changes.set.iter().chain(&changes.restore) {
            self.set_place(place, *seconds, deadline).await?;
        }
        Ok(())
    }

    /// Carries out the interface part of `changes`: the timeouts to set,
    /// then the defaults to restore, where an interface deleted meanwhile
    /// has nothing left to restore.
    pub async fn change_interfaces(&self, changes: &SessionChanges, deadline: Instant) -> Result<(), AwsError> {
        for (id, seconds) in &changes.set_interfaces {
            self.set_interface_timeout(id, *seconds, deadline).await?;
        }
        for (id, seconds) in &changes.restore_interfaces {
            match self.set_interface_timeout(id, *seconds, deadline).await {
                Err(err) if err.code.as_deref() == Some(INTERFACE_NOT_FOUND) => {}
                other => other?,
            }
        }
        Ok(())
    }

    async fn set_place(&self, place: &SessionPlace, seconds: u32, deadline: Instant) -> Result<(), AwsError> {
        let elbv2 = &self.clients.elbv2;
        match place {
            SessionPlace::LoadBalancer(arn) => {
                let attribute = LoadBalancerAttribute::builder()
                    .key(ALB_ATTRIBUTE)
                    .value(seconds.to_string())
                    .build();
                let call = elbv2
                    .modify_load_balancer_attributes()
                    .load_balancer_arn(arn)
                    .attributes(attribute)
                    .send();
                within(deadline, "ModifyLoadBalancerAttributes", call).await?;
            }
            SessionPlace::Listener(arn) => {
                let attribute = ListenerAttribute::builder()
                    .key(NLB_ATTRIBUTE)
                    .value(seconds.to_string())
                    .build();
                let call = elbv2
                    .modify_listener_attributes()
                    .listener_arn(arn)
                    .attributes(attribute)
                    .send();
                within(deadline, "ModifyListenerAttributes", call).await?;
            }
        }
        Ok(())
    }

    /// `interface_timeouts` of the interfaces of `ids` that still exist: a
    /// missing one fails the whole call, so then each is asked for alone
    /// and the missing ones are left out (a refresh shows them as drift).
    pub async fn existing_interface_timeouts(
        &self,
        ids: &[String],
        deadline: Instant,
    ) -> Result<BTreeMap<String, Option<u32>>, AwsError> {
        match self.interface_timeouts(ids, deadline).await {
            Err(err) if err.is(ErrorKind::MissingInterface) => {}
            other => return other,
        }
        let mut found = BTreeMap::new();
        for id in ids {
            match self.interface_timeouts(std::slice::from_ref(id), deadline).await {
                Ok(one) => found.extend(one),
                Err(err) if err.is(ErrorKind::MissingInterface) => {}
                Err(err) => return Err(err),
            }
        }
        Ok(found)
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
                kind: ErrorKind::MissingInterface,
                code: Some(INTERFACE_NOT_FOUND.to_string()),
                message: format!("network interface {missing} does not exist"),
            });
        }
        Ok(timeouts)
    }

    /// Sets an interface's connection tracking for established TCP
    /// connections.
    async fn set_interface_timeout(&self, id: &str, seconds: u32, deadline: Instant) -> Result<(), AwsError> {
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

fn is_listener_not_found(err: &AwsError) -> bool {
    err.code.as_deref() == Some(LISTENER_NOT_FOUND)
}
