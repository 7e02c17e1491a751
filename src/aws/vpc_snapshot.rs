//! Prefetched refresh of many firewalls in one VPC. When reads arrive a few
//! at a time, coalescing (`ReadBatcher`) alone still makes a pair of calls
//! every few groups. Once a provider process has seen more than
//! `prefetch_after` reads in a VPC (the caller's choice, from how many reads
//! it expects at once), it fetches every group there that
//! carries the ownership tag, with its rules (one DescribeSecurityGroups and
//! one DescribeSecurityGroupRules per 200 groups, see
//! `SecurityGroups::read_owned_in_vpc`), and answers the VPC's later reads
//! from that snapshot.
//!
//! A state with a few firewalls never triggers it, so their reads cost what
//! they did. Each group is served from the snapshot at most once, never after
//! this process wrote to it (`forget`), and never from a snapshot older than
//! `MAX_AGE`: a snapshot serves one wave of reads, not the next. Anything the snapshot cannot answer (an
//! imported group without the tag, a group made since, a failed, slow (over
//! `BUDGET`) or oversized snapshot) falls back to the coalesced read, so a
//! snapshot can cost calls but never change what a read answers.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::OnceCell;
use tokio::time::Instant;

use super::clients::Clients;
use super::group::{Group, SecurityGroups};
use crate::rules::AppliedRule;

/// More tagged groups than this in one VPC (other states' too): reading them
/// all would cost more than it saves.
pub const MAX_GROUPS: usize = 1000;
/// A snapshot answers only the reads of the wave that took it.
pub const MAX_AGE: Duration = Duration::from_secs(60);
/// How long taking a snapshot may last: the reads waiting for it keep the
/// rest of their own time for a read of their own if it fails.
pub const BUDGET: Duration = Duration::from_secs(30);

type GroupRead = (Group, Vec<AppliedRule>);

struct Snapshot {
    taken: Instant,
    groups: Mutex<BTreeMap<String, GroupRead>>,
}

#[derive(Default)]
struct Vpc {
    reads: AtomicUsize,
    /// `None` when the snapshot could not be taken (an error, or too many
    /// groups): the VPC's reads go on without one.
    snapshot: OnceCell<Option<Snapshot>>,
}

/// The snapshots of one provider configuration, by VPC.
pub struct VpcSnapshots {
    prefetch_after: usize,
    budget: Duration,
    vpcs: Mutex<HashMap<String, Arc<Vpc>>>,
    /// Groups this process created, changed or deleted: never answered from a
    /// snapshot, even one taken before or while it wrote.
    written: Mutex<HashSet<String>>,
}

impl VpcSnapshots {
    /// Snapshots taken once more than `prefetch_after` reads came for one
    /// VPC, each taking at most `budget` (`BUDGET` is a fair one).
    pub fn new(prefetch_after: usize, budget: Duration) -> Self {
        VpcSnapshots {
            prefetch_after,
            budget,
            vpcs: Mutex::default(),
            written: Mutex::default(),
        }
    }

    /// Group `id` (in `vpc`) and its rules from the VPC's snapshot, taking
    /// the snapshot first when this read is the one that calls for it;
    /// `None` when the snapshot cannot answer, and the caller must read.
    pub async fn take(&self, clients: &Clients, vpc: &str, id: &str, deadline: Instant) -> Option<GroupRead> {
        let vpc_reads = Arc::clone(lock(&self.vpcs).entry(vpc.to_string()).or_default());
        if vpc_reads.reads.fetch_add(1, Ordering::Relaxed) < self.prefetch_after {
            return None;
        }
        let snapshot = vpc_reads
            .snapshot
            .get_or_init(|| take_snapshot(clients, vpc, deadline.min(Instant::now() + self.budget)))
            .await
            .as_ref()?;
        if snapshot.taken.elapsed() > MAX_AGE || lock(&self.written).contains(id) {
            return None;
        }
        let found = lock(&snapshot.groups).remove(id);
        found
    }

    /// This process is about to write to group `id`: later reads must ask AWS.
    pub fn forget(&self, id: &str) {
        lock(&self.written).insert(id.to_string());
    }
}

async fn take_snapshot(clients: &Clients, vpc: &str, deadline: Instant) -> Option<Snapshot> {
    let taken = Instant::now();
    match SecurityGroups::new(clients)
        .read_owned_in_vpc(vpc, MAX_GROUPS, deadline)
        .await
    {
        Ok(Some(groups)) => {
            tracing::debug!(vpc, groups = groups.len(), "refresh snapshot taken");
            Some(Snapshot {
                taken,
                groups: Mutex::new(groups),
            })
        }
        Ok(None) => {
            tracing::debug!(vpc, max = MAX_GROUPS, "no refresh snapshot: too many tagged groups");
            None
        }
        Err(err) => {
            // The reads themselves will meet (and report) the problem.
            tracing::debug!(vpc, error = %err, "no refresh snapshot");
            None
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain maps stay consistent even if a holder panicked.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
