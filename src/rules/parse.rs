//! Parsers for single argument values: CIDR blocks, security group ids,
//! rule descriptions and port numbers. Each returns the parsed value or a
//! sentence a user can act on; none panics on any input.

use std::net::IpAddr;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

/// Which address family a CIDR list holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    /// IPv4 blocks only.
    V4,
    /// IPv6 blocks only.
    V6,
    /// Lists such as `ssh_cidr_blocks` that take both.
    Either,
}

/// Parses one CIDR block for a list of the given family. `other_list` names
/// the argument where a block of the other family belongs.
pub fn parse_cidr(text: &str, family: Family, other_list: &str) -> Result<IpNet, String> {
    let net: IpNet = match text.parse() {
        Ok(net) => net,
        Err(_) => return Err(not_a_block(text)),
    };
    match (family, net) {
        (Family::V4, IpNet::V6(_)) => {
            return Err(format!(
                "\"{text}\" is an IPv6 block; this argument takes IPv4 blocks only. Put it in {other_list}."
            ))
        }
        (Family::V6, IpNet::V4(_)) => {
            return Err(format!(
                "\"{text}\" is an IPv4 block; this argument takes IPv6 blocks only. Put it in {other_list}."
            ))
        }
        _ => {}
    }
    let network = net.trunc();
    if network != net {
        return Err(format!(
            "\"{text}\" has host bits set; AWS takes the network address: \"{network}\"."
        ));
    }
    Ok(net)
}

fn not_a_block(text: &str) -> String {
    match text.parse::<IpAddr>() {
        Ok(IpAddr::V4(_)) => {
            format!("\"{text}\" is an address, not a CIDR block; for this one host write \"{text}/32\".")
        }
        Ok(IpAddr::V6(_)) => {
            format!("\"{text}\" is an address, not a CIDR block; for this one host write \"{text}/128\".")
        }
        Err(_) => format!("\"{text}\" is not a CIDR block; write it like \"10.0.0.0/16\" or \"2001:db8::/32\"."),
    }
}

/// Parses one block of an IPv4-only list; `other_list` names the argument
/// that takes IPv6 blocks, for a block of the wrong family.
pub fn parse_ipv4_cidr(text: &str, other_list: &str) -> Result<Ipv4Net, String> {
    match parse_cidr(text, Family::V4, other_list)? {
        IpNet::V4(net) => Ok(net),
        IpNet::V6(_) => unreachable!("parse_cidr rejects IPv6 for Family::V4"),
    }
}

/// Parses one block of an IPv6-only list; `other_list` names the argument
/// that takes IPv4 blocks, for a block of the wrong family.
pub fn parse_ipv6_cidr(text: &str, other_list: &str) -> Result<Ipv6Net, String> {
    match parse_cidr(text, Family::V6, other_list)? {
        IpNet::V6(net) => Ok(net),
        IpNet::V4(_) => unreachable!("parse_cidr rejects IPv4 for Family::V6"),
    }
}

/// Whether a block lets in the whole internet of its family.
pub fn is_whole_internet(net: &IpNet) -> bool {
    net.prefix_len() == 0
}

/// Security group ids are `sg-` and 8 (older) or 17 lowercase hex digits.
pub fn parse_security_group_id(text: &str) -> Result<String, String> {
    parse_ec2_id(text, "sg", "security group")
}

/// Managed prefix list ids are `pl-` and 8 or 17 lowercase hex digits.
pub fn parse_prefix_list_id(text: &str) -> Result<String, String> {
    parse_ec2_id(text, "pl", "managed prefix list")
}

/// An EC2 id: `<prefix>-` and 8 (older) or 17 lowercase hex digits.
pub fn parse_ec2_id(text: &str, prefix: &str, what: &str) -> Result<String, String> {
    let hex = text
        .strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .unwrap_or("");
    let hex_ok = hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if hex_ok && (hex.len() == 8 || hex.len() == 17) {
        Ok(text.to_string())
    } else {
        Err(format!(
            "\"{text}\" is not a {what} id; ids look like \"{prefix}-0123456789abcdef0\"."
        ))
    }
}

/// AWS takes at most 255 characters in a rule description, from this set.
pub const DESCRIPTION_MAX_LEN: usize = 255;
/// Besides letters and digits, the characters AWS takes in rule
/// descriptions and in group names.
pub const DESCRIPTION_EXTRA_CHARS: &str = ". _-:/()#,@[]+=&;{}!$*";

/// Whether AWS takes `c` in a rule description or a group name.
pub fn is_description_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || DESCRIPTION_EXTRA_CHARS.contains(c)
}

/// Checks a rule description against what AWS takes: at most
/// [`DESCRIPTION_MAX_LEN`] characters, each one [`is_description_char`].
pub fn check_description(text: &str) -> Result<(), String> {
    let length = text.chars().count();
    if length > DESCRIPTION_MAX_LEN {
        return Err(format!(
            "The description has {length} characters; AWS takes at most {DESCRIPTION_MAX_LEN}."
        ));
    }
    if let Some(bad) = text.chars().find(|c| !is_description_char(*c)) {
        return Err(format!(
            "The description contains {bad:?}, which AWS does not allow in rule descriptions. \
             Allowed: letters, digits, spaces and {DESCRIPTION_EXTRA_CHARS}"
        ));
    }
    Ok(())
}

/// A Terraform number as a whole number within `min..=max`.
pub fn whole_number_in(value: f64, min: i32, max: i32) -> Result<i32, String> {
    if value.fract() != 0.0 || !value.is_finite() {
        return Err(format!("{value} is not a whole number."));
    }
    if value < f64::from(min) || value > f64::from(max) {
        return Err(format!("{value} is out of range: it must be from {min} to {max}."));
    }
    // In range and whole, so the conversion is exact.
    Ok(value as i32)
}

/// A Region name (`eu-central-1`, `us-gov-west-1`, `il-central-1`, ...),
/// as every `region` argument takes it; `Err` with the sentence the
/// diagnostics show.
pub fn check_region(region: &str) -> Result<(), String> {
    let parts: Vec<&str> = region.split('-').collect();
    let well_formed = parts.len() >= 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
        && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
    if well_formed {
        Ok(())
    } else {
        Err(format!(
            "\"{region}\" is not an AWS Region name; Regions look like \"eu-central-1\"."
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_names() {
        for ok in ["eu-central-1", "us-gov-west-1", "ap-southeast-4", "il-central-1"] {
            assert!(check_region(ok).is_ok(), "{ok}");
        }
        for bad in ["", "eu-central", "EU-CENTRAL-1", "eu_central_1", "eu--1", "frankfurt"] {
            assert!(
                check_region(bad).unwrap_err().contains("is not an AWS Region name"),
                "{bad}"
            );
        }
    }

    #[test]
    fn cidr_accepts_network_addresses_of_its_family() {
        assert_eq!(parse_ipv4_cidr("10.0.0.0/8", "x").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(parse_ipv4_cidr("0.0.0.0/0", "x").unwrap().to_string(), "0.0.0.0/0");
        assert_eq!(
            parse_ipv6_cidr("2001:DB8::/32", "x").unwrap().to_string(),
            "2001:db8::/32"
        );
        assert!(parse_cidr("::/0", Family::Either, "x").is_ok());
        assert!(parse_cidr("192.168.1.0/24", Family::Either, "x").is_ok());
    }

    #[test]
    fn cidr_of_the_wrong_family_names_the_right_list() {
        let err = parse_ipv4_cidr("2001:db8::/32", "ingress_ipv6_cidr_blocks").unwrap_err();
        assert!(
            err.contains("IPv6 block") && err.contains("ingress_ipv6_cidr_blocks"),
            "{err}"
        );
        let err = parse_ipv6_cidr("10.0.0.0/8", "ingress_cidr_blocks").unwrap_err();
        assert!(
            err.contains("IPv4 block") && err.contains("ingress_cidr_blocks"),
            "{err}"
        );
    }

    #[test]
    fn cidr_with_host_bits_suggests_the_network() {
        let err = parse_ipv4_cidr("10.1.2.3/16", "x").unwrap_err();
        assert!(err.contains("\"10.1.0.0/16\""), "{err}");
    }

    #[test]
    fn bare_addresses_and_garbage_are_explained() {
        assert!(parse_ipv4_cidr("10.0.0.1", "x").unwrap_err().contains("10.0.0.1/32"));
        assert!(parse_ipv6_cidr("2001:db8::1", "x").unwrap_err().contains("/128"));
        for bad in [
            "",
            "10.0.0.0/33",
            "10.0.0/8",
            "banana",
            "10.0.0.0/-1",
            "::/129",
            "1.2.3.4/8/8",
        ] {
            assert!(parse_cidr(bad, Family::Either, "x").is_err(), "{bad}");
        }
    }

    #[test]
    fn security_group_ids() {
        assert!(parse_security_group_id("sg-0123456789abcdef0").is_ok());
        assert!(parse_security_group_id("sg-12345678").is_ok());
        for bad in [
            "sg-",
            "sg-XYZ12345",
            "sg-123",
            "0123456789abcdef0",
            "sg-0123456789ABCDEF0",
            "sgr-12345678",
        ] {
            assert!(parse_security_group_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prefix_list_ids() {
        assert!(parse_prefix_list_id("pl-0123456789abcdef0").is_ok());
        assert!(parse_prefix_list_id("pl-6ea54007").is_ok());
        for bad in ["pl-", "sg-0123456789abcdef0", "pl-XYZ", "pl0123456789abcdef0"] {
            assert!(
                parse_prefix_list_id(bad).unwrap_err().contains("managed prefix list"),
                "{bad}"
            );
        }
    }

    #[test]
    fn descriptions() {
        assert!(check_description("MQTT/TLS from partners (ticket #12)").is_ok());
        assert!(check_description(&"a".repeat(255)).is_ok());
        assert!(check_description(&"a".repeat(256)).unwrap_err().contains("256"));
        assert!(check_description("über").unwrap_err().contains("'ü'"));
        assert!(check_description("a\"b").is_err());
    }

    #[test]
    fn whole_numbers() {
        assert_eq!(whole_number_in(443.0, 0, 65535), Ok(443));
        assert!(whole_number_in(1.5, 0, 65535).unwrap_err().contains("whole"));
        assert!(whole_number_in(65536.0, 0, 65535).unwrap_err().contains("0 to 65535"));
        assert!(whole_number_in(-1.0, 0, 65535).is_err());
        assert!(whole_number_in(f64::NAN, 0, 65535).is_err());
        assert!(whole_number_in(f64::INFINITY, 0, 65535).is_err());
    }
}
