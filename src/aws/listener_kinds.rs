//! Kinds of load balancer listeners, learned from AWS by one provider
//! process: filled by reads, plans and applies, so that a plan after a
//! refresh asks nothing new. Listener ARNs name their Region, so one cache
//! serves every Region of a provider configuration.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use tokio::time::Instant;

use super::clients::Clients;
use super::error::AwsError;
use super::session_timeouts::SessionTimeouts;
use crate::rules::session::{kind_from_arn, Listener, ListenerKind};

/// Listener kinds by ARN; `None` for a listener AWS describes with no idle
/// timeout to change.
#[derive(Default)]
pub struct ListenerKinds {
    known: Mutex<HashMap<String, Option<ListenerKind>>>,
}

impl ListenerKinds {
    /// Looks up the kinds of `arns` not known yet: one DescribeListeners and
    /// one DescribeLoadBalancers for all of them. A failure is not an
    /// error: the ARNs' own kinds are recorded (what `kind` would answer
    /// anyway), so that later plans of this process do not ask again; a read
    /// or apply that reaches AWS replaces them.
    pub async fn learn(&self, clients: &Clients, arns: &[String], deadline: Instant) {
        let missing = self.unknown(arns);
        if missing.is_empty() {
            return;
        }
        let found = SessionTimeouts::new(clients)
            .describe_listeners(&missing, deadline)
            .await;
        self.learned(&missing, found);
    }

    /// Records the kinds AWS described.
    pub fn remember(&self, listeners: &[Listener]) {
        let mut known = self.lock();
        for listener in listeners {
            known.insert(listener.arn.clone(), listener.kind);
        }
    }

    /// The kind of `arn`: as AWS described it, else as its ARN tells
    /// (`listener/net/...` or `listener/app/...`).
    pub fn kind(&self, arn: &str) -> Option<ListenerKind> {
        match self.lock().get(arn) {
            Some(kind) => *kind,
            None => kind_from_arn(arn).ok(),
        }
    }

    fn unknown(&self, arns: &[String]) -> Vec<String> {
        let known = self.lock();
        arns.iter().filter(|a| !known.contains_key(*a)).cloned().collect()
    }

    fn learned(&self, asked: &[String], found: Result<Vec<Listener>, AwsError>) {
        match found {
            Ok(listeners) => self.remember(&listeners),
            Err(_) => {
                let mut known = self.lock();
                for arn in asked {
                    known.entry(arn.clone()).or_insert_with(|| kind_from_arn(arn).ok());
                }
            }
        }
    }

    /// A poisoned lock still holds plain data written whole: safe to use.
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Option<ListenerKind>>> {
        self.known.lock().unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::{ALB_LISTENER_ARN as ALB, NLB_LISTENER_ARN as NLB};

    fn listener(arn: &str, kind: ListenerKind) -> Listener {
        Listener {
            arn: arn.to_string(),
            load_balancer_arn: String::new(),
            kind: Some(kind),
        }
    }

    #[test]
    fn a_failed_lookup_is_remembered_with_the_kinds_the_arns_give() {
        let kinds = ListenerKinds::default();
        let asked = vec![NLB.to_string(), ALB.to_string()];
        assert_eq!(kinds.unknown(&asked), asked);
        kinds.learned(&asked, Err(AwsError::other("DescribeListeners", "unreachable")));
        assert!(kinds.unknown(&asked).is_empty(), "a later plan does not ask again");
        assert_eq!(kinds.kind(NLB), Some(ListenerKind::Nlb));
        assert_eq!(kinds.kind(ALB), Some(ListenerKind::Alb));
    }

    #[test]
    fn a_failed_lookup_keeps_what_was_learned_and_answers_replace_guesses() {
        let kinds = ListenerKinds::default();
        kinds.remember(&[listener(NLB, ListenerKind::NlbTls)]);
        kinds.learned(
            &[NLB.to_string()],
            Err(AwsError::other("DescribeListeners", "unreachable")),
        );
        assert_eq!(kinds.kind(NLB), Some(ListenerKind::NlbTls));
        kinds.learned(
            &[ALB.to_string()],
            Err(AwsError::other("DescribeListeners", "unreachable")),
        );
        kinds.learned(&[ALB.to_string()], Ok(vec![listener(ALB, ListenerKind::Alb)]));
        assert_eq!(kinds.kind(ALB), Some(ListenerKind::Alb));
    }
}
