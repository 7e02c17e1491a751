//! What `cumulocity_firewall` keeps in Terraform's private state, beside
//! the state users see: whether the firewall was just imported or moved, and
//! the session timeouts its listeners, load balancers and interfaces had
//! before it first changed them, to restore when it lets them go.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The private state of one firewall.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Stored")]
pub struct FirewallPrivate {
    /// `true` right after an import or a `moved` block, until the first
    /// apply: a plan then checks that the configuration describes the group
    /// that was imported.
    pub imported: bool,
    /// What each listener or load balancer (by the ARN that holds the
    /// value) and each target interface (by id) held before this firewall
    /// first changed it (`rules::with_captured`).
    pub session_originals: BTreeMap<String, u32>,
}

impl FirewallPrivate {
    /// The private state of a group just imported or moved.
    pub fn imported() -> FirewallPrivate {
        FirewallPrivate {
            imported: true,
            ..FirewallPrivate::default()
        }
    }
}

/// Every shape a private state was written in: nothing (a new resource), a
/// bare boolean (the import flag, before originals were kept), or the
/// fields.
#[derive(Deserialize)]
#[serde(untagged)]
enum Stored {
    Fields {
        imported: bool,
        session_originals: BTreeMap<String, u32>,
    },
    Flag(Option<bool>),
}

impl From<Stored> for FirewallPrivate {
    fn from(stored: Stored) -> FirewallPrivate {
        match stored {
            Stored::Fields {
                imported,
                session_originals,
            } => FirewallPrivate {
                imported,
                session_originals,
            },
            Stored::Flag(flag) => FirewallPrivate {
                imported: flag == Some(true),
                session_originals: BTreeMap::new(),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use tf_provider::{Diagnostics, RawValue};

    use super::*;

    fn read(bytes: Vec<u8>) -> FirewallPrivate {
        let mut diags = Diagnostics::default();
        let private = RawValue::MessagePack(bytes).deserialize(&mut diags);
        assert!(diags.errors.is_empty(), "{:?}", diags.errors);
        private.expect("decoded")
    }

    fn written<T: Serialize>(value: &T) -> Vec<u8> {
        RawValue::serialize_vec(&mut Diagnostics::default(), value).expect("encoded")
    }

    #[test]
    fn private_states_of_every_earlier_shape_decode() {
        assert_eq!(read(Vec::new()), FirewallPrivate::default(), "no private state");
        assert_eq!(read(written(&Option::<bool>::None)), FirewallPrivate::default());
        assert_eq!(read(written(&true)), FirewallPrivate::imported());
        assert_eq!(read(written(&false)), FirewallPrivate::default());
    }

    #[test]
    fn a_private_state_survives_the_round_trip_terraform_makes() {
        let private = FirewallPrivate {
            imported: false,
            session_originals: BTreeMap::from([("arn:listener/1".to_string(), 600), ("eni-1".to_string(), 432000)]),
        };
        assert_eq!(read(written(&private)), private);
    }
}
