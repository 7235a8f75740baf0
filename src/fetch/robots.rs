//! robots.txt per RFC 9309: fetched before anything else on an origin, cached, obeyed.
//!
//! Matching is the `robotstxt` crate (a port of Google's reference parser). It does not
//! report `Crawl-delay`, and its `Sitemap:` lines are only visible through its parse
//! callbacks, so [`RobotsTxt::parse`] walks the file once with our own handler for those.
//!
//! Status handling (RFC 9309 §2.3.1): 2xx → the rules; up to five redirects followed, each
//! through the address guard; 4xx → "unavailable", everything allowed; 5xx, 429 and network
//! errors → "unreachable", everything disallowed until the entry expires and is fetched
//! again. Only the first 500 KiB are parsed.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use robotstxt::{DefaultMatcher, RobotsParseHandler};
use url::Url;

use super::http::{ACCEPT_TEXT, BodyLimit, FetchError, HttpClient, Request, Response};

/// The product token we look for in `User-agent:` lines.
pub const PRODUCT_TOKEN: &str = "gleaner";
/// RFC 9309 asks parsers to handle at least 500 KiB; we read no more.
pub const MAX_ROBOTS_BYTES: u64 = 500 * 1024;
/// RFC 9309 §2.3.1.2: follow at least five consecutive redirects.
pub const MAX_ROBOTS_REDIRECTS: usize = 5;
/// How soon an unreachable robots.txt (5xx, network error) is tried again.
pub const UNREACHABLE_RETRY: Duration = Duration::from_secs(600);

/// A parsed robots.txt.
#[derive(Debug, Clone)]
pub struct RobotsTxt {
    body: String,
    crawl_delay: Option<Duration>,
    sitemaps: Vec<String>,
}

impl RobotsTxt {
    pub fn parse(body: &str) -> Self {
        let mut extras = Extras::default();
        // The parser is third-party code fed hostile input: a panic there must not take the
        // crawl down. If it happens we keep the body (matching has its own guard) and lose
        // only Crawl-delay and Sitemap lines.
        if catch_unwind(AssertUnwindSafe(|| {
            robotstxt::parse_robotstxt(body, &mut extras)
        }))
        .is_err()
        {
            tracing::warn!("robots.txt parser panicked while reading Crawl-delay/Sitemap lines");
            extras = Extras::default();
        }
        RobotsTxt {
            body: body.to_string(),
            crawl_delay: extras.crawl_delay(),
            sitemaps: extras.sitemaps,
        }
    }

    /// Whether `url` may be fetched by `gleaner`.
    pub fn allows(&self, url: &Url) -> bool {
        let body = self.body.as_str();
        let target = url.as_str();
        catch_unwind(|| {
            DefaultMatcher::default().one_agent_allowed_by_robots(body, PRODUCT_TOKEN, target)
        })
        // A file the matcher cannot read gives no permission.
        .unwrap_or(false)
    }

    /// `Crawl-delay` of the group that applies to us (ours, else `*`).
    pub fn crawl_delay(&self) -> Option<Duration> {
        self.crawl_delay
    }

    pub fn sitemaps(&self) -> &[String] {
        &self.sitemaps
    }
}

/// Collects what the `robotstxt` matcher ignores: Crawl-delay per group and Sitemap lines.
#[derive(Default)]
struct Extras {
    /// User agents of the group being read.
    group_agents: Vec<String>,
    /// A rule line has been seen since the last User-agent line (the next one opens a group).
    in_rules: bool,
    ours: Option<Duration>,
    global: Option<Duration>,
    sitemaps: Vec<String>,
}

impl Extras {
    fn crawl_delay(&self) -> Option<Duration> {
        self.ours.or(self.global)
    }
}

/// Product token of a `User-agent:` value: its leading `[a-zA-Z_-]` characters.
fn product_token(agent: &str) -> &str {
    let end = agent
        .find(|c: char| !(c.is_ascii_alphabetic() || c == '-' || c == '_'))
        .unwrap_or(agent.len());
    &agent[..end]
}

fn parse_delay(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

impl RobotsParseHandler for Extras {
    fn handle_robots_start(&mut self) {}
    fn handle_robots_end(&mut self) {}
    fn handle_user_agent(&mut self, _line: u32, user_agent: &str) {
        if self.in_rules {
            self.group_agents.clear();
            self.in_rules = false;
        }
        self.group_agents.push(user_agent.trim().to_string());
    }
    fn handle_allow(&mut self, _line: u32, _value: &str) {
        self.in_rules = true;
    }
    fn handle_disallow(&mut self, _line: u32, _value: &str) {
        self.in_rules = true;
    }
    fn handle_sitemap(&mut self, _line: u32, value: &str) {
        let value = value.trim();
        if !value.is_empty() && self.sitemaps.len() < 1000 {
            self.sitemaps.push(value.to_string());
        }
    }
    fn handle_unknown_action(&mut self, _line: u32, action: &str, value: &str) {
        let action = action.trim().to_ascii_lowercase();
        if action != "crawl-delay" && action != "crawldelay" {
            self.in_rules = true;
            return;
        }
        self.in_rules = true;
        let Some(delay) = parse_delay(value) else {
            return;
        };
        for agent in &self.group_agents {
            if agent.starts_with('*') {
                self.global.get_or_insert(delay);
            } else if product_token(agent).eq_ignore_ascii_case(PRODUCT_TOKEN) {
                self.ours.get_or_insert(delay);
            }
        }
    }
}

/// What we know about an origin's robots.txt.
#[derive(Debug, Clone)]
pub enum RobotsRules {
    /// 2xx: the file's rules.
    Rules(Arc<RobotsTxt>),
    /// 4xx or too many redirects: no restrictions.
    Unavailable,
    /// 5xx, 429 or a network error: nothing may be fetched until retried.
    Unreachable(String),
}

impl RobotsRules {
    pub fn allows(&self, url: &Url) -> bool {
        match self {
            RobotsRules::Rules(r) => r.allows(url),
            RobotsRules::Unavailable => true,
            RobotsRules::Unreachable(_) => false,
        }
    }

    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            RobotsRules::Rules(r) => r.crawl_delay(),
            _ => None,
        }
    }

    pub fn sitemaps(&self) -> &[String] {
        match self {
            RobotsRules::Rules(r) => r.sitemaps(),
            _ => &[],
        }
    }
}

/// The cached robots.txt of one origin.
#[derive(Debug, Clone)]
pub struct RobotsEntry {
    pub rules: RobotsRules,
    expires: Instant,
}

/// `scheme://host[:port]`: robots.txt applies per origin.
pub fn origin_of(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// robots.txt entries per origin, shared by every crawl on the process.
#[derive(Debug)]
pub struct RobotsCache {
    ttl: Duration,
    slots: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<RobotsEntry>>>>>,
}

/// One exchange made while fetching robots.txt, so the caller can count it.
pub type RobotsExchange = Result<Response, FetchError>;

impl RobotsCache {
    pub fn new(ttl: Duration) -> Self {
        RobotsCache {
            ttl,
            slots: Mutex::new(HashMap::new()),
        }
    }

    /// The cached entry for `url`'s origin if it is still fresh.
    pub fn cached(&self, url: &Url) -> Option<RobotsEntry> {
        let slot = self.slot(&origin_of(url));
        let guard = slot.try_lock().ok()?;
        guard
            .as_ref()
            .filter(|e| e.expires > Instant::now())
            .cloned()
    }

    fn slot(&self, origin: &str) -> Arc<tokio::sync::Mutex<Option<RobotsEntry>>> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        slots.entry(origin.to_string()).or_default().clone()
    }

    /// The rules for `url`'s origin, fetching robots.txt when absent or expired.
    ///
    /// Concurrent callers for one origin wait for a single fetch. Redirect hops are spaced
    /// by `hop_delay` (the host's politeness delay); `observe` sees each exchange.
    pub async fn get(
        &self,
        http: &HttpClient,
        url: &Url,
        hop_delay: Duration,
        mut observe: impl FnMut(&Url, &RobotsExchange),
    ) -> RobotsEntry {
        let origin = origin_of(url);
        let slot = self.slot(&origin);
        let mut guard = slot.lock().await;
        if let Some(entry) = guard.as_ref().filter(|e| e.expires > Instant::now()) {
            return entry.clone();
        }
        let rules = fetch(http, &origin, hop_delay, &mut observe).await;
        let ttl = match &rules {
            RobotsRules::Unreachable(reason) => {
                tracing::warn!(%origin, %reason, "robots.txt unreachable: origin disallowed until retried");
                self.ttl.min(UNREACHABLE_RETRY)
            }
            _ => self.ttl,
        };
        let entry = RobotsEntry {
            rules,
            expires: Instant::now() + ttl,
        };
        *guard = Some(entry.clone());
        entry
    }
}

async fn fetch(
    http: &HttpClient,
    origin: &str,
    hop_delay: Duration,
    observe: &mut impl FnMut(&Url, &RobotsExchange),
) -> RobotsRules {
    let mut url = match Url::parse(origin).and_then(|o| o.join("/robots.txt")) {
        Ok(u) => u,
        Err(e) => return RobotsRules::Unreachable(format!("bad origin {origin}: {e}")),
    };
    for hop in 0..=MAX_ROBOTS_REDIRECTS {
        if hop > 0 {
            tokio::time::sleep(hop_delay).await;
        }
        let exchange = http
            .get(Request {
                url: &url,
                validators: None,
                limit: BodyLimit::Truncate(MAX_ROBOTS_BYTES),
                accept: ACCEPT_TEXT,
            })
            .await;
        observe(&url, &exchange);
        let response = match exchange {
            Ok(r) => r,
            Err(e) => return RobotsRules::Unreachable(e.to_string()),
        };
        if let Some(target) = response.redirect_target() {
            match target {
                Ok(next) => {
                    url = next;
                    continue;
                }
                Err(e) => return RobotsRules::Unreachable(e.to_string()),
            }
        }
        return match response.status {
            200..=299 => {
                if response.truncated {
                    tracing::info!(%url, "robots.txt over 500 KiB: parsing the first 500 KiB");
                }
                let body = String::from_utf8_lossy(&response.body);
                RobotsRules::Rules(Arc::new(RobotsTxt::parse(&body)))
            }
            429 => RobotsRules::Unreachable("429 Too Many Requests".into()),
            400..=499 => RobotsRules::Unavailable,
            status => RobotsRules::Unreachable(format!("HTTP {status}")),
        };
    }
    tracing::info!(%origin, "robots.txt: more than {MAX_ROBOTS_REDIRECTS} redirects, treated as unavailable");
    RobotsRules::Unavailable
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn our_group_wins_over_star() {
        let r = RobotsTxt::parse(
            "User-agent: *\nDisallow: /\nCrawl-delay: 9\n\nUser-agent: Gleaner/1.0\nUser-agent: other\nDisallow: /private\nCrawl-delay: 2.5\n\nSitemap: https://e.com/sitemap.xml\n",
        );
        assert!(r.allows(&url("https://e.com/news/1")));
        assert!(!r.allows(&url("https://e.com/private/x")));
        assert_eq!(r.crawl_delay(), Some(Duration::from_millis(2500)));
        assert_eq!(r.sitemaps(), ["https://e.com/sitemap.xml"]);
    }

    #[test]
    fn star_group_applies_otherwise() {
        let r = RobotsTxt::parse(
            "User-agent: googlebot\nCrawl-delay: 1\nDisallow: /g\n\nUser-agent: *\nDisallow: /admin\nCrawl-delay: 4\n",
        );
        assert!(r.allows(&url("https://e.com/g")));
        assert!(!r.allows(&url("https://e.com/admin/a")));
        assert_eq!(r.crawl_delay(), Some(Duration::from_secs(4)));
    }

    #[test]
    fn garbage_delay_is_ignored() {
        let r = RobotsTxt::parse("User-agent: *\nCrawl-delay: soon\nCrawl-delay: -3\n");
        assert_eq!(r.crawl_delay(), None);
        assert!(r.allows(&url("https://e.com/")));
    }

    #[test]
    fn hostile_bytes_do_not_panic() {
        let body = "User-agent: *\u{0}\u{feff}\nDisallow: /é\u{1F600}*$\nAllow: \u{202e}\n";
        let r = RobotsTxt::parse(body);
        let _ = r.allows(&url("https://e.com/%C3%A9"));
    }
}
