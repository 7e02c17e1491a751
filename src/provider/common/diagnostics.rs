//! Turns the core's validation problems into Terraform diagnostics whose
//! attribute paths point at the exact argument in the user's configuration,
//! and AWS failures into diagnostics whose words say what to change in it.

use tf_provider::{AttributePath, Diagnostic, Diagnostics};

use crate::aws::tags::CREATING_TAG;
use crate::aws::{AwsError, ErrorKind, Group};
use crate::rules::{AttrPath, PathStep, Problem, Severity};

/// Which problems to pass on. Validation runs twice for a data source (at
/// validate and at read); warnings are reported only once, at read, so that
/// Terraform does not show them twice.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Report {
    /// Errors only: another pass reports the warnings.
    ErrorsOnly,
    /// Errors and warnings.
    Everything,
}

/// Adds `problems` to `diags`, each on the attribute it is about; warnings
/// only when `which` is [`Report::Everything`].
pub fn report(diags: &mut Diagnostics, problems: &[Problem], which: Report) {
    for problem in problems {
        let diagnostic = plain_diagnostic(
            problem.summary.clone(),
            problem.detail.clone(),
            attribute_path(&problem.path),
        );
        match problem.severity {
            Severity::Error => diags.add_error(diagnostic),
            Severity::Warning if which == Report::Everything => diags.add_warning(diagnostic),
            Severity::Warning => {}
        }
    }
}

/// The Terraform attribute path of a core path, such as
/// `extra_rule[0].from_port`.
pub fn attribute_path(path: &AttrPath) -> AttributePath {
    let mut out = AttributePath::root();
    for step in &path.0 {
        match step {
            PathStep::Attribute(name) => out.add_attribute(*name),
            // A config never has 2^63 elements; saturate rather than wrap.
            PathStep::Index(i) => out.add_index(i64::try_from(*i).unwrap_or(i64::MAX)),
        };
    }
    out
}

/// A diagnostic as the user should read it. tf-provider's own constructors
/// append a Rust backtrace to the detail whenever `RUST_BACKTRACE` is set in
/// Terraform's environment; a user needs none of that.
pub fn plain_diagnostic(summary: String, detail: String, attribute: AttributePath) -> Diagnostic {
    Diagnostic {
        summary: summary.into(),
        detail: detail.into(),
        attribute,
    }
}

/// An error about one attribute, without a backtrace.
pub fn error(diags: &mut Diagnostics, summary: impl Into<String>, detail: impl Into<String>, attribute: AttributePath) {
    diags.add_error(plain_diagnostic(summary.into(), detail.into(), attribute));
}

/// A data source's read found `arguments` still unknown. Terraform reads a
/// data source only once its arguments are known, so unless an error already
/// explains it, this is a bug in the provider and must not pass silently.
pub fn not_known_at_read(diags: &mut Diagnostics, arguments: &str) {
    if diags.errors.is_empty() {
        error(
            diags,
            "Arguments not known",
            format!("{arguments} still hold unknown values at read time; this is a bug in the provider."),
            AttributePath::root(),
        );
    }
}

/// An AWS failure as a diagnostic: what failed, AWS's code and message,
/// on the attribute that caused it and with what to do, keyed on the
/// error's kind (the `aws` layer knows nothing of Terraform): credentials or
/// Region in the provider block, the `timeouts` block, `vpc_id`, a listener
/// or interface that no longer exists, an IAM permission.
pub fn aws_error(diags: &mut Diagnostics, err: &AwsError) {
    aws_diagnostic(diags, err, TIMED_OUT, None);
}

/// `aws_error` for a failed change of a firewall's rules: a missing peer
/// group or prefix list points at the element that names it, which
/// `element_naming` finds from an id in the firewall's arguments
/// (`RuleArgsConfig::element_naming`).
pub fn aws_error_in_rules(
    diags: &mut Diagnostics,
    err: &AwsError,
    element_naming: impl Fn(&str) -> Option<AttributePath>,
) {
    let prefix = match err.kind {
        ErrorKind::MissingPeerGroup => "sg-",
        ErrorKind::MissingPrefixList => "pl-",
        _ => return aws_error(diags, err),
    };
    let named = err
        .message
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .filter(|word| word.starts_with(prefix));
    let place = named.into_iter().find_map(element_naming);
    aws_diagnostic(diags, err, TIMED_OUT, place);
}

/// `aws_error` for what has no `timeouts` block (the audit data source, an
/// import, a listing, the provider's set-up): a timeout says the time is
/// fixed rather than pointing at a block that does not exist.
pub fn aws_error_fixed_time(diags: &mut Diagnostics, err: &AwsError) {
    aws_diagnostic(diags, err, TIMED_OUT_FIXED, None);
}

/// The diagnostic of `err`, on `place` when the caller knows the element at
/// fault, else on the attribute its kind names.
fn aws_diagnostic(diags: &mut Diagnostics, err: &AwsError, timed_out: &str, place: Option<AttributePath>) {
    let summary = match err.kind {
        ErrorKind::NoCredentials => "No AWS credentials".to_string(),
        ErrorKind::Timeout => format!("{} timed out", err.action),
        ErrorKind::NameTaken => "Security group name already in use".to_string(),
        ErrorKind::MissingVpc => "The VPC does not exist".to_string(),
        ErrorKind::MissingListener => "A load balancer listener does not exist".to_string(),
        ErrorKind::MissingInterface => "A target network interface does not exist".to_string(),
        ErrorKind::MissingPeerGroup => "A referenced security group does not exist".to_string(),
        ErrorKind::MissingPrefixList => "A referenced prefix list does not exist".to_string(),
        ErrorKind::AccessDenied => format!("Not allowed to call {}", action_name(err.action)),
        ErrorKind::AccountNotAllowed => "Wrong AWS account".to_string(),
        _ => format!("{} failed", err.action),
    };
    let words = match err.kind {
        ErrorKind::NoCredentials => NO_CREDENTIALS.to_string(),
        ErrorKind::NoRegion => NO_REGION.to_string(),
        ErrorKind::Timeout => timed_out.to_string(),
        ErrorKind::NameTaken => format!("{} {NAME_TAKEN}", err.message),
        ErrorKind::MissingVpc => format!("{} {MISSING_VPC}", sentence(&err.message)),
        ErrorKind::MissingListener => format!("{} {MISSING_LISTENER}", sentence(&err.message)),
        ErrorKind::MissingInterface => format!("{} {MISSING_INTERFACE}", sentence(&err.message)),
        ErrorKind::MissingPeerGroup => format!("{} {MISSING_PEER_GROUP}", sentence(&err.message)),
        ErrorKind::MissingPrefixList => format!("{} {MISSING_PREFIX_LIST}", sentence(&err.message)),
        ErrorKind::AccessDenied => format!(
            "{} The credentials lack the IAM permission `{}`: grant it to the role or user Terraform runs as. \
             The permissions the provider needs, and a least-privilege policy: {IAM_GUIDE}",
            sentence(&err.message),
            iam_action(err.action)
        ),
        ErrorKind::AccountNotAllowed => format!("{} {ACCOUNT_NOT_ALLOWED}", err.message),
        _ => err.message.clone(),
    };
    let detail = match &err.code {
        Some(code) => format!("AWS answered {code}: {words}"),
        None => words.to_string(),
    };
    let attribute = place.unwrap_or_else(|| match err.kind {
        ErrorKind::MissingVpc => AttributePath::new("vpc_id"),
        ErrorKind::MissingListener => AttributePath::new("load_balancer_listener_arns"),
        ErrorKind::MissingInterface => AttributePath::new("target_network_interface_ids"),
        _ => AttributePath::root(),
    });
    error(diags, summary, detail, attribute);
}

/// The API action a failed step names, without the words after it
/// ("RevokeSecurityGroupEgress (the default allow-all rule)").
fn action_name(action: &str) -> &str {
    action.split_whitespace().next().unwrap_or(action)
}

/// The IAM action of an API call: `elasticloadbalancing:` for the load
/// balancer calls, `sts:` for STS, `ec2:` for the rest.
fn iam_action(action: &str) -> String {
    let name = action_name(action);
    let service = if name.contains("Listener") || name.contains("LoadBalancer") || name.contains("TargetGroup") {
        "elasticloadbalancing"
    } else if name == "GetCallerIdentity" || name == "AssumeRole" {
        "sts"
    } else {
        "ec2"
    };
    format!("{service}:{name}")
}

/// `text` ending with a full stop.
fn sentence(text: &str) -> String {
    let text = text.trim_end();
    if text.ends_with(['.', '!', '?']) {
        text.to_string()
    } else {
        format!("{text}.")
    }
}

/// The provider's IAM guide, where a user reads which permissions it needs.
const IAM_GUIDE: &str =
    "https://registry.terraform.io/providers/c8y-community/cumulocity/latest/docs/guides/iam-policy";

const MISSING_VPC: &str = "Check `vpc_id`: the VPC must exist in the firewall's Region (its `region`, or the \
     provider's) and be visible to these credentials; leave `vpc_id` out for the Region's default VPC.";

const MISSING_LISTENER: &str = "If the listener was deleted outside Terraform, remove its ARN from \
     `load_balancer_listener_arns`; otherwise check the ARN and that it is in the firewall's Region.";

const MISSING_INTERFACE: &str = "If the interface was deleted (a replaced target, say), remove its id from \
     `target_network_interface_ids`; otherwise check the id and that it is in the firewall's Region.";

const MISSING_PEER_GROUP: &str = "Check the group ids in `node_security_group_ids` and in the `extra_rule` \
     blocks' `security_group_ids`: each group must exist in the firewall's Region (in its VPC or a peered one) and \
     be visible to these credentials; remove the id of a group that was deleted.";

const MISSING_PREFIX_LIST: &str = "Check the ids in the `extra_rule` blocks' `prefix_list_ids`: each managed \
     prefix list must exist in the firewall's Region and be owned by or shared with this account; remove the id of \
     a list that was deleted.";

const NO_CREDENTIALS: &str = "no AWS credentials were found. Set access_key and secret_key in the provider block, \
     or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile (provider argument `profile` or AWS_PROFILE) \
     in the shared credentials file, or run where a container or instance role is available.";

const NO_REGION: &str = "no AWS Region is set. Set region in the provider block, or AWS_REGION, or a region in the \
     shared config file's profile.";

const TIMED_OUT: &str = "it did not finish within the resource's timeout (its `timeouts` block: `create`, which also \
     covers updates and refreshes, or `delete`). Raise that timeout, or check that the AWS endpoint can be reached.";

const TIMED_OUT_FIXED: &str = "it did not finish within the time the provider allows it (fixed: this has no \
     `timeouts` block). Check that the AWS endpoint can be reached and answers, then run Terraform again.";

const NAME_TAKEN: &str = "If that group really belongs to this configuration, import it here instead of \
     creating it (an `import` block, or `terraform import <address> <group id>`); otherwise choose another `name` \
     (or `name_prefix`) for this firewall.";

const ACCOUNT_NOT_ALLOWED: &str = "Nothing was read or changed in it. Use credentials of an allowed account, \
     or correct allowed_account_ids / forbidden_account_ids in the provider block.";

/// The warning of a create that adopted `group`, left by an interrupted
/// create of the same firewall, instead of creating one.
pub fn adopted(diags: &mut Diagnostics, group: &Group) {
    warning(
        diags,
        "Adopted a security group left by an interrupted apply",
        format!(
            "{} (name \"{}\", {}) still carried the tag {CREATING_TAG}: a create of this firewall made it and \
             did not finish (an earlier apply stopped before saving it in the state, or a create call whose answer \
             was lost). It is now managed by this resource, with its rules brought to the configuration. If no \
             apply was interrupted, check that no other configuration creates a firewall of this name in this VPC \
             at the same time.",
            group.id,
            group.name,
            group
                .vpc_id
                .as_deref()
                .map_or("the default VPC".to_string(), |v| format!("VPC {v}")),
        ),
        AttributePath::root(),
    );
}

/// A warning about one attribute, without a backtrace.
pub fn warning(
    diags: &mut Diagnostics,
    summary: impl Into<String>,
    detail: impl Into<String>,
    attribute: AttributePath,
) {
    diags.add_warning(plain_diagnostic(summary.into(), detail.into(), attribute));
}

/// The errors of `diags` as (attribute, summary) pairs: what tests of the
/// checks compare, where each problem is reported and how it is named.
#[cfg(test)]
pub(crate) fn errors_by_attribute(diags: &Diagnostics) -> Vec<(AttributePath, String)> {
    diags
        .errors
        .iter()
        .map(|d| (d.attribute.clone(), d.summary.to_string()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnosed(err: AwsError) -> (String, String) {
        let mut diags = Diagnostics::default();
        aws_error(&mut diags, &err);
        assert_eq!(diags.errors.len(), 1);
        (diags.errors[0].summary.to_string(), diags.errors[0].detail.to_string())
    }

    #[test]
    fn a_missing_vpc_listener_or_interface_points_at_its_argument_and_says_what_to_do() {
        for (kind, code, attribute, remedy) in [
            (
                ErrorKind::MissingVpc,
                Some("InvalidVpcID.NotFound"),
                "vpc_id",
                "Check `vpc_id`",
            ),
            (
                ErrorKind::MissingListener,
                None,
                "load_balancer_listener_arns",
                "remove its ARN from `load_balancer_listener_arns`",
            ),
            (
                ErrorKind::MissingInterface,
                None,
                "target_network_interface_ids",
                "remove its id from `target_network_interface_ids`",
            ),
        ] {
            let err = AwsError {
                action: "CreateSecurityGroup",
                kind,
                code: code.map(str::to_string),
                message: "it was not found".to_string(),
            };
            let mut diags = Diagnostics::default();
            aws_error(&mut diags, &err);
            let diagnostic = &diags.errors[0];
            assert_eq!(diagnostic.attribute, AttributePath::new(attribute), "{kind:?}");
            assert!(diagnostic.detail.contains(remedy), "{kind:?}: {}", diagnostic.detail);
            assert!(diagnostic.detail.contains("it was not found."), "AWS's words stay");
        }
    }

    #[test]
    fn access_denied_names_the_iam_action_and_the_guide() {
        for (action, permission) in [
            ("AuthorizeSecurityGroupIngress", "ec2:AuthorizeSecurityGroupIngress"),
            (
                "RevokeSecurityGroupEgress (the default allow-all rule)",
                "ec2:RevokeSecurityGroupEgress",
            ),
            (
                "ModifyListenerAttributes",
                "elasticloadbalancing:ModifyListenerAttributes",
            ),
            ("DescribeLoadBalancers", "elasticloadbalancing:DescribeLoadBalancers"),
            ("GetCallerIdentity", "sts:GetCallerIdentity"),
        ] {
            let err = AwsError {
                action,
                kind: ErrorKind::AccessDenied,
                code: Some("UnauthorizedOperation".to_string()),
                message: "You are not authorized to perform this operation".to_string(),
            };
            let (summary, detail) = diagnosed(err);
            assert!(summary.starts_with("Not allowed to call "), "{summary}");
            assert!(detail.contains(&format!("`{permission}`")), "{detail}");
            assert!(detail.contains(IAM_GUIDE), "{detail}");
        }
    }

    #[test]
    fn a_timeout_names_the_timeouts_that_exist() {
        let (summary, detail) = diagnosed(AwsError::timeout("DeleteSecurityGroup"));
        assert_eq!(summary, "DeleteSecurityGroup timed out");
        assert!(detail.contains("`timeouts` block") && detail.contains("`create`") && detail.contains("`delete`"));
        assert!(
            !detail.contains("read, update"),
            "the block has no such timeouts: {detail}"
        );
    }

    #[test]
    fn a_timeout_without_a_timeouts_block_says_the_time_is_fixed() {
        let mut diags = Diagnostics::default();
        aws_error_fixed_time(&mut diags, &AwsError::timeout("DescribeSecurityGroups"));
        let detail = diags.errors[0].detail.to_string();
        assert!(detail.contains("has no `timeouts` block"), "{detail}");
        assert!(!detail.contains("`create`"), "{detail}");
        assert_eq!(diags.errors[0].attribute, AttributePath::root());
    }

    #[test]
    fn missing_credentials_and_region_point_at_the_provider_block() {
        let mut no_credentials = AwsError::other("DescribeSecurityGroups", "no AWS credentials were found");
        no_credentials.kind = ErrorKind::NoCredentials;
        let (summary, detail) = diagnosed(no_credentials);
        assert_eq!(summary, "No AWS credentials");
        assert!(detail.contains("access_key and secret_key in the provider block") && detail.contains("AWS_PROFILE"));
        let mut no_region = AwsError::other("Configuring AWS", "no AWS Region is set");
        no_region.kind = ErrorKind::NoRegion;
        let (summary, detail) = diagnosed(no_region);
        assert_eq!(summary, "Configuring AWS failed");
        assert!(
            detail.starts_with("no AWS Region is set. Set region in the provider block"),
            "{detail}"
        );
    }

    #[test]
    fn a_name_taken_says_to_import_the_group_or_choose_another_name() {
        let err = AwsError {
            action: "CreateSecurityGroup",
            kind: ErrorKind::NameTaken,
            code: Some("InvalidGroup.Duplicate".to_string()),
            message: "security group sg-1 (name \"edge\", VPC vpc-1) already exists.".to_string(),
        };
        let (summary, detail) = diagnosed(err);
        assert_eq!(summary, "Security group name already in use");
        assert!(
            detail.starts_with("AWS answered InvalidGroup.Duplicate: security group sg-1"),
            "{detail}"
        );
        assert!(
            detail.contains("terraform import <address> <group id>") && detail.contains("choose another `name`"),
            "{detail}"
        );
    }

    #[test]
    fn other_failures_pass_on_aws_code_and_message() {
        let err = AwsError {
            action: "ModifyListenerAttributes",
            kind: ErrorKind::Other,
            code: Some("ValidationError".to_string()),
            message: "out of range".to_string(),
        };
        assert_eq!(
            diagnosed(err),
            (
                "ModifyListenerAttributes failed".to_string(),
                "AWS answered ValidationError: out of range".to_string()
            )
        );
    }
}
