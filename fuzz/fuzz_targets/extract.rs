//! Fuzzes the whole extractor, the crawler's parse-once path (link discovery and
//! `extract_parsed`, which must agree with `extract`) and the parsers they are built from:
//! no input may panic, hang or exhaust memory. Empty, binary, truncated and invalid UTF-8
//! input must give an error.
//!
//! `cargo +nightly fuzz run extract` (or `RUSTC_BOOTSTRAP=1` on stable); the bounds to run
//! it with are in docs/quality-and-speed.md, "Robustness".

#![no_main]

use gleaner::extract::{ExtractOptions, author, dates, decode, jsonld, lang, markers};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks options, so option-dependent paths get covered too.
    let (flags, page) = match data.split_first() {
        Some((flags, page)) => (*flags, page),
        None => (0, data),
    };
    let options = ExtractOptions {
        url: (flags & 1 != 0)
            .then(|| url::Url::parse("https://example.org/2024/09/02/story").ok())
            .flatten(),
        content_type: (flags & 2 != 0).then(|| "text/html; charset=windows-1251".to_owned()),
        preferred_lang: (flags & 4 != 0).then(|| "ru".to_owned()),
        reference_time: None,
        keep_tables: flags & 8 != 0,
        keep_images: flags & 16 != 0,
        keep_links: flags & 32 != 0,
    };
    let direct = gleaner::extract::extract(page, &options);

    // The crawler's path: one parse for links and extraction; it must agree with extract().
    let parsed = gleaner::extract::ParsedPage::parse(page, &options);
    let tree = parsed.dom();
    if let Ok(base) = url::Url::parse("https://example.org/section/") {
        let _ = gleaner::extract::links::page_links(&tree, &base, "gleaner");
    }
    let via_parsed = gleaner::extract::extract_parsed(&tree, &options).map(|e| e.article);
    assert_eq!(via_parsed, direct, "extract_parsed and extract disagree");
    if let Ok(url) = url::Url::parse("https://example.org/section/page") {
        let crawled = gleaner::extract::crawl_page(page, &options, &url, "gleaner");
        assert_eq!(crawled.article, direct, "crawl_page and extract disagree");
    }

    let _ = decode::maybe_gunzip(page, 1 << 20);
    let decoded = decode::decode_html(page, None);
    let text: &str = &decoded.html;
    let _ = markers::select_language(text, Some("en"));
    let _ = dates::parse_dateline(text, None);
    let _ = dates::parse_machine_date(text, None);
    let _ = author::parse_byline(text);
    let _ = lang::detect_language(text, Some("ru-RU"));
    let _ = jsonld::parse_objects(text);
    let _ = gleaner::extract::metadata::extract_metadata(&tree, None, None);
});
