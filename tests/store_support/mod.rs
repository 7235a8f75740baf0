//! Helpers shared by the store integration tests.
#![allow(dead_code)]

use chrono::{DateTime, TimeZone, Utc};
use gleaner::extract::article::Article;
use gleaner::store::{DiscoveredVia, NewArticle, PackedRawPage, Provenance, RawPage};
use sha2::{Digest, Sha256};

/// A fixed point in time plus `secs`.
pub fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + secs, 0)
        .single()
        .expect("valid time")
}

/// A story of `words` words drawn from a news vocabulary by a seeded generator: long
/// enough to behave like real articles for shingling, different for different seeds.
pub fn story(seed: u64, words: usize) -> String {
    const VOCAB: &[&str] = &[
        "the",
        "ministry",
        "said",
        "on",
        "monday",
        "that",
        "election",
        "commission",
        "observers",
        "reported",
        "violations",
        "at",
        "polling",
        "stations",
        "in",
        "several",
        "districts",
        "of",
        "capital",
        "according",
        "to",
        "statement",
        "published",
        "by",
        "coalition",
        "human",
        "rights",
        "defenders",
        "called",
        "for",
        "an",
        "independent",
        "investigation",
        "into",
        "detention",
        "journalists",
        "who",
        "covered",
        "protests",
        "after",
        "vote",
        "counting",
        "parliament",
        "approved",
        "budget",
        "amendments",
        "while",
        "opposition",
        "deputies",
        "walked",
        "out",
        "session",
        "government",
        "announced",
        "new",
        "road",
        "between",
        "two",
        "regions",
        "would",
        "be",
        "built",
        "next",
        "year",
        "with",
        "funding",
        "from",
        "international",
        "partners",
        "court",
        "sentenced",
        "activist",
        "years",
        "prison",
        "charges",
        "his",
        "lawyers",
        "described",
        "as",
        "politically",
        "motivated",
        "embassy",
        "expressed",
        "concern",
        "over",
        "verdict",
        "and",
        "urged",
        "authorities",
        "release",
        "all",
        "prisoners",
        "conscience",
        "farmers",
        "complained",
        "about",
        "water",
        "shortages",
        "summer",
        "drought",
        "prices",
        "bread",
        "rose",
        "percent",
        "central",
        "bank",
        "kept",
        "interest",
        "rate",
        "unchanged",
        "inflation",
        "remained",
        "high",
        "president",
        "met",
        "delegation",
        "discussed",
        "energy",
        "cooperation",
        "gas",
        "pipeline",
        "exports",
        "europe",
        "television",
        "channel",
        "was",
        "fined",
        "broadcasting",
        "interview",
        "exiled",
        "politician",
        "regulator",
        "warned",
        "licence",
        "could",
        "revoked",
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut out = String::new();
    for i in 0..words {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let word = VOCAB[(state >> 33) as usize % VOCAB.len()];
        if i > 0 {
            out.push(if i % 40 == 0 { '\n' } else { ' ' });
            if i % 40 == 0 {
                out.push('\n');
            }
        }
        out.push_str(word);
        if i % 13 == 12 {
            out.push('.');
        }
    }
    out.push('.');
    out
}

/// An article as the crawler would hand it over.
pub fn new_article(url: &str, source: &str, text: &str, fetched_at: DateTime<Utc>) -> NewArticle {
    let body = format!("<html><body><article><p>{text}</p></article></body></html>");
    NewArticle {
        provenance: Provenance {
            url: url.to_string(),
            final_url: url.to_string(),
            source: source.to_string(),
            discovered_from: Some(format!("https://{source}.example/")),
            discovered_via: DiscoveredVia::Link,
            fetched_at,
            http_status: 200,
            content_type: Some("text/html".into()),
            charset: Some("utf-8".into()),
            etag: Some(format!(
                "\"{}\"",
                &hex::encode(Sha256::digest(text.as_bytes()))[..8]
            )),
            last_modified: Some("Mon, 23 Nov 2026 10:00:00 GMT".into()),
            raw_sha256: hex::encode(Sha256::digest(body.as_bytes())),
            extractor_version: "test-extractor/1".into(),
            crawler_version: "test-crawler/1".into(),
        },
        article: Article {
            title: Some(format!("Story at {url}")),
            author: Some("Staff".into()),
            published: Some("2026-11-23".into()),
            lang: Some("en".into()),
            text: text.to_string(),
            ..Article::default()
        },
        raw: Some(
            PackedRawPage::pack(&RawPage {
                headers: vec![
                    ("Content-Type".into(), "text/html; charset=utf-8".into()),
                    ("Content-Encoding".into(), "gzip".into()),
                    ("Server".into(), "test".into()),
                ],
                body: body.into_bytes(),
            })
            .expect("packs"),
        ),
    }
}
