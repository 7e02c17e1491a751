//! The HTTPS client every AWS client of the provider sends its calls
//! through: the SDK's own default client (hyper 1, rustls, the system's
//! trusted roots, a proxy from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`), with
//! rustls on ring instead of aws-lc-rs.
//!
//! ring is the crypto back end the plugin's gRPC server uses already. With
//! the SDK crates' default features off (Cargo.toml), the build no longer
//! compiles aws-lc-rs (whose C library was the longest build script in the
//! tree), nor the SDK's legacy hyper 0.14 stack with rustls 0.21; the SDK
//! then has no client of its own, and every client is given this one.

use aws_sdk_ec2::config::SharedHttpClient;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{rustls_provider::CryptoMode, Provider};
use aws_smithy_http_client::{Builder, ConnectorBuilder};

/// A new HTTPS client for one SDK configuration (a connection pool of its
/// own, as the SDK's default client has): the connect timeout and sleep of
/// the configuration it serves, proxies from the environment as the SDK's
/// default client reads them for the behaviour version the provider uses.
pub fn https_client() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, runtime_components| {
        let mut connector = ConnectorBuilder::default().tls_provider(Provider::Rustls(CryptoMode::Ring));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = runtime_components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}
