//! The store's rules for articles, as plain functions: what an upsert, a new version, a
//! duplicate or a re-extraction does to a record.
//!
//! Every backend runs them inside its own transaction: the embedded engine (`records.rs`)
//! over its catalog and sled batch, PostgreSQL (`postgres/sink.rs`) over rows it has locked.
//! A backend only finds records (by id, by text hash, by simhash) and writes what these
//! functions decided; the decisions themselves are written once, here, and tested here.

use chrono::{DateTime, Utc};

use super::catalog::text_key;
use super::codec;
use super::dedup::{self, NearMatch};
use super::error::{Result, StoreError};
use super::record::{
    AlsoSeen, ArticleId, ArticleRecord, MAX_ALSO_SEEN, MAX_PREVIOUS_VERSIONS, NewArticle,
    PreviousVersion, Provenance, PutOutcome, Simhash, Validators,
};
use super::roles::{ArticleVersion, RevisitCheck};
use crate::extract::article::Article;

/// Hashes of a text, computed once per upsert (before any lock is taken).
#[derive(Debug, Clone)]
pub(crate) struct TextHashes {
    pub sha256_hex: String,
    /// The first 64 bits of the SHA-256 (the embedded catalog's text key).
    pub text_key: u64,
    pub simhash: Simhash,
    pub words: usize,
}

impl TextHashes {
    pub fn of(text: &str) -> TextHashes {
        let (sha256, simhash, words) = dedup::fingerprint(text);
        TextHashes {
            sha256_hex: hex::encode(sha256),
            text_key: text_key(&sha256),
            simhash,
            words,
        }
    }

    /// Whether the text is long enough to take part in near-duplicate detection (as an
    /// original to be found, and as a text looking for one).
    pub fn near_eligible(&self) -> bool {
        self.words >= dedup::MIN_WORDS_FOR_NEAR
    }
}

/// Refuses what must never be stored; checked for a whole batch before any of it is.
pub(crate) fn validate(new: &NewArticle) -> Result<()> {
    codec::validate_provenance(&new.provenance)?;
    if new.article.text.trim().is_empty() {
        // Every empty text would be an "exact duplicate" of every other; a page without
        // text is not an article and must not be stored.
        return Err(StoreError::InvalidInput(format!(
            "article from {} has no text",
            new.provenance.final_url
        )));
    }
    Ok(())
}

/// The id a new article is stored under.
pub(crate) fn article_id(new: &NewArticle) -> ArticleId {
    ArticleId::derive(
        new.article.canonical_url.as_deref(),
        &new.provenance.final_url,
    )
}

/// The URLs whose page state a fetch updates: the URL as discovered and, after redirects,
/// the one that answered.
pub(crate) fn page_urls(provenance: &Provenance) -> Vec<String> {
    let mut urls = vec![provenance.url.clone()];
    if provenance.final_url != provenance.url {
        urls.push(provenance.final_url.clone());
    }
    urls.retain(|u| !u.is_empty());
    urls
}

/// The validators a fetch leaves for its pages.
pub(crate) fn validators_of(provenance: &Provenance) -> Validators {
    Validators {
        etag: provenance.etag.clone(),
        last_modified: provenance.last_modified.clone(),
    }
}

/// Whether a stored record has the text with `hashes` (a fetch of it changed nothing
/// but when and where it was seen).
pub(crate) fn same_text(record: &ArticleRecord, hashes: &TextHashes) -> bool {
    record.text_sha256 == hashes.sha256_hex
}

/// A known article fetched again with the same text: seen now, and, when reached from
/// another URL or source, that sighting is noted. Store order and version stay.
pub(crate) fn seen_again(record: &mut ArticleRecord, provenance: &Provenance) {
    let id = record.id;
    record.last_seen = record.last_seen.max(provenance.fetched_at);
    let same_place = record.provenance.source == provenance.source
        && (record.provenance.final_url == provenance.final_url
            || record.provenance.url == provenance.url);
    if !same_place {
        note_sighting(
            record,
            id,
            &provenance.final_url,
            &provenance.source,
            provenance.fetched_at,
        );
    }
}

/// A known article whose text changed: the old text becomes a previous version and the
/// record takes the new fetch. Its text hashes are set by [`settle_text`].
pub(crate) fn new_version(record: &mut ArticleRecord, provenance: Provenance, article: Article) {
    push_previous(record);
    record.version = record.version.saturating_add(1);
    record.last_seen = record.last_seen.max(provenance.fetched_at);
    record.provenance = provenance;
    record.article = article;
    // Found again with a text: whatever removal was recorded is over.
    record.removed_at = None;
    record.removal = None;
}

/// The record of an article seen for the first time (version 1, not yet in store order:
/// `seq` 0). Its text hashes are set by [`settle_text`].
pub(crate) fn new_record(id: ArticleId, provenance: Provenance, article: Article) -> ArticleRecord {
    let fetched_at = provenance.fetched_at;
    ArticleRecord {
        id,
        seq: 0,
        provenance,
        article,
        text_sha256: String::new(),
        simhash: Simhash::default(),
        first_seen: fetched_at,
        last_seen: fetched_at,
        version: 1,
        previous_versions: Vec::new(),
        duplicate_of: None,
        also_seen_at: Vec::new(),
        removed_at: None,
        removal: None,
    }
}

/// Whether `candidate`, found by the text hash, is the original of a text with `hashes`:
/// an original (not itself a duplicate) with exactly this text (an index may key texts by
/// part of their hash), and not the article itself.
pub(crate) fn is_exact_original(
    candidate: &ArticleRecord,
    id: ArticleId,
    hashes: &TextHashes,
) -> bool {
    candidate.id != id
        && candidate.duplicate_of.is_none()
        && candidate.text_sha256 == hashes.sha256_hex
}

/// The best near-duplicate original among `candidates` (`(id, simhash, first_seen)` of
/// originals long enough for near detection): within `max_distance` of `hash`, not `id`
/// itself; the closest, then the earliest seen, then the lowest id, so that the choice
/// never depends on the order an index returns them in.
pub(crate) fn nearest_original(
    hash: Simhash,
    id: ArticleId,
    max_distance: u32,
    candidates: impl IntoIterator<Item = (ArticleId, Simhash, DateTime<Utc>)>,
) -> Option<ArticleId> {
    candidates
        .into_iter()
        .filter(|&(candidate, _, _)| candidate != id)
        .filter_map(|(candidate, simhash, first_seen)| {
            let distance = hash.distance(simhash);
            (distance <= max_distance).then_some(NearMatch {
                distance,
                rank: near_rank(first_seen),
                id: candidate,
            })
        })
        .min()
        .map(|m| m.id)
}

/// The tie-break rank of a near-duplicate original: its first sighting, µs since the epoch.
pub(crate) fn near_rank(first_seen: DateTime<Utc>) -> i64 {
    first_seen.timestamp_micros()
}

/// What giving a record its (new) text decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Settled {
    /// `Updated` (the caller reports `New` for a new record) or `Duplicate`.
    pub outcome: PutOutcome,
    /// Change to the count of duplicates: the record became one (+1), stopped being one
    /// (-1), or neither (0).
    pub duplicates: i64,
    /// The record is an original now: its text (and, when eligible, its simhash) must be
    /// indexed for dedup.
    pub original: bool,
}

/// Gives `record` the text with `hashes` and decides, given the original found for it (if
/// any), whether it is a duplicate. A duplicate points to its original, which notes where
/// else the story was seen. The caller writes both records, moves `record` to the end of
/// store order and queues it when [`queueable`].
pub(crate) fn settle_text(
    record: &mut ArticleRecord,
    hashes: &TextHashes,
    original: Option<&mut ArticleRecord>,
) -> Settled {
    let id = record.id;
    let was_duplicate = record.duplicate_of.is_some();
    record.text_sha256 = hashes.sha256_hex.clone();
    record.simhash = hashes.simhash;
    match original {
        Some(orig) => {
            record.duplicate_of = Some(orig.id);
            let p = &record.provenance;
            note_sighting(orig, id, &p.final_url, &p.source, p.fetched_at);
            Settled {
                outcome: PutOutcome::Duplicate { id, of: orig.id },
                duplicates: if was_duplicate { 0 } else { 1 },
                original: false,
            }
        }
        None => {
            record.duplicate_of = None;
            Settled {
                outcome: PutOutcome::Updated {
                    id,
                    version: record.version,
                },
                duplicates: if was_duplicate { -1 } else { 0 },
                original: true,
            }
        }
    }
}

/// The outcome reported for a record that did not exist before.
pub(crate) fn first_outcome(settled: PutOutcome) -> PutOutcome {
    match settled {
        PutOutcome::Updated { id, .. } => PutOutcome::New { id },
        other => other,
    }
}

/// Whether a record is delivered to queue consumers.
pub(crate) fn queueable(record: &ArticleRecord, queue_duplicates: bool) -> bool {
    record.duplicate_of.is_none() || queue_duplicates
}

/// What a re-extraction of a stored page changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reextraction {
    /// The text changed: a new version (applied to the record), to be settled with
    /// [`settle_text`] like a fetched change.
    NewText,
    /// Same text, other metadata (applied): same version, moved to the end of store order
    /// and queued again.
    Metadata,
    /// Nothing but perhaps the extractor version changed; `write` when it did.
    Unchanged { write: bool },
}

/// Applies a re-extraction's `article` (with text `hashes`) by `extractor_version` to
/// `record` and says what kind of change it was.
pub(crate) fn reextract(
    record: &mut ArticleRecord,
    article: Article,
    extractor_version: &str,
    hashes: &TextHashes,
) -> Reextraction {
    if hashes.sha256_hex != record.text_sha256 {
        push_previous(record);
        record.version = record.version.saturating_add(1);
        record.article = article;
        record.provenance.extractor_version = extractor_version.to_string();
        Reextraction::NewText
    } else if record.article != article {
        record.article = article;
        record.provenance.extractor_version = extractor_version.to_string();
        Reextraction::Metadata
    } else if record.provenance.extractor_version != extractor_version {
        record.provenance.extractor_version = extractor_version.to_string();
        Reextraction::Unchanged { write: true }
    } else {
        Reextraction::Unchanged { write: false }
    }
}

/// A 304 at `seen_at` for a page of `record`: whether `last_seen` moved (and the record
/// must be written).
pub(crate) fn not_modified(record: &mut ArticleRecord, seen_at: DateTime<Utc>) -> bool {
    if seen_at > record.last_seen {
        record.last_seen = seen_at;
        return true;
    }
    false
}

fn push_previous(record: &mut ArticleRecord) {
    record.previous_versions.push(PreviousVersion {
        version: record.version,
        text_sha256: record.text_sha256.clone(),
        fetched_at: record.provenance.fetched_at,
    });
    if record.previous_versions.len() > MAX_PREVIOUS_VERSIONS {
        let excess = record.previous_versions.len() - MAX_PREVIOUS_VERSIONS;
        record.previous_versions.drain(..excess);
    }
}

/// Adds a sighting to `also_seen_at` unless that URL and source are already listed.
fn note_sighting(
    record: &mut ArticleRecord,
    id: ArticleId,
    url: &str,
    source: &str,
    seen_at: DateTime<Utc>,
) {
    let known = record
        .also_seen_at
        .iter()
        .any(|s| s.url == url && s.source == source);
    if !known && record.also_seen_at.len() < MAX_ALSO_SEEN {
        record.also_seen_at.push(AlsoSeen {
            id,
            url: url.to_string(),
            source: source.to_string(),
            seen_at,
        });
    }
}

/// What a revisit of `watched` saw, as [`watch::verdict`](super::watch::verdict) needs it,
/// with the evidence should it be a removal: the final URL, the status, and whether the
/// article was found at another URL it moved to. `hashes` are of the page's article text.
/// One rule for every backend.
pub(crate) fn revisit_seen(
    answer: &super::roles::RevisitAnswer,
    hashes: Option<&TextHashes>,
    watched: &ArticleRecord,
    max_distance: u32,
) -> (super::watch::Seen, Option<String>, u16, bool) {
    use super::roles::RevisitAnswer;
    use super::watch::Seen;
    match answer {
        RevisitAnswer::Page {
            status,
            final_url,
            article,
            ..
        } => {
            let (seen, moved) = match (article, hashes) {
                (Some(article), Some(hashes)) => {
                    if article_id(article) == watched.id {
                        let text_changed = !same_text(watched, hashes);
                        (Seen::ThisArticle { text_changed }, false)
                    } else if same_text(watched, hashes)
                        || (hashes.near_eligible()
                            && hashes.simhash.distance(watched.simhash) <= max_distance)
                    {
                        // The same text at the URL it moved to.
                        (
                            Seen::ThisArticle {
                                text_changed: false,
                            },
                            true,
                        )
                    } else {
                        (Seen::OtherPage, false)
                    }
                }
                _ => (Seen::OtherPage, false),
            };
            (seen, Some(final_url.clone()), *status, moved)
        }
        RevisitAnswer::NotModified { final_url } => {
            (Seen::NotModified, Some(final_url.clone()), 304, false)
        }
        RevisitAnswer::Status { status, final_url } => (
            Seen::Status(*status),
            Some(final_url.clone()),
            *status,
            false,
        ),
        RevisitAnswer::Failed { .. } => (Seen::Failed, None, 0, false),
        RevisitAnswer::Unchecked { .. } => (Seen::Unchecked, None, 0, false),
    }
}

/// An article's version history as a backend answers it: the versions it kept (`kept`, in
/// any order), the ones replaced before versions were kept (known by their hash alone, from
/// `record.previous_versions`), then the current one; oldest first, each with the revisit
/// checks (`(version, check)`, in the order they were made) that found it unchanged.
/// One rule for every backend.
pub(crate) fn version_history(
    record: &ArticleRecord,
    mut kept: Vec<ArticleVersion>,
    checks: impl IntoIterator<Item = (u32, RevisitCheck)>,
) -> Vec<ArticleVersion> {
    for earlier in &record.previous_versions {
        if !kept.iter().any(|v| v.version == earlier.version) {
            kept.push(ArticleVersion {
                version: earlier.version,
                fetched_at: earlier.fetched_at,
                title: None,
                text: None,
                text_sha256: earlier.text_sha256.clone(),
                final_url: None,
                http_status: None,
                etag: None,
                last_modified: None,
                raw_sha256: None,
                extractor_version: None,
                revisits: Vec::new(),
            });
        }
    }
    kept.retain(|v| v.version < record.version);
    kept.push(codec::current_version(record));
    kept.sort_by_key(|v| v.version);
    for (version, check) in checks {
        if let Some(v) = kept.iter_mut().find(|v| v.version == version) {
            v.revisits.push(check);
        }
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::DiscoveredVia;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000 + secs, 0).unwrap_or_default()
    }

    fn provenance(url: &str, source: &str, when: i64) -> Provenance {
        Provenance {
            url: url.into(),
            final_url: url.into(),
            source: source.into(),
            discovered_from: None,
            discovered_via: DiscoveredVia::Link,
            fetched_at: at(when),
            http_status: 200,
            content_type: None,
            charset: None,
            etag: None,
            last_modified: None,
            raw_sha256: "00".repeat(32),
            extractor_version: "x/1".into(),
            crawler_version: "c/1".into(),
        }
    }

    fn article(text: &str) -> Article {
        Article {
            text: text.into(),
            ..Article::default()
        }
    }

    fn record(url: &str, text: &str, when: i64) -> ArticleRecord {
        let mut r = new_record(
            ArticleId::for_url(url),
            provenance(url, "s", when),
            article(text),
        );
        settle_text(&mut r, &TextHashes::of(text), None);
        r
    }

    #[test]
    fn seen_again_notes_other_places_only() {
        let mut r = record("https://a.test/1", "one two", 0);
        seen_again(&mut r, &provenance("https://a.test/1", "s", 50));
        assert_eq!((r.last_seen, r.also_seen_at.len()), (at(50), 0));
        // An earlier fetch arriving late never moves last_seen back.
        seen_again(&mut r, &provenance("https://a.test/1", "s", 10));
        assert_eq!(r.last_seen, at(50));
        // Another source, another URL: noted once.
        for _ in 0..2 {
            seen_again(&mut r, &provenance("https://b.test/x", "b", 60));
        }
        assert_eq!(r.also_seen_at.len(), 1);
        assert_eq!(r.also_seen_at[0].id, r.id, "the same article, elsewhere");
        assert_eq!(r.version, 1);
    }

    #[test]
    fn a_new_version_keeps_the_old_hash_and_a_bounded_history() {
        let mut r = record("https://a.test/1", "first text", 0);
        for v in 1..=(MAX_PREVIOUS_VERSIONS as i64 + 5) {
            let text = format!("text number {v}");
            new_version(
                &mut r,
                provenance("https://a.test/1", "s", v),
                article(&text),
            );
            settle_text(&mut r, &TextHashes::of(&text), None);
        }
        assert_eq!(r.version, MAX_PREVIOUS_VERSIONS as u32 + 6);
        assert_eq!(r.previous_versions.len(), MAX_PREVIOUS_VERSIONS);
        assert_eq!(
            r.previous_versions.last().map(|p| p.version),
            Some(r.version - 1)
        );
        assert_eq!(r.first_seen, at(0));
    }

    #[test]
    fn version_history_fills_in_hash_only_versions_orders_them_and_attaches_checks() {
        // Versions 1..=3 replaced, then the current 4; only version 2 was kept in full
        // (1 and 3 are known by their hash), plus a stale copy of the current one.
        let mut r = record("https://a.test/1", "text 1", 0);
        for v in 2..=4 {
            let text = format!("text {v}");
            new_version(
                &mut r,
                provenance("https://a.test/1", "s", v),
                article(&text),
            );
            settle_text(&mut r, &TextHashes::of(&text), None);
        }
        let mut kept_two = codec::current_version(&r);
        kept_two.version = 2;
        kept_two.title = Some("kept in full".into());
        let stale_current = codec::current_version(&r);
        let check = |secs, status| RevisitCheck {
            at: at(secs),
            status,
        };
        let history = version_history(
            &r,
            vec![stale_current, kept_two],
            [
                (2, check(10, 304)),
                (9, check(11, 200)),
                (4, check(12, 200)),
                (2, check(13, 304)),
            ],
        );
        let rows: Vec<(u32, bool, usize)> = history
            .iter()
            .map(|v| (v.version, v.title.is_some(), v.revisits.len()))
            .collect();
        assert_eq!(
            rows,
            [(1, false, 0), (2, true, 2), (3, false, 0), (4, false, 1)]
        );
        assert_eq!(
            history[1].revisits.iter().map(|c| c.at).collect::<Vec<_>>(),
            [at(10), at(13)],
            "checks keep the order they were made in"
        );
        assert_eq!(history[0].text_sha256, r.previous_versions[0].text_sha256);
        assert_eq!(
            history.last().map(|v| v.text.clone()),
            Some(Some("text 4".into()))
        );
    }

    #[test]
    fn settling_marks_duplicates_and_counts_transitions() {
        let mut orig = record("https://a.test/orig", "the story", 0);
        let hashes = TextHashes::of("the story");
        let mut dup = new_record(
            ArticleId::for_url("https://b.test/copy"),
            provenance("https://b.test/copy", "b", 5),
            article("the story"),
        );
        let s = settle_text(&mut dup, &hashes, Some(&mut orig));
        assert_eq!(
            (s.outcome, s.duplicates, s.original),
            (
                PutOutcome::Duplicate {
                    id: dup.id,
                    of: orig.id
                },
                1,
                false
            )
        );
        assert_eq!(orig.also_seen_at[0].id, dup.id);
        assert!(!queueable(&dup, false) && queueable(&dup, true));
        // Its text changes to something new: an original again.
        let s = settle_text(&mut dup, &TextHashes::of("another story"), None);
        assert_eq!((s.duplicates, s.original), (-1, true));
        assert!(matches!(s.outcome, PutOutcome::Updated { version: 1, .. }));
        assert_eq!(first_outcome(s.outcome), PutOutcome::New { id: dup.id });
        assert!(is_exact_original(&orig, dup.id, &hashes));
        assert!(!is_exact_original(&orig, orig.id, &hashes), "never itself");
    }

    #[test]
    fn the_nearest_original_is_closest_then_earliest_then_lowest_id() {
        let me = ArticleId::for_url("me");
        let (a, b, c) = (
            ArticleId::from_bytes([1; 8]),
            ArticleId::from_bytes([2; 8]),
            ArticleId::from_bytes([3; 8]),
        );
        let pick = |candidates: Vec<(ArticleId, Simhash, DateTime<Utc>)>| {
            nearest_original(Simhash(0), me, 3, candidates)
        };
        assert_eq!(
            pick(vec![(b, Simhash(0b11), at(5)), (a, Simhash(0b111), at(0))]),
            Some(b)
        );
        assert_eq!(
            pick(vec![(b, Simhash(0b11), at(5)), (c, Simhash(0b101), at(1))]),
            Some(c)
        );
        assert_eq!(
            pick(vec![(b, Simhash(0b11), at(5)), (a, Simhash(0b101), at(5))]),
            Some(a)
        );
        assert_eq!(pick(vec![(a, Simhash(0b1111), at(0))]), None, "too far");
        assert_eq!(pick(vec![(me, Simhash(0), at(0))]), None, "never itself");
    }

    #[test]
    fn reextraction_tells_text_from_metadata() {
        let mut r = record("https://a.test/1", "body text", 0);
        let hashes = TextHashes::of("body text");
        let same = r.article.clone();
        assert_eq!(
            reextract(&mut r, same.clone(), "x/1", &hashes),
            Reextraction::Unchanged { write: false }
        );
        assert_eq!(
            reextract(&mut r, same.clone(), "x/2", &hashes),
            Reextraction::Unchanged { write: true }
        );
        let titled = Article {
            title: Some("Now with a title".into()),
            ..same
        };
        assert_eq!(
            reextract(&mut r, titled, "x/3", &hashes),
            Reextraction::Metadata
        );
        assert_eq!(r.version, 1);
        let new_hashes = TextHashes::of("better body text");
        assert_eq!(
            reextract(&mut r, article("better body text"), "x/4", &new_hashes),
            Reextraction::NewText
        );
        assert_eq!((r.version, r.previous_versions.len()), (2, 1));
        assert_eq!(r.provenance.extractor_version, "x/4");
    }

    #[test]
    fn not_modified_only_moves_last_seen_forward() {
        let mut r = record("https://a.test/1", "t", 10);
        assert!(!not_modified(&mut r, at(5)));
        assert!(not_modified(&mut r, at(20)));
        assert_eq!(r.last_seen, at(20));
    }
}
