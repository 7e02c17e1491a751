//! What the `aws` layer needs to know to reach AWS: Region, credentials,
//! endpoints, retries. Decoded from the provider block by the provider
//! layer; nothing here knows of Terraform.

use std::fmt;
use std::time::Duration;

/// A secret string: never printed, not even by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticCredentials {
    pub access_key: String,
    pub secret_key: Secret,
    pub token: Option<Secret>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssumeRole {
    pub role_arn: String,
    pub session_name: Option<String>,
    pub external_id: Option<String>,
}

pub const DEFAULT_MAX_RETRIES: u32 = 25;

/// How long one attempt of an AWS call may take before the SDK gives it up
/// and retries (a connection that hangs, a response that never comes). EC2
/// and ELB answer in well under a second; this is about dead connections,
/// which would otherwise hold a resource until its own timeout.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub credentials: Option<StaticCredentials>,
    pub assume_role: Option<AssumeRole>,
    pub ec2_endpoint: Option<String>,
    pub elbv2_endpoint: Option<String>,
    /// Where `assume_role` asks for credentials.
    pub sts_endpoint: Option<String>,
    pub max_retries: u32,
    /// Not in the provider block: `DEFAULT_ATTEMPT_TIMEOUT`, shorter in tests.
    pub attempt_timeout: Duration,
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
        }
    }
}
