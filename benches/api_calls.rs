//! `make bench`: how many AWS API calls the provider makes, counted by the
//! AWS emulator's request recorder while the real Terraform CLI drives the
//! built provider. A benchmark, not a test: it reports figures and checks
//! them against the targets, but timing is never asserted.
//!
//! For N firewalls (rule sets `external` + `outbound`), it counts the calls
//! of: apply (create), a no-change `terraform plan` (the refresh), an update
//! of one rule set on all N (`outbound` -> `dns`), and destroy; update and
//! destroy run with `-refresh=false` so that they count the operation alone
//! (a plain apply or destroy adds one refresh). It prints a
//! Markdown table and writes it to bench/RESULTS.md.

// The harness's own unit tests are not compiled into a benchmark, which
// leaves their imports unused here.
#[allow(unused_imports)]
#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Instant;

use support::emulator::emulator;
use support::Workspace;

const SIZES: &[usize] = &[1, 10];

/// The targets from the issues: (phase, calls allowed per firewall).
const TARGETS: &[(&str, f64)] = &[("create", 5.0), ("no-change plan", 2.0), ("update one rule set", 3.0)];

struct Phase {
    name: &'static str,
    calls: BTreeMap<String, usize>,
    seconds: f64,
}

fn config(region: &str, vpc: &str, n: usize, second_set: &str) -> String {
    let mut hcl = emulator().hcl_prelude(region);
    for i in 0..n {
        writeln!(
            hcl,
            "resource \"cumulocity_firewall\" \"f{i}\" {{\n  name = \"c8y-{i}\"\n  vpc_id = \"{vpc}\"\n  \
             rule_sets = [\"external\", \"{second_set}\"]\n}}"
        )
        .unwrap();
    }
    hcl
}

fn run_ok(ws: &Workspace, args: &[&str]) {
    let out = ws.run(args);
    assert!(out.success(), "terraform {args:?} failed: {out}");
}

fn measure(region: &str, name: &'static str, run: impl FnOnce()) -> Phase {
    emulator().reset_recording();
    let started = Instant::now();
    run();
    let seconds = started.elapsed().as_secs_f64();
    let mut calls = BTreeMap::new();
    for call in emulator().recorded_calls_in(region) {
        *calls.entry(call.action).or_insert(0) += 1;
    }
    Phase { name, calls, seconds }
}

fn main() {
    let mut table = String::from(
        "| firewalls | phase | API calls | per firewall | calls by action | wall time (s) |\n\
         | ---: | --- | ---: | ---: | --- | ---: |\n",
    );
    let mut misses = Vec::new();
    emulator().start_recording();
    for &n in SIZES {
        let region = emulator().unique_region();
        let vpc = emulator().create_vpc(region, "10.0.0.0/16");
        let ws = Workspace::new(&config(region, &vpc, n, "outbound"));
        let mut phases = vec![measure(region, "create", || {
            ws.apply_ok();
        })];
        phases.push(measure(region, "no-change plan", || {
            ws.plan_no_changes();
        }));
        ws.write("main.tf", &config(region, &vpc, n, "dns"));
        // Without the refresh (measured above), to count the operation alone;
        // a plain `terraform apply` adds the refresh's calls.
        phases.push(measure(region, "update one rule set", || {
            run_ok(&ws, &["apply", "-input=false", "-auto-approve", "-refresh=false"]);
        }));
        phases.push(measure(region, "destroy", || {
            run_ok(&ws, &["destroy", "-input=false", "-auto-approve", "-refresh=false"]);
        }));
        for phase in &phases {
            let total: usize = phase.calls.values().sum();
            let per = total as f64 / n as f64;
            let by_action = phase
                .calls
                .iter()
                .map(|(a, c)| format!("{a} {c}"))
                .collect::<Vec<_>>()
                .join(", ");
            writeln!(
                table,
                "| {n} | {} | {total} | {per:.1} | {by_action} | {:.2} |",
                phase.name, phase.seconds
            )
            .unwrap();
            if let Some((_, limit)) = TARGETS.iter().find(|(name, _)| *name == phase.name) {
                if per > *limit {
                    misses.push(format!(
                        "{} with {n} firewalls: {per:.1} calls per firewall, target {limit}",
                        phase.name
                    ));
                }
            }
        }
    }
    emulator().stop_recording();

    let mut report = String::from(
        "# API calls\n\nCounted by the AWS emulator's (moto) request recorder while the real Terraform CLI \
         drives the provider; `make bench` writes this file. Firewalls hold the rule sets `external` and \
         `outbound`; the update changes `outbound` to `dns` on all of them. Update and destroy run with \
         `-refresh=false` to count the operation alone; a plain `terraform apply` adds the refresh (the \
         no-change plan's calls).\n\n",
    );
    report.push_str(&table);
    report.push_str("\nTargets: create at most 5 calls, a no-change refresh at most 2 per firewall, an update of one rule set at most 3.\n");
    if misses.is_empty() {
        report.push_str("All targets met.\n");
    } else {
        report.push_str(&format!("Targets missed: {}.\n", misses.join("; ")));
    }
    println!("{report}");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/bench/RESULTS.md");
    std::fs::write(path, &report).unwrap_or_else(|e| panic!("writing {path}: {e}"));
    println!("written to bench/RESULTS.md");
}
