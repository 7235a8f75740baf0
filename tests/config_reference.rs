//! Keeps the config reference in docs/configuration.md, the example config and the config
//! types in step.

use std::collections::BTreeSet;
use std::path::Path;

use gleaner::config::Config;

fn manifest_path(rel: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Dotted key paths of a TOML value; array-of-table entries contribute `name.key`.
fn key_paths(prefix: &str, value: &toml::Value, out: &mut BTreeSet<String>) {
    match value {
        toml::Value::Table(table) => {
            for (k, v) in table {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    toml::Value::Table(_) => key_paths(&path, v, out),
                    toml::Value::Array(items)
                        if items.iter().all(|i| i.is_table()) && !items.is_empty() =>
                    {
                        for item in items {
                            key_paths(&path, item, out);
                        }
                    }
                    _ => {
                        out.insert(path);
                    }
                }
            }
        }
        _ => {
            out.insert(prefix.to_string());
        }
    }
}

/// The fields serde itself expects in a table, read from its unknown-field error, so the
/// list cannot drift from the types (no hand-kept copy, optional fields included).
fn fields_of(table_header: &str) -> Vec<String> {
    let probe = format!("{table_header}\n__probe__ = 1\n");
    let message = match toml::from_str::<Config>(&probe) {
        Ok(_) => panic!("probe key accepted under {table_header:?}"),
        Err(e) => e.message().to_string(),
    };
    // "expected one of `a`, `b`", or for a table of one field "expected `a`".
    let expected = message
        .split("expected one of ")
        .nth(1)
        .or_else(|| message.split("expected ").nth(1))
        .unwrap_or_else(|| panic!("unexpected serde message: {message}"));
    expected
        .split(", ")
        .map(|f| f.trim().trim_matches('`').to_string())
        .collect()
}

/// Every key the schema accepts, as dotted paths.
fn schema_keys() -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    for (header, prefix) in [
        ("[crawler]", "crawler"),
        ("[store]", "store"),
        ("[server]", "server"),
        ("[watch]", "watch"),
        ("[[source]]", "source"),
    ] {
        for field in fields_of(header) {
            keys.insert(format!("{prefix}.{field}"));
        }
    }
    // The top level holds only the tables themselves.
    let top: BTreeSet<String> = fields_of("").into_iter().collect();
    let tables: BTreeSet<String> = ["crawler", "store", "server", "watch", "source"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(
        top, tables,
        "a new top-level table needs a place in this test"
    );
    keys
}

/// The document that holds the config reference between its markers.
const REFERENCE_DOC: &str = "docs/configuration.md";

fn documented_reference() -> String {
    let doc = std::fs::read_to_string(manifest_path(REFERENCE_DOC))
        .unwrap_or_else(|e| panic!("{REFERENCE_DOC} readable: {e}"));
    let start = doc
        .find("<!-- config-reference:start -->")
        .unwrap_or_else(|| panic!("{REFERENCE_DOC} has a config-reference:start marker"));
    let end = doc
        .find("<!-- config-reference:end -->")
        .unwrap_or_else(|| panic!("{REFERENCE_DOC} has a config-reference:end marker"));
    let block = &doc[start..end];
    let body_start = block.find("```toml").expect("reference is a ```toml block") + "```toml".len();
    let body_end = block[body_start..]
        .find("```")
        .expect("reference block is closed")
        + body_start;
    block[body_start..body_end].to_string()
}

#[test]
fn documented_reference_lists_exactly_the_schema_keys() {
    let reference = documented_reference();
    let value: toml::Value =
        toml::from_str(&reference).expect("the documented reference is valid TOML");
    let mut documented = BTreeSet::new();
    key_paths("", &value, &mut documented);
    let schema = schema_keys();
    let undocumented: Vec<_> = schema.difference(&documented).collect();
    let unknown: Vec<_> = documented.difference(&schema).collect();
    assert!(
        undocumented.is_empty() && unknown.is_empty(),
        "{REFERENCE_DOC}: config reference out of step with src/config.rs:\n  in schema, not documented: {undocumented:?}\n  documented, not in schema: {unknown:?}"
    );
}

#[test]
fn documented_reference_is_itself_a_valid_config() {
    let origin = format!("{REFERENCE_DOC}#reference");
    Config::parse(&documented_reference(), Path::new(&origin))
        .expect("the documented reference parses and validates");
}

#[test]
fn documented_reference_states_the_real_defaults() {
    // The [crawler] and [store] values documented are the built-in defaults.
    let value: toml::Value = toml::from_str(&documented_reference()).expect("valid TOML");
    let documented: Config = value.try_into().expect("reference deserialises");
    let defaults = Config::default();
    let (d, c) = (&documented.crawler, &defaults.crawler);
    assert_eq!(d.user_agent, c.user_agent);
    assert_eq!(d.concurrency, c.concurrency);
    assert_eq!(d.per_host_concurrency, c.per_host_concurrency);
    assert_eq!(d.min_delay, c.min_delay);
    assert_eq!(d.max_crawl_delay, c.max_crawl_delay);
    assert_eq!(d.max_depth, c.max_depth);
    assert_eq!(d.max_pages, c.max_pages);
    assert_eq!(d.request_timeout, c.request_timeout);
    assert_eq!(d.connect_timeout, c.connect_timeout);
    assert_eq!(d.keep_alive, c.keep_alive);
    assert_eq!(d.max_body_bytes, c.max_body_bytes);
    assert_eq!(d.body_budget_bytes, c.body_budget_bytes);
    assert_eq!(d.max_redirects, c.max_redirects);
    assert_eq!(d.allow_private_addresses, c.allow_private_addresses);
    assert_eq!(d.respect_robots, c.respect_robots);
    assert_eq!(d.robots_cache_ttl, c.robots_cache_ttl);
    assert_eq!(d.max_retries, c.max_retries);
    assert_eq!(d.max_retry_after, c.max_retry_after);
    assert_eq!(documented.store.keep_raw, defaults.store.keep_raw);
    assert_eq!(
        documented.store.near_duplicate_distance,
        defaults.store.near_duplicate_distance
    );
    assert_eq!(
        documented.store.queue_duplicates,
        defaults.store.queue_duplicates
    );
    assert_eq!(documented.server.listen, defaults.server.listen);
    assert_eq!(
        documented.server.shutdown_timeout,
        defaults.server.shutdown_timeout
    );
    assert_eq!(documented.watch, defaults.watch);
}
