//! How the provider reads a firewall's group during a refresh: from the VPC's
//! snapshot when there is one (`VpcSnapshots`), else coalesced with the
//! reads that arrive together (`ReadBatcher`). Both answer exactly what a
//! single DescribeSecurityGroups and DescribeSecurityGroupRules would.

use tokio::time::Instant;

use super::clients::Clients;
use super::read_batcher::{ReadBatcher, ReadResult};
use super::vpc_snapshot::{VpcSnapshots, BUDGET};

/// The refresh reads of one provider configuration (one set of clients).
pub struct GroupReads {
    batcher: ReadBatcher,
    snapshots: VpcSnapshots,
}

impl GroupReads {
    /// Reads that take a VPC's snapshot once more than `prefetch_after`
    /// reads came for it (see `vpc_snapshot`).
    pub fn new(prefetch_after: usize) -> Self {
        GroupReads::with_snapshot_budget(prefetch_after, BUDGET)
    }

    /// The same, with snapshots that may take `budget` (`BUDGET` for `new`).
    pub fn with_snapshot_budget(prefetch_after: usize, budget: std::time::Duration) -> Self {
        GroupReads {
            batcher: ReadBatcher::default(),
            snapshots: VpcSnapshots::new(prefetch_after, budget),
        }
    }

    /// Group `id` and its rules, `None` when it is gone. `vpc` is where the
    /// state last saw the group (unknown right after an import).
    pub async fn read(&self, clients: &Clients, id: &str, vpc: Option<&str>, deadline: Instant) -> ReadResult {
        if let Some(vpc) = vpc {
            if let Some(found) = self.snapshots.take(clients, vpc, id, deadline).await {
                return Ok(Some(found));
            }
        }
        self.batcher.read(clients, id, deadline).await
    }

    /// This process is about to write to group `id`.
    pub fn forget(&self, id: &str) {
        self.snapshots.forget(id);
    }
}
