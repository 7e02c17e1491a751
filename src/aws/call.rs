//! How every AWS call is made: under the operation's deadline, page by
//! page, with the codes the SDK's retry strategy treats as transient.
//!
//! Kept apart from the calls themselves so that each job's file says what
//! it asks AWS, and this one how asking works: a deadline cuts off a call
//! with its retries (the SDK's own timeouts bound single attempts only), and
//! eventual consistency or a group still in use is retried with the SDK's
//! backoff, like throttling.

use std::future::Future;

use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
use aws_sdk_ec2::error::{ProvideErrorMetadata, SdkError};
use tokio::time::Instant;

use super::error::AwsError;

/// AWS takes at most 200 values in one filter.
pub const FILTER_VALUES_MAX: usize = 200;
/// The most results one Describe page holds.
pub(super) const PAGE_MAX: i32 = 1000;

/// Right after CreateSecurityGroup, EC2 may not know the new group yet
/// (eventual consistency); these codes are then retried by the SDK's own
/// retry strategy, with its backoff, like throttling.
pub(super) const NOT_VISIBLE_YET: &[&str] = &["InvalidGroup.NotFound", "InvalidSecurityGroupID.NotFound"];

/// A configuration override that makes the SDK retry `codes` for one call.
pub(super) fn retrying<E>(codes: &'static [&'static str]) -> aws_sdk_ec2::config::Builder
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    aws_sdk_ec2::config::Builder::default()
        .retry_classifier(AwsErrorCodeClassifier::<E>::builder().transient_errors(codes).build())
}

/// Runs one AWS call with a deadline; a call still running then is
/// abandoned (the SDK's own retries included) and reported as a timeout.
pub(super) async fn within<T, E, R>(
    deadline: Instant,
    action: &'static str,
    call: impl Future<Output = Result<T, SdkError<E, R>>>,
) -> Result<T, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    match tokio::time::timeout_at(deadline, call).await {
        Ok(result) => result.map_err(|err| AwsError::from_sdk(action, err)),
        Err(_) => Err(AwsError::timeout(action)),
    }
}

/// The next page of a paginated call, `None` after the last one.
pub(super) async fn next_page<T, E, R>(
    deadline: Instant,
    action: &'static str,
    page: impl Future<Output = Option<Result<T, SdkError<E, R>>>>,
) -> Result<Option<T>, AwsError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    match tokio::time::timeout_at(deadline, page).await {
        Err(_) => Err(AwsError::timeout(action)),
        Ok(None) => Ok(None),
        Ok(Some(page)) => page.map(Some).map_err(|err| AwsError::from_sdk(action, err)),
    }
}

/// Deleting a group that a network interface or another group's rule still
/// uses: retried, since the user may be on the way out.
pub(super) const STILL_IN_USE: &[&str] = &["DependencyViolation"];
