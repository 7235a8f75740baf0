//! The binary's surface: help, config checking and exit codes, as a user meets them.

use std::path::Path;
use std::process::{Command, Output};

fn gleaner(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gleaner"))
        .args(args)
        .env_remove("RUST_LOG")
        .output()
        .expect("gleaner binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn help_shows_commands_and_exit_codes() {
    let out = gleaner(&["--help"]);
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for needle in [
        "run",
        "--log-level",
        "--log-format",
        "Exit codes",
        "not an article",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
}

#[test]
fn version_flag_prints_version() {
    let out = gleaner(&["--version"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn example_config_passes_check() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("config/gleaner.toml");
    let out = gleaner(&[
        "run",
        "--config",
        path.to_str().expect("utf-8 path"),
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", stderr(&out));
}

/// `gleaner run --check` on a config file named `name` holding `text`.
fn check_config(name: &str, text: &str) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write config");
    gleaner(&[
        "run",
        "--config",
        path.to_str().expect("utf-8 path"),
        "--check",
    ])
}

#[test]
fn misspelt_key_exits_2_naming_file_line_and_key() {
    let out = check_config("bad.toml", "[crawler]\nconcurency = 3\n");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("bad.toml:2:"), "no file:line in {err:?}");
    assert!(err.contains("crawler.concurency"), "no key in {err:?}");
}

#[test]
fn recrawl_under_a_second_exits_2_naming_file_line_and_key() {
    let out = check_config(
        "fast.toml",
        "[[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\n\n[[source]]\nname = \"b\"\nseeds = [\"https://b.example/\"]\nrecrawl = \"500ms\"\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("fast.toml:8:"), "no file:line in {err:?}");
    assert!(err.contains("key `source[2].recrawl`"), "no key in {err:?}");
    assert!(err.contains("shortest allowed is 1s"), "no rule in {err:?}");
}

#[test]
fn missing_config_file_exits_2_with_path() {
    let out = gleaner(&["run", "--config", "/nonexistent/gleaner.toml", "--check"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/gleaner.toml"));
}

#[test]
fn usage_error_exits_2() {
    let out = gleaner(&["run", "--no-such-flag"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn bad_log_level_is_a_usage_error() {
    let out = gleaner(&[
        "--log-level",
        "gleaner=[",
        "run",
        "--config",
        "x",
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(2), "stderr: {}", stderr(&out));
}
