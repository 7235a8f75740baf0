//! robots.txt matching benchmark: cost per URL of deciding "may gleaner fetch this?" on a
//! realistic robots.txt of about 50 rules, with the file parsed once ([`RobotsTxt`]) against
//! the crate's reference matcher, which parses the whole file again for every URL (what
//! gleaner did before), and the same for a hostile pattern.
//!
//! ```text
//! cargo run --release --example bench_robots [-- ROUNDS]
//! ```
//!
//! Each round times 20 000 URL checks per matcher; the median of ROUNDS (default 7) rounds
//! is printed, with the one-time parse cost and how many URLs each allowed (they differ
//! where the crate's wildcard matching loses a match: see `fetch::robots`).

use std::time::{Duration, Instant};

use gleaner::fetch::robots::{PRODUCT_TOKEN, RobotsTxt};
use robotstxt::DefaultMatcher;

/// A news portal's robots.txt in the shape real ones have: a `*` group with the usual
/// admin, search and tracking exclusions, groups for other crawlers, sitemaps.
fn realistic_robots() -> String {
    let mut body = String::from("# robots.txt for a news portal\n\nUser-agent: *\n");
    for path in [
        "/admin/",
        "/wp-admin/",
        "/wp-login.php",
        "/cgi-bin/",
        "/search",
        "/search/",
        "/*?s=",
        "/*?q=",
        "/*&s=",
        "/print/",
        "/*/print$",
        "/*?print=1",
        "/tag/*/page/",
        "/author/",
        "/feed/",
        "/*/feed/$",
        "/comments/",
        "/*?replytocom=",
        "/trackback/",
        "/xmlrpc.php",
        "/cart/",
        "/checkout/",
        "/account/",
        "/login",
        "/register",
        "/*.pdf$",
        "/*.doc$",
        "/*.xls$",
        "/tmp/",
        "/private/",
        "/api/",
        "/ajax/",
        "/*?utm_",
        "/*&utm_",
        "/amp/*?",
        "/embed/",
        "/preview/",
        "/draft/",
        "/*/attachment/",
        "/calendar/*/20",
    ] {
        body.push_str(&format!("Disallow: {path}\n"));
    }
    for path in [
        "/wp-admin/admin-ajax.php",
        "/search/about",
        "/api/public/",
        "/*.css$",
        "/*.js$",
    ] {
        body.push_str(&format!("Allow: {path}\n"));
    }
    body.push_str("Crawl-delay: 1\n\nUser-agent: Googlebot\nDisallow: /private/\n\n");
    body.push_str("User-agent: GPTBot\nDisallow: /\n\nUser-agent: AhrefsBot\nDisallow: /\n\n");
    body.push_str("Sitemap: https://news.example/sitemap.xml\n");
    body.push_str("Sitemap: https://news.example/news-sitemap.xml\n");
    body
}

fn urls(n: usize) -> Vec<String> {
    let shapes = [
        "/news/2024/05/{i}-election-results-in-the-region",
        "/politics/{i}/",
        "/search?q=election+{i}",
        "/tag/economy/page/{i}/",
        "/en/article/{i}?utm_source=feed",
        "/wp-admin/admin-ajax.php?action={i}",
        "/files/report-{i}.pdf",
        "/world/europe/{i}/print",
        "/calendar/events/2024/{i}",
        "/assets/site-{i}.css",
    ];
    (0..n)
        .map(|i| {
            let path = shapes[i % shapes.len()].replace("{i}", &i.to_string());
            format!("https://news.example{path}")
        })
        .collect()
}

fn median(mut xs: Vec<Duration>) -> Duration {
    xs.sort();
    xs[xs.len() / 2]
}

/// Median per-URL time over rounds, and how many URLs were allowed (the same for both).
fn time_per_url(rounds: usize, urls: &[String], check: impl Fn(&str) -> bool) -> (Duration, usize) {
    let mut allowed = 0;
    let times = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            allowed = urls.iter().filter(|u| check(u)).count();
            start.elapsed() / urls.len() as u32
        })
        .collect();
    (median(times), allowed)
}

fn compare(name: &str, body: &str, urls: &[String], rounds: usize) {
    let parse_start = Instant::now();
    let parsed = RobotsTxt::parse(body);
    let parse = parse_start.elapsed();
    let (before, allowed_before) = time_per_url(rounds, urls, |u| {
        DefaultMatcher::default().one_agent_allowed_by_robots(body, PRODUCT_TOKEN, u)
    });
    let (after, allowed_after) = time_per_url(rounds, urls, |u| parsed.allows_str(u));
    println!(
        "{name}: {} bytes, {} rules kept, parsed once in {parse:?}; per URL (median of {rounds} rounds of {}): \
         reparse each time (before) {before:?}, parsed once (after) {after:?}, {:.0}× less; \
         allowed: before {allowed_before}, after {allowed_after}",
        body.len(),
        parsed.rule_count(),
        urls.len(),
        before.as_secs_f64() / after.as_secs_f64(),
    );
}

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(7);
    compare("realistic", &realistic_robots(), &urls(20_000), rounds);

    // Hostile: one pattern of wildcards against long paths. The crate's pattern test grows
    // a list with every pattern character; sizes are kept small enough for it to finish.
    // Doubling both multiplies the crate's time by about 20.
    for (pairs, path_len) in [(50, 200), (100, 400)] {
        let hostile = format!("User-agent: *\nDisallow: /{}x$\n", "*a".repeat(pairs));
        let long: Vec<String> = (0..3)
            .map(|i| format!("https://news.example/{}{i}", "a".repeat(path_len)))
            .collect();
        compare(
            &format!("hostile (*a)×{pairs} vs {path_len}-byte paths"),
            &hostile,
            &long,
            3,
        );
    }
}
