//! `gleaner reextract` with the real extractor over stored raw pages.

mod store_support;

use std::process::Command;

use gleaner::store::{PackedRawPage, RawPage, SledStore, StoreOptions};
use store_support::{at, new_article};

const PARAGRAPHS: [&str; 4] = [
    "The regional election commission published the final turnout figures on Tuesday, two days later than the law requires, and did not explain the delay.",
    "Independent observers said the figures for several districts differed from the protocols they had photographed at polling stations on the evening of the vote.",
    "The commission's chairman told reporters that all complaints would be reviewed within ten days and that recounts would be ordered where the differences were confirmed.",
    "Civil society groups called on the commission to publish the protocols of every polling station online, as it had done in previous elections.",
];

fn page() -> String {
    let body: String = PARAGRAPHS.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Turnout figures published late | Example News</title></head>\
         <body><nav><a href=\"/\">Home</a> <a href=\"/politics\">Politics</a></nav>\
         <article><h1>Turnout figures published late</h1>{body}</article>\
         <footer>© Example News. Phone +1 555 0100.</footer></body></html>"
    )
}

#[test]
fn reextract_updates_records_from_their_raw_pages() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (good, rejected) = {
        let store = SledStore::open(dir.path(), StoreOptions::default()).expect("opens");
        // Stored by an "older extractor" that lost the last paragraph.
        let old_text = PARAGRAPHS[..3].join("\n\n");
        let mut article = new_article(
            "https://news.example/politics/turnout",
            "news",
            &old_text,
            at(0),
        );
        article.raw = Some(
            PackedRawPage::pack(&RawPage {
                headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
                body: page().into_bytes(),
            })
            .expect("packs"),
        );
        let good = store.put_article(article).expect("put").id();
        // A page the current extractor no longer accepts as an article.
        let mut listing = new_article(
            "https://news.example/politics/",
            "news",
            &PARAGRAPHS[3].repeat(2),
            at(1),
        );
        listing.raw = Some(PackedRawPage::pack(&RawPage {
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: b"<html><body><ul><li><a href=/a>A</a></li><li><a href=/b>B</a></li></ul></body></html>".to_vec(),
        }).expect("packs"));
        let rejected = store.put_article(listing).expect("put").id();
        let popped = store
            .pop(10, std::time::Duration::from_secs(60), at(2))
            .expect("pop");
        let tokens: Vec<String> = popped.iter().map(|d| d.delivery.token.clone()).collect();
        store.ack(&tokens, at(3)).expect("ack");
        (good, rejected)
    };

    let out = Command::new(env!("CARGO_BIN_EXE_gleaner"))
        .args(["reextract", "--data"])
        .arg(dir.path())
        .output()
        .expect("gleaner runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("summary JSON");
    assert_eq!(summary["examined"], 2);
    assert_eq!(summary["updated"], 1, "{summary}");
    assert_eq!(summary["rejected"], 1, "{summary}");

    let store = SledStore::open(dir.path(), StoreOptions::default()).expect("opens");
    let record = store.get_article(good).expect("get").expect("stored");
    assert_eq!(record.version, 2);
    assert!(
        record
            .article
            .text
            .contains("publish the protocols of every polling station"),
        "{}",
        record.article.text
    );
    assert!(
        !record.article.text.contains("Phone"),
        "{}",
        record.article.text
    );
    assert!(
        record
            .provenance
            .extractor_version
            .starts_with("gleaner-extract/")
    );
    let kept = store.get_article(rejected).expect("get").expect("kept");
    assert_eq!(kept.version, 1);
    // The changed article is delivered again.
    let again = store
        .pop(10, std::time::Duration::from_secs(60), at(10))
        .expect("pop");
    assert_eq!(
        again.iter().map(|d| d.record.id).collect::<Vec<_>>(),
        [good]
    );
}
