//! AWS failures, classified.
//!
//! An `AwsError` keeps AWS's error code and message and the action that
//! failed; it never holds request data, so credentials cannot leak through
//! it. Its `kind` is what callers react to, so that no caller outside this
//! layer matches AWS's codes. Its words name only AWS things: how to fix a
//! failure in Terraform terms (the provider block, the `timeouts` block) is
//! the provider's to say, keyed on the kind (`provider::diagnostics`).

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
    /// A create found its group name taken by a group it may not adopt:
    /// one it did not create, or one another configuration manages. The
    /// message names the group.
    NameTaken,
    /// Something still uses the group.
    DependencyViolation,
    /// The VPC a group is to be created in does not exist
    /// (`InvalidVpcID.NotFound`).
    MissingVpc,
    /// A load balancer listener the firewall manages does not exist; the
    /// message names it.
    MissingListener,
    /// A target network interface the firewall manages does not exist; the
    /// message names it.
    MissingInterface,
    /// A security group a rule references (a peer) does not exist
    /// (`InvalidGroup.NotFound` naming another group than the firewall's
    /// own); the message names it.
    MissingPeerGroup,
    /// A managed prefix list a rule references does not exist
    /// (`InvalidPrefixListID.NotFound`); the message names it.
    MissingPrefixList,
    /// No credentials could be found.
    NoCredentials,
    /// No Region is configured anywhere the SDK looks.
    NoRegion,
    /// The credentials lack the IAM permission for the action
    /// (`UnauthorizedOperation` from EC2, `AccessDenied` from the others).
    AccessDenied,
    /// A step did not finish within its timeout.
    Timeout,
    /// The credentials belong to an account the provider configuration
    /// does not allow (`allowed_account_ids` / `forbidden_account_ids`);
    /// the message names the account and the list.
    AccountNotAllowed,
    /// Anything else: AWS's code and message say what.
    Other,
}

/// One failed AWS call (or step), as the layer above needs to know it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsError {
    /// The API action (or step) that failed, `DescribeSecurityGroups` say.
    pub action: &'static str,
    /// What kind of failure it is.
    pub kind: ErrorKind,
    /// AWS's error code, when AWS answered with one.
    pub code: Option<String>,
    /// AWS's message, or ours when AWS gave none.
    pub message: String,
}

impl AwsError {
    /// This error, read as a failed change of group `own_id`'s rules: EC2
    /// answers `InvalidGroup.NotFound` both for the group itself and for a
    /// group a rule references; naming another group, it is a missing peer.
    pub(super) fn for_rules_of(self, own_id: &str) -> AwsError {
        let names_a_peer = self.code.as_deref() == Some("InvalidGroup.NotFound")
            && self
                .message
                .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .any(|word| word.starts_with("sg-") && word != own_id);
        if names_a_peer {
            AwsError {
                kind: ErrorKind::MissingPeerGroup,
                ..self
            }
        } else {
            self
        }
    }

    /// Classifies an SDK failure of `action`: AWS's `.NotFound`,
    /// `.Duplicate` and `DependencyViolation` codes, and a credential chain
    /// that found nothing.
    pub fn from_sdk<E, R>(action: &'static str, err: SdkError<E, R>) -> AwsError
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: fmt::Debug + 'static,
    {
        let code = err.code().map(str::to_string);
        let kind = match code.as_deref() {
            Some("InvalidVpcID.NotFound") => ErrorKind::MissingVpc,
            Some("ListenerNotFound") => ErrorKind::MissingListener,
            Some("InvalidNetworkInterfaceID.NotFound") => ErrorKind::MissingInterface,
            Some(c) if c.eq_ignore_ascii_case("InvalidPrefixListID.NotFound") => ErrorKind::MissingPrefixList,
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
            message: "it did not finish before the operation's deadline (the timeouts it was given) and was \
                      abandoned; the AWS endpoint may be unreachable or slow."
                .to_string(),
        }
    }

    /// A failure of `action` that is none of the kinds above.
    pub fn other(action: &'static str, message: impl Into<String>) -> AwsError {
        AwsError {
            action,
            kind: ErrorKind::Other,
            code: None,
            message: message.into(),
        }
    }

    /// Whether the failure is of `kind`.
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

const NO_CREDENTIALS: &str = "no AWS credentials were found: no access key (the options' access_key and \
     secret_key, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), no profile (the options' profile or AWS_PROFILE) \
     in the shared credentials file, and no container or instance role.";

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_group_not_found_is_a_missing_peer_only_when_it_names_another_group() {
        let not_found = |message: &str| AwsError {
            action: "AuthorizeSecurityGroupIngress",
            kind: ErrorKind::NotFound,
            code: Some("InvalidGroup.NotFound".to_string()),
            message: message.to_string(),
        };
        let own = "sg-0123456789abcdef0";
        let peer = not_found("The security group 'sg-0fedcba9876543210' does not exist").for_rules_of(own);
        assert_eq!(peer.kind, ErrorKind::MissingPeerGroup);
        let itself = not_found("The security group 'sg-0123456789abcdef0' does not exist").for_rules_of(own);
        assert_eq!(itself.kind, ErrorKind::NotFound, "the group itself is gone");
        let unnamed = not_found("The specified security group does not exist").for_rules_of(own);
        assert_eq!(unnamed.kind, ErrorKind::NotFound);
    }
}
