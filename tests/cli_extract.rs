//! `gleaner extract` as a user runs it: formats, the JSON contract, stdin, gzip,
//! and per-input reporting with exit code 3 for pages that are not articles.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn gleaner(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gleaner"))
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("gleaner binary runs");
    let mut input = child.stdin.take().expect("stdin piped");
    input
        .write_all(stdin.unwrap_or_default())
        .expect("stdin written");
    drop(input);
    child.wait_with_output().expect("gleaner finishes")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn expected_text(name: &str) -> String {
    let txt = fixture(name).with_extension("txt");
    std::fs::read_to_string(txt)
        .expect("expected text")
        .trim_end()
        .to_string()
}

const FIELDS: [&str; 13] = [
    "path",
    "url",
    "title",
    "author",
    "published",
    "modified",
    "lang",
    "site_name",
    "description",
    "canonical_url",
    "categories",
    "image",
    "text",
];

#[test]
fn jsonl_has_exactly_the_contract_fields_one_object_per_input() {
    let a = fixture("wordpress_ngo_qtranslate.html");
    let b = fixture("ru_ngo_table_cp1251.html");
    let out = gleaner(
        &[
            "extract",
            "--format",
            "jsonl",
            a.to_str().unwrap(),
            b.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).expect("utf-8 output");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2);
    for (line, path) in lines.iter().zip([&a, &b]) {
        let value: serde_json::Value = serde_json::from_str(line).expect("valid JSON");
        let object = value.as_object().expect("an object");
        let keys: Vec<&str> = object.keys().map(String::as_str).collect();
        let mut want = FIELDS.to_vec();
        let mut got = keys.clone();
        want.sort_unstable();
        got.sort_unstable();
        assert_eq!(got, want, "fields of {line}");
        assert_eq!(object["path"], path.to_str().unwrap());
    }
    let first: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(first["lang"], "en");
    assert_eq!(first["author"], "Gozetci");
    assert_eq!(
        first["text"],
        expected_text("wordpress_ngo_qtranslate.html")
    );
    let second: serde_json::Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(second["lang"], "ru");
    assert_eq!(second["published"], "2024-09-03");
}

#[test]
fn stdin_gzip_and_url_option() {
    let html = std::fs::read(fixture("agency_trailing_feed.html")).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&html).unwrap();
    let gz = gz.finish().unwrap();
    let out = gleaner(
        &[
            "extract",
            "--format",
            "json",
            "--url",
            "https://turan.example/a/b.html",
            "-",
        ],
        Some(&gz),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(value["path"], "-");
    assert_eq!(value["url"], "https://turan.example/a/b.html");
    assert_eq!(value["text"], expected_text("agency_trailing_feed.html"));
}

#[test]
fn not_an_article_reports_per_input_exits_3_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let index = dir.path().join("index.html");
    std::fs::write(
        &index,
        "<html><body><ul><li><a href=/a>One</a></li><li><a href=/b>Two</a></li></ul></body></html>",
    )
    .unwrap();
    let good = fixture("az_headline_wall.html");
    let out = gleaner(
        &[
            "extract",
            "--format",
            "text",
            index.to_str().unwrap(),
            good.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(3));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("index.html") && stderr.contains("not an article"),
        "{stderr}"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&expected_text("az_headline_wall.html")),
        "{stdout}"
    );
}

#[test]
fn markdown_renders_title_and_list() {
    let path = fixture("wordpress_ngo_qtranslate.html");
    let out = gleaner(
        &["extract", "--format", "markdown", path.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.starts_with("# Azerbaijani civil society activists"),
        "{md}"
    );
    assert!(md.contains("\n1. The UN Committee Against Torture"), "{md}");
    assert!(
        md.contains("\n3. The statements of law-enforcement"),
        "{md}"
    );
}

#[test]
fn missing_file_is_a_failure_with_its_name() {
    let out = gleaner(&["extract", "/nonexistent/page.html"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/page.html"));
}

#[test]
fn the_parsers_notes_on_markup_are_not_logged_as_warnings() {
    // Text misplaced in a table is foster-parented; html5ever logs a warning per token.
    let sentence = "A sentence of the article, long enough to be prose, with words. ";
    let page = format!(
        "<html><body><table><tr><td>cell</td></tr>stray <b>text</b></table><p>{}</p></body></html>",
        sentence.repeat(12)
    );
    let out = gleaner(&["extract", "-"], Some(page.as_bytes()));
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("stray text"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("foster parenting"), "{stderr}");
    // Asked for, they are there.
    let out = gleaner(
        &["--log-level", "html5ever=warn", "extract", "-"],
        Some(page.as_bytes()),
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("foster parenting"));
}

#[test]
fn a_fetch_time_dates_a_page_that_shows_only_a_relative_day() {
    let page = "<html lang=ru><head><title>Водоснабжение восстановлено</title></head><body>\
        <article><h1>Водоснабжение восстановлено</h1><div class=date>Вчера, 18:40</div>\
        <p>Подача воды в северные кварталы города возобновлена после ремонта магистрального \
        водопровода, сообщили в коммунальной службе.</p><p>Ремонтные работы продолжались \
        почти двое суток, жителям подвозили питьевую воду в цистернах.</p></article>\
        </body></html>";
    let published = |args: &[&str]| {
        let out = gleaner(args, Some(page.as_bytes()));
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let record: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        record["published"].as_str().map(str::to_owned)
    };
    assert_eq!(published(&["extract", "--format", "json", "-"]), None);
    let dated = published(&[
        "extract",
        "--format",
        "json",
        "--fetched-at",
        "2024-05-21T09:00:00+03:00",
        "-",
    ]);
    assert_eq!(dated.as_deref().map(|d| &d[..10]), Some("2024-05-20"));
    // A time that is no RFC 3339 is a usage error that says how to write one.
    let out = gleaner(
        &["extract", "--fetched-at", "yesterday", "-"],
        Some(page.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("RFC 3339"));
}
