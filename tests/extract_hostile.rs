//! Hostile pages: markup built to make a parser quadratic or to blow up the tree. Each must
//! give its article (or a clear error) with heap memory bounded by a multiple of its size,
//! measured by a counting allocator that exists only in this test binary. Time is not
//! asserted here (bench_extract prints it): a quadratic path makes these tests take
//! minutes instead of seconds, which is failure enough.

use std::sync::Mutex;

use gleaner::extract::{ExtractOptions, extract};

#[path = "common/counting_alloc.rs"]
mod counting_alloc;

#[global_allocator]
static ALLOCATOR: counting_alloc::CountingAllocator = counting_alloc::CountingAllocator;

/// One test at a time: the counters are global, so a test building its input (megabytes)
/// while another measures would count in the other's peak.
static MEASURING: Mutex<()> = Mutex::new(());

/// Held for the whole of each test, input building included.
fn one_test_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    MEASURING.lock().unwrap_or_else(|e| e.into_inner())
}

/// The peak heap memory the goal for hostile input allows, as a multiple of its size
/// (issue 15: at most 30×). Pages that are not hostile stay far below (median about 6×).
const MAX_PEAK_PER_INPUT_BYTE: usize = 30;

/// Extracts `html` on a thread with the 2 MiB stack a tokio blocking thread gets; returns
/// the outcome and the peak heap above what was live before.
fn extract_measured(html: &[u8]) -> (Result<gleaner::extract::Article, String>, usize) {
    let html = html.to_vec();
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            counting_alloc::peak_above_start(|| {
                extract(&html, &ExtractOptions::default()).map_err(|e| e.to_string())
            })
        })
        .expect("spawning the extraction thread")
        .join()
        .expect("the extractor does not panic")
}

fn assert_bounded(label: &str, html: &[u8], peak: usize) {
    assert!(
        peak <= MAX_PEAK_PER_INPUT_BYTE * html.len(),
        "{label}: peak heap {peak} bytes is {:.1}× the input of {} bytes",
        peak as f64 / html.len() as f64,
        html.len()
    );
}

const SENTENCE: &str = "A sentence at the bottom of a very deep tree, long enough to be text.";

#[test]
fn markup_in_a_json_ld_article_body_is_parsed_under_the_nesting_cap() {
    let _one_at_a_time = one_test_at_a_time();
    let levels = 100_000;
    let body = format!(
        "<p>The story of a script-rendered page lives in its JSON-LD, as markup.</p>{}{SENTENCE}{}",
        "<div>".repeat(levels),
        "</div>".repeat(levels)
    );
    let html = format!(
        "<html><head><script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
         \"headline\":\"Deep\",\"articleBody\":\"{body}\"}}</script></head>\
         <body><div id=app></div></body></html>"
    );
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("the JSON-LD body is the article");
    assert_eq!(
        article.text,
        format!(
            "The story of a script-rendered page lives in its JSON-LD, as markup.\n\n{SENTENCE}"
        )
    );
    assert_bounded("JSON-LD nesting", html.as_bytes(), peak);
}

#[test]
fn markup_in_metadata_strings_is_decoded_without_a_tree() {
    let _one_at_a_time = one_test_at_a_time();
    let deep = "<div>".repeat(100_000);
    let story = "<p>Turnout in the capital was lower than at any election since 1995, officials \
                 said on Monday, and observers reported long queues.</p>";
    let html = format!(
        "<html><head><meta name=description content=\"Tom &amp;amp; Jerry {deep}\">\
         <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
         \"headline\":\"Tom &amp; Jerry {deep}\"}}</script></head>\
         <body><article><h1>Tom &amp; Jerry</h1>{story}{story}</article></body></html>"
    );
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("an article");
    assert_eq!(article.title.as_deref(), Some("Tom & Jerry"));
    assert_eq!(article.description.as_deref(), Some("Tom & Jerry"));
    assert_bounded("metadata markup", html.as_bytes(), peak);
}

#[test]
fn a_million_line_breaks_stay_within_the_memory_bound() {
    let _one_at_a_time = one_test_at_a_time();
    let html = format!(
        "<html><body><article><h1>Breaks</h1><p>Turnout in the capital was lower than at any \
         election since 1995, officials said on Monday.{}Observers reported long queues.</p>\
         </article></body></html>",
        "<br>".repeat(1_000_000)
    );
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("an article");
    assert!(
        article.text.starts_with("Turnout in the capital"),
        "{}",
        article.text
    );
    assert!(
        article.text.ends_with("Observers reported long queues."),
        "{}",
        article.text
    );
    assert_bounded("line breaks", html.as_bytes(), peak);
}

#[test]
fn formatting_elements_reopened_in_every_paragraph_stay_within_the_memory_bound() {
    let _one_at_a_time = one_test_at_a_time();
    // Each `<p>` closes the formatting elements the one before it held open, and its text
    // opens them all again: a dozen elements for every four bytes of input.
    let formatting: String = [
        "b", "i", "u", "s", "em", "strong", "big", "small", "tt", "strike", "code", "font",
    ]
    .iter()
    .map(|tag| format!("<{tag}>"))
    .collect();
    let html = format!(
        "<html><body><p>{formatting}Turnout in the capital was lower than at any election \
         since 1995, officials said on Monday.{}</body></html>",
        "<p>x".repeat(100_000)
    );
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("an article");
    assert!(
        article.text.starts_with("Turnout in the capital"),
        "{}",
        article.text
    );
    assert_bounded("reopened formatting", html.as_bytes(), peak);
}

#[test]
fn a_block_of_a_hundred_thousand_linked_lines_is_shared_out_in_one_pass() {
    let _one_at_a_time = one_test_at_a_time();
    // One `<div>` of linked lines split by `<br><br>`: each paragraph's share of the link
    // text is found by one pass over the paragraphs and the links, not one per pair.
    let html = format!(
        "<html><body><article><h1>Lines</h1><div>Turnout in the capital was lower than at \
         any election since 1995, officials said on Monday.<br><br>{}Observers reported long \
         queues.</div></article></body></html>",
        "Voters in <a href=\"/n\">this district</a> queued for an hour before noon.<br><br>"
            .repeat(100_000)
    );
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("an article");
    assert!(
        article.text.starts_with("Turnout in the capital"),
        "{}",
        &article.text[..article.text.len().min(200)]
    );
    assert_bounded("linked lines", html.as_bytes(), peak);
}

#[test]
fn a_page_of_twenty_thousand_deep_captions_is_read_in_a_bounded_pass() {
    let _one_at_a_time = one_test_at_a_time();
    // No story, so the photo-story fallback looks for captions: one pass over the page,
    // reading a bounded number of them.
    let caption = format!(
        "{}<figure><figcaption>Voters queue outside a polling station.</figcaption></figure>{}",
        "<div>".repeat(40),
        "</div>".repeat(40)
    );
    let html = format!(
        "<html><body><h1>In pictures</h1>{}</body></html>",
        caption.repeat(20_000)
    );
    let started = std::time::Instant::now();
    let (article, peak) = extract_measured(html.as_bytes());
    // Every caption is the same: one caption is no photo story.
    assert!(article.is_err(), "{:?}", article.map(|a| a.text.len()));
    assert_bounded("deep captions", html.as_bytes(), peak);
    eprintln!(
        "deep captions: {} MB in {:?}",
        html.len() / 1_000_000,
        started.elapsed()
    );
}

#[test]
fn a_headline_over_a_list_of_three_hundred_thousand_items_is_read_in_one_pass() {
    let _one_at_a_time = one_test_at_a_time();
    // No paragraph for the scorer, so the story is read from under its headline: one pass to
    // find the heading, one render of its container.
    let html = format!(
        "<html><head><title>Polling stations | Site</title></head><body><main><article>\
         <h1>Polling stations</h1><ul>{}</ul></article></main></body></html>",
        "<li>Station open until eight</li>".repeat(300_000)
    );
    let started = std::time::Instant::now();
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("the list is the story");
    assert_eq!(
        article.text.lines().count(),
        300_000,
        "every item is a line of the story"
    );
    assert_bounded("headline over a list", html.as_bytes(), peak);
    eprintln!(
        "headline over a list: {} MB in {:?}",
        html.len() / 1_000_000,
        started.elapsed()
    );
}

#[test]
fn home_links_and_rdfa_dates_by_the_hundred_thousand_are_read_a_bounded_few() {
    let _one_at_a_time = one_test_at_a_time();
    // Every link in one <h1> to the site's root, every span an RDFa date inside comments:
    // the home-link test stops at each link's neighbour, and at most a few RDFa dates are
    // read, so both stay a step per element.
    let html = format!(
        "<html><head><title>Turnout was low | Site</title></head><body><h1>{}</h1>\
         <div class=comments>{}</div><article><h2>Turnout was low</h2><p>{}</p></article>\
         </body></html>",
        "<a href=/>Site</a>".repeat(200_000),
        "<span property='dc:date' content='2024-03-05'>x</span>".repeat(200_000),
        "Turnout in the capital was lower than at any election since 1995. ".repeat(4)
    );
    let started = std::time::Instant::now();
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("the story under the h2");
    assert_eq!(
        article.published, None,
        "comments' RDFa dates are not the page's"
    );
    assert_bounded("home links and RDFa dates", html.as_bytes(), peak);
    eprintln!(
        "home links and RDFa dates: {} MB in {:?}",
        html.len() / 1_000_000,
        started.elapsed()
    );
}

#[test]
fn a_story_held_only_in_script_state_is_read_within_the_bounds() {
    let _one_at_a_time = one_test_at_a_time();
    const INTRO: &str = "The story of a script-built page lives in its state, as markup, and \
                         the page's own markup shows only a spinner where the story will be.";
    // Markup nested 100 000 deep in a `__NEXT_DATA__` body string goes through the capped
    // parse path, as JSON-LD's does.
    let levels = 100_000;
    let body = format!(
        "<p>{INTRO}</p>{}<p>{SENTENCE}</p>{}",
        "<div>".repeat(levels),
        "</div>".repeat(levels)
    );
    let state =
        serde_json::json!({"props": {"pageProps": {"post": {"title": "Deep", "html": body}}}});
    let html = format!(
        "<html><head><title>Deep</title></head><body><div id=app>Loading…</div>\
         <script id=__NEXT_DATA__ type=application/json>{state}</script></body></html>"
    );
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("the state's body is the article");
    assert_eq!(article.text, format!("{INTRO}\n\n{SENTENCE}"));
    assert_bounded("state markup nesting", html.as_bytes(), peak);

    // 30 000 blocks of Editor.js, 3.3 MB: every block read once.
    let blocks: Vec<_> = (0..30_000)
        .map(|_| serde_json::json!({"type": "paragraph", "data": {"text": SENTENCE}}))
        .collect();
    let state = serde_json::json!({"post": {"title": "Many", "content": {"blocks": blocks}}});
    let html = format!(
        "<html><head><title>Many</title></head><body><div id=app></div>\
         <script>window.__INITIAL_STATE__ = {state};</script></body></html>"
    );
    let (article, peak) = extract_measured(html.as_bytes());
    let article = article.expect("the blocks are the article");
    assert_eq!(article.text.matches(SENTENCE).count(), 30_000);
    assert_bounded("state blocks", html.as_bytes(), peak);

    // Nesting past any parser's limit, assigned and as a literal: refused, not followed.
    let deep = format!("{}{}", "[".repeat(1_000_000), "]".repeat(1_000_000));
    let html = format!(
        "<html><head><title>Deep</title></head><body><div id=app></div>\
         <script>window.__STATE__ = {deep}; var s = \"{deep}\";</script></body></html>"
    );
    let (article, peak) = extract_measured(html.as_bytes());
    assert!(article.is_err(), "{:?}", article.map(|a| a.text.len()));
    assert_bounded("state nesting", html.as_bytes(), peak);
}
