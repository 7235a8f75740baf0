//! Article upserts: versions, `last_seen`, dedup decisions, pages and raw bodies.

use chrono::{DateTime, Utc};

use super::catalog::text_key;
use super::codec::{self, Page, PageStateV1, StoredRecord};
use super::dedup;
use super::engine::{KvStore, State, Txn};
use super::error::Result;
use super::keys;
use super::kv::{Kv, Scan};
use super::record::{
    AlsoSeen, ArticleId, ArticleRecord, MAX_ALSO_SEEN, MAX_PREVIOUS_VERSIONS, NewArticle,
    PreviousVersion, PutOutcome, Simhash, Validators,
};
use crate::extract::article::Article;

/// Cap on the pages kept in a record: an article reached through ever new URLs (session
/// ids the crawler could not strip) must not grow its record without bound. The URL seen
/// least recently is forgotten first; its next fetch is unconditional.
pub const MAX_PAGES: usize = 64;

/// Hashes of a text, computed once per upsert (before the writer lock is taken).
pub(crate) struct TextHashes {
    sha256_hex: String,
    text_key: u64,
    simhash: Simhash,
    words: usize,
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
}

/// Where a URL's page state lives.
enum PageOwner {
    /// In the pages of this record.
    Record(Box<StoredRecord>),
    /// Under its own `u` key (a page that is not an article, or one format 1 stored).
    Key(Option<PageStateV1>),
}

impl<K: Kv> KvStore<K> {
    /// Inserts or updates one article within `txn` (validated by the caller); the caller
    /// commits and flushes.
    pub(crate) fn upsert(
        &self,
        state: &State,
        txn: &mut Txn,
        new: NewArticle,
        hashes: &TextHashes,
    ) -> Result<PutOutcome> {
        let NewArticle {
            provenance,
            article,
            raw,
        } = new;
        let id = ArticleId::derive(article.canonical_url.as_deref(), &provenance.final_url);
        let fetched_at = provenance.fetched_at;
        let mut page_urls = vec![provenance.url.clone()];
        if provenance.final_url != provenance.url {
            page_urls.push(provenance.final_url.clone());
        }
        page_urls.retain(|u| !u.is_empty());
        let validators = Validators {
            etag: provenance.etag.clone(),
            last_modified: provenance.last_modified.clone(),
        };

        let outcome = match self.read_record(Some(txn), id)? {
            Some(mut stored) if stored.record.text_sha256 == hashes.sha256_hex => {
                let r = &mut stored.record;
                r.last_seen = r.last_seen.max(fetched_at);
                let same_place = r.provenance.source == provenance.source
                    && (r.provenance.final_url == provenance.final_url
                        || r.provenance.url == provenance.url);
                if !same_place {
                    note_sighting(r, id, &provenance.final_url, &provenance.source, fetched_at);
                }
                self.add_pages(txn, &mut stored, &page_urls, &validators);
                self.write_record(txn, stored);
                PutOutcome::Unchanged { id }
            }
            Some(mut stored) => {
                self.unindex(txn, &stored);
                push_previous(&mut stored.record);
                let r = &mut stored.record;
                r.version = r.version.saturating_add(1);
                r.last_seen = r.last_seen.max(fetched_at);
                r.provenance = provenance;
                r.article = article;
                self.add_pages(txn, &mut stored, &page_urls, &validators);
                self.replace_text(state, txn, stored, hashes)?
            }
            None => {
                let mut stored = StoredRecord {
                    record: ArticleRecord {
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
                    },
                    queued: None,
                    pages: Vec::new(),
                };
                txn.counters.articles += 1;
                self.add_pages(txn, &mut stored, &page_urls, &validators);
                match self.replace_text(state, txn, stored, hashes)? {
                    PutOutcome::Updated { id, .. } => PutOutcome::New { id },
                    other => other,
                }
            }
        };

        if let (true, Some(raw), false) = (
            self.options.keep_raw,
            raw,
            matches!(outcome, PutOutcome::Unchanged { .. }),
        ) {
            txn.batch.put(keys::raw(id), codec::encode_raw(&raw)?);
        }
        Ok(outcome)
    }

    /// Records that `urls` produced `stored` with these validators: its pages, and the
    /// catalog's way from each URL to it.
    fn add_pages(
        &self,
        txn: &mut Txn,
        stored: &mut StoredRecord,
        urls: &[String],
        validators: &Validators,
    ) {
        let id = stored.record.id;
        for url in urls {
            // The most recently seen page goes last, so the first is the one to forget.
            if let Some(at) = stored.pages.iter().position(|p| &p.url == url) {
                stored.pages.remove(at);
            }
            stored.pages.push(Page {
                url: url.clone(),
                validators: validators.clone(),
            });
            let url_key = ArticleId::for_url(url);
            if self.catalog().url_article(Some(&txn.catalog), url_key) != id {
                txn.catalog.point_url(url_key, id);
            }
        }
        while stored.pages.len() > MAX_PAGES {
            let forgotten = stored.pages.remove(0);
            let url_key = ArticleId::for_url(&forgotten.url);
            if url_key != id && self.catalog().url_article(Some(&txn.catalog), url_key) == id {
                txn.catalog.point_url(url_key, url_key);
            }
        }
    }

    /// Re-extraction of a stored page produced `article`: update what changed.
    pub(crate) fn reextracted(
        &self,
        state: &mut State,
        id: ArticleId,
        article: Article,
        extractor_version: &str,
    ) -> Result<Option<PutOutcome>> {
        let Some(mut stored) = self.read_record(None, id)? else {
            return Ok(None);
        };
        let mut txn = Txn::new(state, self.options.near_duplicate_distance);
        let hashes = TextHashes::of(&article.text);
        let outcome = if hashes.sha256_hex != stored.record.text_sha256 {
            self.unindex(&mut txn, &stored);
            push_previous(&mut stored.record);
            let r = &mut stored.record;
            r.version = r.version.saturating_add(1);
            r.article = article;
            r.provenance.extractor_version = extractor_version.to_string();
            self.replace_text(state, &mut txn, stored, &hashes)?
        } else if stored.record.article != article {
            // Same text, better metadata: same version, but consumers get it again.
            let r = &mut stored.record;
            r.article = article;
            r.provenance.extractor_version = extractor_version.to_string();
            self.reorder(&mut txn, &mut stored.record);
            if r_is_queueable(&stored.record, self.options.queue_duplicates) {
                self.enqueue(state, &mut txn, &mut stored);
            }
            let version = stored.record.version;
            self.write_record(&mut txn, stored);
            PutOutcome::Updated { id, version }
        } else {
            if stored.record.provenance.extractor_version != extractor_version {
                stored.record.provenance.extractor_version = extractor_version.to_string();
                self.write_record(&mut txn, stored);
            }
            PutOutcome::Unchanged { id }
        };
        self.commit(state, txn)?;
        Ok(Some(outcome))
    }

    /// Gives `stored` new text (hashes already computed): dedup decision, indexes, store
    /// order, queue. Writes the record. Returns `Updated` (or `Duplicate`).
    fn replace_text(
        &self,
        state: &State,
        txn: &mut Txn,
        mut stored: StoredRecord,
        hashes: &TextHashes,
    ) -> Result<PutOutcome> {
        let id = stored.record.id;
        let was_duplicate = stored.record.duplicate_of.is_some();
        stored.record.text_sha256 = hashes.sha256_hex.clone();
        stored.record.simhash = hashes.simhash;

        let original = self.find_original(txn, id, hashes)?;
        let outcome = match original {
            Some(mut orig) => {
                stored.record.duplicate_of = Some(orig.record.id);
                if !was_duplicate {
                    txn.counters.duplicates += 1;
                }
                let p = &stored.record.provenance;
                let seen_at = p.fetched_at;
                let (url, source) = (p.final_url.clone(), p.source.clone());
                note_sighting(&mut orig.record, id, &url, &source, seen_at);
                let of = orig.record.id;
                self.write_record(txn, orig);
                PutOutcome::Duplicate { id, of }
            }
            None => {
                stored.record.duplicate_of = None;
                if was_duplicate {
                    txn.counters.duplicates = txn.counters.duplicates.saturating_sub(1);
                }
                txn.catalog.claim_text(hashes.text_key, id);
                if hashes.words >= dedup::MIN_WORDS_FOR_NEAR {
                    let rank = stored.record.first_seen.timestamp_micros();
                    txn.catalog.near_insert(hashes.simhash, id, rank);
                }
                PutOutcome::Updated {
                    id,
                    version: stored.record.version,
                }
            }
        };
        self.reorder(txn, &mut stored.record);
        if r_is_queueable(&stored.record, self.options.queue_duplicates) {
            self.enqueue(state, txn, &mut stored);
        }
        self.write_record(txn, stored);
        Ok(outcome)
    }

    /// The original that a text with these hashes duplicates, if any (never `id` itself).
    fn find_original(
        &self,
        txn: &Txn,
        id: ArticleId,
        hashes: &TextHashes,
    ) -> Result<Option<StoredRecord>> {
        let owner = self
            .catalog()
            .text_owner(Some(&txn.catalog), hashes.text_key);
        if let Some(orig) = owner.filter(|o| *o != id) {
            if let Some(stored) = self.read_record(Some(txn), orig)? {
                // The catalog keys texts by 64 bits of their hash: confirm all of it.
                if stored.record.duplicate_of.is_none()
                    && stored.record.text_sha256 == hashes.sha256_hex
                {
                    return Ok(Some(stored));
                }
            }
        }
        if hashes.words >= dedup::MIN_WORDS_FOR_NEAR {
            let nearest = self
                .catalog()
                .nearest_original(&txn.catalog, hashes.simhash, id);
            if let Some(orig) = nearest {
                if let Some(stored) = self.read_record(Some(txn), orig)? {
                    return Ok(Some(stored));
                }
            }
        }
        Ok(None)
    }

    /// Removes an original's text from the dedup indexes before its text changes.
    fn unindex(&self, txn: &mut Txn, stored: &StoredRecord) {
        let r = &stored.record;
        if r.duplicate_of.is_some() {
            return;
        }
        let mut sha = [0u8; 32];
        if hex::decode_to_slice(&r.text_sha256, &mut sha).is_ok() {
            // Only if it still points here: another original may own an equal text.
            let key = text_key(&sha);
            if self.catalog().text_owner(Some(&txn.catalog), key) == Some(r.id) {
                txn.catalog.release_text(key);
            }
        }
        txn.catalog.near_remove(r.id);
    }

    /// Moves a record to the end of store order (new or changed).
    fn reorder(&self, txn: &mut Txn, record: &mut ArticleRecord) {
        if record.seq != 0 {
            self.remove_record(txn, record.seq);
        }
        txn.counters.last_seq += 1;
        record.seq = txn.counters.last_seq;
    }

    /// Where the page state of `url` is, as `txn` (if any) would leave it: the pages of
    /// the record the catalog points the URL to, if they list it, else the URL's own `u`
    /// key.
    fn page_owner(&self, txn: Option<&Txn>, url: &str) -> Result<PageOwner> {
        let url_key = ArticleId::for_url(url);
        let article = self.catalog().url_article(txn.map(|t| &t.catalog), url_key);
        if let Some(stored) = self.read_record(txn, article)? {
            if stored.pages.iter().any(|p| p.url == url) {
                return Ok(PageOwner::Record(Box::new(stored)));
            }
        }
        let key = keys::page(url);
        let bytes = match txn.and_then(|t| t.batch.get(&key)) {
            Some(written) => written.map(<[u8]>::to_vec),
            None => self.kv.get(&key)?,
        };
        let state = bytes
            .map(|bytes| codec::decode::<PageStateV1>(&bytes, "page state", &key))
            .transpose()?;
        Ok(PageOwner::Key(state))
    }

    /// A 304 for `url` at `seen_at`, within `txn`: the article it produced was seen again.
    pub(crate) fn not_modified_in(
        &self,
        txn: &mut Txn,
        url: &str,
        seen_at: DateTime<Utc>,
    ) -> Result<Option<ArticleId>> {
        let mut stored = match self.page_owner(Some(txn), url)? {
            PageOwner::Record(stored) => *stored,
            PageOwner::Key(page) => {
                let Some(id) = page.and_then(|p| p.article).map(ArticleId::from_bytes) else {
                    return Ok(None);
                };
                let Some(stored) = self.read_record(Some(txn), id)? else {
                    return Ok(None);
                };
                stored
            }
        };
        let id = stored.record.id;
        if seen_at > stored.record.last_seen {
            stored.record.last_seen = seen_at;
            self.write_record(txn, stored);
        }
        Ok(Some(id))
    }

    /// A 304 for `url` at `seen_at`, committed on its own.
    pub fn record_not_modified(
        &self,
        url: &str,
        seen_at: DateTime<Utc>,
    ) -> Result<Option<ArticleId>> {
        let mut state = self.lock();
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        let id = self.not_modified_in(&mut txn, url, seen_at)?;
        self.commit(&mut state, txn)?;
        Ok(id)
    }

    /// Validators last seen for `url`.
    pub fn validators(&self, url: &str) -> Result<Option<Validators>> {
        let validators = match self.page_owner(None, url)? {
            PageOwner::Record(stored) => stored
                .pages
                .into_iter()
                .find(|p| p.url == url)
                .map(|p| p.validators),
            PageOwner::Key(page) => page.map(|p| Validators {
                etag: p.etag,
                last_modified: p.last_modified,
            }),
        };
        Ok(validators.filter(|v| !v.is_empty()))
    }

    /// Remembers validators of a page within `txn`.
    pub(crate) fn validators_in(
        &self,
        txn: &mut Txn,
        url: &str,
        validators: &Validators,
    ) -> Result<()> {
        match self.page_owner(Some(txn), url)? {
            PageOwner::Record(mut stored) => {
                for page in stored.pages.iter_mut().filter(|p| p.url == url) {
                    page.validators = validators.clone();
                }
                self.write_record(txn, *stored);
            }
            PageOwner::Key(page) => {
                let mut page = page.unwrap_or_default();
                page.etag = validators.etag.clone();
                page.last_modified = validators.last_modified.clone();
                txn.batch.put(keys::page(url), codec::encode(&page)?);
            }
        }
        Ok(())
    }

    /// Remembers validators for a page that is not an article, committed on its own (not
    /// flushed: durable with the next flush).
    pub fn set_validators(&self, url: &str, validators: &Validators) -> Result<()> {
        let mut state = self.lock();
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        self.validators_in(&mut txn, url, validators)?;
        self.commit(&mut state, txn)
    }

    pub(crate) fn records_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>> {
        let mut out = Vec::new();
        if limit == 0 {
            return Ok(out);
        }
        let Some(start_seq) = after_seq.checked_add(1) else {
            return Ok(out);
        };
        let start = keys::article(start_seq);
        let end = keys::prefix_end(&[keys::ARTICLE]);
        self.kv.scan(&start, end.as_deref(), &mut |key, value| {
            let stored = codec::decode_record(value, key)?;
            if source.is_none_or(|s| s == stored.record.provenance.source) {
                out.push(stored.record);
            }
            Ok(if out.len() >= limit {
                Scan::Stop
            } else {
                Scan::Continue
            })
        })?;
        Ok(out)
    }
}

/// Refuses what must never be stored; checked for a whole batch before any of it is.
pub(crate) fn validate(new: &NewArticle) -> Result<()> {
    codec::validate_provenance(&new.provenance)?;
    if new.article.text.trim().is_empty() {
        // Every empty text would be an "exact duplicate" of every other; a page without
        // text is not an article and must not be stored.
        return Err(super::error::StoreError::InvalidInput(format!(
            "article from {} has no text",
            new.provenance.final_url
        )));
    }
    Ok(())
}

fn r_is_queueable(record: &ArticleRecord, queue_duplicates: bool) -> bool {
    record.duplicate_of.is_none() || queue_duplicates
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
