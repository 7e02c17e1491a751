//! Coalesced reads: many reads of single groups arrive in parallel (a
//! refresh of many firewalls). Reads that arrive
//! within a short window become one DescribeSecurityGroups and one
//! DescribeSecurityGroupRules for all their groups (see
//! `SecurityGroups::read_many`), and each reader gets its own part.
//!
//! A batch goes out when no read has joined it for `window` (a few ms: a
//! lone read waits no longer), when its first read has waited `max_wait`
//! (parallel reads do not arrive at the same instant, least of all on a busy
//! machine), or at once when it reaches `max_batch` groups. The AWS calls
//! run on a task of their own, so a reader that gives up (its deadline, or
//! its caller cancelling it) never strands the
//! others. An error reaches every reader of the batch; a group missing from
//! the answer is gone (`None`), as with a single read.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::time::Instant;

use super::call::FILTER_VALUES_MAX;
use super::clients::Clients;
use super::error::AwsError;
use super::group::{Group, SecurityGroups};
use crate::rules::AppliedRule;

/// What one read answers: the group and its rules, `None` when it is gone.
pub type ReadResult = Result<Option<(Group, Vec<AppliedRule>)>, AwsError>;

/// A batch goes out when no read has joined it for this long...
pub const DEFAULT_WINDOW: Duration = Duration::from_millis(3);
/// ...or when its first read has waited this long.
pub const DEFAULT_MAX_WAIT: Duration = Duration::from_millis(15);

struct Waiter {
    id: String,
    deadline: Instant,
    reply: oneshot::Sender<ReadResult>,
}

#[derive(Default)]
struct Pending {
    /// Counts batches sent, so that a timer knows whether its batch already
    /// went out because it was full.
    sent: u64,
    waiters: Vec<Waiter>,
    /// When the last read joined the batch.
    last_joined: Option<Instant>,
}

impl Pending {
    fn take(&mut self) -> Vec<Waiter> {
        self.sent += 1;
        std::mem::take(&mut self.waiters)
    }
}

/// Coalesces group reads of one provider configuration (one set of clients).
pub struct ReadBatcher {
    window: Duration,
    max_wait: Duration,
    max_batch: usize,
    pending: Arc<Mutex<Pending>>,
}

impl Default for ReadBatcher {
    fn default() -> Self {
        ReadBatcher::new(DEFAULT_WINDOW, FILTER_VALUES_MAX).with_max_wait(DEFAULT_MAX_WAIT)
    }
}

impl ReadBatcher {
    /// A batch goes out `window` after its last read joined, or when it
    /// holds `max_batch` reads (capped at AWS's 200 filter values). Its
    /// first read waits at most `window` more than the reads that join it
    /// take to arrive; see `with_max_wait`.
    pub fn new(window: Duration, max_batch: usize) -> Self {
        ReadBatcher {
            window,
            max_wait: window,
            max_batch: max_batch.clamp(1, FILTER_VALUES_MAX),
            pending: Arc::default(),
        }
    }

    /// Caps how long the first read of a batch waits (never less than
    /// `window`).
    pub fn with_max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait.max(self.window);
        self
    }

    /// Reads group `id` and its rules, together with the reads that arrive
    /// within the window; `None` when the group does not exist.
    pub async fn read(&self, clients: &Clients, id: &str, deadline: Instant) -> ReadResult {
        let (reply, answer) = oneshot::channel();
        let (full, timer_for) = {
            let mut pending = lock(&self.pending);
            pending.last_joined = Some(Instant::now());
            let timer_for = pending.waiters.is_empty().then_some(pending.sent);
            pending.waiters.push(Waiter {
                id: id.to_string(),
                deadline,
                reply,
            });
            let full = (pending.waiters.len() >= self.max_batch).then(|| pending.take());
            (full, timer_for)
        };
        if let Some(waiters) = full {
            tokio::spawn(send(clients.clone(), waiters));
        } else if let Some(batch) = timer_for {
            let pending = Arc::clone(&self.pending);
            let clients = clients.clone();
            let (window, max_wait) = (self.window, self.max_wait);
            tokio::spawn(async move {
                let latest = Instant::now() + max_wait;
                let mut wake = Instant::now() + window;
                let waiters = loop {
                    tokio::time::sleep_until(wake.min(latest)).await;
                    let mut pending = lock(&pending);
                    if pending.sent != batch {
                        return; // sent already, because it was full
                    }
                    let quiet_from = pending.last_joined.unwrap_or_else(Instant::now) + window;
                    let now = Instant::now();
                    if now >= quiet_from || now >= latest {
                        break pending.take();
                    }
                    wake = quiet_from;
                };
                send(clients, waiters).await;
            });
        }
        match tokio::time::timeout_at(deadline, answer).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(AwsError::other(
                "DescribeSecurityGroups",
                "the batched read stopped before it answered",
            )),
            Err(_) => Err(AwsError::timeout("DescribeSecurityGroups")),
        }
    }
}

fn lock(pending: &Mutex<Pending>) -> MutexGuard<'_, Pending> {
    // The waiters list stays consistent even if a holder panicked.
    pending.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads the batch's groups and answers each waiter.
async fn send(clients: Clients, waiters: Vec<Waiter>) {
    if waiters.is_empty() {
        return;
    }
    let ids: Vec<String> = waiters
        .iter()
        .map(|w| w.id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // The calls serve every waiter: they run until the last one's deadline.
    let deadline = waiters.iter().map(|w| w.deadline).max().unwrap_or_else(Instant::now);
    let result = SecurityGroups::new(&clients).read_many(&ids, deadline).await;
    for waiter in waiters {
        let answer = match &result {
            Ok(found) => Ok(found.get(&waiter.id).cloned().flatten()),
            Err(err) => Err(err.clone()),
        };
        // A waiter that gave up has dropped its receiver; nothing to do.
        let _ = waiter.reply.send(answer);
    }
}
