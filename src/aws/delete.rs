//! Deleting a group, and saying what still uses it when AWS will not.
//!
//! DeleteSecurityGroup fails with DependencyViolation while a network
//! interface or another group's rule uses the group: the delete waits for
//! that to end until its deadline, then names the users it finds, so that
//! destroy never fails without saying why.

use aws_sdk_ec2::types::Filter;
use tokio::time::Instant;

use super::call::{retrying, within, STILL_IN_USE};
use super::error::{AwsError, ErrorKind};
use super::group::SecurityGroups;
use crate::rules::{AppliedRule, RuleChanges};

impl SecurityGroups<'_> {
    /// Deletes the group, first revoking `revoke_first` (its rules, when
    /// `revoke_rules_on_delete` asks for it). While something still uses the
    /// group, DeleteSecurityGroup is retried until the deadline; then the
    /// error names what uses it.
    pub async fn delete(&self, id: &str, revoke_first: &[AppliedRule], deadline: Instant) -> Result<(), AwsError> {
        if !revoke_first.is_empty() {
            let mut changes = RuleChanges::default();
            for applied in revoke_first {
                changes
                    .revoke
                    .entry(applied.rule.key.direction)
                    .or_default()
                    .push(applied.id.clone());
            }
            match self.revoke(id, &changes, deadline).await {
                Err(err) if err.is(ErrorKind::NotFound) => return Ok(()),
                other => other?,
            }
        }
        use aws_sdk_ec2::operation::delete_security_group::DeleteSecurityGroupError as E;
        // AWS's last DependencyViolation: the deadline usually cuts off the
        // call after a pause, and its Timeout says less than AWS did.
        let mut in_use: Option<AwsError> = None;
        let last_error = loop {
            let call = self
                .clients
                .ec2
                .delete_security_group()
                .group_id(id)
                .customize()
                .config_override(retrying::<E>(STILL_IN_USE))
                .send();
            match within(deadline, "DeleteSecurityGroup", call).await {
                Ok(_) => return Ok(()),
                Err(err) if err.is(ErrorKind::NotFound) => return Ok(()),
                Err(err) if err.is(ErrorKind::DependencyViolation) && Instant::now() < deadline => {
                    // The SDK's retries ran out before the deadline: pause
                    // and go on trying until the delete timeout.
                    let pause = std::time::Duration::from_secs(5).min(deadline - Instant::now());
                    in_use = Some(err);
                    tokio::time::sleep(pause).await;
                }
                Err(err) if err.is(ErrorKind::DependencyViolation) => break err,
                // Out of time: "still in use" only if AWS said so.
                Err(err) if err.is(ErrorKind::Timeout) => match in_use {
                    Some(in_use) => break in_use,
                    None => return Err(err),
                },
                Err(err) => return Err(err),
            }
        };
        let users = self.users_of(id).await;
        let mut message = format!(
            "security group {id} is still in use and could not be deleted before the delete timeout ({}).",
            last_error.message
        );
        if users.is_empty() {
            message.push_str(" No network interface or security group rule using it was found; it may be in use in another account or VPC peering.");
        } else {
            message.push_str(" Still using it: ");
            message.push_str(&users.join("; "));
            message.push_str(
                ". Detach or delete these, or remove their rules that reference this group, then destroy again.",
            );
        }
        Err(AwsError {
            action: "DeleteSecurityGroup",
            kind: ErrorKind::DependencyViolation,
            code: last_error.code,
            message,
        })
    }

    /// Network interfaces and groups that use or reference `id`, for a
    /// DependencyViolation message. Best effort: failures are left out.
    async fn users_of(&self, id: &str) -> Vec<String> {
        let ec2 = &self.clients.ec2;
        let mut users = Vec::new();
        let deadline = Instant::now() + std::time::Duration::from_secs(30);
        let call = ec2
            .describe_network_interfaces()
            .filters(Filter::builder().name("group-id").values(id).build())
            .send();
        if let Ok(output) = within(deadline, "DescribeNetworkInterfaces", call).await {
            for eni in output.network_interfaces() {
                let mut text = format!("network interface {}", eni.network_interface_id().unwrap_or("?"));
                if let Some(instance) = eni.attachment().and_then(|a| a.instance_id()) {
                    text.push_str(&format!(" (attached to {instance})"));
                } else if let Some(description) = eni.description().filter(|d| !d.is_empty()) {
                    text.push_str(&format!(" ({description})"));
                }
                users.push(text);
            }
        }
        for (filter, direction) in [
            ("ip-permission.group-id", "inbound"),
            ("egress.ip-permission.group-id", "outbound"),
        ] {
            let call = ec2
                .describe_security_groups()
                .filters(Filter::builder().name(filter).values(id).build())
                .send();
            if let Ok(output) = within(deadline, "DescribeSecurityGroups", call).await {
                for group in output.security_groups() {
                    if group.group_id() != Some(id) {
                        users.push(format!(
                            "an {direction} rule of security group {} ({})",
                            group.group_id().unwrap_or("?"),
                            group.group_name().unwrap_or("?")
                        ));
                    }
                }
            }
        }
        users
    }
}
