//! The versioned binary format of stored values.
//!
//! Every value starts with two bytes: the layout version of that kind of value and an
//! encoding byte (0 = plain postcard, 1 = zstd-compressed postcard preceded by the plain
//! length). The structs below are those layouts, written field by field rather than
//! reusing the public types: postcard is not self-describing, so adding a field to
//! [`Article`] or [`Provenance`] must not silently change what old databases decode to. A
//! new field means a `…V2` struct, written with version 2, and `decode_*` reading both
//! (as [`decode_record`] and [`decode_counters`] do); a version this build does not know is
//! refused with [`StoreError::UnsupportedFormat`], never misread.
//!
//! JSON with `#[serde(flatten)]` is the export format; it cannot be used here because
//! flatten needs a self-describing format.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::error::{Result, StoreError};
use super::record::{
    AlsoSeen, ArticleId, ArticleRecord, DiscoveredVia, PreviousVersion, Provenance, RawPage,
    RemovalEvidence, Simhash, Validators,
};
use super::roles::{ArticleVersion, Change, ChangeKind};
use crate::extract::article::Article;

/// Format of the database as a whole (layout of keys); stored under `META_FORMAT`.
/// Format 1 kept one index key per article and per queue entry; format 2 keeps those
/// indexes in memory, rebuilt from the catalog log (see `keys` and `catalog`); format 3
/// keeps the frontier as per-host lanes of segments and a seen-set (see `frontier`); format
/// 4 keeps the frontier's segments and seen-set chunks in files beside the database;
/// format 5 keeps replaced versions, the change log and the revisit schedule (see `watch`);
/// format 6 keeps raw pages in their own files beside the database (see `pages`).
pub const DB_FORMAT: u32 = 6;
/// The first layout version of every kind of value, and the only one of most.
pub const VALUE_FORMAT: u8 = 1;
/// Layout version of article records: 2 added the pages (URLs and their validators), 3
/// the removal mark.
pub const RECORD_FORMAT: u8 = 3;
/// Layout version of the counters: 2 added the catalog log and lease batch sequences, 3
/// the change log's.
pub const COUNTERS_FORMAT: u8 = 3;

const PLAIN: u8 = 0;
const ZSTD: u8 = 1;

/// Values larger than this are compressed. Small values (indexes, queue entries) are not
/// worth a zstd frame header.
const COMPRESS_ABOVE: usize = 256;
/// A decoded value is never larger than this: a corrupt length must not make us allocate
/// gigabytes.
const MAX_DECODED: usize = 512 * 1024 * 1024;

/// Compression level for values: compressing the record is one of the largest costs of
/// an upsert, so favour speed. On the benchmark's ~2.9 KB article records, level -1 takes
/// about 60 % of the CPU time of level 1 for records 28 % larger (1.98 KB instead of
/// 1.54 KB; negative levels leave literals uncompressed): the database stays well under
/// its size target (1.3× the records' JSON). Each step further down saves less and costs
/// more size (-3: 50 %, records 48 % larger). Any level decodes the same way, so the
/// level is not part of the format.
const ZSTD_LEVEL: i32 = -1;

/// zstd contexts are costly to set up (the compressor's tables are allocated per context),
/// so they are reused; but one per thread, as they were, kept one for every thread that
/// ever stored a value — tokio's blocking pool runs dozens — and a context that once
/// compressed at [`DENSE_LEVEL`] keeps tables sized for it: 16 MiB of an idle daemon's heap
/// (heaptrack, 200 sources). A few contexts shared by all threads serve as well: values are
/// compressed on at most a handful of threads at once (the store's writer and its helpers).
static COMPRESSORS: ContextPool<zstd::bulk::Compressor<'static>> = ContextPool::new();
static DECOMPRESSORS: ContextPool<zstd::bulk::Decompressor<'static>> = ContextPool::new();

/// Contexts kept for reuse; more in use at once are created and dropped after use.
const POOLED_CONTEXTS: usize = 8;

/// Idle zstd contexts, at most [`POOLED_CONTEXTS`].
struct ContextPool<C>(std::sync::Mutex<Vec<C>>);

impl<C> ContextPool<C> {
    const fn new() -> Self {
        ContextPool(std::sync::Mutex::new(Vec::new()))
    }

    /// Runs `f` with a pooled context (or a new one from `make`), then returns it to the
    /// pool. A context whose call failed is dropped, not reused.
    fn with<R>(
        &self,
        make: impl FnOnce() -> std::io::Result<C>,
        f: impl FnOnce(&mut C) -> std::io::Result<R>,
    ) -> std::io::Result<R> {
        let pooled = self.0.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut context = match pooled {
            Some(c) => c,
            None => make()?,
        };
        let result = f(&mut context)?;
        let mut idle = self.0.lock().unwrap_or_else(|p| p.into_inner());
        if idle.len() < POOLED_CONTEXTS {
            idle.push(context);
        }
        Ok(result)
    }
}

/// Capacity the encoding buffers keep between values. A record is a few KiB, a raw page
/// tens to hundreds; buffers that kept the largest page a thread had ever encoded held
/// 98 MiB over the blocking pool's threads in an idle daemon (heaptrack, 200 sources).
/// Growing again from here costs a page a copy or two, next to compressing it.
const SCRATCH_KEEP: usize = 64 * 1024;

thread_local! {
    /// Encoding buffers: the plain postcard bytes and the compressed frame.
    static SCRATCH: std::cell::RefCell<(Vec<u8>, Vec<u8>)> =
        const { std::cell::RefCell::new((Vec::new(), Vec::new())) };
}

/// Empties a scratch buffer, giving back what it holds beyond [`SCRATCH_KEEP`].
fn trim_scratch(buffer: &mut Vec<u8>) {
    buffer.clear();
    if buffer.capacity() > SCRATCH_KEEP {
        buffer.shrink_to(SCRATCH_KEEP);
    }
}

/// Compresses `plain` into `packed` (replacing what it held) at `level`.
fn compress(plain: &[u8], packed: &mut Vec<u8>, level: i32) -> std::io::Result<()> {
    COMPRESSORS.with(
        || zstd::bulk::Compressor::new(ZSTD_LEVEL),
        |compressor| {
            compressor.set_compression_level(level)?;
            packed.clear();
            packed.reserve(zstd::zstd_safe::compress_bound(plain.len()));
            compressor.compress_to_buffer(plain, packed).map(|_| ())
        },
    )
}

fn decompress(frame: &[u8], len: usize) -> std::io::Result<Vec<u8>> {
    DECOMPRESSORS.with(zstd::bulk::Decompressor::new, |decompressor| {
        decompressor.decompress(frame, len)
    })
}

/// Encodes `value` with layout version 1.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    encode_as(VALUE_FORMAT, value)
}

/// How hard [`encode_with`] compresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Packing {
    /// Compressed above a few hundred bytes, for speed (records, raw pages, indexes).
    Fast,
    /// Never compressed: a value rewritten often while it grows (a frontier segment's
    /// open tail).
    Plain,
    /// Compressed harder: a value written once and read a few times (a sealed frontier
    /// segment of URLs, which level -1 leaves mostly as literals).
    Dense,
}

/// Compression level of [`Packing::Dense`].
const DENSE_LEVEL: i32 = 3;

/// Encodes `value` as layout `version` of its kind.
pub fn encode_as<T: Serialize>(version: u8, value: &T) -> Result<Vec<u8>> {
    encode_with(version, value, Packing::Fast)
}

/// Encodes `value` as layout `version` of its kind, compressed as `packing` says.
pub fn encode_with<T: Serialize>(version: u8, value: &T, packing: Packing) -> Result<Vec<u8>> {
    SCRATCH.with(|cell| {
        // Reused buffers: a record is kilobytes, and growing fresh vectors to that size
        // copied it several times per upsert.
        let (plain, packed) = &mut *cell.borrow_mut();
        let encoded = encode_into(version, value, packing, plain, packed);
        trim_scratch(plain);
        trim_scratch(packed);
        encoded
    })
}

/// [`encode_with`] in the given scratch buffers.
fn encode_into<T: Serialize>(
    version: u8,
    value: &T,
    packing: Packing,
    plain: &mut Vec<u8>,
    packed: &mut Vec<u8>,
) -> Result<Vec<u8>> {
    plain.clear();
    *plain = postcard::to_extend(value, std::mem::take(plain))
        .map_err(|e| StoreError::InvalidInput(format!("cannot encode value: {e}")))?;
    if plain.len() <= COMPRESS_ABOVE || packing == Packing::Plain {
        let mut out = Vec::with_capacity(plain.len() + 2);
        out.extend_from_slice(&[version, PLAIN]);
        out.extend_from_slice(plain);
        return Ok(out);
    }
    let level = match packing {
        Packing::Dense => DENSE_LEVEL,
        _ => ZSTD_LEVEL,
    };
    compress(plain, packed, level).map_err(|e| StoreError::backend("compressing a value", e))?;
    let len = u32::try_from(plain.len())
        .map_err(|_| StoreError::InvalidInput("value larger than 4 GiB".into()))?;
    let mut out = Vec::with_capacity(packed.len() + 6);
    out.extend_from_slice(&[version, ZSTD]);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(packed);
    Ok(out)
}

/// Decodes a value that has only layout version 1.
pub fn decode<T: DeserializeOwned>(bytes: &[u8], what: &'static str, key: &[u8]) -> Result<T> {
    let envelope = Envelope::open(bytes, what, key, VALUE_FORMAT)?;
    envelope.decode()
}

/// A value's layout version and its plain (decompressed) postcard bytes.
struct Envelope<'a> {
    version: u8,
    plain: std::borrow::Cow<'a, [u8]>,
    what: &'static str,
    key: &'a [u8],
}

impl<'a> Envelope<'a> {
    /// Reads the header of a value whose kind has layout versions up to `newest`.
    fn open(
        bytes: &'a [u8],
        what: &'static str,
        key: &'a [u8],
        newest: u8,
    ) -> Result<Envelope<'a>> {
        let corrupt = |detail: String| StoreError::Corrupt {
            what,
            key: super::keys::display(key),
            detail,
        };
        let (&version, rest) = bytes
            .split_first()
            .ok_or_else(|| corrupt("empty value".into()))?;
        if version > newest {
            return Err(StoreError::UnsupportedFormat {
                what: format!("stored {what}"),
                found: u32::from(version),
                supported: u32::from(newest),
            });
        }
        if version == 0 {
            return Err(corrupt("format version 0".into()));
        }
        let (&encoding, payload) = rest
            .split_first()
            .ok_or_else(|| corrupt("missing encoding byte".into()))?;
        let plain = match encoding {
            PLAIN => std::borrow::Cow::Borrowed(payload),
            ZSTD => {
                let len_bytes: [u8; 4] = payload
                    .get(..4)
                    .and_then(|b| b.try_into().ok())
                    .ok_or_else(|| corrupt("truncated length".into()))?;
                let len = u32::from_le_bytes(len_bytes) as usize;
                if len > MAX_DECODED {
                    return Err(corrupt(format!("implausible length {len}")));
                }
                let decompressed =
                    decompress(&payload[4..], len).map_err(|e| corrupt(format!("zstd: {e}")))?;
                if decompressed.len() != len {
                    return Err(corrupt("length mismatch after decompression".into()));
                }
                std::borrow::Cow::Owned(decompressed)
            }
            other => return Err(corrupt(format!("unknown encoding {other}"))),
        };
        Ok(Envelope {
            version,
            plain,
            what,
            key,
        })
    }

    fn decode<T: DeserializeOwned>(&self) -> Result<T> {
        let corrupt = |detail: String| StoreError::Corrupt {
            what: self.what,
            key: super::keys::display(self.key),
            detail,
        };
        let (value, remainder) = postcard::take_from_bytes(&self.plain)
            .map_err(|e| corrupt(format!("postcard: {e}")))?;
        if !remainder.is_empty() {
            return Err(corrupt(format!("{} trailing bytes", remainder.len())));
        }
        Ok(value)
    }
}

fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

fn from_micros(us: i64) -> DateTime<Utc> {
    // Out-of-range values cannot come from `micros`; clamp rather than fail a whole export.
    DateTime::from_timestamp_micros(us).unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

pub fn via_code(via: DiscoveredVia) -> u8 {
    match via {
        DiscoveredVia::Seed => 0,
        DiscoveredVia::Link => 1,
        DiscoveredVia::Feed => 2,
        DiscoveredVia::Sitemap => 3,
        DiscoveredVia::Redirect => 4,
        DiscoveredVia::Revisit => 5,
    }
}

pub fn via_from_code(code: u8) -> Option<DiscoveredVia> {
    Some(match code {
        0 => DiscoveredVia::Seed,
        1 => DiscoveredVia::Link,
        2 => DiscoveredVia::Feed,
        3 => DiscoveredVia::Sitemap,
        4 => DiscoveredVia::Redirect,
        5 => DiscoveredVia::Revisit,
        _ => return None,
    })
}

fn sha_bytes(hex_text: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_text, &mut out).ok()?;
    Some(out)
}

/// An article record as stored, plus what only the store needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecord {
    pub record: ArticleRecord,
    /// Queue seq of this article's latest queue entry, pending or leased.
    pub queued: Option<u64>,
    /// The URLs that produced this article, each with the validators of its latest
    /// response: the page state that conditional GET and `304 Not Modified` look up.
    /// Empty for records written by format 1, whose page states stay under `u` keys.
    pub pages: Vec<Page>,
}

/// A URL that produced an article, and the validators its latest response carried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub url: String,
    pub validators: Validators,
}

/// Record layout 1 (database format 1), field for field. Layout 2 appends the pages.
#[derive(Serialize, Deserialize)]
struct RecordV1 {
    id: [u8; 8],
    seq: u64,
    // provenance
    url: String,
    final_url: String,
    source: String,
    discovered_from: Option<String>,
    discovered_via: u8,
    fetched_at: i64,
    http_status: u16,
    content_type: Option<String>,
    charset: Option<String>,
    etag: Option<String>,
    last_modified: Option<String>,
    raw_sha256: [u8; 32],
    extractor_version: String,
    crawler_version: String,
    // extraction
    title: Option<String>,
    author: Option<String>,
    published: Option<String>,
    modified: Option<String>,
    lang: Option<String>,
    site_name: Option<String>,
    description: Option<String>,
    canonical_url: Option<String>,
    categories: Vec<String>,
    image: Option<String>,
    text: String,
    // store
    text_sha256: [u8; 32],
    simhash: u64,
    first_seen: i64,
    last_seen: i64,
    version: u32,
    previous_versions: Vec<(u32, [u8; 32], i64)>,
    duplicate_of: Option<[u8; 8]>,
    also_seen_at: Vec<([u8; 8], String, String, i64)>,
    queued: Option<u64>,
}

/// Record layout 2: layout 1 followed by the pages (postcard writes a nested struct's
/// fields in place, so the first part is byte for byte a layout-1 record).
#[derive(Deserialize)]
struct RecordV2 {
    base: RecordV1,
    pages: Vec<(String, Option<String>, Option<String>)>,
}

/// Record layout 3: layout 2 followed by the removal mark (time, status, final URL).
#[derive(Deserialize)]
struct RecordV3 {
    base: RecordV1,
    pages: Vec<(String, Option<String>, Option<String>)>,
    removed: Option<(i64, u16, String)>,
}

/// [`RecordV3`] for writing, borrowing from the record instead of copying every string
/// (the text alone is kilobytes); serialises to the same bytes.
#[derive(Serialize)]
struct RecordV3Ref<'a> {
    id: [u8; 8],
    seq: u64,
    url: &'a str,
    final_url: &'a str,
    source: &'a str,
    discovered_from: Option<&'a str>,
    discovered_via: u8,
    fetched_at: i64,
    http_status: u16,
    content_type: Option<&'a str>,
    charset: Option<&'a str>,
    etag: Option<&'a str>,
    last_modified: Option<&'a str>,
    raw_sha256: [u8; 32],
    extractor_version: &'a str,
    crawler_version: &'a str,
    title: Option<&'a str>,
    author: Option<&'a str>,
    published: Option<&'a str>,
    modified: Option<&'a str>,
    lang: Option<&'a str>,
    site_name: Option<&'a str>,
    description: Option<&'a str>,
    canonical_url: Option<&'a str>,
    categories: &'a [String],
    image: Option<&'a str>,
    text: &'a str,
    text_sha256: [u8; 32],
    simhash: u64,
    first_seen: i64,
    last_seen: i64,
    version: u32,
    previous_versions: Vec<(u32, [u8; 32], i64)>,
    duplicate_of: Option<[u8; 8]>,
    also_seen_at: Vec<([u8; 8], &'a str, &'a str, i64)>,
    queued: Option<u64>,
    pages: Vec<(&'a str, Option<&'a str>, Option<&'a str>)>,
    removed: Option<(i64, u16, &'a str)>,
}

/// Checks what the binary format cannot represent, before anything is written.
pub fn validate_provenance(p: &Provenance) -> Result<()> {
    if p.final_url.is_empty() || p.source.is_empty() {
        return Err(StoreError::InvalidInput(format!(
            "article from {:?} lacks a final_url or a source",
            p.url
        )));
    }
    if sha_bytes(&p.raw_sha256).is_none() {
        return Err(StoreError::InvalidInput(format!(
            "raw_sha256 of {} is not 64 hex digits: {:?}",
            p.url, p.raw_sha256
        )));
    }
    Ok(())
}

pub fn encode_record(stored: &StoredRecord) -> Result<Vec<u8>> {
    let r = &stored.record;
    let p = &r.provenance;
    // Destructured without `..`: a field added to Article must be added to the format.
    let Article {
        title,
        author,
        published,
        modified,
        lang,
        site_name,
        description,
        canonical_url,
        categories,
        image,
        text,
    } = &r.article;
    let hash = |h: &str, what: &str| {
        sha_bytes(h).ok_or_else(|| {
            StoreError::InvalidInput(format!("{what} of {} is not 64 hex digits", r.id))
        })
    };
    let mut previous_versions = Vec::with_capacity(r.previous_versions.len());
    for v in &r.previous_versions {
        previous_versions.push((
            v.version,
            hash(&v.text_sha256, "previous text_sha256")?,
            micros(v.fetched_at),
        ));
    }
    let v3 = RecordV3Ref {
        id: r.id.to_bytes(),
        seq: r.seq,
        url: &p.url,
        final_url: &p.final_url,
        source: &p.source,
        discovered_from: p.discovered_from.as_deref(),
        discovered_via: via_code(p.discovered_via),
        fetched_at: micros(p.fetched_at),
        http_status: p.http_status,
        content_type: p.content_type.as_deref(),
        charset: p.charset.as_deref(),
        etag: p.etag.as_deref(),
        last_modified: p.last_modified.as_deref(),
        raw_sha256: hash(&p.raw_sha256, "raw_sha256")?,
        extractor_version: &p.extractor_version,
        crawler_version: &p.crawler_version,
        title: title.as_deref(),
        author: author.as_deref(),
        published: published.as_deref(),
        modified: modified.as_deref(),
        lang: lang.as_deref(),
        site_name: site_name.as_deref(),
        description: description.as_deref(),
        canonical_url: canonical_url.as_deref(),
        categories,
        image: image.as_deref(),
        text,
        text_sha256: hash(&r.text_sha256, "text_sha256")?,
        simhash: r.simhash.0,
        first_seen: micros(r.first_seen),
        last_seen: micros(r.last_seen),
        version: r.version,
        previous_versions,
        duplicate_of: r.duplicate_of.map(ArticleId::to_bytes),
        also_seen_at: r
            .also_seen_at
            .iter()
            .map(|a| {
                (
                    a.id.to_bytes(),
                    a.url.as_str(),
                    a.source.as_str(),
                    micros(a.seen_at),
                )
            })
            .collect(),
        queued: stored.queued,
        pages: stored
            .pages
            .iter()
            .map(|page| {
                (
                    page.url.as_str(),
                    page.validators.etag.as_deref(),
                    page.validators.last_modified.as_deref(),
                )
            })
            .collect(),
        removed: r.removed_at.map(|at| {
            let evidence = r.removal.as_ref();
            (
                micros(at),
                evidence.map_or(0, |e| e.status),
                evidence.map_or("", |e| e.final_url.as_str()),
            )
        }),
    };
    encode_as(RECORD_FORMAT, &v3)
}

/// Decodes a record of layout 1 (format 1, no pages), 2 or 3.
pub fn decode_record(bytes: &[u8], key: &[u8]) -> Result<StoredRecord> {
    let envelope = Envelope::open(bytes, "article record", key, RECORD_FORMAT)?;
    let (v, pages, removed) = match envelope.version {
        1 => (envelope.decode::<RecordV1>()?, Vec::new(), None),
        2 => {
            let v2: RecordV2 = envelope.decode()?;
            (v2.base, v2.pages, None)
        }
        _ => {
            let v3: RecordV3 = envelope.decode()?;
            (v3.base, v3.pages, v3.removed)
        }
    };
    let discovered_via = via_from_code(v.discovered_via).ok_or_else(|| StoreError::Corrupt {
        what: "article record",
        key: super::keys::display(key),
        detail: format!("unknown discovered_via code {}", v.discovered_via),
    })?;
    let record = ArticleRecord {
        id: ArticleId::from_bytes(v.id),
        seq: v.seq,
        provenance: Provenance {
            url: v.url,
            final_url: v.final_url,
            source: v.source,
            discovered_from: v.discovered_from,
            discovered_via,
            fetched_at: from_micros(v.fetched_at),
            http_status: v.http_status,
            content_type: v.content_type,
            charset: v.charset,
            etag: v.etag,
            last_modified: v.last_modified,
            raw_sha256: hex::encode(v.raw_sha256),
            extractor_version: v.extractor_version,
            crawler_version: v.crawler_version,
        },
        article: Article {
            title: v.title,
            author: v.author,
            published: v.published,
            modified: v.modified,
            lang: v.lang,
            site_name: v.site_name,
            description: v.description,
            canonical_url: v.canonical_url,
            categories: v.categories,
            image: v.image,
            text: v.text,
        },
        text_sha256: hex::encode(v.text_sha256),
        simhash: Simhash(v.simhash),
        first_seen: from_micros(v.first_seen),
        last_seen: from_micros(v.last_seen),
        version: v.version,
        previous_versions: v
            .previous_versions
            .into_iter()
            .map(|(version, sha, at)| PreviousVersion {
                version,
                text_sha256: hex::encode(sha),
                fetched_at: from_micros(at),
            })
            .collect(),
        duplicate_of: v.duplicate_of.map(ArticleId::from_bytes),
        also_seen_at: v
            .also_seen_at
            .into_iter()
            .map(|(id, url, source, at)| AlsoSeen {
                id: ArticleId::from_bytes(id),
                url,
                source,
                seen_at: from_micros(at),
            })
            .collect(),
        removed_at: removed.as_ref().map(|(at, _, _)| from_micros(*at)),
        removal: removed.map(|(_, status, final_url)| RemovalEvidence { status, final_url }),
    };
    Ok(StoredRecord {
        record,
        queued: v.queued,
        pages: pages
            .into_iter()
            .map(|(url, etag, last_modified)| Page {
                url,
                validators: Validators {
                    etag,
                    last_modified,
                },
            })
            .collect(),
    })
}

/// Running totals and sequence numbers, kept in one value updated in the same batch as the
/// data they count (layout 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub articles: u64,
    pub duplicates: u64,
    /// Queue entries waiting (including ones whose lease lapsed but were not reclaimed yet:
    /// those are counted in `leased` until the next pop).
    pub pending: u64,
    pub leased: u64,
    pub acked: u64,
    /// Last sequence numbers handed out (0 = none yet): records, queue entries, frontier
    /// entries, catalog log chunks, lease batches.
    pub last_seq: u64,
    pub last_qseq: u64,
    pub last_fseq: u64,
    pub last_chunk: u64,
    pub last_lease: u64,
    /// Last change log seq handed out.
    pub last_change: u64,
}

/// Layout 2 of [`Counters`] (database formats 2 and 3).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountersV2 {
    pub articles: u64,
    pub duplicates: u64,
    pub pending: u64,
    pub leased: u64,
    pub acked: u64,
    pub last_seq: u64,
    pub last_qseq: u64,
    pub last_fseq: u64,
    pub last_chunk: u64,
    pub last_lease: u64,
}

impl From<CountersV2> for Counters {
    fn from(v2: CountersV2) -> Counters {
        Counters {
            articles: v2.articles,
            duplicates: v2.duplicates,
            pending: v2.pending,
            leased: v2.leased,
            acked: v2.acked,
            last_seq: v2.last_seq,
            last_qseq: v2.last_qseq,
            last_fseq: v2.last_fseq,
            last_chunk: v2.last_chunk,
            last_lease: v2.last_lease,
            last_change: 0,
        }
    }
}

/// The counters of database format 1 (layout 1 of [`Counters`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountersV1 {
    pub articles: u64,
    pub duplicates: u64,
    pub pending: u64,
    pub leased: u64,
    pub acked: u64,
    pub last_seq: u64,
    pub last_qseq: u64,
    pub last_fseq: u64,
}

impl From<CountersV1> for Counters {
    fn from(v1: CountersV1) -> Counters {
        Counters {
            articles: v1.articles,
            duplicates: v1.duplicates,
            pending: v1.pending,
            leased: v1.leased,
            acked: v1.acked,
            last_seq: v1.last_seq,
            last_qseq: v1.last_qseq,
            last_fseq: v1.last_fseq,
            last_chunk: 0,
            last_lease: 0,
            last_change: 0,
        }
    }
}

pub fn encode_counters(counters: &Counters) -> Result<Vec<u8>> {
    encode_as(COUNTERS_FORMAT, counters)
}

/// Decodes counters of layout 1, 2 or 3.
pub fn decode_counters(bytes: &[u8], key: &[u8]) -> Result<Counters> {
    let envelope = Envelope::open(bytes, "counters", key, COUNTERS_FORMAT)?;
    match envelope.version {
        1 => Ok(envelope.decode::<CountersV1>()?.into()),
        2 => Ok(envelope.decode::<CountersV2>()?.into()),
        _ => envelope.decode(),
    }
}

/// A version a later one replaced (`v` keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionV1 {
    pub version: u32,
    pub fetched_at: i64,
    pub title: Option<String>,
    pub text: String,
    pub text_sha256: [u8; 32],
    pub final_url: String,
    pub http_status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub raw_sha256: [u8; 32],
    pub extractor_version: String,
}

/// The version a record holds now, as it is kept once a later one replaces it.
pub fn encode_version(record: &ArticleRecord) -> Result<Vec<u8>> {
    let p = &record.provenance;
    let hash = |h: &str, what: &str| {
        sha_bytes(h).ok_or_else(|| {
            StoreError::InvalidInput(format!("{what} of {} is not 64 hex digits", record.id))
        })
    };
    encode(&VersionV1 {
        version: record.version,
        fetched_at: micros(p.fetched_at),
        title: record.article.title.clone(),
        text: record.article.text.clone(),
        text_sha256: hash(&record.text_sha256, "text_sha256")?,
        final_url: p.final_url.clone(),
        http_status: p.http_status,
        etag: p.etag.clone(),
        last_modified: p.last_modified.clone(),
        raw_sha256: hash(&p.raw_sha256, "raw_sha256")?,
        extractor_version: p.extractor_version.clone(),
    })
}

pub fn decode_version(bytes: &[u8], key: &[u8]) -> Result<ArticleVersion> {
    let v: VersionV1 = decode(bytes, "article version", key)?;
    Ok(ArticleVersion {
        version: v.version,
        fetched_at: from_micros(v.fetched_at),
        title: v.title,
        text: Some(v.text),
        text_sha256: hex::encode(v.text_sha256),
        final_url: Some(v.final_url),
        http_status: Some(v.http_status),
        etag: v.etag,
        last_modified: v.last_modified,
        raw_sha256: Some(hex::encode(v.raw_sha256)),
        extractor_version: Some(v.extractor_version),
        revisits: Vec::new(),
    })
}

/// The current version of a record, as [`ArticleVersion`].
pub fn current_version(record: &ArticleRecord) -> ArticleVersion {
    let p = &record.provenance;
    ArticleVersion {
        version: record.version,
        fetched_at: p.fetched_at,
        title: record.article.title.clone(),
        text: Some(record.article.text.clone()),
        text_sha256: record.text_sha256.clone(),
        final_url: Some(p.final_url.clone()),
        http_status: Some(p.http_status),
        etag: p.etag.clone(),
        last_modified: p.last_modified.clone(),
        raw_sha256: Some(p.raw_sha256.clone()),
        extractor_version: Some(p.extractor_version.clone()),
        revisits: Vec::new(),
    }
}

/// A change log entry (`c` keys; the seq is the key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct ChangeV1 {
    id: [u8; 8],
    url: String,
    source: String,
    /// 0 edited, 1 removed, 2 restored.
    kind: u8,
    at: i64,
    version: u32,
    evidence: Option<(u16, String)>,
}

pub fn encode_change(change: &Change) -> Result<Vec<u8>> {
    encode(&ChangeV1 {
        id: change.id.to_bytes(),
        url: change.url.clone(),
        source: change.source.clone(),
        kind: match change.kind {
            ChangeKind::Edited => 0,
            ChangeKind::Removed => 1,
            ChangeKind::Restored => 2,
        },
        at: micros(change.at),
        version: change.version,
        evidence: change
            .evidence
            .as_ref()
            .map(|e| (e.status, e.final_url.clone())),
    })
}

pub fn decode_change(seq: u64, bytes: &[u8], key: &[u8]) -> Result<Change> {
    let v: ChangeV1 = decode(bytes, "change", key)?;
    let kind = match v.kind {
        0 => ChangeKind::Edited,
        1 => ChangeKind::Removed,
        2 => ChangeKind::Restored,
        other => {
            return Err(StoreError::Corrupt {
                what: "change",
                key: super::keys::display(key),
                detail: format!("unknown change kind {other}"),
            });
        }
    };
    Ok(Change {
        seq,
        id: ArticleId::from_bytes(v.id),
        url: v.url,
        source: v.source,
        kind,
        at: from_micros(v.at),
        version: v.version,
        evidence: v
            .evidence
            .map(|(status, final_url)| RemovalEvidence { status, final_url }),
    })
}

/// A revisit that found an article unchanged (`k` keys; the time is in the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisitCheckV1 {
    pub status: u16,
    /// The version it found.
    pub version: u32,
}

/// A watched article's next revisit (`W` keys; the due time and article are the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchDueV1 {
    /// Index in the source's ladder.
    pub rung: u32,
    /// Earlier attempts at this rung that got no answer worth judging.
    pub attempts: u32,
}

/// A revisit handed to a crawl's frontier (`w` keys; the source and URL are the key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchQueuedV1 {
    pub id: [u8; 8],
    pub rung: u32,
    pub attempts: u32,
    pub queued_at: i64,
}

/// Microseconds since the epoch, as stored.
pub fn to_micros(t: DateTime<Utc>) -> i64 {
    micros(t)
}

pub fn at_micros(us: i64) -> DateTime<Utc> {
    from_micros(us)
}

/// Per-URL state: which article the URL produced and its conditional-GET validators.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageStateV1 {
    pub article: Option<[u8; 8]>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A queue entry waiting for delivery (format 1: one key per entry).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItemV1 {
    pub article: [u8; 8],
}

/// A delivered, not yet acknowledged queue entry (format 1: one key per lease).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseV1 {
    pub article: [u8; 8],
    pub nonce: u64,
    pub expires_ms: u64,
}

/// Queue entries waiting for delivery with consecutive queue seqs, the first of which is
/// in the key: entry `i` has queue seq `key + i`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRunV1 {
    pub articles: Vec<[u8; 8]>,
}

/// The entries one `pop` leased and that are not acknowledged yet, all with one expiry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaseBatchV1 {
    pub expires_ms: u64,
    /// (queue seq, nonce of the delivery token, article).
    pub entries: Vec<(u64, u64, [u8; 8])>,
}

/// A near-duplicate index entry in a catalog chunk: (simhash, rank), `None` to remove.
pub type NearEntryV1 = Option<(u64, i64)>;

/// One chunk of the catalog log: what some commits changed in the in-memory catalog,
/// each key at most once, later values replacing earlier ones (`None` removes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogChunkV1 {
    /// Article id → seq of its record.
    pub seqs: Vec<([u8; 8], u64)>,
    /// First 8 bytes of a text SHA-256 → the original that owns that text.
    pub texts: Vec<([u8; 8], Option<[u8; 8]>)>,
    /// URL key (`ArticleId::for_url`) → the article the URL produced, where they differ.
    pub urls: Vec<([u8; 8], Option<[u8; 8]>)>,
    /// Original → its simhash and rank in the near-duplicate index.
    pub near: Vec<([u8; 8], NearEntryV1)>,
}

/// Whether a URL is known to a source's current crawl cycle, and done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierMarkV1 {
    pub fseq: u64,
    pub done: bool,
}

/// A pending URL of database format 2 (`p` keys), read only to migrate it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierEntryV1 {
    pub url: String,
    pub depth: u32,
    pub discovered_from: Option<String>,
    pub discovered_via: u8,
    pub source: String,
}

#[cfg(test)]
pub fn encode_frontier_entry_v1(e: &FrontierEntryV1) -> Result<Vec<u8>> {
    encode(e)
}

pub fn decode_frontier_entry_v1(bytes: &[u8], key: &[u8]) -> Result<FrontierEntryV1> {
    decode(bytes, "frontier entry", key)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct RawPageV1 {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// [`RawPageV1`] as written: borrowed, so a page is not copied before it is encoded
/// (serde writes a slice as it writes a `Vec`, so the bytes are the same).
#[derive(Serialize)]
struct RawPageV1Ref<'a> {
    headers: &'a [(String, String)],
    body: &'a [u8],
}

pub fn encode_raw(raw: &RawPage) -> Result<Vec<u8>> {
    encode(&RawPageV1Ref {
        headers: &raw.headers,
        body: &raw.body,
    })
}

pub fn decode_raw(bytes: &[u8], key: &[u8]) -> Result<RawPage> {
    let v: RawPageV1 = decode(bytes, "raw page", key)?;
    Ok(RawPage {
        headers: v.headers,
        body: v.body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_value_leaves_no_large_scratch_behind() {
        // A 2 MiB page, half incompressible: both buffers grow past the bound while
        // encoding it.
        let mut x = 1u64;
        let body: Vec<u8> = (0..2 << 20)
            .map(|i| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                if i % 2 == 0 { x as u8 } else { b'a' }
            })
            .collect();
        let raw = RawPage {
            headers: vec![("content-type".into(), "text/html".into())],
            body,
        };
        let bytes = encode_raw(&raw).expect("encodes");
        assert_eq!(decode_raw(&bytes, b"k").expect("decodes").body, raw.body);
        SCRATCH.with(|cell| {
            let (plain, packed) = &*cell.borrow();
            assert!(plain.capacity() <= SCRATCH_KEEP, "{}", plain.capacity());
            assert!(packed.capacity() <= SCRATCH_KEEP, "{}", packed.capacity());
        });
        // The next small value is encoded as before.
        let small = QueueItemV1 { article: [3; 8] };
        let bytes = encode(&small).expect("encodes");
        assert_eq!(
            decode::<QueueItemV1>(&bytes, "q", b"k").expect("decodes"),
            small
        );
    }

    #[test]
    fn many_threads_share_a_bounded_number_of_zstd_contexts() {
        let text: String = (0..4000).map(|i| format!("word{} ", i % 97)).collect();
        let raw = RawPageV1 {
            headers: Vec::new(),
            body: text.into_bytes(),
        };
        std::thread::scope(|scope| {
            for _ in 0..24 {
                scope.spawn(|| {
                    for _ in 0..20 {
                        let bytes =
                            encode_with(VALUE_FORMAT, &raw, Packing::Dense).expect("encodes");
                        assert_eq!(bytes[1], ZSTD);
                        assert_eq!(decode_raw(&bytes, b"k").expect("decodes").body, raw.body);
                    }
                });
            }
        });
        fn idle<C>(pool: &ContextPool<C>) -> usize {
            pool.0.lock().map_or(0, |v| v.len())
        }
        assert!((1..=POOLED_CONTEXTS).contains(&idle(&COMPRESSORS)));
        assert!((1..=POOLED_CONTEXTS).contains(&idle(&DECOMPRESSORS)));
    }

    #[test]
    fn small_and_large_values_round_trip() {
        let small = QueueItemV1 { article: [7; 8] };
        let bytes = encode(&small).expect("encodes");
        assert_eq!(bytes[..2], [VALUE_FORMAT, PLAIN]);
        assert_eq!(
            decode::<QueueItemV1>(&bytes, "q", b"k").expect("decodes"),
            small
        );

        let raw = RawPage {
            headers: vec![("Content-Type".into(), "text/html".into())],
            body: "<p>hello</p>".repeat(1000).into_bytes(),
        };
        let bytes = encode_raw(&raw).expect("encodes");
        assert_eq!(bytes[..2], [VALUE_FORMAT, ZSTD]);
        assert!(bytes.len() < raw.body.len() / 10, "compressed");
        assert_eq!(decode_raw(&bytes, b"k").expect("decodes"), raw);
        // The borrowed form writes exactly what the stored layout is.
        let owned = RawPageV1 {
            headers: raw.headers.clone(),
            body: raw.body.clone(),
        };
        assert_eq!(encode(&owned).expect("encodes"), bytes);
    }

    #[test]
    fn newer_format_is_refused_not_misread() {
        let mut bytes = encode(&QueueItemV1 { article: [1; 8] }).expect("encodes");
        bytes[0] = VALUE_FORMAT + 1;
        match decode::<QueueItemV1>(&bytes, "queue entry", b"q") {
            Err(StoreError::UnsupportedFormat { found, .. }) => {
                assert_eq!(found, u32::from(VALUE_FORMAT) + 1)
            }
            other => panic!("expected UnsupportedFormat, got {other:?}"),
        }
    }

    #[test]
    fn garbage_is_reported_as_corrupt() {
        for bad in [
            &b""[..],
            &[1],
            &[1, 9, 0],
            &[1, 1, 255, 255, 255, 255, 0],
            &[1, 0],
        ] {
            match decode::<LeaseV1>(bad, "lease", b"l") {
                Err(StoreError::Corrupt { .. }) => {}
                other => panic!("{bad:?}: expected Corrupt, got {other:?}"),
            }
        }
    }
}
