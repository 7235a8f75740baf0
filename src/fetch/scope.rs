//! Which URLs a crawl may fetch: domain, allow/deny patterns, depth, length, traps.
//!
//! By default a crawl stays on the registrable domains of its seeds (`news.example.co.uk`
//! seeds `example.co.uk`, so `www.` and `m.` subdomains are in and `example.com` is not),
//! determined with the Public Suffix List. Trap detection is deliberately structural: a
//! path segment repeated three or more times (`/a/b/a/b/a/`) or a chain of links that only
//! ever bumps a number (`?day=1` → `?day=2` → …, calendars without end).

use std::collections::{HashMap, HashSet};

use url::{Host, Url};

use crate::config::Pattern;

/// URLs longer than this are refused: real articles do not need more, traps do.
pub const MAX_URL_BYTES: usize = 2048;
/// A path segment seen this many times in one path marks a trap.
pub const MAX_SEGMENT_REPEATS: usize = 3;
/// Paths deeper than this are refused.
pub const MAX_PATH_SEGMENTS: usize = 32;
/// Links that only increment a number, followed this many times in a row, are a trap.
pub const MAX_COUNTER_CHAIN: u32 = 25;

/// Why a URL is outside the crawl.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutOfScope {
    #[error("URL longer than {MAX_URL_BYTES} bytes")]
    TooLong,
    #[error("host {0} is outside the crawl's domains")]
    Domain(String),
    #[error("matches no allow pattern")]
    NotAllowed,
    #[error("matches deny pattern {0:?}")]
    Denied(String),
    #[error("deeper than max_depth {0}")]
    TooDeep(u32),
    #[error("crawler trap: {0}")]
    Trap(String),
}

impl OutOfScope {
    pub fn kind(&self) -> &'static str {
        match self {
            OutOfScope::TooLong => "too_long",
            OutOfScope::Domain(_) => "domain",
            OutOfScope::NotAllowed => "not_allowed",
            OutOfScope::Denied(_) => "denied",
            OutOfScope::TooDeep(_) => "too_deep",
            OutOfScope::Trap(_) => "trap",
        }
    }
}

/// The registrable domain of a URL's host ("eTLD+1"); the host itself for IP addresses,
/// single labels like `localhost`, and names the suffix list does not cover.
pub fn registrable_domain(url: &Url) -> Option<String> {
    match url.host()? {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            Some(psl::domain_str(&d).map(str::to_string).unwrap_or(d))
        }
        Host::Ipv4(ip) => Some(ip.to_string()),
        Host::Ipv6(ip) => Some(format!("[{ip}]")),
    }
}

/// The rules of one crawl.
#[derive(Debug, Clone)]
pub struct Scope {
    domains: HashSet<String>,
    allow: Vec<Pattern>,
    deny: Vec<Pattern>,
    max_depth: u32,
}

impl Scope {
    /// `allow` empty: the registrable domains of `start_urls`; otherwise the patterns decide.
    pub fn new<'a>(
        start_urls: impl IntoIterator<Item = &'a Url>,
        allow: Vec<Pattern>,
        deny: Vec<Pattern>,
        max_depth: u32,
    ) -> Self {
        Scope {
            domains: start_urls
                .into_iter()
                .filter_map(registrable_domain)
                .collect(),
            allow,
            deny,
            max_depth,
        }
    }

    pub fn max_depth(&self) -> u32 {
        self.max_depth
    }

    /// Checks a normalised URL found at `depth`.
    pub fn check(&self, url: &Url, depth: u32) -> Result<(), OutOfScope> {
        self.check_location(url)?;
        if depth > self.max_depth {
            return Err(OutOfScope::TooDeep(self.max_depth));
        }
        Ok(())
    }

    /// Everything but depth: used for redirect hops, which inherit their page's depth.
    pub fn check_location(&self, url: &Url) -> Result<(), OutOfScope> {
        let text = url.as_str();
        if text.len() > MAX_URL_BYTES {
            return Err(OutOfScope::TooLong);
        }
        if let Some(pattern) = self.deny.iter().find(|p| p.is_match(text)) {
            return Err(OutOfScope::Denied(pattern.regex().as_str().to_string()));
        }
        if self.allow.is_empty() {
            let domain = registrable_domain(url).unwrap_or_default();
            if !self.domains.contains(&domain) {
                return Err(OutOfScope::Domain(url.host_str().unwrap_or("").to_string()));
            }
        } else if !self.allow.iter().any(|p| p.is_match(text)) {
            return Err(OutOfScope::NotAllowed);
        }
        structural_trap(url).map_or(Ok(()), |reason| Err(OutOfScope::Trap(reason)))
    }
}

/// Traps visible in one URL.
fn structural_trap(url: &Url) -> Option<String> {
    let segments: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|s| !s.is_empty()).collect())
        .unwrap_or_default();
    if segments.len() > MAX_PATH_SEGMENTS {
        return Some(format!("{} path segments", segments.len()));
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for segment in &segments {
        let count = counts.entry(segment).or_insert(0);
        *count += 1;
        if *count >= MAX_SEGMENT_REPEATS {
            return Some(format!("path segment {segment:?} repeated {count} times"));
        }
    }
    None
}

/// The URL with every run of digits replaced, and the numbers it held.
fn shape_and_numbers(url: &Url) -> (String, Vec<u128>) {
    let mut shape = String::with_capacity(url.as_str().len());
    let mut numbers = Vec::new();
    let mut current = String::new();
    for c in url.as_str().chars() {
        if c.is_ascii_digit() {
            current.push(c);
        } else {
            if !current.is_empty() {
                numbers.push(current.parse().unwrap_or(u128::MAX));
                current.clear();
                shape.push('#');
            }
            shape.push(c);
        }
    }
    if !current.is_empty() {
        numbers.push(current.parse().unwrap_or(u128::MAX));
        shape.push('#');
    }
    (shape, numbers)
}

/// How many links in a row led from `parent` to `child` by only increasing a number,
/// given the parent's own chain length. 0 when `child` is not such a step.
pub fn counter_chain(parent: &Url, parent_chain: u32, child: &Url) -> u32 {
    let (parent_shape, parent_numbers) = shape_and_numbers(parent);
    let (child_shape, child_numbers) = shape_and_numbers(child);
    if parent_shape != child_shape || parent_numbers.len() != child_numbers.len() {
        return 0;
    }
    let mut changed = parent_numbers
        .iter()
        .zip(&child_numbers)
        .filter(|(p, c)| p != c);
    match (changed.next(), changed.next()) {
        (Some((p, c)), None) if c > p => parent_chain + 1,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("test url")
    }

    fn scope(seeds: &[&str]) -> Scope {
        let seeds: Vec<Url> = seeds.iter().map(|s| url(s)).collect();
        Scope::new(&seeds, vec![], vec![], 3)
    }

    #[test]
    fn registrable_domain_of_seeds() {
        let s = scope(&["https://news.example.co.uk/"]);
        assert!(s.check(&url("https://www.example.co.uk/a"), 1).is_ok());
        assert!(matches!(
            s.check(&url("https://other.co.uk/a"), 1),
            Err(OutOfScope::Domain(_))
        ));
        let s = scope(&["http://127.0.0.2:8080/"]);
        assert!(s.check(&url("http://127.0.0.2:9999/x"), 0).is_ok());
        assert!(s.check(&url("http://127.0.0.3:8080/x"), 0).is_err());
    }

    #[test]
    fn allow_deny_depth_length() {
        let seeds = [url("https://e.com/")];
        let s = Scope::new(
            &seeds,
            vec!["^https://e\\.com/news/".parse().expect("re")],
            vec!["/news/tag/".parse().expect("re")],
            2,
        );
        assert!(s.check(&url("https://e.com/news/1"), 2).is_ok());
        assert_eq!(
            s.check(&url("https://e.com/about"), 1),
            Err(OutOfScope::NotAllowed)
        );
        assert!(matches!(
            s.check(&url("https://e.com/news/tag/x"), 1),
            Err(OutOfScope::Denied(_))
        ));
        assert_eq!(
            s.check(&url("https://e.com/news/1"), 3),
            Err(OutOfScope::TooDeep(2))
        );
        let long = format!("https://e.com/news/{}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(s.check(&url(&long), 1), Err(OutOfScope::TooLong));
    }

    #[test]
    fn repeated_segments_are_traps() {
        let s = scope(&["https://e.com/"]);
        assert!(s.check(&url("https://e.com/a/b/a/b/"), 1).is_ok());
        assert!(matches!(
            s.check(&url("https://e.com/a/b/a/b/a/"), 1),
            Err(OutOfScope::Trap(_))
        ));
    }

    #[test]
    fn counters_chain_only_on_increments() {
        let a = url("https://e.com/cal?day=7&m=1");
        let b = url("https://e.com/cal?day=8&m=1");
        assert_eq!(counter_chain(&a, 4, &b), 5);
        assert_eq!(counter_chain(&b, 4, &a), 0, "going back is not a counter");
        let c = url("https://e.com/cal?day=9&m=2");
        assert_eq!(counter_chain(&b, 4, &c), 0, "two numbers changed");
        assert_eq!(counter_chain(&a, 0, &url("https://e.com/news/8")), 0);
    }
}
