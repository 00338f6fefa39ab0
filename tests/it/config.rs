//! Configuration: the generated example file, TOML files and environment.

use crate::common::TestDb;
use guildhall::settings::Settings;
use std::process::Command;

#[test]
fn the_example_config_in_deploy_matches_the_settings_struct() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/config.example.toml");
    let on_disk = std::fs::read_to_string(path).expect("deploy/config.example.toml exists");
    assert_eq!(
        on_disk,
        Settings::example_toml(),
        "regenerate it with `cargo run -- config-example > deploy/config.example.toml`"
    );
    let parsed: Settings = toml::from_str(&on_disk).expect("the example parses as settings");
    assert_eq!(parsed.bind, "127.0.0.1:8080");
    assert_eq!(parsed.domain, "localhost:8080");
}

#[test]
fn docs_configuration_md_lists_every_setting_as_the_struct_says() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CONFIGURATION.md");
    let on_disk = std::fs::read_to_string(path).expect("docs/CONFIGURATION.md exists");
    assert_eq!(
        on_disk,
        Settings::reference_markdown(),
        "regenerate it with `cargo run -- config-reference > docs/CONFIGURATION.md`"
    );
    for key in [
        "database_url",
        "data_dir",
        "workers",
        "delivery_concurrency",
    ] {
        let env = format!("GUILDHALL_{}", key.to_ascii_uppercase());
        assert!(
            on_disk.contains(&format!("| `{key}` | `{env}` |")),
            "{key} is documented with its environment name"
        );
    }
}

#[test]
fn a_toml_file_sets_values_and_unknown_keys_are_refused() {
    let dir = std::env::temp_dir().join(format!("guildhall-config-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.toml");
    std::fs::write(
        &good,
        "domain = \"guild.example.org\"\nmax_body_bytes = 2048\n",
    )
    .unwrap();
    let settings = Settings::load(Some(&good)).unwrap();
    assert_eq!(settings.domain, "guild.example.org");
    assert_eq!(settings.max_body_bytes, 2048);
    assert_eq!(settings.base_url(), "https://guild.example.org");

    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "domian = \"typo.example\"\n").unwrap();
    let err = format!("{:#}", Settings::load(Some(&bad)).unwrap_err());
    assert!(err.contains("domian"), "{err}");
    assert!(Settings::load(Some(&dir.join("missing.toml"))).is_err());
}

#[tokio::test]
async fn environment_variables_configure_dev_mode_and_production_refuses_dev_settings() {
    let db = TestDb::create().await;
    let run = |envs: &[(&str, &str)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_guildhall"));
        cmd.arg("migrate")
            .env_remove("DATABASE_URL")
            .env("GUILDHALL_DATABASE_URL", &db.url);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(&[("GUILDHALL_DEV_RESOLVE", "alpha.test=127.0.0.1:8101")]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only allowed in dev mode"));
    let out = run(&[
        ("GUILDHALL_DEV", "1"),
        (
            "GUILDHALL_DEV_RESOLVE",
            "alpha.test=127.0.0.1:8101,beta.test=127.0.0.1:8102",
        ),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run(&[("GUILDHALL_DOMAIN", "127.0.0.1")]);
    assert!(
        !out.status.success(),
        "production ids need a host name, not an IP"
    );
    let out = run(&[("GUILDHALL_BIND", "not an address")]);
    assert!(!out.status.success());
}
