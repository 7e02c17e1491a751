//! The plugin binary Terraform starts: it serves the provider and nothing
//! else.

use terraform_provider_cumulocity::provider::{CumulocityProvider, PROVIDER_NAME};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    // The plugin's gRPC server (TLS with Terraform) takes rustls's
    // process-wide crypto provider, which rustls picks by itself only when
    // exactly one back end is in the build. ring is the one the build has
    // (the AWS clients choose it themselves: aws::https_client); installing
    // it here keeps the handshake from panicking should a dependency ever
    // bring aws-lc-rs back.
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
