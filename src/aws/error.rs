//! AWS failures, classified and worded for the user.
//!
//! An `AwsError` keeps AWS's error code and message and the action that
//! failed; it never holds request data, so credentials cannot leak through
//! it.

use std::error::Error as StdError;
use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_ec2::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

/// The kinds of failure the provider reacts to differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The group (or rule) does not exist, or does not exist yet.
    NotFound,
    /// A group of that name exists, or a rule exists already.
    Duplicate,
    /// Something still uses the group.
    DependencyViolation,
    /// No credentials could be found.
    NoCredentials,
    /// The credentials lack the IAM permission for the action
    /// (`UnauthorizedOperation` from EC2, `AccessDenied` from the others).
    AccessDenied,
    /// A step did not finish within its timeout.
    Timeout,
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError {
    pub action: &'static str,
    pub kind: ErrorKind,
    pub code: Option<String>,
    pub message: String,
}

impl AwsError {
    pub fn from_sdk<E, R>(action: &'static str, err: SdkError<E, R>) -> AwsError
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: fmt::Debug + 'static,
    {
        let code = err.code().map(str::to_string);
        let kind = match code.as_deref() {
            Some(c) if c.ends_with(".NotFound") => ErrorKind::NotFound,
            Some(c) if c.ends_with(".Duplicate") => ErrorKind::Duplicate,
            Some("DependencyViolation") => ErrorKind::DependencyViolation,
            Some("UnauthorizedOperation" | "AccessDenied" | "AccessDeniedException") => ErrorKind::AccessDenied,
            _ if has_source::<CredentialsError>(&err) => ErrorKind::NoCredentials,
            _ => ErrorKind::Other,
        };
        let message = match (kind, err.message()) {
            (ErrorKind::NoCredentials, _) => NO_CREDENTIALS.to_string(),
            (_, Some(message)) => message.to_string(),
            (_, None) => DisplayErrorContext(&err).to_string(),
        };
        AwsError {
            action,
            kind,
            code,
            message,
        }
    }

    /// `action` did not finish before the operation's deadline.
    pub fn timeout(action: &'static str) -> AwsError {
        AwsError {
            action,
            kind: ErrorKind::Timeout,
            code: None,
            message: "it did not finish within the resource's timeout (its `timeouts` block: create, read, update \
                      or delete). Raise that timeout, or check that the AWS endpoint can be reached."
                .to_string(),
        }
    }

    pub fn other(action: &'static str, message: impl Into<String>) -> AwsError {
        AwsError {
            action,
            kind: ErrorKind::Other,
            code: None,
            message: message.into(),
        }
    }

    pub fn is(&self, kind: ErrorKind) -> bool {
        self.kind == kind
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.code {
            Some(code) => write!(f, "{} failed: {code}: {}", self.action, self.message),
            None => write!(f, "{} failed: {}", self.action, self.message),
        }
    }
}

impl StdError for AwsError {}

const NO_CREDENTIALS: &str = "no AWS credentials were found. Set access_key and secret_key in the provider block, \
     or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (provider argument `profile` or AWS_PROFILE) \
     in the shared credentials file, or run where a container or instance role is available.";

fn has_source<T: StdError + 'static>(err: &(dyn StdError + 'static)) -> bool {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if e.is::<T>() {
            return true;
        }
        current = e.source();
    }
    false
}
