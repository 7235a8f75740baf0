//! robots.txt and politeness, checked by what the servers saw: which paths were requested,
//! in which order, and how far apart.

mod support;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{HeaderValue, header};
use gleaner::config::{Dur, PositiveUsize};
use gleaner::crawl::Crawler;
use support::*;

fn small_site(
    robots_response: fn() -> axum::response::Response,
) -> impl Fn(&Req<'_>) -> axum::response::Response {
    move |req| match req.target {
        "/robots.txt" => robots_response(),
        "/" => html(index_html(&["/news/1", "/news/2", "/private/secret"])),
        "/news/1" => html(article_html("One", 21)),
        "/news/2" => html(article_html("Two", 22)),
        "/private/secret" => html(article_html("Secret", 23)),
        _ => with_status(404, ""),
    }
}

#[tokio::test]
async fn robots_allow_deny_4xx_5xx() {
    let deny = Site::start(
        "127.0.0.4",
        small_site(|| {
            robots(
                "User-agent: *\nDisallow: /private\n\nUser-agent: gleaner\nDisallow: /private/\n",
            )
        }),
    )
    .await;
    let server_error = Site::start("127.0.0.5", small_site(|| with_status(503, "down"))).await;
    let missing = Site::start("127.0.0.6", small_site(|| with_status(404, "none"))).await;
    let config = gleaner::config::CrawlerConfig {
        max_retries: 0,
        ..test_config()
    };
    let store = memory_store();
    let summary = crawl(
        &config,
        &store,
        job(
            "robots",
            vec![deny.url("/"), server_error.url("/"), missing.url("/")],
            &config,
        ),
    )
    .await;

    // robots.txt comes first on every host.
    for site in [&deny, &server_error, &missing] {
        assert_eq!(
            site.targets().first().map(String::as_str),
            Some("/robots.txt")
        );
        assert_eq!(
            site.count("/robots.txt"),
            1,
            "robots.txt cached: {:?}",
            site.targets()
        );
    }
    // Disallowed path never requested; allowed ones are.
    assert_eq!(deny.count("/private/secret"), 0, "{:?}", deny.targets());
    assert_eq!(deny.count("/news/1"), 1);
    // 5xx robots.txt: the whole origin is off limits.
    assert_eq!(server_error.targets(), ["/robots.txt"]);
    // 4xx robots.txt: everything allowed.
    assert_eq!(missing.count("/private/secret"), 1);

    let c = &summary.counters;
    // The seed of the 5xx host, and the deny host's /private/secret.
    assert_eq!(c.robots_blocked, 2, "{c:?}");
    // Both reachable hosts serve the same two stories: stored once, then seen as duplicates.
    assert_eq!((c.stored, c.duplicates), (3, 2), "{c:?}");
}

#[tokio::test]
async fn crawl_delay_spaces_requests_and_is_capped() {
    let pages: Vec<String> = (1..=5).map(|i| format!("/p{i}")).collect();
    let links: Vec<&str> = pages.iter().map(String::as_str).collect();
    let index = index_html(&links);
    let slow_index = index.clone();
    // Crawl-delay 0.4 s: above min_delay (0.1 s), under the cap.
    let polite = Site::start("127.0.0.7", move |req| match req.target {
        "/robots.txt" => robots("User-agent: *\nCrawl-delay: 0.4\n"),
        "/" => html(slow_index.clone()),
        t => html(article_html(
            t,
            t.len() as u64 * 31 + u64::from(t.as_bytes()[2]),
        )),
    })
    .await;
    // Crawl-delay 3600 s: capped at max_crawl_delay (0.5 s).
    let greedy = Site::start("127.0.0.8", move |req| match req.target {
        "/robots.txt" => robots("User-agent: gleaner\nCrawl-delay: 3600\n"),
        "/" => html(index.clone()),
        t => html(article_html(t, 1000 + u64::from(t.as_bytes()[2]))),
    })
    .await;
    let config = gleaner::config::CrawlerConfig {
        min_delay: Dur::from(Duration::from_millis(100)),
        max_crawl_delay: Dur::from(Duration::from_millis(500)),
        ..test_config()
    };
    let store = memory_store();
    crawl(
        &config,
        &store,
        job("delay", vec![polite.url("/"), greedy.url("/")], &config),
    )
    .await;

    let tolerance = Duration::from_millis(15);
    let polite_hits = polite.hits();
    assert_eq!(polite_hits.len(), 7, "robots + index + 5 pages");
    let polite_gaps = gaps(&polite_hits);
    for gap in &polite_gaps {
        assert!(
            *gap + tolerance >= Duration::from_millis(400),
            "gap {gap:?} under Crawl-delay"
        );
    }
    // …and not much more than that: the rate achieved is the rate allowed.
    let mean = polite_gaps.iter().sum::<Duration>() / polite_gaps.len() as u32;
    assert!(mean < Duration::from_millis(480), "mean gap {mean:?}");
    let greedy_hits = greedy.hits();
    assert_eq!(greedy_hits.len(), 7);
    let greedy_gaps = gaps(&greedy_hits);
    for gap in &greedy_gaps {
        assert!(
            *gap + tolerance >= Duration::from_millis(500),
            "gap {gap:?} under the cap"
        );
    }
    // The cap holds: the whole run on that host took far less than one requested delay.
    let total: Duration = greedy_gaps.iter().sum();
    assert!(total < Duration::from_secs(5), "{total:?}");
    assert_eq!(articles(&store).len(), 10);
}

#[tokio::test]
async fn retry_after_is_honoured_on_429_and_503() {
    let site = Site::start("127.0.0.9", |req| match (req.target, req.seen_before) {
        ("/robots.txt", _) => with_status(404, ""),
        ("/", _) => html(index_html(&["/busy", "/unavailable"])),
        ("/busy", 0) => {
            let mut r = with_status(429, "slow down");
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            r
        }
        ("/unavailable", 0) => {
            let when =
                httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(2));
            let mut r = with_status(503, "maintenance");
            r.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from_str(&when).expect("date"),
            );
            r
        }
        ("/busy", _) => html(article_html("Busy", 41)),
        ("/unavailable", _) => html(article_html("Unavailable", 42)),
        _ => with_status(404, ""),
    })
    .await;
    let config = test_config();
    let store = memory_store();
    let summary = crawl(&config, &store, job("retry", vec![site.url("/")], &config)).await;
    let hits = site.hits();
    let at = |target: &str, n: usize| {
        hits.iter()
            .filter(|h| h.target == target)
            .nth(n)
            .map(|h| h.at)
            .unwrap_or_else(|| panic!("{target} request {n} missing: {:?}", site.targets()))
    };
    // After a 429 with Retry-After: 1, nothing reaches the host for a second.
    let throttled = at("/busy", 0);
    let next_request = hits
        .iter()
        .find(|h| h.at > throttled)
        .map(|h| h.at)
        .expect("a request after the 429");
    assert!(next_request.duration_since(throttled) >= Duration::from_millis(990));
    // HTTP-date form: about two seconds (the date has one-second resolution).
    assert!(
        at("/unavailable", 1).duration_since(at("/unavailable", 0)) >= Duration::from_millis(1000)
    );
    assert_eq!(summary.counters.stored, 2, "{:?}", summary.counters);
    assert_eq!(summary.counters.errors_total(), 0);
}

#[tokio::test]
async fn failing_host_gets_backoff_then_circuit_breaker() {
    let site = Site::start("127.0.0.10", |req| match req.target {
        "/robots.txt" => with_status(404, ""),
        "/" => html(index_html(
            &(1..=20)
                .map(|i| format!("/f{i}"))
                .collect::<Vec<_>>()
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
        )),
        _ => with_status(500, "broken"),
    })
    .await;
    let config = gleaner::config::CrawlerConfig {
        max_retries: 1,
        ..test_config()
    };
    let store = memory_store();
    let started = std::time::Instant::now();
    let summary = crawl(
        &config,
        &store,
        job("breaker", vec![site.url("/")], &config),
    )
    .await;
    let failing: Vec<_> = site
        .hits()
        .into_iter()
        .filter(|h| h.target.starts_with("/f"))
        .collect();
    // Five consecutive failures open the breaker: the other URLs are not tried.
    assert_eq!(
        failing.len(),
        gleaner::fetch::politeness::BREAKER_THRESHOLD as usize,
        "{:?}",
        site.targets()
    );
    // Backoff grows between failures (0.5 s · 2^n with ±50 % jitter).
    let g = gaps(&failing);
    assert!(g[0] >= Duration::from_millis(240), "{g:?}");
    assert!(g[3] >= Duration::from_millis(1900), "{g:?}");
    assert!(started.elapsed() < Duration::from_secs(20));
    // What was not tried stays pending for the next run.
    assert!(summary.pending >= 15, "{summary:?}");
    assert_eq!(summary.counters.stored, 0);
}

#[tokio::test]
async fn one_request_per_host_and_shared_budget_across_crawls() {
    let pages: Vec<String> = (1..=6).map(|i| format!("/s{i}")).collect();
    let links: Vec<&str> = pages.iter().map(String::as_str).collect();
    let index = index_html(&links);
    let site = Site::start("127.0.0.11", move |req| match req.target {
        "/robots.txt" => with_status(404, ""),
        "/" => html(index.clone()),
        t => html(article_html(t, 500 + u64::from(t.as_bytes()[2]))),
    })
    .await;
    let config = gleaner::config::CrawlerConfig {
        min_delay: Dur::from(Duration::from_millis(150)),
        concurrency: PositiveUsize::new(16).expect("16"),
        ..test_config()
    };
    let store = memory_store();
    let crawler = Crawler::new(&config, crawl_store(&store)).expect("crawler");
    // Two sources on one host, crawled at the same time by one crawler.
    let a = crawler.crawl(
        job("a", vec![site.url("/")], &config),
        std::future::pending(),
    );
    let b = crawler.crawl(
        job("b", vec![site.url("/s1")], &config),
        std::future::pending(),
    );
    let (a, b) = tokio::join!(a, b);
    a.expect("crawl a");
    b.expect("crawl b");
    assert_eq!(site.max_in_flight(), 1);
    for gap in gaps(&site.hits()) {
        assert!(
            gap + Duration::from_millis(15) >= Duration::from_millis(150),
            "two crawls doubled the rate: {gap:?}"
        );
    }
}

#[tokio::test]
async fn overall_concurrency_is_bounded() {
    let group = Arc::new(Group::default());
    let mut seeds = Vec::new();
    let mut sites = Vec::new();
    for (i, ip) in ["127.0.0.12", "127.0.0.13", "127.0.0.14", "127.0.0.15"]
        .into_iter()
        .enumerate()
    {
        let site = Site::start_with(
            ip,
            Duration::from_millis(60),
            Some(Arc::clone(&group)),
            move |req| match req.target {
                "/robots.txt" => with_status(404, ""),
                "/" => html(index_html(&["/c1", "/c2", "/c3"])),
                t => html(article_html(
                    t,
                    900 + 10 * i as u64 + u64::from(t.as_bytes()[2]),
                )),
            },
        )
        .await;
        seeds.push(site.url("/"));
        sites.push(site);
    }
    let config = gleaner::config::CrawlerConfig {
        concurrency: PositiveUsize::new(2).expect("2"),
        per_host_concurrency: PositiveUsize::new(2).expect("2"),
        ..test_config()
    };
    let store = memory_store();
    let summary = crawl(&config, &store, job("concurrency", seeds, &config)).await;
    assert_eq!(summary.counters.stored, 12, "{:?}", summary.counters);
    assert_eq!(group.max_in_flight(), 2, "overall concurrency");
    assert!(sites.iter().all(|s| s.max_in_flight() <= 2));
}
