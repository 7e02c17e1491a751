//! What the `aws` layer needs to know to reach AWS: Region, credentials,
//! endpoints, retries. Decoded from the provider block by the provider
//! layer; nothing here knows of Terraform.

use std::fmt;
use std::time::Duration;

/// A secret string: never printed, not even by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps `value`, which from then on prints as redacted.
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    /// The secret itself, for the one place that hands it to the SDK.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

/// An access key given outright, instead of the default credential chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticCredentials {
    /// The access key id.
    pub access_key: String,
    /// The secret access key.
    pub secret_key: Secret,
    /// A session token, for temporary credentials.
    pub token: Option<Secret>,
}

/// A role to assume with STS, on top of the credentials found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRole {
    /// `arn:aws:iam::<account>:role/<name>`.
    pub role_arn: String,
    /// The session's name; the provider's name when absent.
    pub session_name: Option<String>,
    /// The external id the role's trust policy may ask for.
    pub external_id: Option<String>,
}

/// Retries of a throttled or failed call before it fails (the SDK's
/// standard strategy, with exponential backoff).
pub const DEFAULT_MAX_RETRIES: u32 = 25;

/// How long one attempt of an AWS call may take before the SDK gives it up
/// and retries (a connection that hangs, a response that never comes). EC2
/// and ELB answer in well under a second; this is about dead connections,
/// which would otherwise hold a resource until its own timeout.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// Everything `connect` needs to build the clients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsOptions {
    /// The Region; the SDK's chain (AWS_REGION, the profile) when absent.
    pub region: Option<String>,
    /// A profile of the shared config and credentials files.
    pub profile: Option<String>,
    /// An access key given outright; the default chain when absent.
    pub credentials: Option<StaticCredentials>,
    /// A role to assume.
    pub assume_role: Option<AssumeRole>,
    /// Where EC2 calls go instead of AWS's endpoint (an emulator, say).
    pub ec2_endpoint: Option<String>,
    /// Where Elastic Load Balancing calls go instead of AWS's endpoint.
    pub elbv2_endpoint: Option<String>,
    /// Where `assume_role` asks for credentials.
    pub sts_endpoint: Option<String>,
    /// Retries per call (see `DEFAULT_MAX_RETRIES`).
    pub max_retries: u32,
    /// Not in the provider block: `DEFAULT_ATTEMPT_TIMEOUT`, shorter in tests.
    pub attempt_timeout: Duration,
    /// Which AWS accounts the credentials may belong to; any when absent.
    pub accounts: Option<AccountRule>,
}

/// The accounts a provider configuration may act in, checked once against
/// the caller's account (STS `GetCallerIdentity`) before any other call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AccountRule {
    /// Only these accounts (12-digit ids).
    Allowed(Vec<String>),
    /// Any account but these.
    Forbidden(Vec<String>),
}

impl AccountRule {
    /// Whether `account` may be acted in.
    pub fn permits(&self, account: &str) -> bool {
        match self {
            AccountRule::Allowed(ids) => ids.iter().any(|id| id == account),
            AccountRule::Forbidden(ids) => !ids.iter().any(|id| id == account),
        }
    }
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            region: None,
            profile: None,
            credentials: None,
            assume_role: None,
            ec2_endpoint: None,
            elbv2_endpoint: None,
            sts_endpoint: None,
            max_retries: DEFAULT_MAX_RETRIES,
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            accounts: None,
        }
    }
}
