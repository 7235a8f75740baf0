//! From what a page offers to frontier entries: resolve, normalise, keep what the crawl's
//! scope allows, recognise traps, and drop what robots.txt (already known) forbids.

use std::collections::{BTreeMap, HashSet};

use reqwest::header::HeaderMap;
use url::Url;

use crate::extract::links::RobotsDirectives;
use crate::fetch::normalize;
use crate::fetch::robots::PRODUCT_TOKEN;
use crate::fetch::scope::{self, MAX_COUNTER_CHAIN, OutOfScope, Scope};
use crate::store::{DiscoveredVia, FrontierEntry};

/// A URL as found, before any check.
#[derive(Debug, Clone, Copy)]
pub struct Found<'a> {
    pub raw: &'a str,
    pub via: DiscoveredVia,
    /// Links from a seed to the URL: the page's depth + 1 for links, the page's own depth
    /// for what feeds, sitemaps and redirects point at.
    pub depth: u32,
}

/// The page the URLs were found on.
#[derive(Debug, Clone, Copy)]
pub struct Origin<'a> {
    /// The page's URL (after redirects).
    pub url: &'a Url,
    /// What relative links resolve against (`<base href>`, else the page's URL).
    pub base: &'a Url,
    /// The page's counter chain (trap detection).
    pub chain: u32,
}

/// What [`discover`] kept and why it dropped the rest.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Discovered {
    pub entries: Vec<FrontierEntry>,
    /// URLs refused, by reason, that are worth counting (traps, overlong URLs,
    /// robots.txt); links to other domains or beyond max_depth are the normal case and
    /// not counted.
    pub refused: BTreeMap<&'static str, u64>,
}

/// Turns found URLs into frontier entries. `allowed` answers robots.txt for a URL when it
/// is already known (`None`: not known yet, checked when the URL is fetched).
pub fn discover<'a>(
    origin: Origin<'_>,
    found: impl IntoIterator<Item = Found<'a>>,
    scope: &Scope,
    mut allowed: impl FnMut(&Url) -> Option<bool>,
) -> Discovered {
    let mut out = Discovered::default();
    let mut seen = HashSet::new();
    let from = origin.url.as_str();
    for f in found {
        let url = match normalize::resolve(origin.base, f.raw) {
            Ok(u) => u,
            Err(e) => {
                tracing::trace!(href = %f.raw, error = %e, "link skipped");
                continue;
            }
        };
        if url.as_str() == from || !seen.insert(url.as_str().to_string()) {
            continue;
        }
        if let Err(reason) = scope.check(&url, f.depth) {
            if matches!(reason, OutOfScope::Trap(_) | OutOfScope::TooLong) {
                tracing::debug!(%url, %reason, "URL refused");
                *out.refused.entry(reason.kind()).or_default() += 1;
            }
            continue;
        }
        let chain = match f.via {
            DiscoveredVia::Link => scope::counter_chain(origin.url, origin.chain, &url),
            _ => 0,
        };
        if chain > MAX_COUNTER_CHAIN {
            tracing::debug!(%url, chain, "crawler trap: ever-increasing counter");
            *out.refused.entry("trap").or_default() += 1;
            continue;
        }
        if allowed(&url) == Some(false) {
            *out.refused.entry("robots").or_default() += 1;
            continue;
        }
        out.entries.push(FrontierEntry {
            host: normalize::host_key(&url),
            url: url.to_string(),
            depth: f.depth,
            discovered_from: Some(from.to_string()),
            discovered_via: f.via,
            counter_chain: chain,
        });
    }
    out
}

/// `X-Robots-Tag` headers that apply to us: unqualified ones and those for our product
/// token.
pub fn x_robots_tag(headers: &HeaderMap) -> RobotsDirectives {
    headers
        .get_all("x-robots-tag")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|value| {
            // "googlebot: noindex" names a bot; "noindex, nofollow" does not.
            match value.split_once(':') {
                Some((agent, rest))
                    if !agent.contains(',')
                        && !agent.trim().eq_ignore_ascii_case("unavailable_after") =>
                {
                    if agent.trim().eq_ignore_ascii_case(PRODUCT_TOKEN) {
                        RobotsDirectives::parse(rest)
                    } else {
                        RobotsDirectives::default()
                    }
                }
                _ => RobotsDirectives::parse(value),
            }
        })
        .fold(RobotsDirectives::default(), RobotsDirectives::merge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn u(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn links_become_entries_once_each_in_scope() {
        let page = u("https://news.example/2026/story");
        let scope = Scope::new(
            [u("https://news.example/")].iter(),
            Vec::new(),
            Vec::new(),
            2,
        );
        let found = [
            ("/a", DiscoveredVia::Link, 1),
            ("/a#top", DiscoveredVia::Link, 1),
            ("https://WWW.news.example/b", DiscoveredVia::Link, 1),
            ("https://other.example/c", DiscoveredVia::Link, 1),
            ("/deep", DiscoveredVia::Link, 3),
            ("/rss", DiscoveredVia::Feed, 0),
            ("/private/x", DiscoveredVia::Link, 1),
            ("story", DiscoveredVia::Link, 1),
            ("javascript:void(0)", DiscoveredVia::Link, 1),
            ("/a/b/a/b/a/b/a", DiscoveredVia::Link, 1),
        ];
        let d = discover(
            Origin {
                url: &page,
                base: &page,
                chain: 0,
            },
            found
                .iter()
                .map(|&(raw, via, depth)| Found { raw, via, depth }),
            &scope,
            |url| Some(!url.path().starts_with("/private")),
        );
        let urls: Vec<(&str, &str, DiscoveredVia)> = d
            .entries
            .iter()
            .map(|e| (e.url.as_str(), e.host.as_str(), e.discovered_via))
            .collect();
        assert_eq!(
            urls,
            [
                (
                    "https://news.example/a",
                    "news.example",
                    DiscoveredVia::Link
                ),
                (
                    "https://www.news.example/b",
                    "www.news.example",
                    DiscoveredVia::Link
                ),
                (
                    "https://news.example/rss",
                    "news.example",
                    DiscoveredVia::Feed
                ),
            ]
        );
        assert!(
            d.entries
                .iter()
                .all(|e| e.discovered_from.as_deref() == Some(page.as_str()))
        );
        assert_eq!(d.refused.get("robots"), Some(&1));
        assert_eq!(d.refused.get("trap"), Some(&1));
    }

    #[test]
    fn counter_chains_grow_until_they_are_a_trap() {
        let scope = Scope::new(
            [u("https://cal.example/")].iter(),
            Vec::new(),
            Vec::new(),
            1000,
        );
        let page = u("https://cal.example/day?n=10");
        let at = |chain| {
            discover(
                Origin {
                    url: &page,
                    base: &page,
                    chain,
                },
                [Found {
                    raw: "/day?n=11",
                    via: DiscoveredVia::Link,
                    depth: 1,
                }],
                &scope,
                |_| None,
            )
        };
        assert_eq!(at(3).entries[0].counter_chain, 4);
        assert!(at(MAX_COUNTER_CHAIN).entries.is_empty());
        assert_eq!(at(MAX_COUNTER_CHAIN).refused.get("trap"), Some(&1));
    }

    #[test]
    fn x_robots_tag_for_us_or_everyone() {
        let mut h = HeaderMap::new();
        h.append(
            "x-robots-tag",
            HeaderValue::from_static("googlebot: noindex"),
        );
        assert_eq!(x_robots_tag(&h), RobotsDirectives::default());
        h.append(
            "x-robots-tag",
            HeaderValue::from_static("gleaner: nofollow"),
        );
        assert!(x_robots_tag(&h).nofollow && !x_robots_tag(&h).noindex);
        h.append(
            "x-robots-tag",
            HeaderValue::from_static("noindex, noarchive"),
        );
        assert!(x_robots_tag(&h).noindex);
        assert_eq!(
            RobotsDirectives::parse("none"),
            RobotsDirectives {
                noindex: true,
                nofollow: true
            }
        );
    }
}
