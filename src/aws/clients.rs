//! AWS clients from the provider's options: the default credential chain
//! (environment, shared files and profile, SSO, container and instance
//! metadata) unless static credentials are given, an optional role to
//! assume, per-service endpoints and the SDK's standard retry with backoff,
//! with a time limit on each attempt so that a dead connection is retried.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_credential_types::Credentials;

use super::error::{AwsError, ErrorKind};
use super::https::https_client;
use super::options::{AccountRule, AwsOptions};

/// The clients of one provider configuration, built once and shared.
#[derive(Clone, Debug)]
pub struct Clients {
    /// EC2: security groups, their rules, network interfaces.
    pub ec2: aws_sdk_ec2::Client,
    /// Elastic Load Balancing v2: listeners and load balancers.
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    /// The Region all calls go to.
    pub region: String,
}

/// Builds the clients `options` describe; fails when no Region is set
/// (credentials are looked for only by the first call).
pub async fn connect(options: &AwsOptions) -> Result<Clients, AwsError> {
    let config = sdk_config(options).await;
    // An empty AWS_REGION counts as none: the SDK would take it as a name.
    let Some(region) = config.region().map(|r| r.to_string()).filter(|r| !r.is_empty()) else {
        return Err(AwsError {
            action: "Configuring AWS",
            kind: ErrorKind::NoRegion,
            code: None,
            message: "no AWS Region is set: not in the options, nor AWS_REGION, nor the shared config file's profile."
                .to_string(),
        });
    };
    let mut ec2 = aws_sdk_ec2::config::Builder::from(&config);
    if let Some(url) = &options.ec2_endpoint {
        ec2 = ec2.endpoint_url(url);
    }
    let mut elbv2 = aws_sdk_elasticloadbalancingv2::config::Builder::from(&config);
    if let Some(url) = &options.elbv2_endpoint {
        elbv2 = elbv2.endpoint_url(url);
    }
    Ok(Clients {
        ec2: aws_sdk_ec2::Client::from_conf(ec2.build()),
        elbv2: aws_sdk_elasticloadbalancingv2::Client::from_conf(elbv2.build()),
        region,
    })
}

/// Checks, when `options` restrict the accounts, that the credentials
/// belong to an allowed one: one STS `GetCallerIdentity` call (through the
/// `sts` endpoint when set), and nothing else. A forbidden account fails
/// with `ErrorKind::AccountNotAllowed`, naming the account and the list.
pub async fn check_account(options: &AwsOptions) -> Result<(), AwsError> {
    let Some(rule) = &options.accounts else {
        return Ok(());
    };
    const ACTION: &str = "GetCallerIdentity";
    let config = sdk_config(options).await;
    let mut sts = aws_sdk_sts::config::Builder::from(&config);
    if let Some(url) = &options.sts_endpoint {
        sts = sts.endpoint_url(url);
    }
    let identity = aws_sdk_sts::Client::from_conf(sts.build())
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| AwsError::from_sdk(ACTION, e))?;
    let account = identity.account().unwrap_or_default();
    if rule.permits(account) {
        return Ok(());
    }
    let message = match rule {
        AccountRule::Allowed(ids) => {
            format!("the credentials belong to account {account}, which is not among the allowed accounts {ids:?}.")
        }
        AccountRule::Forbidden(ids) => {
            format!("the credentials belong to account {account}, which is among the forbidden accounts {ids:?}.")
        }
    };
    Err(AwsError {
        action: "Checking the AWS account",
        kind: ErrorKind::AccountNotAllowed,
        code: None,
        message,
    })
}

const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

async fn sdk_config(options: &AwsOptions) -> SdkConfig {
    // max_retries counts retries; the SDK counts attempts.
    let retry = RetryConfig::standard().with_max_attempts(options.max_retries.saturating_add(1));
    let timeouts = TimeoutConfig::builder()
        // The SDK's own default, which a timeout config of our own replaces.
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(options.attempt_timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(https_client())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(region) = &options.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(creds) = &options.credentials {
        loader = loader.credentials_provider(Credentials::new(
            creds.access_key.clone(),
            creds.secret_key.expose().to_string(),
            creds.token.as_ref().map(|t| t.expose().to_string()),
            None,
            "cumulocity-provider-block",
        ));
    }
    let config = loader.load().await;
    let Some(role) = &options.assume_role else {
        return config;
    };
    let mut assume = AssumeRoleProvider::builder(role.role_arn.clone()).session_name(
        role.session_name
            .clone()
            .unwrap_or_else(|| "terraform-provider-cumulocity".to_string()),
    );
    if let Some(id) = &role.external_id {
        assume = assume.external_id(id.clone());
    }
    let sts_config = match &options.sts_endpoint {
        Some(url) => config.to_builder().endpoint_url(url).build(),
        None => config.clone(),
    };
    let provider = assume.configure(&sts_config).build().await;
    config
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}
