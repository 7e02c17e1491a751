fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Patched (terraform-provider-cumulocity): the indented "DO NOT USE
    // THIS" banner in the comments of these fields became a Rust code block
    // in the generated docs, which `cargo test` failed to compile as a
    // doctest.
    let mut config = prost_build::Config::new();
    config.disable_comments([
        ".tfplugin6.PlanResourceChange.Response.legacy_type_system",
        ".tfplugin6.ApplyResourceChange.Response.legacy_type_system",
    ]);
    tonic_build::configure()
        .protoc_arg("--experimental_allow_proto3_optional")
        .build_client(false)
        .compile_protos_with_config(
            config,
            &["proto/plugin.proto", "proto/tfplugin6.10.proto"],
            &["proto"],
        )?;
    Ok(())
}
