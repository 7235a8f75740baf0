//! A crawl of a small local web: what gets stored (each article once, with full provenance),
//! what does not (index pages, non-HTML, noindex, duplicates by tracking parameters), and
//! which URLs are discovered through links, redirects, feeds and sitemaps.

mod support;

use std::time::Duration;

use axum::http::header;
use axum::response::IntoResponse;
use gleaner::store::DiscoveredVia;
use sha2::{Digest, Sha256};
use support::*;

#[tokio::test]
async fn stores_each_article_once_with_full_provenance() {
    let site = Site::start("127.0.0.2", |req| match req.target {
        "/robots.txt" => robots("User-agent: *\nAllow: /\nSitemap: /sitemap.xml\n"),
        "/" => html(
            index_html(&[
                "/a1",
                "/a1?utm_source=twitter&utm_medium=social",
                "/a1?fbclid=xyz#comments",
                "/A2/../a2",
                "/old-a3",
                "/report.pdf",
                "/noindex",
                "/nofollow",
                "/untyped",
                "/header-noindex",
                "mailto:desk@example.org",
                "https://elsewhere.example/out",
            ])
            .replace(
                "<head>",
                "<head><link rel=\"alternate\" type=\"application/rss+xml\" href=\"/feed.xml\">",
            ),
        ),
        "/a1" => {
            let mut r = html(article_html("First story", 1));
            r.headers_mut()
                .insert(header::ETAG, "\"a1-v1\"".parse().expect("etag"));
            r.headers_mut().insert(
                header::LAST_MODIFIED,
                "Mon, 02 Nov 2026 10:00:00 GMT".parse().expect("lm"),
            );
            r
        }
        "/a2" => html(article_html("Second story", 2)),
        "/old-a3" => redirect(301, "/a3"),
        "/a3" => html(article_html("Third story", 3)),
        "/a4" => html(article_html("Feed story", 4)),
        "/a5" => html(article_html("Sitemap story", 5)),
        "/feed.xml" => (
            [(header::CONTENT_TYPE, "application/rss+xml")],
            "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>t</title>\
             <item><title>x</title><link>/a4</link></item></channel></rss>",
        )
            .into_response(),
        "/sitemap.xml" => (
            [(header::CONTENT_TYPE, "application/xml")],
            "<?xml version=\"1.0\"?><urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\
             <url><loc>/a5</loc></url></urlset>",
        )
            .into_response(),
        // No Content-Type at all: sniffed as HTML.
        "/untyped" => {
            axum::response::Response::new(axum::body::Body::from(article_html("Untyped story", 7)))
        }
        "/header-noindex" => {
            let mut r = html(article_html("Header noindex", 8));
            r.headers_mut()
                .insert("x-robots-tag", "noindex".parse().expect("header"));
            r
        }
        "/report.pdf" => {
            ([(header::CONTENT_TYPE, "application/pdf")], "%PDF-1.4 ...").into_response()
        }
        "/noindex" => html(
            article_html("Hidden story", 6)
                .replace("<head>", "<head><meta name=\"robots\" content=\"noindex\">"),
        ),
        "/nofollow" => html(index_html(&["/never-followed"]).replace(
            "<head>",
            "<head><meta name=\"robots\" content=\"nofollow\">",
        )),
        _ => with_status(404, "not found"),
    })
    .await;

    let config = test_config();
    let store = memory_store();
    let seed = site.url("/");
    let host = seed.host_str().expect("host").to_string();
    let mut job = gleaner::crawl::CrawlJob::from_seeds(vec![seed.clone()], &config);
    job.start = gleaner::store::CrawlStart::NewCycle;
    let summary = crawl(&config, &store, job).await;

    // Every URL fetched once, robots.txt first; nothing outside the site or refused.
    let targets = site.targets();
    assert_eq!(
        targets.first().map(String::as_str),
        Some("/robots.txt"),
        "{targets:?}"
    );
    for t in &targets {
        assert_eq!(site.count(t), 1, "{t} fetched more than once: {targets:?}");
    }
    assert!(
        !targets
            .iter()
            .any(|t| t.contains("utm_") || t.contains("fbclid")),
        "{targets:?}"
    );
    assert!(
        !targets.contains(&"/never-followed".to_string()),
        "nofollow page's links followed"
    );
    for must in [
        "/a1",
        "/a2",
        "/old-a3",
        "/a3",
        "/a4",
        "/a5",
        "/feed.xml",
        "/sitemap.xml",
        "/report.pdf",
        "/noindex",
    ] {
        assert!(
            targets.contains(&must.to_string()),
            "{must} not fetched: {targets:?}"
        );
    }

    // Exactly the six articles are stored; no index, PDF or noindex page.
    let stored = by_path(&store);
    let mut paths: Vec<&String> = stored.keys().collect();
    paths.sort();
    assert_eq!(paths, ["/a1", "/a2", "/a3", "/a4", "/a5", "/untyped"]);
    assert_eq!(stored["/untyped"].provenance.content_type, None);

    let a1 = &stored["/a1"].provenance;
    assert_eq!(a1.url, site.url("/a1").to_string());
    assert_eq!(a1.final_url, a1.url);
    assert_eq!(a1.source, host);
    assert_eq!(a1.discovered_from.as_deref(), Some(seed.as_str()));
    assert_eq!(a1.discovered_via, DiscoveredVia::Link);
    assert_eq!(a1.http_status, 200);
    assert_eq!(a1.content_type.as_deref(), Some("text/html"));
    assert_eq!(a1.charset.as_deref(), Some("UTF-8"));
    assert_eq!(a1.etag.as_deref(), Some("\"a1-v1\""));
    assert_eq!(
        a1.last_modified.as_deref(),
        Some("Mon, 02 Nov 2026 10:00:00 GMT")
    );
    assert_eq!(
        a1.raw_sha256,
        hex::encode(Sha256::digest(article_html("First story", 1).as_bytes()))
    );
    assert!(!a1.extractor_version.is_empty());
    assert_eq!(a1.crawler_version, env!("CARGO_PKG_VERSION"));
    assert!(chrono::Utc::now() - a1.fetched_at < chrono::TimeDelta::minutes(1));
    assert_eq!(stored["/a1"].article.title.as_deref(), Some("First story"));
    assert!(
        stored["/a1"].article.text.contains("election") || stored["/a1"].article.text.len() > 200
    );

    // Redirect: discovered as /old-a3, answered at /a3.
    let a3 = &stored["/a3"].provenance;
    assert_eq!(a3.url, site.url("/old-a3").to_string());
    assert_eq!(a3.final_url, site.url("/a3").to_string());
    assert_eq!(a3.discovered_via, DiscoveredVia::Link);

    let a4 = &stored["/a4"].provenance;
    assert_eq!(a4.discovered_via, DiscoveredVia::Feed);
    assert_eq!(
        a4.discovered_from.as_deref(),
        Some(site.url("/feed.xml").as_str())
    );
    let a5 = &stored["/a5"].provenance;
    assert_eq!(a5.discovered_via, DiscoveredVia::Sitemap);
    assert_eq!(
        a5.discovered_from.as_deref(),
        Some(site.url("/sitemap.xml").as_str())
    );

    let c = &summary.counters;
    assert_eq!(c.stored, 6, "{c:?}");
    assert_eq!(c.skipped.get("content_type"), Some(&1), "{c:?}");
    assert_eq!(
        c.skipped.get("noindex"),
        Some(&2),
        "meta and X-Robots-Tag: {c:?}"
    );
    assert!(
        c.not_article >= 2,
        "index and nofollow pages are not articles: {c:?}"
    );
    assert_eq!(summary.pending, 0);
    assert_eq!(summary.stop, gleaner::crawl::StopReason::Finished);
}

#[tokio::test]
async fn recrawl_uses_conditional_get() {
    let site = Site::start("127.0.0.3", |req| match req.target {
        "/robots.txt" => with_status(404, ""),
        "/" => html(index_html(&["/story"])),
        "/story" => {
            if req
                .headers
                .get(header::IF_NONE_MATCH)
                .is_some_and(|v| v == "\"s1\"")
            {
                return with_status(304, "");
            }
            let mut r = html(article_html("Story", 11));
            r.headers_mut()
                .insert(header::ETAG, "\"s1\"".parse().expect("etag"));
            r
        }
        _ => with_status(404, ""),
    })
    .await;
    let config = test_config();
    let store = memory_store();
    let first = crawl(&config, &store, job("s", vec![site.url("/")], &config)).await;
    assert_eq!(first.counters.stored, 1);
    let second = crawl(&config, &store, job("s", vec![site.url("/")], &config)).await;
    assert_eq!(second.counters.not_modified, 1, "{:?}", second.counters);
    assert_eq!(second.counters.stored, 0);
    let story_hits: Vec<_> = site
        .hits()
        .into_iter()
        .filter(|h| h.target == "/story")
        .collect();
    assert_eq!(story_hits.len(), 2);
    assert!(story_hits[0].headers.get(header::IF_NONE_MATCH).is_none());
    assert_eq!(
        story_hits[1]
            .headers
            .get(header::IF_NONE_MATCH)
            .map(|v| v.as_bytes()),
        Some(b"\"s1\"".as_slice())
    );
    assert_eq!(articles(&store).len(), 1);
    let _ = Duration::ZERO;
}

/// What became of each seed: the last word on it, through retries and redirects; a seed
/// robots.txt forbids was still reached (its host answered).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_seed_outcome_is_the_last_word_on_it() {
    use gleaner::crawl::seeds::SeedOutcome;

    let allow = || robots("User-agent: *\nAllow: /\n");
    let good = Site::start("127.0.0.50", move |req| match req.target {
        "/robots.txt" => allow(),
        _ => html(article_html("A good seed", 50)),
    })
    .await;
    let forbidden = Site::start("127.0.0.51", |req| match req.target {
        "/robots.txt" => robots("User-agent: *\nDisallow: /\n"),
        _ => html(article_html("Never asked for", 51)),
    })
    .await;
    let recovers = Site::start("127.0.0.52", move |req| match req.target {
        "/robots.txt" => allow(),
        _ if req.seen_before == 0 => with_status(503, "busy"),
        _ => html(article_html("Answered on the retry", 52)),
    })
    .await;
    let broken = Site::start("127.0.0.53", move |req| match req.target {
        "/robots.txt" => allow(),
        _ => with_status(500, "broken"),
    })
    .await;
    let moved = Site::start("127.0.0.54", move |req| match req.target {
        "/robots.txt" => allow(),
        "/" => redirect(301, "/moved"),
        _ => with_status(502, "bad gateway"),
    })
    .await;
    let sites = [&good, &forbidden, &recovers, &broken, &moved];
    let seeds: Vec<url::Url> = sites.iter().map(|s| s.url("/")).collect();

    let config = test_config();
    let store = memory_store();
    let summary = crawl(&config, &store, job("seeds", seeds.clone(), &config)).await;

    let outcomes: Vec<(String, SeedOutcome)> = summary
        .seeds
        .iter()
        .map(|s| (s.url.clone(), s.outcome.clone()))
        .collect();
    let expected = [
        SeedOutcome::Reached,
        SeedOutcome::Disallowed,
        SeedOutcome::Reached,
        SeedOutcome::Unreachable("HTTP 500".into()),
        SeedOutcome::Unreachable("HTTP 502".into()),
    ];
    let expected: Vec<(String, SeedOutcome)> =
        seeds.iter().map(|u| u.to_string()).zip(expected).collect();
    assert_eq!(outcomes, expected);
    assert!(!summary.reached_no_seed());
    assert_eq!(moved.count("/moved"), 3, "the redirect target was retried");
    assert_eq!(articles(&store).len(), 2);
}

/// Crawls that run at once on one crawler share its bound on claims in hand; a crawl that
/// finds that bound taken by the others waits for room and still crawls everything, rather
/// than taking a frontier answer from before its last commit as the end.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_crawls_sharing_the_bound_each_finish_their_site() {
    const PAGES: usize = 3;
    const CRAWLS: usize = 24;
    let mut sites = Vec::new();
    for n in 0..CRAWLS {
        let site = Site::start(&format!("127.0.3.{}", 1 + n), move |req| {
            let links: Vec<String> = (0..PAGES).map(|i| format!("/s{i}")).collect();
            let links: Vec<&str> = links.iter().map(String::as_str).collect();
            match req.target {
                "/robots.txt" => robots("User-agent: *\nAllow: /\n"),
                "/" => html(index_html(&links)),
                path => {
                    let i: u64 = path.trim_start_matches("/s").parse().unwrap_or(0);
                    html(article_html(
                        &format!("Story {i} of site {n}"),
                        1000 * n as u64 + i,
                    ))
                }
            }
        })
        .await;
        sites.push(site);
    }
    let mut config = test_config();
    // Four claims in hand for the whole crawler, over 24 crawls: a crawl that asks for
    // room finds it taken by the others most of the time.
    config.concurrency = gleaner::config::PositiveUsize::new(2).expect("2");
    let store = memory_store();
    let crawler = gleaner::crawl::Crawler::new(&config, crawl_store(&store)).expect("crawler");
    let runs = sites.iter().enumerate().map(|(n, site)| {
        let crawler = std::sync::Arc::clone(&crawler);
        let job = job(&format!("source-{n}"), vec![site.url("/")], &config);
        async move {
            crawler
                .crawl(job, std::future::pending::<()>())
                .await
                .expect("crawl runs")
        }
    });
    let summaries = futures_util::future::join_all(runs).await;
    for (n, site) in sites.iter().enumerate() {
        for i in 0..PAGES {
            assert_eq!(site.count(&format!("/s{i}")), 1, "site {n} page {i}");
        }
        assert_eq!(summaries[n].seeds.len(), 1);
    }
    assert_eq!(articles(&store).len(), PAGES * CRAWLS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_budget_smaller_than_one_page_lets_every_page_through_in_turn() {
    const PAGES: u64 = 12;
    // Pages of about 300 KB (a story and a long comment), some with their length
    // announced and some chunked, so that both ways of sizing a body's share are met.
    let page = |i: u64| {
        article_html(&format!("Story {i}"), 500 + i).replace(
            "</body>",
            &format!("<!-- {} --></body>", "padding ".repeat(37_500)),
        )
    };
    let site = Site::start("127.0.4.1", move |req| {
        let links: Vec<String> = (0..PAGES).map(|i| format!("/p{i}")).collect();
        let links: Vec<&str> = links.iter().map(String::as_str).collect();
        match req.target {
            "/robots.txt" => robots("User-agent: *\nAllow: /\n"),
            "/" => html(index_html(&links)),
            path => {
                let i: u64 = path.trim_start_matches("/p").parse().unwrap_or(0);
                if i % 2 == 0 {
                    html(page(i))
                } else {
                    let chunks = futures_util::stream::iter(
                        page(i)
                            .into_bytes()
                            .chunks(64 << 10)
                            .map(|c| Ok::<_, std::io::Error>(c.to_vec()))
                            .collect::<Vec<_>>(),
                    );
                    (
                        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                        axum::body::Body::from_stream(chunks),
                    )
                        .into_response()
                }
            }
        }
    })
    .await;
    let mut config = test_config();
    config.per_host_concurrency = gleaner::config::PositiveUsize::new(6).expect("6");
    // Less than any page: each is let in alone, the others wait unread.
    config.body_budget_bytes = 1;
    let store = memory_store();
    let summary = crawl(&config, &store, job("budget", vec![site.url("/")], &config)).await;
    assert_eq!(summary.counters.pages_fetched, PAGES + 1, "{summary:?}");
    assert_eq!(summary.counters.stored, PAGES, "{summary:?}");
    // Six requests at a time and room for one page: the others waited, and were counted.
    assert!(summary.counters.memory_waits > 0, "{summary:?}");
    let stored = by_path(&store);
    for i in 0..PAGES {
        let path = format!("/p{i}");
        assert_eq!(site.count(&path), 1, "{path} fetched once");
        let record = stored.get(&path).unwrap_or_else(|| panic!("{path} stored"));
        let raw = store
            .raw_page(record.id)
            .expect("raw page")
            .unwrap_or_else(|| panic!("{path}: raw page kept"));
        assert_eq!(raw.body, page(i).into_bytes(), "{path}: the body as served");
    }
}
