//! A real AWS emulator (moto) for acceptance tests.
//!
//! One moto server per test binary, started on first use and shared by every
//! test in it:
//!
//! ```ignore
//! mod support;
//! use support::emulator::emulator;
//!
//! #[test]
//! fn creates_a_group() {
//!     if !support::acceptance_enabled() {
//!         eprintln!("skipped: set TF_ACC=1");
//!         return;
//!     }
//!     let emu = emulator();
//!     let region = emu.unique_region(); // this test's private slice of moto
//!     let vpc = emu.create_vpc(region, "10.0.0.0/16");
//!     let ws = support::Workspace::new(&format!(
//!         "{}\nresource \"cumulocity_firewall\" \"x\" {{ name = \"x\"\n vpc_id = \"{vpc}\" }}",
//!         emu.hcl_prelude(region)
//!     ));
//!     ws.apply_ok();
//!     assert_eq!(emu.all_group_ids(region).len(), 3); // the two VPCs' defaults + ours
//! }
//! ```
//!
//! # Process
//!
//! `scripts/emulator.py` (run by `<CARGO_MANIFEST_DIR>/.venv/bin/python`,
//! created by `scripts/setup-tools`; nothing is taken from `PATH`) starts
//! `moto.server.ThreadedMotoServer` on 127.0.0.1 with port 0, so the kernel
//! picks a free port and there is no window in which another process could
//! take it, and prints `MOTO_READY http://127.0.0.1:<port>` once the socket
//! listens. Statics are never dropped, so this module cannot stop the server
//! when the test binary ends; the launcher exits by itself within a second of
//! its parent process going away (it polls `os.getppid()`), or on SIGTERM.
//! Its stderr is kept (the last 64 KiB) and shown if it fails to start.
//!
//! # Isolation
//!
//! moto keeps state per account and region, and every test uses the same
//! account, so each test takes its own region from [`Emulator::unique_region`]
//! instead of resetting moto (a reset would wipe the state of tests running
//! in parallel).
//!
//! # Clients
//!
//! [`Emulator::ec2`] and [`Emulator::elbv2`] build SDK clients from the
//! service `Config` builders alone, not `aws_config::defaults(..)`: the
//! latter still reads `AWS_*` variables and `~/.aws/config` for settings such
//! as FIPS/dual-stack/retry mode even when credentials, region and endpoint
//! are given. With the service builders the clients use exactly the static
//! fake credentials, the region and the emulator's URL, and can never reach
//! real AWS or IMDS.
//!
//! Tests are plain `#[test]` functions; the helpers block on a multi-thread
//! Tokio runtime shared by the binary ([`Emulator::block_on`]). Do not call
//! them from inside an async context.

use std::collections::HashMap;
use std::future::Future;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use aws_sdk_ec2::error::ProvideErrorMetadata;
use aws_sdk_ec2::types::{Filter, IpPermission, IpRange, SecurityGroupRule};

/// The fake access key id every client and provider block uses (moto accepts
/// any and maps unknown keys to account [`ACCOUNT_ID`]).
pub const ACCESS_KEY: &str = "AKIAIOSFODNN7EXAMPLE";
/// The fake secret access key that goes with [`ACCESS_KEY`].
pub const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
/// The account moto puts everything in.
pub const ACCOUNT_ID: &str = "123456789012";

/// The name pattern of the made-up Regions `unique_region` hands out once the
/// real ones are taken (`zz-test-1`, ...). moto serves them because the
/// harness starts it with `MOTO_ALLOW_NONEXISTENT_REGION=true`: each has a
/// default VPC, like a real Region, but no availability zones, so no subnets,
/// load balancers or instances ([`Emulator::unique_region_with_zones`] is
/// for tests that need those). The provider takes the name like any other.
pub const SYNTHETIC_REGION: &str = "zz-test-{}";

/// How many of [`REGIONS`] only [`Emulator::unique_region_with_zones`] hands
/// out, so that tests needing zones find one however late they run (the suite
/// has 13 such tests today).
const REGIONS_KEPT_FOR_ZONES: usize = 16;

/// How long the launcher may take to report that moto listens.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// Real commercial-partition Regions, all of which moto 5.2.5 emulates (EC2
/// and ELBv2, with availability zones and a default VPC). One per test; the
/// suite needs more slices than there are Regions, so past these
/// [`Emulator::unique_region`] hands out made-up ones (see [`SYNTHETIC_REGION`]).
pub const REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ap-east-1",
    "ap-east-2",
    "ca-central-1",
    "ca-west-1",
    "sa-east-1",
    "af-south-1",
    "me-south-1",
    "me-central-1",
    "il-central-1",
    "mx-central-1",
];

/// The emulator shared by this test binary, started on first call. Panics
/// (with the launcher's stderr) if moto cannot be started.
pub fn emulator() -> &'static Emulator {
    static EMULATOR: OnceLock<Emulator> = OnceLock::new();
    EMULATOR.get_or_init(Emulator::start)
}

/// A running moto server. Get it with [`emulator`].
pub struct Emulator {
    port: u16,
    /// Kept so the process is not reaped early; never waited for.
    _child: Mutex<Child>,
    startup: Duration,
    runtime: tokio::runtime::Runtime,
    /// The Regions handed out so far: (from the front of [`REGIONS`], from
    /// its back, made up).
    regions_taken: Mutex<(usize, usize, usize)>,
}

/// How many groups `Emulator::hand_made_groups` makes at the same time.
const HAND_MADE_AT_ONCE: usize = 8;

/// One request moto's recorder saw (see [`Emulator::recorded_calls`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedCall {
    /// The SigV4 signing name from the `Authorization` header's credential
    /// scope (`ec2`, `elasticloadbalancing`, ...), else the `Host` header.
    pub service: String,
    /// The Region from the credential scope; empty for unsigned requests.
    pub region: String,
    /// The Query-protocol `Action` (from the form body, else the query
    /// string), else the `X-Amz-Target` operation, else `METHOD /path`.
    pub action: String,
    pub method: String,
    pub url: String,
}

impl Emulator {
    fn start() -> Emulator {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let python = root.join(".venv/bin/python");
        let launcher = root.join("scripts/emulator.py");
        assert!(
            python.exists(),
            "the AWS emulator needs {}: run `scripts/setup-tools` first",
            python.display()
        );
        let started = Instant::now();
        let mut child = Command::new(&python)
            .arg(&launcher)
            .arg("--port=0")
            .current_dir(root)
            .env("PYTHONUNBUFFERED", "1")
            .env("MOTO_ALLOW_NONEXISTENT_REGION", "true")
            .env_remove("MOTO_PORT")
            .env_remove("PYTHONPATH")
            .env_remove("PYTHONHOME")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start {} {}: {e}", python.display(), launcher.display()));

        // Drain stderr for the whole life of the process (a full pipe would
        // block moto), keeping the tail for error messages.
        let stderr_tail = Arc::new(Mutex::new(String::new()));
        {
            let tail = Arc::clone(&stderr_tail);
            let mut stderr = child.stderr.take().expect("piped stderr");
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stderr.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    let mut t = tail.lock().unwrap();
                    t.push_str(&String::from_utf8_lossy(&buf[..n]));
                    if t.len() > 64 * 1024 {
                        let cut = t.len() - 64 * 1024;
                        let cut = (cut..t.len()).find(|&i| t.is_char_boundary(i)).unwrap_or(0);
                        t.drain(..cut);
                    }
                }
            });
        }
        let (tx, rx) = mpsc::channel::<String>();
        {
            let stdout = child.stdout.take().expect("piped stdout");
            thread::spawn(move || {
                for line in BufReader::new(stdout).lines() {
                    let Ok(line) = line else { break };
                    if tx.send(line).is_err() {
                        // Nobody listens any more; keep draining.
                        continue;
                    }
                }
            });
        }

        let fail = |child: &mut Child, why: String| -> ! {
            let _ = child.kill();
            let _ = child.wait();
            thread::sleep(Duration::from_millis(200)); // let the stderr thread catch up
            panic!(
                "the AWS emulator (moto) did not start: {why}\ncommand: {} {} --port=0\n--- launcher stderr ---\n{}",
                python.display(),
                launcher.display(),
                stderr_tail.lock().unwrap()
            );
        };

        let port = loop {
            let left = START_TIMEOUT.saturating_sub(started.elapsed());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(url) = line.trim().strip_prefix("MOTO_READY ") {
                        match url.rsplit(':').next().and_then(|p| p.parse::<u16>().ok()) {
                            Some(port) => break port,
                            None => fail(&mut child, format!("unreadable ready line {line:?}")),
                        }
                    }
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    fail(&mut child, format!("no ready line within {START_TIMEOUT:?}"))
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    // stdout closed: the launcher is exiting; give it a moment for its status.
                    let mut status = None;
                    for _ in 0..20 {
                        status = child.try_wait().ok().flatten();
                        if status.is_some() {
                            break;
                        }
                        thread::sleep(Duration::from_millis(100));
                    }
                    let status = status.map_or_else(|| "still running".to_string(), |s| s.to_string());
                    fail(&mut child, format!("the launcher exited early ({status})"))
                }
            }
        };
        // The launcher reports after the socket listens; check that it answers HTTP.
        if let Err(e) = http_request(port, "GET", "/moto-api/data.json", b"") {
            fail(&mut child, format!("port {port} does not answer: {e}"));
        }
        let startup = started.elapsed();
        eprintln!("support: AWS emulator (moto) on http://127.0.0.1:{port}, ready after {startup:.2?}");

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("emulator-rt")
            .enable_all()
            .build()
            .expect("build the emulator's Tokio runtime");

        Emulator {
            port,
            _child: Mutex::new(child),
            startup,
            runtime,
            regions_taken: Mutex::new((0, 0, 0)),
        }
    }

    /// `http://127.0.0.1:PORT`: the endpoint of every service.
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// From spawning the launcher to the first answered HTTP request.
    pub fn startup_time(&self) -> Duration {
        self.startup
    }

    /// A Region no other caller in this test binary gets: a test's private
    /// slice of moto's state, with a default VPC. A real Region while any is
    /// left, then a made-up one ([`SYNTHETIC_REGION`]), which has no
    /// availability zones: a test that needs subnets asks
    /// [`Emulator::unique_region_with_zones`] instead.
    pub fn unique_region(&self) -> &'static str {
        let mut taken = self.regions_taken.lock().unwrap_or_else(|e| e.into_inner());
        let (front, back, synthetic) = &mut *taken;
        if *front + (*back).max(REGIONS_KEPT_FOR_ZONES) < REGIONS.len() {
            *front += 1;
            return REGIONS[*front - 1];
        }
        *synthetic += 1;
        Box::leak(SYNTHETIC_REGION.replace("{}", &synthetic.to_string()).into_boxed_str())
    }

    /// Like [`Emulator::unique_region`], but always a real Region, with
    /// availability zones (for subnets, load balancers and instances); taken
    /// from the back of [`REGIONS`] so that the front serves the others first.
    /// Panics when every real Region is taken.
    pub fn unique_region_with_zones(&self) -> &'static str {
        let taken = {
            let mut taken = self.regions_taken.lock().unwrap_or_else(|e| e.into_inner());
            let (front, back, _) = &mut *taken;
            (*front + *back < REGIONS.len()).then(|| {
                *back += 1;
                *back
            })
        };
        let back = taken.unwrap_or_else(|| {
            panic!(
                "support::emulator: all {} real Regions are taken; keep more for tests that need \
                 availability zones (REGIONS_KEPT_FOR_ZONES), or moto must know more Regions",
                REGIONS.len()
            )
        });
        REGIONS[REGIONS.len() - back]
    }

    /// Runs `fut` to completion on the shared runtime. Not from async code.
    pub fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.runtime.block_on(fut)
    }

    /// An EC2 client for `region` on the emulator, with fake static credentials.
    pub fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        use aws_sdk_ec2::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_ec2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(terraform_provider_cumulocity::aws::https_client())
            .region(Region::new(region.to_string()))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "emulator"))
            .endpoint_url(self.endpoint())
            .build();
        aws_sdk_ec2::Client::from_conf(config)
    }

    /// An Elastic Load Balancing v2 client for `region` on the emulator.
    pub fn elbv2(&self, region: &str) -> aws_sdk_elasticloadbalancingv2::Client {
        use aws_sdk_elasticloadbalancingv2::config::{BehaviorVersion, Credentials, Region};
        let config = aws_sdk_elasticloadbalancingv2::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .http_client(terraform_provider_cumulocity::aws::https_client())
            .region(Region::new(region.to_string()))
            .credentials_provider(Credentials::new(ACCESS_KEY, SECRET_KEY, None, None, "emulator"))
            .endpoint_url(self.endpoint())
            .build();
        aws_sdk_elasticloadbalancingv2::Client::from_conf(config)
    }

    /// The provider configuration pointing at the emulator, as HCL.
    pub fn provider_block(&self, region: &str) -> String {
        let url = self.endpoint();
        format!(
            "provider \"cumulocity\" {{\n  region     = \"{region}\"\n  access_key = \"{ACCESS_KEY}\"\n  \
             secret_key = \"{SECRET_KEY}\"\n  endpoints {{\n    ec2   = \"{url}\"\n    elbv2 = \"{url}\"\n  }}\n}}\n"
        )
    }

    /// `terraform { required_providers { cumulocity = ... } }` followed by
    /// [`Self::provider_block`]: the start of a test's `main.tf`.
    pub fn hcl_prelude(&self, region: &str) -> String {
        format!(
            "terraform {{\n  required_providers {{\n    cumulocity = {{ source = \"{}\" }}\n  }}\n}}\n\n{}",
            super::PROVIDER_SOURCE,
            self.provider_block(region)
        )
    }

    /// Creates a VPC; returns its id.
    pub fn create_vpc(&self, region: &str, cidr: &str) -> String {
        let ec2 = self.ec2(region);
        let out = self
            .block_on(ec2.create_vpc().cidr_block(cidr).send())
            .unwrap_or_else(|e| panic!("CreateVpc {cidr} in {region}: {}", fmt_err(&e)));
        out.vpc()
            .and_then(|v| v.vpc_id())
            .expect("CreateVpc returns a VPC id")
            .to_string()
    }

    /// The id of the Region's default VPC (moto creates one per Region).
    pub fn default_vpc(&self, region: &str) -> String {
        let ec2 = self.ec2(region);
        let out = self
            .block_on(
                ec2.describe_vpcs()
                    .filters(Filter::builder().name("is-default").values("true").build())
                    .send(),
            )
            .unwrap_or_else(|e| panic!("DescribeVpcs in {region}: {}", fmt_err(&e)));
        out.vpcs()
            .first()
            .and_then(|v| v.vpc_id())
            .unwrap_or_else(|| panic!("no default VPC in {region}"))
            .to_string()
    }

    /// Every rule of a group (ingress and egress), as DescribeSecurityGroupRules
    /// with filter `group-id` returns them, all pages.
    pub fn describe_rules(&self, region: &str, group_id: &str) -> Vec<SecurityGroupRule> {
        let ec2 = self.ec2(region);
        self.block_on(async {
            let mut rules = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let out = ec2
                    .describe_security_group_rules()
                    .filters(Filter::builder().name("group-id").values(group_id).build())
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("DescribeSecurityGroupRules {group_id} in {region}: {}", fmt_err(&e)));
                rules.extend(out.security_group_rules().iter().cloned());
                token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
                if token.is_none() {
                    break rules;
                }
            }
        })
    }

    /// Whether DescribeSecurityGroups finds the group (false on
    /// `InvalidGroup.NotFound`; other errors panic).
    pub fn group_exists(&self, region: &str, id: &str) -> bool {
        let ec2 = self.ec2(region);
        match self.block_on(ec2.describe_security_groups().group_ids(id).send()) {
            Ok(out) => out.security_groups().iter().any(|g| g.group_id() == Some(id)),
            Err(e) if e.code() == Some("InvalidGroup.NotFound") => false,
            Err(e) => panic!("DescribeSecurityGroups {id} in {region}: {}", fmt_err(&e)),
        }
    }

    /// `n` groups in `vpc`, `c8y-000`, `c8y-001`, ..., made
    /// `HAND_MADE_AT_ONCE` at a time (one by one, 200 would take a while), each with `rules` ingress rules (TCP
    /// 1000 + i, 2000 + i, ... from 10.0.0.0/8) besides AWS's allow-all
    /// egress; returns their ids in name order.
    pub fn hand_made_groups(&self, region: &str, vpc: &str, n: usize, rules: usize) -> Vec<String> {
        let ec2 = self.ec2(region);
        self.block_on(async {
            let mut made = tokio::task::JoinSet::new();
            let mut ids = vec![String::new(); n];
            for i in 0..n {
                // A few at a time: enough to be quick, few enough for moto.
                if made.len() >= HAND_MADE_AT_ONCE {
                    let (i, id) = made.join_next().await.expect("a task").expect("a group is made");
                    ids[i] = id;
                }
                let ec2 = ec2.clone();
                let vpc = vpc.to_string();
                made.spawn(async move {
                    let id = ec2
                        .create_security_group()
                        .group_name(format!("c8y-{i:03}"))
                        .description("hand-made")
                        .vpc_id(vpc)
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("CreateSecurityGroup c8y-{i:03}: {}", fmt_err(&e)))
                        .group_id()
                        .expect("CreateSecurityGroup returns an id")
                        .to_string();
                    let base = 1000 + i32::try_from(i).expect("few groups");
                    let permissions: Vec<IpPermission> = (0..rules)
                        .map(|r| {
                            let port = base + 1000 * i32::try_from(r).expect("few rules");
                            IpPermission::builder()
                                .ip_protocol("tcp")
                                .from_port(port)
                                .to_port(port)
                                .ip_ranges(IpRange::builder().cidr_ip("10.0.0.0/8").build())
                                .build()
                        })
                        .collect();
                    if !permissions.is_empty() {
                        ec2.authorize_security_group_ingress()
                            .group_id(&id)
                            .set_ip_permissions(Some(permissions))
                            .send()
                            .await
                            .unwrap_or_else(|e| panic!("AuthorizeSecurityGroupIngress {id}: {}", fmt_err(&e)));
                    }
                    (i, id)
                });
            }
            while let Some(done) = made.join_next().await {
                let (i, id) = done.expect("a group is made");
                ids[i] = id;
            }
            ids
        })
    }

    /// The ids of all security groups in the Region (the default groups of
    /// every VPC included), sorted.
    pub fn all_group_ids(&self, region: &str) -> Vec<String> {
        let ec2 = self.ec2(region);
        self.block_on(async {
            let mut ids = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let out = ec2
                    .describe_security_groups()
                    .set_next_token(token.clone())
                    .send()
                    .await
                    .unwrap_or_else(|e| panic!("DescribeSecurityGroups in {region}: {}", fmt_err(&e)));
                ids.extend(
                    out.security_groups()
                        .iter()
                        .filter_map(|g| g.group_id())
                        .map(str::to_string),
                );
                token = out.next_token().filter(|t| !t.is_empty()).map(str::to_string);
                if token.is_none() {
                    break;
                }
            }
            ids.sort();
            ids
        })
    }

    /// A new VPC (`10.<n>.0.0/16`, `n` from 0 to 255) with a subnet in each
    /// of two zones and an NLB in them whose listeners (`"TCP"`, `"TLS"` or
    /// `"UDP"`, and a port) forward to one IP target group; a TLS listener
    /// gets an ACM certificate. What `examples/complete` and the demo take
    /// as inputs.
    pub fn network_load_balancer(&self, region: &str, n: u8, listeners: &[(&str, i32)]) -> NetworkLoadBalancer {
        use aws_sdk_elasticloadbalancingv2::types::{
            Action, ActionTypeEnum, Certificate, LoadBalancerTypeEnum, ProtocolEnum, TargetTypeEnum,
        };
        let ec2 = self.ec2(region);
        let elb = self.elbv2(region);
        let cidr = format!("10.{n}.0.0/16");
        let vpc = self.create_vpc(region, &cidr);
        let zones = self
            .block_on(ec2.describe_availability_zones().send())
            .unwrap_or_else(|e| panic!("DescribeAvailabilityZones in {region}: {}", fmt_err(&e)));
        let mut subnets = Vec::new();
        for (i, zone) in zones.availability_zones().iter().take(2).enumerate() {
            let out = self
                .block_on(
                    ec2.create_subnet()
                        .vpc_id(&vpc)
                        .cidr_block(format!("10.{n}.{i}.0/24"))
                        .availability_zone(zone.zone_name().unwrap_or_default())
                        .send(),
                )
                .unwrap_or_else(|e| panic!("CreateSubnet in {region}: {}", fmt_err(&e)));
            subnets.push(out.subnet().and_then(|s| s.subnet_id()).unwrap().to_string());
        }
        let arn = self
            .block_on(
                elb.create_load_balancer()
                    .name(format!("c8y-nlb-{n}"))
                    .r#type(LoadBalancerTypeEnum::Network)
                    .set_subnets(Some(subnets.clone()))
                    .send(),
            )
            .unwrap_or_else(|e| panic!("CreateLoadBalancer in {region}: {}", fmt_err(&e)))
            .load_balancers()[0]
            .load_balancer_arn()
            .unwrap()
            .to_string();
        let target_group = self
            .block_on(
                elb.create_target_group()
                    .name(format!("c8y-core-{n}"))
                    .protocol(ProtocolEnum::Tcp)
                    .port(1883)
                    .vpc_id(&vpc)
                    .target_type(TargetTypeEnum::Ip)
                    .send(),
            )
            .unwrap_or_else(|e| panic!("CreateTargetGroup in {region}: {}", fmt_err(&e)))
            .target_groups()[0]
            .target_group_arn()
            .unwrap()
            .to_string();
        let listeners = listeners
            .iter()
            .map(|&(protocol, port)| {
                let mut call = elb
                    .create_listener()
                    .load_balancer_arn(&arn)
                    .protocol(ProtocolEnum::from(protocol))
                    .port(port)
                    .default_actions(
                        Action::builder()
                            .r#type(ActionTypeEnum::Forward)
                            .target_group_arn(&target_group)
                            .build(),
                    );
                if protocol == "TLS" {
                    let cert = self.acm_certificate(region, "mqtt.example.com");
                    call = call.certificates(Certificate::builder().certificate_arn(cert).build());
                }
                self.block_on(call.send())
                    .unwrap_or_else(|e| panic!("CreateListener {protocol} {port} in {region}: {}", fmt_err(&e)))
                    .listeners()[0]
                    .listener_arn()
                    .unwrap()
                    .to_string()
            })
            .collect();
        NetworkLoadBalancer {
            vpc,
            vpc_cidr: cidr,
            subnets,
            listeners,
        }
    }

    /// An NLB listener's `tcp.idle_timeout.seconds`, as DescribeListenerAttributes reports it.
    pub fn nlb_idle_timeout(&self, region: &str, listener: &str) -> Option<String> {
        let elb = self.elbv2(region);
        let out = self
            .block_on(elb.describe_listener_attributes().listener_arn(listener).send())
            .unwrap_or_else(|e| panic!("DescribeListenerAttributes {listener}: {}", fmt_err(&e)));
        out.attributes()
            .iter()
            .find(|a| a.key() == Some("tcp.idle_timeout.seconds"))
            .and_then(|a| a.value())
            .map(str::to_string)
    }

    /// Requests an ACM certificate for `domain` in `region` and returns its
    /// ARN, e.g. for a TLS listener (CreateListener with a certificate moto
    /// does not know fails with `CertificateNotFound`). The crate has no ACM
    /// SDK, so this is a raw JSON-protocol call; moto does not check
    /// signatures, only reads service and Region from the credential scope.
    pub fn acm_certificate(&self, region: &str, domain: &str) -> String {
        let auth = format!(
            "AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/20260101/{region}/acm/aws4_request, \
             SignedHeaders=host;x-amz-date;x-amz-target, Signature=0"
        );
        let body = serde_json::json!({ "DomainName": domain }).to_string();
        let headers = [
            ("Authorization", auth.as_str()),
            ("X-Amz-Date", "20260101T000000Z"),
            ("X-Amz-Target", "CertificateManager.RequestCertificate"),
            ("Content-Type", "application/x-amz-json-1.1"),
        ];
        let (status, text) = http_request_with(self.port, "POST", "/", &headers, body.as_bytes())
            .unwrap_or_else(|e| panic!("ACM RequestCertificate on the emulator: {e}"));
        assert!(status == 200, "ACM RequestCertificate: HTTP {status}: {text}");
        let v: serde_json::Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("ACM RequestCertificate answer {text:?}: {e}"));
        v["CertificateArn"]
            .as_str()
            .unwrap_or_else(|| panic!("no CertificateArn in {text}"))
            .to_string()
    }

    // ---- request recording (for counting API calls) ----
    //
    // moto's recorder is one switch and one log for the whole server, so
    // recordings from tests running in parallel mix; filter by Region
    // (each test has its own) with `recorded_calls_in`, and count from an
    // index (`start_recording_in`) instead of resetting or stopping the
    // recorder, which would wipe or cut short the other tests' recordings.
    //
    // Format of GET /moto-api/recorder/download-recording (moto 5.2.5,
    // moto/moto_api/_internal/recorder/models.py), verified against the SDK by
    // tests/acceptance/emulator_probe.rs: one JSON object per line, one line per request
    // moto handled while recording (requests to /moto-api/recorder/* are not
    // recorded; other /moto-api/* requests are, with Host 127.0.0.1:PORT and
    // no Authorization):
    //
    //   {"headers": {"Host": "127.0.0.1:PORT",
    //                "Content-Type": "application/x-www-form-urlencoded",
    //                "Authorization": "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=..., Signature=...",
    //                "X-Amz-Date": ..., "User-Agent": ..., ...},
    //    "method": "POST",
    //    "url": "http://127.0.0.1:PORT/",
    //    "body": "QWN0aW9uPURlc2NyaWJlU2VjdXJpdHlHcm91cHMmVmVyc2lvbj0yMDE2LTExLTE1Ji4uLg==",
    //    "body_encoded": true}
    //
    // `body` is base64 when `body_encoded` is true (how moto stores the bytes
    // the SDK sends), else plain text; for the EC2 and ELBv2 Query protocol
    // it decodes to the form `Action=DescribeSecurityGroups&Version=2016-11-15&...`
    // (ELBv2: `Version=2015-12-01`). The signing name in the credential scope
    // is `ec2` for EC2 and `elasticloadbalancing` for ELBv2.

    /// Starts recording every request moto handles.
    pub fn start_recording(&self) {
        self.moto_api("POST", "/moto-api/recorder/start-recording");
    }

    /// Stops recording; the log is kept. Only where no other test of the
    /// binary records in parallel (see [`Self::start_recording_in`]).
    pub fn stop_recording(&self) {
        self.moto_api("POST", "/moto-api/recorder/stop-recording");
    }

    /// Empties the log (recording stays on or off). Only where no other
    /// test of the binary records in parallel (the bench runs one at a time).
    pub fn reset_recording(&self) {
        self.moto_api("POST", "/moto-api/recorder/reset-recording");
    }

    /// The raw log (see the format above).
    pub fn recording_jsonl(&self) -> String {
        self.moto_api("GET", "/moto-api/recorder/download-recording")
    }

    /// Every recorded request, oldest first.
    pub fn recorded_calls(&self) -> Vec<RecordedCall> {
        parse_recording(&self.recording_jsonl())
    }

    /// The recorded requests signed for `region`, oldest first.
    pub fn recorded_calls_in(&self, region: &str) -> Vec<RecordedCall> {
        self.recorded_calls()
            .into_iter()
            .filter(|c| c.region == region)
            .collect()
    }

    /// Turns the recorder on for a test that owns `region` and returns how
    /// many requests are recorded in `region` so far: count the test's own
    /// calls as those after this index. Never resets or stops the recorder,
    /// which would wipe or cut short the recordings of tests running in
    /// parallel. Makes one canary call (DescribeVpcs in `region`) and
    /// panics unless the recorder saw it, so "no calls after the index" can
    /// not pass with the recorder off (moto also creates its log file only
    /// with the first recorded request).
    pub fn start_recording_in(&self, region: &str) -> usize {
        self.start_recording();
        self.block_on(self.ec2(region).describe_vpcs().send())
            .unwrap_or_else(|e| panic!("DescribeVpcs in {region}: {}", fmt_err(&e)));
        let calls = self.recorded_calls_in(region);
        assert_eq!(
            calls.last().map(|c| c.action.as_str()),
            Some("DescribeVpcs"),
            "the recorder did not see the canary DescribeVpcs in {region}: {calls:?}"
        );
        calls.len()
    }

    /// How many times each action was recorded in `region` after the first
    /// `since` calls there (an index from [`Self::start_recording_in`]).
    pub fn action_counts_in_since(&self, region: &str, since: usize) -> HashMap<String, usize> {
        let mut counts = HashMap::new();
        for c in self.recorded_calls_in(region).into_iter().skip(since) {
            *counts.entry(c.action).or_insert(0) += 1;
        }
        counts
    }

    fn moto_api(&self, method: &str, path: &str) -> String {
        match http_request(self.port, method, path, b"") {
            Ok((200, body)) => body,
            Ok((status, body)) => panic!("{method} {path} on the emulator: HTTP {status}: {body}"),
            Err(e) => panic!("{method} {path} on the emulator: {e}"),
        }
    }
}

/// What [`Emulator::network_load_balancer`] made.
#[derive(Clone, Debug)]
pub struct NetworkLoadBalancer {
    pub vpc: String,
    pub vpc_cidr: String,
    /// The two subnets (`10.<n>.0.0/24`, `10.<n>.1.0/24`) the NLB is in.
    pub subnets: Vec<String>,
    /// The listeners' ARNs, in the order asked for.
    pub listeners: Vec<String>,
}

/// An SDK error with its code and message, for panic messages.
pub fn fmt_err<E>(e: &E) -> String
where
    E: ProvideErrorMetadata + std::error::Error,
{
    format!(
        "{} ({}: {})",
        aws_sdk_ec2::error::DisplayErrorContext(e),
        e.code().unwrap_or("no code"),
        e.message().unwrap_or("no message")
    )
}

/// A minimal HTTP/1.0 exchange with the emulator (for `/moto-api/*`), so the
/// helpers need no HTTP client crate. Returns status and body.
fn http_request(port: u16, method: &str, path: &str, body: &[u8]) -> std::io::Result<(u16, String)> {
    http_request_with(port, method, path, &[], body)
}

fn http_request_with(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    stream.set_write_timeout(Some(Duration::from_secs(60)))?;
    let mut head = format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    write!(
        stream,
        "{head}Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, rest) = text
        .split_once("\r\n\r\n")
        .ok_or_else(|| std::io::Error::other(format!("malformed HTTP response: {text:?}")))?;
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("malformed status line: {head:?}")))?;
    Ok((status, rest.to_string()))
}

/// Parses moto's recording (one JSON object per line; see the format above).
///
/// Read as a stream of JSON objects rather than line by line: moto writes
/// each entry and its newline in two writes, so requests recorded at the
/// same moment (parallel tests, Terraform's parallel calls) can come out as
/// `{..}{..}` followed by two newlines.
///
/// An entry cut short at the end is one moto is still writing (a request
/// of a test running in parallel): it is left out.
pub fn parse_recording(jsonl: &str) -> Vec<RecordedCall> {
    serde_json::Deserializer::from_str(jsonl)
        .into_iter::<serde_json::Value>()
        .take_while(|entry| !matches!(entry, Err(e) if e.is_eof()))
        .map(|entry| {
            let v = entry.unwrap_or_else(|e| panic!("recording: {e} in {:?}", tail(jsonl)));
            let header = |name: &str| -> Option<String> {
                v["headers"].as_object().and_then(|h| {
                    h.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(name))
                        .and_then(|(_, v)| v.as_str())
                        .map(str::to_string)
                })
            };
            let method = v["method"].as_str().unwrap_or("").to_string();
            let url = v["url"].as_str().unwrap_or("").to_string();
            let body_text = v["body"].as_str().unwrap_or("");
            let body = if v["body_encoded"].as_bool() == Some(true) {
                String::from_utf8_lossy(&base64_decode(body_text)).into_owned()
            } else {
                body_text.to_string()
            };

            // "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/aws4_request, ..."
            let scope: Vec<String> = header("Authorization")
                .and_then(|a| {
                    a.split("Credential=")
                        .nth(1)
                        .map(|c| c.split([',', ' ']).next().unwrap_or("").to_string())
                })
                .map(|c| c.split('/').map(str::to_string).collect())
                .unwrap_or_default();
            let (region, service) = if scope.len() == 5 {
                (scope[2].clone(), scope[3].clone())
            } else {
                (String::new(), header("Host").unwrap_or_default())
            };

            let query = url.split_once('?').map(|(_, q)| q).unwrap_or("");
            let action = form_value(&body, "Action")
                .or_else(|| form_value(query, "Action"))
                .or_else(|| header("X-Amz-Target").map(|t| t.rsplit('.').next().unwrap_or(&t).to_string()))
                .unwrap_or_else(|| {
                    let path = url
                        .split("://")
                        .nth(1)
                        .map_or(url.as_str(), |r| r.find('/').map_or("/", |i| &r[i..]));
                    format!("{method} {}", path.split('?').next().unwrap_or(path))
                });
            RecordedCall {
                service,
                region,
                action,
                method,
                url,
            }
        })
        .collect()
}

/// The end of a recording, for an error message.
fn tail(text: &str) -> &str {
    let start = text.len().saturating_sub(300);
    let start = (start..text.len())
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(text.len());
    &text[start..]
}

/// The value of `key` in an `application/x-www-form-urlencoded` string.
fn form_value(form: &str, key: &str) -> Option<String> {
    url::form_urlencoded::parse(form.as_bytes()).find_map(|(k, v)| (k == key).then(|| v.into_owned()))
}

/// The bytes of moto's base64-encoded request bodies (standard alphabet,
/// padded); malformed input decodes to nothing rather than failing a test in
/// the harness.
pub fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    // `super::` paths instead of a `use`: a target built with cfg(test) but
    // without the test harness (benches/api_calls.rs, `harness = false`)
    // drops the #[test] functions, and an import would then be unused.

    #[test]
    fn decodes_base64_and_forms() {
        assert_eq!(
            super::base64_decode("QWN0aW9uPURlc2NyaWJlVnBjcw=="),
            b"Action=DescribeVpcs"
        );
        assert_eq!(
            super::form_value("Version=1&Action=Describe%41b+c", "Action").as_deref(),
            Some("DescribeAb c")
        );
        assert_eq!(super::form_value("Version=1", "Action"), None);
    }

    #[test]
    fn parses_a_recording() {
        let jsonl = concat!(
            r#"{"headers": {"Host": "127.0.0.1:5000", "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/ec2/aws4_request, SignedHeaders=host, Signature=x"}, "method": "POST", "url": "http://127.0.0.1:5000/", "body": "QWN0aW9uPURlc2NyaWJlVnBjcyZWZXJzaW9uPTIwMTYtMTEtMTU=", "body_encoded": true}"#,
            "\n",
            r#"{"headers": {"Host": "127.0.0.1:5000"}, "method": "GET", "url": "http://127.0.0.1:5000/moto-api/data.json?x=1", "body": "", "body_encoded": false}"#,
            "\n"
        );
        let calls = super::parse_recording(jsonl);
        assert_eq!(
            calls[0],
            super::RecordedCall {
                service: "ec2".into(),
                region: "eu-west-1".into(),
                action: "DescribeVpcs".into(),
                method: "POST".into(),
                url: "http://127.0.0.1:5000/".into(),
            }
        );
        assert_eq!(calls[1].service, "127.0.0.1:5000");
        assert_eq!(calls[1].region, "");
        assert_eq!(calls[1].action, "GET /moto-api/data.json");
    }

    #[test]
    fn parses_entries_recorded_at_the_same_moment() {
        let entry = |action: &str| {
            format!(
                r#"{{"headers": {{"Host": "h"}}, "method": "POST", "url": "http://h/", "body": "Action={action}", "body_encoded": false}}"#
            )
        };
        // moto writes an entry and its newline separately: two at once interleave.
        let jsonl = format!("{}{}\n\n{}\n", entry("A"), entry("B"), entry("C"));
        let actions: Vec<String> = super::parse_recording(&jsonl).into_iter().map(|c| c.action).collect();
        assert_eq!(actions, ["A", "B", "C"]);
    }
}
