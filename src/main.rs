//! The plugin binary Terraform starts: it serves the provider and nothing
//! else.

use terraform_provider_cumulocity::provider::{CumulocityProvider, PROVIDER_NAME};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // Both of rustls's crypto back ends are in the build (the AWS SDK brings
    // aws-lc-rs, the plugin's gRPC server ring), so rustls cannot pick one
    // for the plugin's TLS by itself and would panic before the handshake.
    if rustls::crypto::ring::default_provider().install_default().is_err() {
        eprintln!("terraform-provider-cumulocity: a TLS crypto provider was already installed");
    }
    match tf_provider::serve(PROVIDER_NAME, CumulocityProvider::default()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("terraform-provider-cumulocity: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
