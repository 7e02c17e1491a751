//! The only code that talks to AWS (EC2 and Elastic Load Balancing v2), and
//! the only code that knows AWS's error codes. Knows nothing of Terraform:
//! it takes what `rules` decided (rule changes, session-timeout changes) and
//! options, carries it out, and returns what AWS holds.
//!
//! One file per job, so that each AWS call is made in one place:
//! `call` (deadlines, paging, retried codes), `group` (the group types),
//! `groups` (create and read),
//! `adopt` (which existing group a create may adopt), `describe` (the
//! Describe calls for groups and rules), `rule_changes`, `delete` (and what
//! still uses a group), `tags` (the ownership tag, the marker of an
//! unfinished create, the tag calls), `group_reads`, `read_batcher`
//! and `vpc_snapshot` (a refresh's reads, batched), `list_groups` (listing
//! for `terraform query`), `session_timeouts` (load balancers' and
//! interfaces' idle timeouts; `listener_kinds`, what AWS said each listener is), `clients` and `options` (reaching AWS),
//! `convert` (rules in EC2's shapes) and `error`.

mod adopt;
mod call;
mod clients;
mod convert;
mod delete;
mod describe;
mod error;
mod group;
mod group_reads;
mod groups;
mod https;
/// Public for the filter names the provider checks a `list` block's against.
pub mod list_groups;
mod listener_kinds;
mod options;
/// Public for the `ReadResult` path the mock-server tests name.
pub mod read_batcher;
mod rule_changes;
mod session_timeouts;
pub mod tags;
/// Public for the thresholds the mock-server tests check.
pub mod vpc_snapshot;

pub use call::FILTER_VALUES_MAX;
pub use clients::{check_account, connect, Clients};
pub use error::{AwsError, ErrorKind};
pub use group::{Created, Failure, Group, GroupSpec, SecurityGroups};
pub use group_reads::GroupReads;
pub use https::https_client;
pub use list_groups::{GroupLister, GroupQuery, ListedGroup};
pub use listener_kinds::ListenerKinds;
pub use options::{AccountRule, AssumeRole, AwsOptions, Secret, StaticCredentials};
pub use session_timeouts::SessionTimeouts;
