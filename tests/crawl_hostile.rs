//! Hostile and broken servers: each is cut off by a limit, logged and counted, and the
//! crawl goes on. Nothing from them is stored.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use gleaner::config::Dur;
use support::*;

const MIB: usize = 1024 * 1024;

fn gzip_bomb() -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![b' '; MIB];
    gz.write_all(b"<!doctype html><html><body><p>")
        .expect("gzip");
    for _ in 0..64 {
        gz.write_all(&zeros).expect("gzip");
    }
    gz.finish().expect("gzip")
}

#[tokio::test]
async fn huge_page_gzip_bomb_and_slow_drip_are_cut_off() {
    let bomb = Bytes::from(gzip_bomb());
    assert!(
        bomb.len() < MIB / 4,
        "the bomb is small on the wire: {}",
        bomb.len()
    );
    let site = Site::start("127.0.0.20", move |req| match req.target {
        "/robots.txt" => with_status(404, ""),
        "/" => html(index_html(&[
            "/huge-chunked",
            "/huge-declared",
            "/bomb",
            "/drip",
            "/fine",
        ])),
        // 20 MB streamed without Content-Length: only the streaming cap can stop it.
        "/huge-chunked" => {
            let chunks = (0..20).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'a'; MIB])));
            body_response(
                "text/html",
                Body::from_stream(futures_util::stream::iter(chunks)),
            )
        }
        // 20 MB with an honest Content-Length: refused before reading.
        "/huge-declared" => body_response("text/html", Body::from(vec![b'b'; 20 * MIB])),
        "/bomb" => {
            let mut r = body_response("text/html", Body::from(bomb.clone()));
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            r
        }
        // One byte every 200 ms, forever.
        "/drip" => {
            let drip = futures_util::stream::unfold(0u64, |n| async move {
                tokio::time::sleep(Duration::from_millis(200)).await;
                Some((Ok::<_, std::io::Error>(Bytes::from_static(b"<")), n + 1))
            });
            body_response("text/html", Body::from_stream(drip))
        }
        "/fine" => html(article_html("Fine", 77)),
        _ => with_status(404, ""),
    })
    .await;
    let config = gleaner::config::CrawlerConfig {
        max_body_bytes: MIB as u64,
        request_timeout: Dur::from(Duration::from_millis(1500)),
        max_retries: 0,
        ..test_config()
    };
    let store = memory_store();
    let started = Instant::now();
    let summary = crawl(
        &config,
        &store,
        job("hostile", vec![site.url("/")], &config),
    )
    .await;
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );

    for t in ["/huge-chunked", "/huge-declared", "/bomb", "/drip", "/fine"] {
        assert_eq!(site.count(t), 1, "{t}: {:?}", site.targets());
    }
    let c = &summary.counters;
    assert_eq!(c.skipped.get("too_large"), Some(&3), "{c:?}");
    assert_eq!(c.errors.get("timeout"), Some(&1), "{c:?}");
    // Only the one real article is stored.
    let stored = by_path(&store);
    assert_eq!(stored.keys().collect::<Vec<_>>(), ["/fine"]);
}

#[tokio::test]
async fn redirect_loops_and_long_chains_stop() {
    let site = Site::start("127.0.0.21", |req| {
        let t = req.target;
        match t {
            "/robots.txt" => robots("User-agent: *\nDisallow: /private/\n"),
            "/" => html(index_html(&[
                "/loop-a",
                "/chain/1",
                "/to-outside",
                "/to-private",
            ])),
            "/to-private" => redirect(302, "/private/page"),
            "/private/page" => html(article_html("Private", 66)),
            "/loop-a" => redirect(302, "/loop-b"),
            "/loop-b" => redirect(302, "/loop-a"),
            "/to-outside" => redirect(301, "http://169.254.169.254/latest/meta-data/"),
            _ => match t
                .strip_prefix("/chain/")
                .and_then(|n| n.parse::<u32>().ok())
            {
                Some(n) => redirect(301, &format!("/chain/{}", n + 1)),
                None => with_status(404, ""),
            },
        }
    })
    .await;
    let config = gleaner::config::CrawlerConfig {
        max_redirects: 3,
        ..test_config()
    };
    let store = memory_store();
    let summary = crawl(
        &config,
        &store,
        job("redirects", vec![site.url("/")], &config),
    )
    .await;
    assert_eq!(site.count("/loop-a"), 1);
    assert_eq!(site.count("/loop-b"), 1);
    // The first request plus three redirects.
    let chain: Vec<_> = site
        .targets()
        .into_iter()
        .filter(|t| t.starts_with("/chain/"))
        .collect();
    assert_eq!(chain, ["/chain/1", "/chain/2", "/chain/3", "/chain/4"]);
    let c = &summary.counters;
    assert_eq!(c.errors.get("redirect_loop"), Some(&1), "{c:?}");
    assert_eq!(c.errors.get("too_many_redirects"), Some(&1), "{c:?}");
    // A redirect off the crawl's domain (here to a metadata address) is not followed.
    assert_eq!(c.skipped.get("redirect_out_of_scope"), Some(&1), "{c:?}");
    // A redirect into a path robots.txt disallows is not followed either.
    assert_eq!(site.count("/to-private"), 1);
    assert_eq!(site.count("/private/page"), 0);
    assert_eq!(c.robots_blocked, 1, "{c:?}");
    assert!(articles(&store).is_empty());
}

#[tokio::test]
async fn traps_are_bounded() {
    let site = Site::start("127.0.0.22", |req| {
        let t = req.target;
        if t == "/robots.txt" {
            return with_status(404, "");
        }
        if t == "/" {
            return html(index_html(&["/t/a/", "/cal?day=1"]));
        }
        if t.starts_with("/t/") {
            // Every directory links one level deeper into itself.
            return html(index_html(&["a/"]));
        }
        if let Some(day) = t
            .strip_prefix("/cal?day=")
            .and_then(|d| d.parse::<u64>().ok())
        {
            return html(index_html(&[&format!("/cal?day={}", day + 1)]));
        }
        with_status(404, "")
    })
    .await;
    let config = gleaner::config::CrawlerConfig {
        max_depth: 1000,
        ..test_config()
    };
    let store = memory_store();
    let summary = crawl(&config, &store, job("traps", vec![site.url("/")], &config)).await;
    let targets = site.targets();
    let repeated: Vec<_> = targets.iter().filter(|t| t.starts_with("/t/")).collect();
    assert_eq!(
        repeated,
        ["/t/a/", "/t/a/a/"],
        "a segment repeated three times is a trap"
    );
    let calendar = targets.iter().filter(|t| t.starts_with("/cal")).count();
    assert_eq!(
        calendar,
        1 + gleaner::fetch::scope::MAX_COUNTER_CHAIN as usize
    );
    assert_eq!(
        summary.counters.skipped.get("trap"),
        Some(&2),
        "{:?}",
        summary.counters
    );
    assert_eq!(summary.stop, gleaner::crawl::StopReason::Finished);
}

#[tokio::test]
async fn address_guard_refuses_loopback_unless_allowed() {
    let site = Site::start("127.0.0.1", |req| match req.target {
        "/robots.txt" => with_status(404, ""),
        _ => html(article_html("Internal", 90)),
    })
    .await;
    let config = gleaner::config::CrawlerConfig {
        allow_private_addresses: false,
        ..test_config()
    };
    let store = memory_store();
    let by_name = url::Url::parse(&format!("http://localhost:{}/", site.addr.port())).expect("url");
    let summary = crawl(
        &config,
        &store,
        job("guard", vec![site.url("/"), by_name], &config),
    )
    .await;
    assert!(
        site.targets().is_empty(),
        "the guard let a request through: {:?}",
        site.targets()
    );
    assert_eq!(
        summary.counters.errors.get("address_refused"),
        Some(&2),
        "{:?}",
        summary.counters
    );
    assert!(articles(&store).is_empty());

    // The same crawl with private addresses allowed reaches the server.
    let allowed = test_config();
    crawl(
        &allowed,
        &store,
        job("guard", vec![site.url("/")], &allowed),
    )
    .await;
    assert_eq!(site.count("/"), 1);
}
