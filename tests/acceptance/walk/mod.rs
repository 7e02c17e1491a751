//! The firewall's lifecycle under every edit: a stateful property test.
//!
//! A walk generates, from a seed, a sequence of configurations of two or
//! three `cumulocity_firewall`s (every argument set, changed and removed,
//! every rule set and `extra_rule` kind, references between the firewalls,
//! the provider's `default_tags`, now and then a configuration with a
//! mistake in it) and applies them one after the other with the real
//! Terraform against the emulator. After every apply:
//!
//! - `terraform plan -detailed-exitcode` is empty, and so is
//!   `terraform plan -refresh-only`;
//! - AWS holds exactly the rules `rules::expand` gives for the same
//!   arguments, and the group's tags are `default_tags` merged with `tags`;
//! - the state's `rules` carry the rule-set labels of that expansion.
//!
//! A configuration with a mistake must stop at plan with the error it was
//! made to provoke, with no modifying AWS call. At the end, every group is
//! imported into a fresh state: the plan imports and changes nothing, apply
//! makes no modifying call, and the next plan is empty.
//!
//! A failure prints the seed and the configurations as HCL, then shrinks the
//! sequence (dropping steps while it still fails) and prints the shortest
//! one as JSON for `walk/regressions.json`, whose sequences every run
//! replays. `make walk SEED=<n> STEPS=<n>` runs one long walk.

mod check;
mod model;
pub(crate) mod rng;

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::support::emulator::emulator;
use crate::support::{terraform_version, Workspace};
use model::{Setting, World};
use rng::Rng;

/// A kept failing sequence: replayed on every run.
#[derive(Debug, Serialize, Deserialize)]
struct Regression {
    /// What it found, in a few words.
    found: String,
    /// The configurations, applied in order.
    steps: Vec<World>,
}

/// One step of a sequence: a configuration to apply, or one whose plan
/// must fail with an error whose summary holds the text.
#[derive(Clone, Debug)]
enum Step {
    Apply(World),
    Refused(World, &'static str),
}

/// The sequence a seed makes: a first configuration and `steps - 1` edits,
/// now and then a configuration with a mistake (which is not kept).
fn sequence(seed: u64, steps: usize, setting: &Setting) -> Vec<Step> {
    let mut rng = Rng::new(seed);
    let firewalls = 2 + rng.below(2);
    let mut world = World::first(&mut rng, firewalls, setting);
    let mut out = vec![Step::Apply(world.clone())];
    while out.len() < steps {
        if rng.below(8) == 0 {
            let (broken, summary) = world.broken(&mut rng);
            out.push(Step::Refused(broken, summary));
        } else {
            world = world.edited(&mut rng, setting);
            out.push(Step::Apply(world.clone()));
        }
    }
    out
}

/// What the walk's surroundings are: a Region of its own, and with
/// `listeners` an NLB with two TCP listeners there; a managed prefix list.
fn setting(tag: &str, listeners: bool) -> Setting {
    let emu = emulator();
    let region = if listeners {
        emu.unique_region_with_zones()
    } else {
        emu.unique_region()
    };
    let listeners = if listeners {
        emu.network_load_balancer(region, 77, &[("TCP", 1883), ("TCP", 8883)])
            .listeners
    } else {
        Vec::new()
    };
    let prefix_list = check::prefix_list(region);
    let provider = emu.provider_block(region);
    // The harness's provider block, without its closing brace, so that
    // `default_tags` can go in.
    let body = provider
        .trim_end()
        .strip_prefix("provider \"cumulocity\" {\n")
        .and_then(|b| b.strip_suffix('}'))
        .expect("the harness's provider block")
        .to_string();
    Setting {
        tag: tag.to_string(),
        region: region.to_string(),
        provider_body: body,
        listeners,
        prefix_list: Some(prefix_list),
    }
}

/// Runs `steps` in a new workspace; `Err` says which step broke and how.
fn run(steps: &[Step], setting: &Setting) -> Result<usize, String> {
    let first = match &steps[0] {
        Step::Apply(world) | Step::Refused(world, _) => world,
    };
    let ws = Workspace::new(&first.hcl(setting));
    let mut applies = 0;
    let mut last: Option<&World> = None;
    let result = (|| {
        for (n, step) in steps.iter().enumerate() {
            match step {
                Step::Apply(world) => {
                    ws.write("main.tf", &world.hcl(setting));
                    let out = ws.apply();
                    if out.status != 0 {
                        return Err(format!("step {n}: apply failed\n{out}"));
                    }
                    applies += 1;
                    last = Some(world);
                    check::converged(&ws, world, setting).map_err(|e| format!("step {n}: {e}"))?;
                }
                Step::Refused(world, summary) => {
                    ws.write("main.tf", &world.hcl(setting));
                    check::refused(&ws, summary, &setting.region).map_err(|e| format!("step {n}: {e}"))?;
                }
            }
        }
        if let Some(world) = last {
            check::imports_cleanly(&ws, world, setting).map_err(|e| format!("import at the end: {e}"))?;
        }
        Ok(())
    })();
    // The last configuration applied, not a refused one, is destroyed.
    if let Some(world) = last {
        ws.write("main.tf", &world.hcl(setting));
    }
    let destroyed = ws.destroy();
    result?;
    if destroyed.status != 0 {
        return Err(format!("destroy failed\n{destroyed}"));
    }
    Ok(applies)
}

/// The sequence as HCL, step by step, for a failure's report.
fn described(steps: &[Step], setting: &Setting) -> String {
    let mut out = String::new();
    for (n, step) in steps.iter().enumerate() {
        let (world, note) = match step {
            Step::Apply(world) => (world, String::new()),
            Step::Refused(world, summary) => (world, format!(" (must fail: {summary})")),
        };
        let _ = writeln!(out, "# ---- step {n}{note}\n{}", world.hcl(setting));
    }
    out
}

/// What kind of failure a report is: its first line without the step
/// number, so that shrinking keeps the failure it started from.
fn kind(failure: &str) -> String {
    let first = failure.lines().next().unwrap_or("");
    first.split_once(": ").map_or(first, |(_, rest)| rest).to_string()
}

/// Drops steps while the sequence still fails the same way (the first step
/// stays a configuration to apply); at most `tries` runs.
fn shrunk(mut steps: Vec<Step>, failure: &str, setting: &Setting, tries: usize) -> Vec<Step> {
    let wanted = kind(failure);
    let mut left = tries;
    let mut at = 0;
    while at < steps.len() && left > 0 {
        let mut shorter = steps.clone();
        shorter.remove(at);
        if !matches!(shorter.first(), Some(Step::Apply(_))) {
            at += 1;
            continue;
        }
        left -= 1;
        if run(&shorter, setting).is_err_and(|f| kind(&f) == wanted) {
            steps = shorter;
        } else {
            at += 1;
        }
    }
    steps
}

/// Walks `seed` for `steps` steps; panics with the seed, the failure, the
/// shrunk sequence as HCL and as a regression entry.
fn walk(seed: u64, steps: usize, listeners: bool) -> usize {
    let setting = setting(&format!("walk{seed}"), listeners);
    let sequence = sequence(seed, steps, &setting);
    match run(&sequence, &setting) {
        Ok(applies) => applies,
        Err(failure) => {
            let shrunk = shrunk(sequence.clone(), &failure, &setting, 8);
            let kept: Vec<World> = shrunk
                .iter()
                .filter_map(|s| match s {
                    Step::Apply(w) => Some(w.clone()),
                    Step::Refused(..) => None,
                })
                .collect();
            let entry = Regression {
                found: "describe what it found".to_string(),
                steps: kept,
            };
            panic!(
                "walk seed {seed} ({steps} steps) failed: {failure}\n\n\
                 shortest failing sequence found ({} steps):\n{}\n\
                 as an entry of tests/acceptance/walk/regressions.json:\n{}",
                shrunk.len(),
                described(&shrunk, &setting),
                serde_json::to_string(&entry).unwrap_or_default()
            )
        }
    }
}

/// The seeds `make test` walks: more on Terraform 1.15 (the pass the
/// budget is set for), fewer on older ones.
fn fixed_seeds() -> Vec<u64> {
    if terraform_version().at_least(1, 15) {
        vec![1, 2, 3, 4]
    } else {
        vec![1, 2, 3]
    }
}

const FIXED_STEPS: usize = 8;

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn fixed_seeds_converge_after_every_edit() {
    require_acceptance!();
    let seeds = fixed_seeds();
    let start = std::time::Instant::now();
    let applies: usize = std::thread::scope(|scope| {
        let walks: Vec<_> = seeds
            .iter()
            // The first seed also manages listeners' session timeouts.
            .map(|&seed| scope.spawn(move || walk(seed, FIXED_STEPS, seed == 1)))
            .collect();
        walks
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .sum()
    });
    println!(
        "walk: seeds {seeds:?}, {FIXED_STEPS} steps each: {applies} applies clean in {:.1?}",
        start.elapsed()
    );
}

#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn kept_regressions_converge() {
    require_acceptance!();
    let kept: Vec<Regression> =
        serde_json::from_str(include_str!("regressions.json")).expect("walk/regressions.json parses");
    // Each in a Region of its own, all at once; the names the entries hold
    // ("walkkept-fw0", ...) are unique per Region.
    std::thread::scope(|scope| {
        for (n, regression) in kept.iter().enumerate() {
            scope.spawn(move || {
                let setting = setting("walkkept", false);
                let steps: Vec<Step> = regression.steps.iter().cloned().map(Step::Apply).collect();
                if let Err(failure) = run(&steps, &setting) {
                    panic!(
                        "kept regression {n} ({}) fails again: {failure}\n{}",
                        regression.found,
                        described(&steps, &setting)
                    );
                }
            });
        }
    });
}

/// `make walk SEED=<first seed> STEPS=<steps> SEEDS=<how many>`: long walks,
/// one after the other; skipped unless `WALK_SEED` is set.
#[test]
#[ignore = "acceptance: needs TF_ACC=1, Terraform and the emulator; make test runs it (-- --include-ignored)"]
fn long_walk() {
    require_acceptance!();
    let Some(first) = env_number("WALK_SEED") else {
        println!("skipped: long_walk runs only with WALK_SEED set (make walk SEED=... STEPS=...)");
        return;
    };
    let steps = env_number("WALK_STEPS").unwrap_or(30) as usize;
    let seeds = env_number("WALK_SEEDS").unwrap_or(1);
    let start = std::time::Instant::now();
    let mut applies = 0;
    let mut failed = Vec::new();
    for seed in first..first + seeds {
        let seed_start = std::time::Instant::now();
        // Every seed is walked; the failures are listed at the end.
        match std::panic::catch_unwind(|| walk(seed, steps, seed % 4 == 1)) {
            Ok(n) => {
                applies += n;
                println!("walk: seed {seed}: {n} applies clean in {:.1?}", seed_start.elapsed());
            }
            Err(_) => failed.push(seed),
        }
    }
    println!(
        "walk: seeds {first}..{}: {applies} applies clean in {:.1?}; failed seeds: {failed:?}",
        first + seeds,
        start.elapsed()
    );
    assert!(
        failed.is_empty(),
        "walks failed for seeds {failed:?} (each printed above)"
    );
}

fn env_number(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.trim().parse().ok())
}

/// The tags AWS must hold: `default_tags` overlaid by the firewall's own.
fn expected_tags(world: &World, i: usize) -> BTreeMap<String, String> {
    let mut tags = world.default_tags.clone().unwrap_or_default();
    tags.extend(world.firewalls[i].tags.clone().unwrap_or_default());
    tags
}
