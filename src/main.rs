//! The plugin binary Terraform starts: it serves the provider and nothing
//! else.

use terraform_provider_cumulocity::provider::{CumulocityProvider, PROVIDER_NAME};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    match tf_provider::serve(PROVIDER_NAME, CumulocityProvider::default()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("terraform-provider-cumulocity: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
