//! Typed configuration: the one source of truth for every key gleaner reads.
//!
//! The config reference in docs/configuration.md is checked against these types by a test, so a key
//! documented there exists here and the reverse. Every key has a built-in default, which
//! is why `gleaner crawl --seed URL` needs no file at all.
//!
//! Errors name the file, the line and the dotted key (`crawler.concurency`), because a
//! daemon that refuses to start with "invalid type" sends its operator on a hunt.

use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The whole configuration file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub crawler: CrawlerConfig,
    pub store: StoreConfig,
    pub server: ServerConfig,
    pub watch: WatchConfig,
    /// `[[source]]` tables: the sites the daemon keeps crawled.
    #[serde(rename = "source")]
    pub sources: Vec<SourceConfig>,
}

/// `[crawler]`: how hard and how far gleaner fetches. Per-source keys override some of these.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CrawlerConfig {
    /// Sent with every request. The robots.txt product token is always `gleaner`.
    pub user_agent: String,
    /// Requests in flight overall.
    pub concurrency: PositiveUsize,
    /// Requests in flight to one host.
    pub per_host_concurrency: PositiveUsize,
    /// Minimum gap between two requests to one host; robots.txt Crawl-delay can only raise it.
    pub min_delay: Dur,
    /// Cap on the Crawl-delay a robots.txt may ask for.
    pub max_crawl_delay: Dur,
    /// Links followed away from a seed (seed = depth 0).
    pub max_depth: u32,
    /// Pages fetched per crawl run, or per source per recrawl cycle.
    pub max_pages: u64,
    /// Whole-request deadline, body included: a server that drips bytes is cut off here.
    pub request_timeout: Dur,
    pub connect_timeout: Dur,
    /// How long an idle connection to a host is kept open for its next request. "0s" opens
    /// a new connection for every request: for servers that stall answers on a kept-alive
    /// connection (a server that writes headers and body separately without TCP_NODELAY
    /// waits for the client's delayed acknowledgement, 40 ms on Linux, on every answer but
    /// the first on a connection).
    pub keep_alive: Dur,
    /// Body size cap, applied to the decompressed bytes too (a gzip bomb stops here).
    pub max_body_bytes: u64,
    /// Bytes of fetched pages held in memory at once, over every crawl of the process: a
    /// body until it is parsed, its packed raw page until it is stored. A response whose
    /// size (announced, or estimated when compressed or unannounced) does not fit waits,
    /// unread, for room; a body that outgrows its estimate takes only what is free and is
    /// not stopped; a body larger than all of it is let in alone.
    pub body_budget_bytes: u64,
    pub max_redirects: u32,
    /// Allow fetching loopback, private, link-local and similar addresses. Off by default so
    /// a crawler daemon cannot be turned against its own network.
    pub allow_private_addresses: bool,
    pub respect_robots: bool,
    /// How long a fetched robots.txt is trusted before it is fetched again.
    pub robots_cache_ttl: Dur,
    /// Retries of a page after 429, 503, 5xx or a network error.
    pub max_retries: u32,
    /// Cap on how long a `Retry-After` header may make gleaner wait.
    pub max_retry_after: Dur,
    /// Pending URLs one host may have in a crawl's frontier; further ones are dropped and
    /// counted, so a site that generates links forever cannot fill the disk.
    pub max_pending_per_host: u64,
    /// Cap on request starts per second over all hosts, spaced evenly. Unset: no cap
    /// beyond the per-host delays and `concurrency`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_requests_per_second: Option<RequestRate>,
}

impl Default for CrawlerConfig {
    fn default() -> Self {
        CrawlerConfig {
            user_agent: default_user_agent(),
            concurrency: PositiveUsize(32),
            per_host_concurrency: PositiveUsize(1),
            min_delay: Dur::from_secs(1),
            max_crawl_delay: Dur::from_secs(30),
            max_depth: 3,
            max_pages: 10_000,
            request_timeout: Dur::from_secs(30),
            connect_timeout: Dur::from_secs(10),
            keep_alive: Dur::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            body_budget_bytes: 16 * 1024 * 1024,
            max_redirects: 10,
            allow_private_addresses: false,
            respect_robots: true,
            robots_cache_ttl: Dur::from_secs(24 * 3600),
            max_retries: 3,
            max_retry_after: Dur::from_secs(600),
            max_pending_per_host: 100_000,
            max_requests_per_second: None,
        }
    }
}

/// The User-Agent gleaner announces itself with: name, version, where to read about it.
pub fn default_user_agent() -> String {
    format!(
        "gleaner/{} (+{})",
        env!("CARGO_PKG_VERSION"),
        env!("CARGO_PKG_REPOSITORY")
    )
}

/// `[store]`: where articles are kept and how duplicates are treated.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct StoreConfig {
    /// Database directory. Unset: `$STATE_DIRECTORY` when systemd provides one
    /// (`/var/lib/gleaner`), else `./gleaner-data`. Relative paths are relative to the
    /// working directory.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<PathBuf>,
    /// A PostgreSQL database (`postgres://USER[:PASSWORD]@HOST:PORT/DB`, libpq's options
    /// such as `?sslmode=require`) in place of the directory: several gleaner processes then
    /// share one crawl, one corpus and one queue. `path` is ignored when this is set.
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "postgres_url"
    )]
    pub url: Option<String>,
    /// With `url`: how long a crawling process's hosts and claims outlive its last
    /// heartbeat, so how long after a crash the other processes take its work over.
    pub lease: Dur,
    /// Keep each raw response body (zstd-compressed) so `gleaner reextract` can re-run a
    /// newer extractor and `gleaner export --format warc` can archive it.
    pub keep_raw: bool,
    /// Two texts whose 64-bit simhashes differ in at most this many bits are near duplicates.
    pub near_duplicate_distance: u32,
    /// Deliver duplicates (exact or near) to queue consumers too.
    pub queue_duplicates: bool,
    /// Memory the embedded database may use to cache its pages. Articles are written once
    /// and read rarely, so a modest cache costs little speed; a long-running daemon keeps
    /// its memory this much lower. (The bench web peaked about 25 MiB lower with 16 MiB
    /// than with 32 MiB, at the same pages per second; 8 MiB saved nothing more.)
    pub cache_bytes: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            path: None,
            url: None,
            lease: Dur::from_secs(30),
            keep_raw: true,
            near_duplicate_distance: 3,
            queue_duplicates: false,
            cache_bytes: 16 * 1024 * 1024,
        }
    }
}

/// `store.url`: a `postgres://` or `postgresql://` URL.
fn postgres_url<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let url = String::deserialize(d)?;
    if !crate::store::postgres::is_postgres_url(&url) {
        return Err(serde::de::Error::custom(
            "expected a PostgreSQL URL: postgres://USER@HOST:PORT/DATABASE",
        ));
    }
    Ok(Some(url))
}

impl StoreConfig {
    /// The database directory actually used; see [`StoreConfig::path`].
    pub fn resolved_path(&self) -> PathBuf {
        if let Some(path) = &self.path {
            return path.clone();
        }
        match std::env::var_os("STATE_DIRECTORY") {
            // systemd may pass several colon-separated directories; the first is ours.
            Some(dirs) if !dirs.is_empty() => dirs
                .to_string_lossy()
                .split(':')
                .next()
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_STORE_PATH)),
            _ => PathBuf::from(DEFAULT_STORE_PATH),
        }
    }
}

/// Where `gleaner crawl` keeps its data when nothing else is said.
pub const DEFAULT_STORE_PATH: &str = "./gleaner-data";

/// `[server]`: the daemon's HTTP API and its lifecycle.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address of the HTTP API (health, metrics, articles, queue).
    pub listen: SocketAddr,
    /// Bearer token required on every API request except `/healthz`. The daemon refuses to
    /// listen beyond loopback without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_token: Option<String>,
    /// On SIGTERM, how long in-flight fetches may run before they are abandoned.
    pub shutdown_timeout: Dur,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 7878)),
            auth_token: None,
            shutdown_timeout: Dur::from_secs(10),
        }
    }
}

/// `[watch]`: revisits of stored articles, to record stealth edits and removals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WatchConfig {
    /// When each stored article is fetched again, counted from its first sighting (each
    /// at least 1 s; any order). Empty: articles are not revisited.
    pub revisit: Vec<Interval>,
}

impl Default for WatchConfig {
    fn default() -> Self {
        WatchConfig {
            revisit: crate::store::watch::DEFAULT_LADDER
                .iter()
                .map(|d| Interval(Dur(*d)))
                .collect(),
        }
    }
}

/// One `[[source]]`: a site (or part of one) kept crawled on a schedule.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Unique name; used in records (`source`), the API (`?source=`) and metrics labels.
    pub name: SourceName,
    /// Start pages, crawled at depth 0 each cycle.
    #[serde(default)]
    pub seeds: Vec<HttpUrl>,
    /// RSS or Atom feeds whose entries are fetched each cycle.
    #[serde(default)]
    pub feeds: Vec<HttpUrl>,
    /// Sitemaps (urlset, sitemapindex, news, `.xml.gz`) read each cycle.
    #[serde(default)]
    pub sitemaps: Vec<HttpUrl>,
    /// Regexes on the normalised URL; a URL must match one. Empty: the seeds' registrable domains.
    #[serde(default)]
    pub allow: Vec<Pattern>,
    /// Regexes on the normalised URL; a URL matching any is never fetched.
    #[serde(default)]
    pub deny: Vec<Pattern>,
    /// How often the source is revisited (jittered so sources do not align).
    #[serde(default = "default_recrawl")]
    pub recrawl: Interval,
    /// Overrides `crawler.max_depth` for this source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_depth: Option<u32>,
    /// Overrides `crawler.max_pages` for this source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u64>,
    /// Overrides `crawler.min_delay` for this source's hosts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_delay: Option<Dur>,
    /// Preferred language for multilingual pages (qTranslate markers), e.g. "en".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Revisit this source's stored articles (default true); false turns it off.
    #[serde(default = "default_watch", skip_serializing_if = "is_true")]
    pub watch: bool,
    /// Overrides `watch.revisit` for this source.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revisit: Option<Vec<Interval>>,
}

fn default_watch() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

fn default_recrawl() -> Interval {
    Interval(Dur::from_secs(3600))
}

impl SourceConfig {
    /// A source with defaults for everything but its name and seeds.
    pub fn from_seeds(name: SourceName, seeds: Vec<HttpUrl>) -> Self {
        SourceConfig {
            name,
            seeds,
            feeds: Vec::new(),
            sitemaps: Vec::new(),
            allow: Vec::new(),
            deny: Vec::new(),
            recrawl: default_recrawl(),
            max_depth: None,
            max_pages: None,
            min_delay: None,
            lang: None,
            watch: true,
            revisit: None,
        }
    }

    /// When this source's articles are revisited, counted from their first sighting
    /// (empty: never), with `watch` the `[watch]` section.
    pub fn revisit_ladder(&self, watch: &WatchConfig) -> Vec<Duration> {
        if !self.watch {
            return Vec::new();
        }
        self.revisit
            .as_ref()
            .unwrap_or(&watch.revisit)
            .iter()
            .map(|i| i.get())
            .collect()
    }

    pub fn max_depth(&self, crawler: &CrawlerConfig) -> u32 {
        self.max_depth.unwrap_or(crawler.max_depth)
    }

    pub fn max_pages(&self, crawler: &CrawlerConfig) -> u64 {
        self.max_pages.unwrap_or(crawler.max_pages)
    }

    pub fn min_delay(&self, crawler: &CrawlerConfig) -> Duration {
        self.min_delay.unwrap_or(crawler.min_delay).get()
    }
}

/// A config file that could not be used: where, which key, and why.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}{}: {}{message}", path.display(), location(*line, *column), key_prefix(key))]
    Invalid {
        path: PathBuf,
        /// 1-based line of the offending key or value, when known.
        line: Option<usize>,
        column: Option<usize>,
        /// Dotted key path, e.g. `crawler.concurency` or `source[1].name`.
        key: Option<String>,
        message: String,
    },
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(l), Some(c)) => format!(":{l}:{c}"),
        (Some(l), None) => format!(":{l}"),
        _ => String::new(),
    }
}

fn key_prefix(key: &Option<String>) -> String {
    key.as_ref()
        .map(|k| format!("key `{k}`: "))
        .unwrap_or_default()
}

impl Config {
    /// The revisit ladders of `[watch]` and every source, for the store.
    pub fn watch_policy(&self) -> crate::store::WatchPolicy {
        crate::store::WatchPolicy::new(
            self.watch.revisit.iter().map(|i| i.get()).collect(),
            self.sources
                .iter()
                .filter(|s| !s.watch || s.revisit.is_some())
                .map(|s| (s.name.to_string(), s.revisit_ladder(&self.watch)))
                .collect(),
        )
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::parse(&text, path)
    }

    /// Parses and validates config text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text).map_err(|e| {
            let span = e.span();
            let message = e.message().trim().to_string();
            invalid_at(path, text, span, message)
        })?;
        config.validate(text, path)?;
        Ok(config)
    }

    /// Checks what types alone cannot: relations between keys.
    fn validate(&self, text: &str, path: &Path) -> Result<(), ConfigError> {
        // A second, lenient pass only to learn where each source sits in the file.
        #[derive(Deserialize)]
        struct SourceSpans {
            #[serde(rename = "source", default)]
            sources: Vec<toml::Spanned<SourceNameSpan>>,
            #[serde(default)]
            server: Option<ServerSpan>,
        }
        #[derive(Deserialize)]
        struct SourceNameSpan {
            name: Option<toml::Spanned<String>>,
        }
        #[derive(Deserialize)]
        struct ServerSpan {
            listen: Option<toml::Spanned<String>>,
        }
        let spans: SourceSpans = toml::from_str(text)
            .map_err(|e| invalid_at(path, text, e.span(), e.message().trim().to_string()))?;

        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, source) in self.sources.iter().enumerate() {
            let table_span = spans.sources.get(i).map(|s| s.span());
            let name_span = spans
                .sources
                .get(i)
                .and_then(|s| s.get_ref().name.as_ref())
                .map(|n| n.span());
            if let Some(first) = seen.insert(source.name.as_str(), i) {
                return Err(invalid_at(
                    path,
                    text,
                    name_span,
                    format!(
                        "duplicate source name {:?} (also used by source {}); names must be unique",
                        source.name.as_str(),
                        first + 1
                    ),
                )
                .with_key(format!("source[{}].name", i + 1)));
            }
            if source.seeds.is_empty() && source.feeds.is_empty() && source.sitemaps.is_empty() {
                return Err(invalid_at(
                    path,
                    text,
                    table_span,
                    format!(
                        "source {:?} has no seeds, feeds or sitemaps: nothing to crawl",
                        source.name.as_str()
                    ),
                )
                .with_key(format!("source[{}]", i + 1)));
            }
        }

        if !self.server.listen.ip().is_loopback() && self.server.auth_token.is_none() {
            let span = spans.server.and_then(|s| s.listen).map(|l| l.span());
            return Err(invalid_at(
                path,
                text,
                span,
                format!(
                    "listening on {} (beyond loopback) requires server.auth_token",
                    self.server.listen
                ),
            )
            .with_key("server.listen".to_string()));
        }
        Ok(())
    }
}

impl ConfigError {
    fn with_key(mut self, new_key: String) -> Self {
        if let ConfigError::Invalid { key, .. } = &mut self {
            *key = Some(new_key);
        }
        self
    }
}

/// Builds an error located at a byte span of the file, naming the key found there.
fn invalid_at(path: &Path, text: &str, span: Option<Range<usize>>, message: String) -> ConfigError {
    let (line, column, key) = match span {
        Some(span) => {
            let offset = span.start.min(text.len());
            let (line, column) = line_column(text, offset);
            (Some(line), Some(column), key_at(text, line))
        }
        None => (None, None, None),
    };
    ConfigError::Invalid {
        path: path.to_path_buf(),
        line,
        column,
        key,
        message,
    }
}

/// 1-based line and column of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// The dotted key defined on `line` (1-based): the nearest table header above it joined
/// with the key on the line itself. `None` when the line holds no `key = value`.
fn key_at(text: &str, line: usize) -> Option<String> {
    let lines: Vec<&str> = text.lines().collect();
    let own = lines.get(line.checked_sub(1)?)?.trim();
    let key = own
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"').to_string())
        .filter(|k| !k.is_empty() && !k.starts_with('['));
    let mut table: Option<String> = None;
    let mut array_index: HashMap<String, usize> = HashMap::new();
    for l in lines.iter().take(line) {
        let l = l.trim();
        if let Some(name) = l.strip_prefix("[[").and_then(|r| r.split("]]").next()) {
            let name = name.trim().to_string();
            let n = array_index.entry(name.clone()).or_insert(0);
            *n += 1;
            table = Some(format!("{name}[{n}]"));
        } else if let Some(name) = l.strip_prefix('[').and_then(|r| r.split(']').next()) {
            table = Some(name.trim().to_string());
        }
    }
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (None, Some(k)) => Some(k),
        (Some(t), None) => Some(t),
        (None, None) => None,
    }
}

/// A duration written as a human string: "300ms", "2s", "15m", "1h 30m".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Dur(Duration);

impl Dur {
    pub const fn from_secs(secs: u64) -> Self {
        Dur(Duration::from_secs(secs))
    }
    pub const fn get(self) -> Duration {
        self.0
    }
}

impl From<Duration> for Dur {
    fn from(d: Duration) -> Self {
        Dur(d)
    }
}

impl FromStr for Dur {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        humantime::parse_duration(s.trim()).map(Dur).map_err(|e| {
            format!("invalid duration {s:?} ({e}); write e.g. \"300ms\", \"2s\", \"15m\", \"1h\"")
        })
    }
}

impl fmt::Display for Dur {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", humantime::format_duration(self.0))
    }
}

impl Serialize for Dur {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Dur {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// The shortest interval at which gleaner goes back to anything: a source's `recrawl`, and
/// every revisit schedule after it. Less (`"0s"`, a few milliseconds) would start the next
/// visit the moment the last one ends, forever: a busy loop of conditional GETs, never what
/// an operator meant. Real schedules are minutes to days; tests use seconds.
pub const MIN_INTERVAL: Duration = Duration::from_secs(1);

/// How long to wait before going back to something: a [`Dur`] of at least [`MIN_INTERVAL`].
///
/// The floor is checked wherever an interval is read (config files, `FromStr`), so a
/// shorter one cannot exist. Every key that schedules a return uses this type (`recrawl`;
/// a list of revisits is a `Vec<Interval>`), and a config file breaking the rule gets the
/// usual error naming its file, line and key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Interval(Dur);

impl Interval {
    pub fn new(interval: Duration) -> Result<Self, String> {
        if interval < MIN_INTERVAL {
            return Err(format!(
                "{} is too short: the shortest allowed is {} (the next visit starts only after \
                 the last one has finished)",
                humantime::format_duration(interval),
                humantime::format_duration(MIN_INTERVAL)
            ));
        }
        Ok(Interval(Dur(interval)))
    }

    pub const fn get(self) -> Duration {
        self.0.get()
    }

    /// Below the floor, for tests of the scheduler that run in real time.
    #[cfg(test)]
    pub(crate) fn unchecked(interval: Duration) -> Self {
        Interval(Dur(interval))
    }
}

impl FromStr for Interval {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Interval::new(s.parse::<Dur>()?.get())
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A count that must be at least 1 (zero workers would hang the crawl, not disable it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PositiveUsize(usize);

impl PositiveUsize {
    pub fn get(self) -> usize {
        self.0
    }
    pub fn new(n: usize) -> Option<Self> {
        (n > 0).then_some(PositiveUsize(n))
    }
}

impl<'de> Deserialize<'de> for PositiveUsize {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = u64::deserialize(d)?;
        usize::try_from(n)
            .ok()
            .and_then(PositiveUsize::new)
            .ok_or_else(|| serde::de::Error::custom(format!("must be at least 1, got {n}")))
    }
}

/// A rate in requests per second, written as an integer or a decimal (`20`, `0.5`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct RequestRate(f64);

impl RequestRate {
    /// The lowest rate accepted: one request a day (below that a cap is a typo, not a plan).
    pub const MIN_PER_SECOND: f64 = 1.0 / 86_400.0;

    pub fn new(per_second: f64) -> Option<Self> {
        (per_second.is_finite() && per_second >= Self::MIN_PER_SECOND)
            .then_some(RequestRate(per_second))
    }

    pub fn per_second(self) -> f64 {
        self.0
    }

    /// The even spacing between two request starts at this rate (at least a nanosecond).
    pub fn period(self) -> Duration {
        Duration::from_secs_f64(1.0 / self.0).max(Duration::from_nanos(1))
    }
}

impl<'de> Deserialize<'de> for RequestRate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = f64::deserialize(d)?;
        RequestRate::new(n).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "must be a number of requests per second of at least {:.6} (one a day), got {n}",
                RequestRate::MIN_PER_SECOND
            ))
        })
    }
}

/// An absolute `http` or `https` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpUrl(url::Url);

impl HttpUrl {
    pub fn as_url(&self) -> &url::Url {
        &self.0
    }
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

impl FromStr for HttpUrl {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let url = url::Url::parse(s.trim()).map_err(|e| format!("invalid URL {s:?}: {e}"))?;
        match url.scheme() {
            "http" | "https" if url.host().is_some() => Ok(HttpUrl(url)),
            _ => Err(format!("{s:?} is not an http(s) URL with a host")),
        }
    }
}

impl fmt::Display for HttpUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl Serialize for HttpUrl {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for HttpUrl {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A compiled regular expression, checked when the config is read.
#[derive(Debug, Clone)]
pub struct Pattern(regex::Regex);

impl Pattern {
    pub fn regex(&self) -> &regex::Regex {
        &self.0
    }
    pub fn is_match(&self, s: &str) -> bool {
        self.0.is_match(s)
    }
}

impl FromStr for Pattern {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        regex::Regex::new(s)
            .map(Pattern)
            .map_err(|e| format!("invalid regex {s:?}: {e}"))
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.as_str())
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A source name: letters, digits, `-`, `_` and `.`, so it is safe in URLs and metric labels.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SourceName(String);

impl SourceName {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromStr for SourceName {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(SourceName(s.to_string()))
        } else {
            Err(format!(
                "invalid source name {s:?}: use 1-64 letters, digits, '-', '_' or '.'"
            ))
        }
    }
}

impl fmt::Display for SourceName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for SourceName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for SourceName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("test.toml"))
    }

    fn invalid(text: &str) -> (Option<usize>, Option<String>, String) {
        match parse(text) {
            Err(ConfigError::Invalid {
                line, key, message, ..
            }) => (line, key, message),
            other => panic!("expected an invalid-config error, got {other:?}"),
        }
    }

    #[test]
    fn empty_file_gives_defaults() {
        let c = parse("").expect("empty config is valid");
        assert_eq!(c.crawler.concurrency.get(), 32);
        assert_eq!(c.crawler.min_delay.get(), Duration::from_secs(1));
        assert_eq!(c.crawler.max_body_bytes, 10_485_760);
        assert!(c.crawler.user_agent.starts_with("gleaner/"));
        assert_eq!(c.server.listen.port(), 7878);
        assert!(c.sources.is_empty());
    }

    #[test]
    fn misspelt_key_names_line_and_key() {
        let (line, key, message) = invalid("[crawler]\nconcurency = 3\n");
        assert_eq!(line, Some(2));
        assert_eq!(key.as_deref(), Some("crawler.concurency"));
        assert!(message.contains("unknown field `concurency`"), "{message}");
        let err = parse("[crawler]\nconcurency = 3\n")
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("test.toml:2:"), "{err}");
    }

    #[test]
    fn wrong_type_and_bad_duration_are_located() {
        let (line, key, message) = invalid("[crawler]\nmax_depth = 2\nmin_delay = \"soon\"\n");
        assert_eq!(line, Some(3));
        assert_eq!(key.as_deref(), Some("crawler.min_delay"));
        assert!(message.contains("invalid duration"), "{message}");

        let (line, key, _) = invalid("[crawler]\nmax_depth = \"deep\"\n");
        assert_eq!(line, Some(2));
        assert_eq!(key.as_deref(), Some("crawler.max_depth"));

        let (_, key, message) = invalid("[crawler]\nconcurrency = 0\n");
        assert_eq!(key.as_deref(), Some("crawler.concurrency"));
        assert!(message.contains("at least 1"), "{message}");
    }

    #[test]
    fn bad_regex_in_second_source_is_located() {
        let text = "[[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\n\n[[source]]\nname = \"b\"\nseeds = [\"https://b.example/\"]\nallow = [\"(unclosed\"]\n";
        let (line, key, message) = invalid(text);
        assert_eq!(line, Some(8));
        assert_eq!(key.as_deref(), Some("source[2].allow"));
        assert!(message.contains("invalid regex"), "{message}");
    }

    #[test]
    fn recrawl_below_the_minimum_is_located() {
        let text = "[[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nrecrawl = \"0s\"\n";
        let (line, key, message) = invalid(text);
        assert_eq!(line, Some(4));
        assert_eq!(key.as_deref(), Some("source[1].recrawl"));
        assert!(message.contains("shortest allowed is 1s"), "{message}");
        let ok = "[[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nrecrawl = \"1s\"\n";
        assert!(parse(ok).is_ok());
    }

    #[test]
    fn intervals_have_a_one_second_floor() {
        for (text, allowed) in [
            ("0s", false),
            ("1ms", false),
            ("999ms", false),
            ("1s", true),
            ("1s 1ms", true),
            ("30m", true),
            ("7days", true),
        ] {
            let parsed = text.parse::<Interval>();
            assert_eq!(parsed.is_ok(), allowed, "{text}: {parsed:?}");
            if let Err(message) = parsed {
                assert!(message.contains("shortest allowed is 1s"), "{message}");
            }
        }
        assert!("soon".parse::<Interval>().is_err());
        assert_eq!(
            "90s".parse::<Interval>().map(Interval::get),
            Ok(Duration::from_secs(90))
        );
    }

    /// A revisit ladder is a list of intervals: one under the floor is reported like any
    /// other bad value, naming the file, the line of the list and its key.
    #[test]
    fn an_interval_list_locates_the_short_one() {
        let (line, key, message) = invalid("[watch]\nrevisit = [\"10m\", \"500ms\"]\n");
        assert_eq!(line, Some(2));
        assert_eq!(key.as_deref(), Some("watch.revisit"));
        assert!(message.contains("shortest allowed is 1s"), "{message}");
        let many_lines = parse("[watch]\nrevisit = [\n  \"10m\",\n  \"500ms\",\n  \"1d\",\n]\n")
            .expect_err("500ms is under the floor")
            .to_string();
        assert!(
            many_lines.starts_with("test.toml:2:11: key `watch.revisit`: 500ms is too short"),
            "{many_lines}"
        );
        let (line, key, _) = invalid(
            "[[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nrevisit = [\"0s\"]\n",
        );
        assert_eq!((line, key.as_deref()), (Some(4), Some("source[1].revisit")));
    }

    #[test]
    fn revisit_ladders_come_from_watch_and_each_source() {
        let c = parse("").expect("valid");
        assert_eq!(
            c.watch_policy().ladder("any"),
            crate::store::watch::DEFAULT_LADDER.as_slice()
        );
        let c = parse(
            "[watch]\nrevisit = [\"1d\", \"2s\"]\n\
             [[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\n\
             [[source]]\nname = \"off\"\nseeds = [\"https://b.example/\"]\nwatch = false\n\
             [[source]]\nname = \"own\"\nseeds = [\"https://c.example/\"]\nrevisit = [\"5s\"]\n",
        )
        .expect("valid");
        let policy = c.watch_policy();
        let secs = |s: &[u64]| {
            s.iter()
                .map(|s| Duration::from_secs(*s))
                .collect::<Vec<_>>()
        };
        assert_eq!(policy.ladder("a"), secs(&[2, 86400]).as_slice());
        assert!(policy.ladder("off").is_empty());
        assert_eq!(policy.ladder("own"), secs(&[5]).as_slice());
        assert_eq!(
            policy.ladder("crawled.example"),
            secs(&[2, 86400]).as_slice()
        );
        assert!(
            parse("[watch]\nrevisit = []\n")
                .expect("valid")
                .watch_policy()
                .ladder("a")
                .is_empty()
        );
    }

    #[test]
    fn duplicate_source_name_is_rejected() {
        let text = "[[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\n[[source]]\nname = \"a\"\nfeeds = [\"https://a.example/rss\"]\n";
        let (line, key, message) = invalid(text);
        assert_eq!(line, Some(5));
        assert_eq!(key.as_deref(), Some("source[2].name"));
        assert!(message.contains("duplicate source name"), "{message}");
    }

    #[test]
    fn source_without_anything_to_crawl_is_rejected() {
        let (line, key, message) = invalid("[[source]]\nname = \"empty\"\n");
        assert_eq!(line, Some(1));
        assert_eq!(key.as_deref(), Some("source[1]"));
        assert!(message.contains("nothing to crawl"), "{message}");
    }

    #[test]
    fn non_http_seed_and_bad_name_are_rejected() {
        let (_, key, message) =
            invalid("[[source]]\nname = \"a\"\nseeds = [\"ftp://a.example/\"]\n");
        assert_eq!(key.as_deref(), Some("source[1].seeds"));
        assert!(message.contains("not an http(s) URL"), "{message}");
        let (_, key, _) = invalid("[[source]]\nname = \"a b\"\nseeds = [\"https://a.example/\"]\n");
        assert_eq!(key.as_deref(), Some("source[1].name"));
    }

    #[test]
    fn public_listen_address_needs_a_token() {
        let (line, key, message) = invalid("[server]\nlisten = \"0.0.0.0:7878\"\n");
        assert_eq!(line, Some(2));
        assert_eq!(key.as_deref(), Some("server.listen"));
        assert!(message.contains("auth_token"), "{message}");
        parse("[server]\nlisten = \"0.0.0.0:7878\"\nauth_token = \"s3cret\"\n")
            .expect("a token makes a public address acceptable");
    }

    #[test]
    fn per_source_overrides_fall_back_to_crawler() {
        let c = parse(
            "[crawler]\nmax_depth = 5\nmin_delay = \"3s\"\n[[source]]\nname = \"a\"\nseeds = [\"https://a.example/\"]\nmax_depth = 1\n",
        )
        .expect("valid");
        let s = &c.sources[0];
        assert_eq!(s.max_depth(&c.crawler), 1);
        assert_eq!(s.min_delay(&c.crawler), Duration::from_secs(3));
        assert_eq!(s.max_pages(&c.crawler), 10_000);
        assert_eq!(s.recrawl.get(), Duration::from_secs(3600));
    }

    #[test]
    fn request_rate_is_optional_and_checked() {
        assert_eq!(
            parse("").expect("valid").crawler.max_requests_per_second,
            None
        );
        for (text, period) in [
            ("20", Duration::from_millis(50)),
            ("0.5", Duration::from_secs(2)),
            ("1e12", Duration::from_nanos(1)),
        ] {
            let c = parse(&format!("[crawler]\nmax_requests_per_second = {text}\n"))
                .unwrap_or_else(|e| panic!("{text}: {e}"));
            let rate = c.crawler.max_requests_per_second.expect("set");
            assert_eq!(rate.period(), period, "{text}");
        }
        for bad in ["0", "-3", "0.0000001", "nan", "inf", "\"fast\""] {
            let (line, key, message) = invalid(&format!(
                "[crawler]\nmax_depth = 2\nmax_requests_per_second = {bad}\n"
            ));
            assert_eq!(line, Some(3), "{bad}");
            assert_eq!(
                key.as_deref(),
                Some("crawler.max_requests_per_second"),
                "{bad}"
            );
            if bad != "\"fast\"" {
                assert!(message.contains("requests per second"), "{bad}: {message}");
            }
        }
    }

    #[test]
    fn durations_round_trip() {
        for s in ["300ms", "2s", "15m", "1h 30m"] {
            let d: Dur = s.parse().expect("valid duration");
            let again: Dur = d.to_string().parse().expect("formatted duration parses");
            assert_eq!(d, again);
        }
    }
}
