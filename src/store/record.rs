//! What the store keeps about an article: the record consumers read, and what the crawler
//! hands in.
//!
//! Field names here are a contract with consumers (JSONL export, queue deliveries, the
//! daemon's API). The extraction fields come from [`Article`] and are flattened into the
//! record, so `title`, `text`, `canonical_url` … sit next to the provenance fields.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use crate::extract::article::Article;

/// How the crawler came to fetch a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DiscoveredVia {
    /// A configured start page (or `crawl --seed`).
    Seed,
    /// A link in a fetched page.
    Link,
    /// An entry of an RSS or Atom feed.
    Feed,
    /// A `<loc>` of a sitemap.
    Sitemap,
    /// The target of a redirect from another URL.
    Redirect,
    /// A stored article fetched again to see whether it changed or vanished.
    Revisit,
}

impl DiscoveredVia {
    pub fn as_str(self) -> &'static str {
        match self {
            DiscoveredVia::Seed => "seed",
            DiscoveredVia::Link => "link",
            DiscoveredVia::Feed => "feed",
            DiscoveredVia::Sitemap => "sitemap",
            DiscoveredVia::Redirect => "redirect",
            DiscoveredVia::Revisit => "revisit",
        }
    }
}

/// Where and when an article was fetched: supplied by the crawler with every article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The URL as discovered (normalised by the crawler).
    pub url: String,
    /// The URL that finally answered, after redirects.
    pub final_url: String,
    /// Config source name; for `gleaner crawl --seed`, the seed's host.
    pub source: String,
    /// The page, feed or sitemap the URL was found on (none for seeds).
    pub discovered_from: Option<String>,
    pub discovered_via: DiscoveredVia,
    pub fetched_at: DateTime<Utc>,
    pub http_status: u16,
    /// `Content-Type` media type as served, e.g. `text/html`.
    pub content_type: Option<String>,
    /// Character encoding the body was decoded with.
    pub charset: Option<String>,
    /// `ETag` response header, for conditional GET on recrawl.
    pub etag: Option<String>,
    /// `Last-Modified` response header, verbatim.
    pub last_modified: Option<String>,
    /// Lower-case hex SHA-256 of the raw response body (after content decoding).
    pub raw_sha256: String,
    pub extractor_version: String,
    pub crawler_version: String,
}

/// A raw response as received, kept (zstd-compressed) when `store.keep_raw` is on, so that
/// `gleaner reextract` can re-run a newer extractor and `export --format warc` can archive it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawPage {
    /// Response headers in the order received; names as sent.
    pub headers: Vec<(String, String)>,
    /// The body after content decoding (gzip/br/deflate removed), before charset decoding.
    pub body: Vec<u8>,
}

/// A [`RawPage`] already encoded as the store keeps it (postcard, then zstd): what a crawl
/// hands over with an article.
///
/// A crawl packs the page where it parsed it, so what waits for the store writer is the
/// compressed page (about a fifth of the body) rather than the body itself. Writer batches
/// hold dozens of pages until they commit, and on the bench web, whose hosts serve the same
/// pages in step, one 1.6 MB page arriving from 50 hosts at once held some 75 MiB there
/// uncompressed. Packing also moves the compression off the writer's thread onto the
/// parsing threads, which run in parallel.
#[derive(Clone, PartialEq, Eq)]
pub struct PackedRawPage(Vec<u8>);

impl PackedRawPage {
    /// Encodes `raw` as the store keeps it.
    pub fn pack(raw: &RawPage) -> Result<PackedRawPage, super::StoreError> {
        super::codec::encode_raw(raw).map(PackedRawPage)
    }

    /// The page back; `what` names it in the error should the bytes be damaged.
    pub fn unpack(&self, what: &str) -> Result<RawPage, super::StoreError> {
        super::codec::decode_raw(&self.0, what.as_bytes())
    }

    /// The encoded bytes, as they are written.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The encoded bytes, taken.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl fmt::Debug for PackedRawPage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PackedRawPage({} bytes)", self.0.len())
    }
}

/// What the crawler hands to [`Store::put_article`](super::Store::put_article).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewArticle {
    pub provenance: Provenance,
    pub article: Article,
    /// The raw response, packed; dropped by the store unless `store.keep_raw` is on (a
    /// crawl asks [`ArticleSink::keeps_raw_pages`](super::ArticleSink::keeps_raw_pages)
    /// and packs none when it is off).
    pub raw: Option<PackedRawPage>,
}

/// Stable identifier of an article: the first 64 bits of SHA-256 of its canonical URL (else
/// its final URL), written as 16 lower-case hex digits.
///
/// Derived, never assigned, so recrawling the same article — from any source, on any
/// machine — always yields the same id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId([u8; 8]);

impl ArticleId {
    /// The id for an article found at `final_url` declaring `canonical_url`.
    ///
    /// A canonical URL is only trusted when it is an absolute http(s) URL that does not
    /// point at a site's home page while the article itself lives deeper: a misconfigured
    /// CMS that declares the home page canonical on every page would otherwise merge every
    /// article of that site into one.
    pub fn derive(canonical_url: Option<&str>, final_url: &str) -> ArticleId {
        let chosen = canonical_url
            .filter(|c| canonical_is_plausible(c, final_url))
            .unwrap_or(final_url);
        ArticleId::for_url(chosen)
    }

    /// The id for exactly this URL string.
    pub fn for_url(url: &str) -> ArticleId {
        let digest = Sha256::digest(url.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        ArticleId(id)
    }

    pub const fn from_bytes(bytes: [u8; 8]) -> ArticleId {
        ArticleId(bytes)
    }

    pub const fn to_bytes(self) -> [u8; 8] {
        self.0
    }
}

fn canonical_is_plausible(canonical: &str, final_url: &str) -> bool {
    let Ok(canonical) = url::Url::parse(canonical) else {
        return false;
    };
    if !matches!(canonical.scheme(), "http" | "https") || canonical.host().is_none() {
        return false;
    }
    let canonical_is_root = matches!(canonical.path(), "" | "/") && canonical.query().is_none();
    let page_is_deeper = url::Url::parse(final_url)
        .map(|u| !matches!(u.path(), "" | "/") || u.query().is_some())
        .unwrap_or(false);
    !(canonical_is_root && page_is_deeper)
}

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl FromStr for ArticleId {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut id = [0u8; 8];
        hex::decode_to_slice(s, &mut id)
            .map_err(|_| format!("invalid article id {s:?}: expected 16 hex digits"))?;
        Ok(ArticleId(id))
    }
}

impl Serialize for ArticleId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ArticleId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// A 64-bit simhash of a text's word shingles, written as 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Simhash(pub u64);

impl Simhash {
    /// Number of differing bits.
    pub fn distance(self, other: Simhash) -> u32 {
        (self.0 ^ other.0).count_ones()
    }
}

impl fmt::Display for Simhash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for Simhash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Simhash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        u64::from_str_radix(&s, 16)
            .map(Simhash)
            .map_err(|_| serde::de::Error::custom(format!("invalid simhash {s:?}")))
    }
}

/// An earlier version of an article's text, kept when a recrawl found the text changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviousVersion {
    pub version: u32,
    pub text_sha256: String,
    pub fetched_at: DateTime<Utc>,
}

/// What a revisit saw when it found an article gone: the final answer's status and the URL
/// that gave it (after redirects: the front page an article was sent to, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemovalEvidence {
    pub status: u16,
    pub final_url: String,
}

/// Another place the same story was seen: a duplicate's URL and source, or the same
/// article reached through another URL or source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlsoSeen {
    /// The record stored for that sighting (the duplicate's own id, or this article's id
    /// when the same article was reached through another URL or source).
    pub id: ArticleId,
    pub url: String,
    pub source: String,
    pub seen_at: DateTime<Utc>,
}

/// A stored article: provenance, extraction fields and what the store adds.
///
/// This is the JSON record of `gleaner export --format jsonl`, of queue deliveries and of
/// the daemon's `/api/articles`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleRecord {
    pub id: ArticleId,
    /// Position in store order; rises each time the record is created, its text changes
    /// or it is found removed or restored, so "everything after seq N" is a change feed.
    pub seq: u64,
    #[serde(flatten)]
    pub provenance: Provenance,
    #[serde(flatten)]
    pub article: Article,
    /// Hex SHA-256 of the normalised text: lower-cased words separated by single spaces
    /// (see `store::dedup::normalise_text`). Equal hashes = exact duplicates.
    pub text_sha256: String,
    pub simhash: Simhash,
    /// First and latest time a fetch (or a `304 Not Modified`) found this article.
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// 1 when first stored; +1 each time a recrawl finds the text changed.
    pub version: u32,
    /// Hashes of earlier texts, oldest first (at most [`MAX_PREVIOUS_VERSIONS`]).
    #[serde(default)]
    pub previous_versions: Vec<PreviousVersion>,
    /// The original this article duplicates (exact text or near-duplicate), if any.
    pub duplicate_of: Option<ArticleId>,
    /// Where else this story was seen (at most [`MAX_ALSO_SEEN`] entries).
    #[serde(default)]
    pub also_seen_at: Vec<AlsoSeen>,
    /// When a revisit found the article gone (404, 410 or 451, a redirect to the front
    /// page, a page that no longer holds it); cleared when it is found again. The record
    /// and its versions stay either way.
    #[serde(default)]
    pub removed_at: Option<DateTime<Utc>>,
    /// What that revisit saw.
    #[serde(default)]
    pub removal: Option<RemovalEvidence>,
}

/// Cap on [`ArticleRecord::previous_versions`]: a page whose text changes on every visit
/// (a live blog) must not grow its record without bound. The oldest entries go first.
pub const MAX_PREVIOUS_VERSIONS: usize = 32;

/// Cap on [`ArticleRecord::also_seen_at`]: a wire story reprinted everywhere keeps the first
/// sightings; later ones are still stored as duplicates pointing here.
pub const MAX_ALSO_SEEN: usize = 256;

/// What [`Store::put_article`](super::Store::put_article) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PutOutcome {
    /// A new article, stored and queued.
    New { id: ArticleId },
    /// Known article, same text: only `last_seen` (and `also_seen_at`) changed.
    Unchanged { id: ArticleId },
    /// Known article with new text (version bumped, queued again), or a re-extraction that
    /// changed other fields (version kept, queued again).
    Updated { id: ArticleId, version: u32 },
    /// Stored with `duplicate_of = of`; not queued unless `store.queue_duplicates`.
    Duplicate { id: ArticleId, of: ArticleId },
}

impl PutOutcome {
    pub fn id(&self) -> ArticleId {
        match *self {
            PutOutcome::New { id }
            | PutOutcome::Unchanged { id }
            | PutOutcome::Updated { id, .. }
            | PutOutcome::Duplicate { id, .. } => id,
        }
    }
}

/// Conditional-GET validators remembered for a URL.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// The politeness key of `url` (its host, and its port when not the scheme's default), as
/// [`FrontierEntry::host`] holds it; `None` for a URL without a host.
pub fn host_key(url: &str) -> Option<String> {
    let url = url::Url::parse(url).ok()?;
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => Some(format!("{h}:{p}")),
        (Some(h), None) => Some(h.to_string()),
        (None, _) => None,
    }
}

/// A URL waiting in a crawl's frontier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierEntry {
    pub url: String,
    /// The politeness key of the URL: its host, and its port when not the scheme's default.
    pub host: String,
    /// Links followed from a seed (seed = 0).
    pub depth: u32,
    pub discovered_from: Option<String>,
    pub discovered_via: DiscoveredVia,
    /// Links in a row that only incremented a number on the way here (trap detection),
    /// kept so that a resumed crawl still recognises the trap.
    pub counter_chain: u32,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_prefers_plausible_canonical_url() {
        let page = "https://news.example/2026/11/story.html";
        let canonical = "https://wire.example/story-123";
        assert_eq!(
            ArticleId::derive(Some(canonical), page),
            ArticleId::for_url(canonical)
        );
        assert_eq!(ArticleId::derive(None, page), ArticleId::for_url(page));
        // Home page declared canonical on an article: ignored.
        assert_eq!(
            ArticleId::derive(Some("https://news.example/"), page),
            ArticleId::for_url(page)
        );
        // Not a URL: ignored.
        assert_eq!(
            ArticleId::derive(Some("/relative"), page),
            ArticleId::for_url(page)
        );
        // A home page that says it is the home page is fine.
        assert_eq!(
            ArticleId::derive(Some("https://news.example/"), "https://news.example/"),
            ArticleId::for_url("https://news.example/")
        );
    }

    #[test]
    fn id_round_trips_as_hex() {
        let id = ArticleId::for_url("https://a.example/x");
        let text = id.to_string();
        assert_eq!(text.len(), 16);
        assert_eq!(text.parse::<ArticleId>(), Ok(id));
        assert!("xyz".parse::<ArticleId>().is_err());
        assert!("0123456789abcdef00".parse::<ArticleId>().is_err());
    }

    #[test]
    fn record_field_names_do_not_collide() {
        // Flattening silently drops one of two equal keys; make a future Article field
        // that shadows a provenance or store field fail loudly here.
        let article = serde_json::to_value(Article::default()).expect("article serialises");
        let provenance = serde_json::to_value(Provenance {
            url: String::new(),
            final_url: String::new(),
            source: String::new(),
            discovered_from: None,
            discovered_via: DiscoveredVia::Seed,
            fetched_at: DateTime::<Utc>::UNIX_EPOCH,
            http_status: 200,
            content_type: None,
            charset: None,
            etag: None,
            last_modified: None,
            raw_sha256: String::new(),
            extractor_version: String::new(),
            crawler_version: String::new(),
        })
        .expect("provenance serialises");
        let store_fields = [
            "id",
            "seq",
            "text_sha256",
            "simhash",
            "first_seen",
            "last_seen",
            "version",
            "previous_versions",
            "duplicate_of",
            "also_seen_at",
            "removed_at",
            "removal",
            "delivery",
        ];
        let mut seen = std::collections::HashSet::new();
        let keys = article
            .as_object()
            .into_iter()
            .chain(provenance.as_object())
            .flat_map(|o| o.keys().cloned())
            .chain(store_fields.iter().map(|s| s.to_string()));
        for key in keys {
            assert!(seen.insert(key.clone()), "field {key:?} appears twice");
        }
    }
}
