//! The only code that talks to AWS (EC2 and Elastic Load Balancing v2).
//! Knows nothing of Terraform: it takes rules from `rules` and options, and
//! returns what AWS holds.

pub mod clients;
pub mod convert;
pub mod error;
pub mod group_reads;
pub mod list_groups;
pub mod options;
pub mod read_batcher;
pub mod security_groups;
pub mod session_timeouts;
pub mod vpc_snapshot;

pub use clients::{connect, Clients};
pub use error::{AwsError, ErrorKind};
pub use group_reads::GroupReads;
pub use list_groups::{GroupLister, GroupQuery, ListedGroup};
pub use options::{AssumeRole, AwsOptions, Secret, StaticCredentials};
pub use read_batcher::ReadBatcher;
pub use security_groups::{Failure, Group, GroupSpec, SecurityGroups};
pub use session_timeouts::SessionTimeouts;
