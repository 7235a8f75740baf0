//! The crawl's decisions as plain functions: what a status means, whether to retry, where a
//! redirect leads, how a start URL fared. The async shell in `exchange` does the I/O and
//! asks these.

use url::Url;

use crate::fetch::http::FetchError;
use crate::fetch::normalize;
use crate::fetch::scope::Scope;

/// What an HTTP status asks of the crawler.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// 2xx: read the body.
    Success,
    /// 301, 302, 303, 307, 308: follow `Location`.
    Redirect,
    /// 304 to a conditional GET: the page is as it was.
    NotModified,
    /// 429 or 503: the server asks us to slow down (Retry-After may say how long).
    Throttled,
    /// Any other 5xx: the server failed; worth another try.
    ServerError,
    /// Anything else (4xx, odd 1xx/3xx): the URL is done, counted as an error of its kind.
    Refused,
}

pub fn reply(status: u16) -> Reply {
    match status {
        200..=299 => Reply::Success,
        301 | 302 | 303 | 307 | 308 => Reply::Redirect,
        304 => Reply::NotModified,
        429 | 503 => Reply::Throttled,
        500..=599 => Reply::ServerError,
        _ => Reply::Refused,
    }
}

/// The error kind a status is counted under.
pub fn status_kind(status: u16) -> &'static str {
    match status {
        404 => "http_404",
        410 => "http_410",
        403 => "http_403",
        429 => "http_429",
        503 => "http_503",
        400..=499 => "http_4xx",
        500..=599 => "http_5xx",
        _ => "http_other",
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// Try again once politeness lets us (the backoff is the host's).
    Again,
    /// The host's circuit breaker opened: leave the URL pending for a later run.
    KeepPending,
    /// No more tries: the URL is done, counted as an error.
    GiveUp,
}

/// `attempt` failed attempts so far (this one included).
pub fn retry(attempt: u32, max_retries: u32, breaker_tripped: bool) -> Retry {
    if breaker_tripped {
        Retry::KeepPending
    } else if attempt <= max_retries {
        Retry::Again
    } else {
        Retry::GiveUp
    }
}

/// What a fetch error means for the URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The network or server may recover: count against the host and maybe retry.
    Transient,
    /// Cut off by a limit: skipped, with this reason.
    Skipped(&'static str),
    /// Will not work on a retry (address refused, a malformed request): an error.
    Permanent,
}

pub fn failure(error: &FetchError) -> Failure {
    match error {
        FetchError::TooLarge { .. } => Failure::Skipped("too_large"),
        e if e.is_transient() => Failure::Transient,
        _ => Failure::Permanent,
    }
}

/// Where a redirect leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Redirect {
    /// Follow to this URL (normalised), on the same host: within the same claim.
    SameHost(Url),
    /// Follow to this URL on another host: it joins the frontier and waits its turn there.
    OtherHost(Url),
    /// Not followed; the URL is done, counted under this kind.
    Stop { kind: &'static str, why: String },
    /// The target leaves the crawl (another domain, a deny pattern): skipped.
    OutOfScope(String),
}

/// Decides a redirect from `current` (reached from the claimed URL `origin` through the
/// earlier `hops`) to `target`.
pub fn redirect(
    origin: &str,
    current: &Url,
    hops: &[String],
    target: Option<Result<Url, FetchError>>,
    max_redirects: u32,
    scope: &Scope,
) -> Redirect {
    let target = match target {
        Some(Ok(t)) => t,
        Some(Err(e)) => {
            return Redirect::Stop {
                kind: e.kind(),
                why: e.to_string(),
            };
        }
        None => {
            return Redirect::Stop {
                kind: "bad_redirect",
                why: "no Location".into(),
            };
        }
    };
    let target = match normalize::normalize(target) {
        Ok(t) => t,
        Err(e) => {
            return Redirect::Stop {
                kind: "bad_redirect",
                why: e.to_string(),
            };
        }
    };
    if &target == current || origin == target.as_str() || hops.iter().any(|h| h == target.as_str())
    {
        return Redirect::Stop {
            kind: "redirect_loop",
            why: format!("back to {target}"),
        };
    }
    if hops.len() as u32 + 1 > max_redirects {
        return Redirect::Stop {
            kind: "too_many_redirects",
            why: format!("more than {max_redirects}"),
        };
    }
    if let Err(reason) = scope.check_location(&target) {
        return Redirect::OutOfScope(reason.to_string());
    }
    if normalize::host_key(&target) == normalize::host_key(current) {
        Redirect::SameHost(target)
    } else {
        Redirect::OtherHost(target)
    }
}

/// How many claims a crawler may work on at once, over every crawl: `concurrency` requests
/// in flight, plus two pages per parsing thread fetched and waiting for it.
///
/// Claims in hand are what bounds the pages in memory: a claim holds its page, once
/// fetched, until its outcome is with the store writer. When parsing is what limits the
/// crawl (a fast server, a loopback web), every claim beyond the requests in flight is a
/// fetched page waiting for a parser, and more than two per parser keep the parsers no
/// busier; they only hold bodies. Twice `concurrency`, the bound before, let
/// `bench_crawl_sites web` (concurrency 64, 50 hosts at one request each) hold up to 78
/// pages waiting for its two parsers.
pub fn claims_in_hand(concurrency: usize, parsing_threads: usize) -> usize {
    concurrency.saturating_add(parsing_threads.max(1).saturating_mul(2))
}

/// How many threads the async runtime's blocking pool may have: four per core and four
/// more.
///
/// The pool runs the embedded store's calls (a fetch's validators, claims, the writer's
/// commits) and waits for parses, and tokio lets it grow to 512 threads. A crawl whose
/// tasks outrun the store (more so on a loaded machine) grew it to about 40 threads, and
/// the daemon's idle calls then kept every one of them alive, each with its stack and its
/// allocator cache: the 200-source daemon bench held 46 threads and 134 MiB at idle (peak
/// 188 MiB); capped at 12 on two cores, 29 threads, 107 MiB at idle (peak 144 MiB) and a
/// first round no slower (23.8 s against 28.3 s; load 5-7, same binary, alternated runs).
/// Parses wait here at most one per core (the crawler's `cpu` bound), so the rest of the
/// pool is the store's.
pub fn blocking_threads(cores: usize) -> usize {
    cores.max(1).saturating_mul(4).saturating_add(4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_in_hand_are_requests_plus_two_pages_per_parser() {
        let cases = [
            // (concurrency, parsing threads, claims in hand)
            (64, 2, 68),
            (32, 8, 48),
            (1, 1, 3),
            // No parsing thread known: still room for one waiting pair.
            (16, 0, 18),
            (usize::MAX, 4, usize::MAX),
        ];
        for (concurrency, parsers, expected) in cases {
            assert_eq!(
                claims_in_hand(concurrency, parsers),
                expected,
                "{concurrency} requests, {parsers} parsers"
            );
        }
    }

    #[test]
    fn blocking_threads_are_four_per_core_and_four() {
        for (cores, expected) in [(1, 8), (2, 12), (16, 68), (0, 8)] {
            assert_eq!(blocking_threads(cores), expected, "{cores} cores");
        }
    }

    #[test]
    fn statuses_map_to_replies_and_kinds() {
        let cases = [
            (200, Reply::Success, "http_other"),
            (204, Reply::Success, "http_other"),
            (301, Reply::Redirect, "http_other"),
            (304, Reply::NotModified, "http_other"),
            (300, Reply::Refused, "http_other"),
            (404, Reply::Refused, "http_404"),
            (410, Reply::Refused, "http_410"),
            (403, Reply::Refused, "http_403"),
            (418, Reply::Refused, "http_4xx"),
            (429, Reply::Throttled, "http_429"),
            (503, Reply::Throttled, "http_503"),
            (500, Reply::ServerError, "http_5xx"),
            (599, Reply::ServerError, "http_5xx"),
            (101, Reply::Refused, "http_other"),
        ];
        for (status, r, kind) in cases {
            assert_eq!((reply(status), status_kind(status)), (r, kind), "{status}");
        }
    }

    #[test]
    fn retries_stop_at_the_limit_or_the_breaker() {
        let cases = [
            (1, 3, false, Retry::Again),
            (3, 3, false, Retry::Again),
            (4, 3, false, Retry::GiveUp),
            (1, 0, false, Retry::GiveUp),
            (1, 3, true, Retry::KeepPending),
            (9, 3, true, Retry::KeepPending),
        ];
        for (attempt, max, tripped, expected) in cases {
            assert_eq!(
                retry(attempt, max, tripped),
                expected,
                "{attempt}/{max} {tripped}"
            );
        }
    }

    #[test]
    fn failures_by_kind() {
        use std::time::Duration;
        assert_eq!(
            failure(&FetchError::TooLarge { limit: 1 }),
            Failure::Skipped("too_large")
        );
        assert_eq!(
            failure(&FetchError::Timeout(Duration::from_secs(1))),
            Failure::Transient
        );
        assert_eq!(
            failure(&FetchError::Connect("x".into())),
            Failure::Transient
        );
        assert_eq!(
            failure(&FetchError::Request("x".into())),
            Failure::Permanent
        );
    }

    #[test]
    fn redirects_are_followed_stopped_or_handed_over() {
        let u = |s: &str| Url::parse(s).expect("url");
        let scope = Scope::new(
            [u("https://news.example/")].iter(),
            Vec::new(),
            Vec::new(),
            5,
        );
        let origin = "https://news.example/a";
        let here = u("https://news.example/a");
        let go = |target: &str, hops: &[String], max| {
            redirect(origin, &here, hops, Some(Ok(u(target))), max, &scope)
        };
        assert_eq!(
            go("https://news.example/b", &[], 10),
            Redirect::SameHost(u("https://news.example/b"))
        );
        assert_eq!(
            go("https://www.news.example/a", &[], 10),
            Redirect::OtherHost(u("https://www.news.example/a"))
        );
        assert!(matches!(
            go("https://news.example/a", &[], 10),
            Redirect::Stop {
                kind: "redirect_loop",
                ..
            }
        ));
        assert!(matches!(
            go(
                "https://news.example/c",
                &["https://news.example/c".into()],
                10
            ),
            Redirect::Stop {
                kind: "redirect_loop",
                ..
            }
        ));
        assert!(matches!(
            go(
                "https://news.example/d",
                &["https://news.example/x".into()],
                1
            ),
            Redirect::Stop {
                kind: "too_many_redirects",
                ..
            }
        ));
        assert!(matches!(
            go("https://elsewhere.example/", &[], 10),
            Redirect::OutOfScope(_)
        ));
        assert!(matches!(
            redirect(origin, &here, &[], None, 10, &scope),
            Redirect::Stop {
                kind: "bad_redirect",
                ..
            }
        ));
    }
}
