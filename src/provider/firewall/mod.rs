//! `cumulocity_firewall`, everything Terraform does with it: the managed
//! resource (`resource`, its lifecycle; `schema`, its state;
//! `argument_checks`;
//! `group_values`, its values from and to AWS's; `replacement`, what needs a
//! new group; `private_state`, what it keeps from users' eyes; `operation_timeouts` and `session_timeouts`), adopting existing
//! groups (`import`, `identity`, `generated_config`, `moves` from
//! hashicorp/aws) and `list_resource` (`terraform query`; its `config` checked in
//! `list_request`).

pub mod argument_checks;
pub mod generated_config;
pub mod group_values;
pub mod identity;
pub mod import;
pub mod list_request;
pub mod list_resource;
pub mod moves;
pub mod operation_timeouts;
pub mod private_state;
pub mod replacement;
pub mod resource;
pub mod schema;
pub mod session_timeouts;
