//! Article upserts: versions, `last_seen`, dedup decisions, pages and raw bodies.

use chrono::{DateTime, Utc};

use super::catalog::text_key;
use super::codec::{self, Page, PageStateV1, StoredRecord};
use super::engine::{KvStore, State, Txn};
use super::error::Result;
use super::keys;
use super::kv::{Kv, Scan};
use super::record::{ArticleId, ArticleRecord, NewArticle, PutOutcome, Validators};
use super::roles::ChangeKind;
use super::rules::{self, Reextraction, TextHashes};
use crate::extract::article::Article;

/// Cap on the pages kept in a record: an article reached through ever new URLs (session
/// ids the crawler could not strip) must not grow its record without bound. The URL seen
/// least recently is forgotten first; its next fetch is unconditional.
pub const MAX_PAGES: usize = 64;

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
        let id = rules::article_id(&new);
        let NewArticle {
            provenance,
            article,
            raw,
        } = new;
        let fetched_at = provenance.fetched_at;
        let page_urls = rules::page_urls(&provenance);
        let validators = rules::validators_of(&provenance);

        let outcome = match self.read_record(Some(txn), id)? {
            Some(mut stored) if rules::same_text(&stored.record, hashes) => {
                rules::seen_again(&mut stored.record, &provenance);
                self.add_pages(txn, &mut stored, &page_urls, &validators);
                if stored.record.removed_at.is_some() {
                    // Found again where it had gone: restored, and consumers hear of it.
                    self.restore(state, txn, &mut stored, fetched_at)?;
                }
                self.write_record(txn, stored);
                PutOutcome::Unchanged { id }
            }
            Some(mut stored) => {
                self.archive_version(txn, &stored.record, true)?;
                self.unindex(txn, &stored);
                let was_removed = stored.record.removed_at.is_some();
                rules::new_version(&mut stored.record, provenance, article);
                if was_removed {
                    self.log_change(txn, &stored.record, ChangeKind::Restored, fetched_at, None)?;
                }
                self.log_change(txn, &stored.record, ChangeKind::Edited, fetched_at, None)?;
                self.add_pages(txn, &mut stored, &page_urls, &validators);
                self.replace_text(state, txn, stored, hashes)?
            }
            None => {
                let mut stored = StoredRecord {
                    record: rules::new_record(id, provenance, article),
                    queued: None,
                    pages: Vec::new(),
                };
                txn.counters.articles += 1;
                self.watch_new(txn, &stored.record)?;
                self.add_pages(txn, &mut stored, &page_urls, &validators);
                rules::first_outcome(self.replace_text(state, txn, stored, hashes)?)
            }
        };

        if let (true, Some(raw), false) = (
            self.options.keep_raw,
            raw,
            matches!(outcome, PutOutcome::Unchanged { .. }),
        ) {
            self.stage_raw(txn, keys::raw(id), &raw)?;
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
        if !rules::same_text(&stored.record, &hashes) {
            // The same response, extracted anew: the old text is kept as a version, its
            // raw page stays the current one's.
            self.archive_version(&mut txn, &stored.record, false)?;
        }
        let outcome =
            match rules::reextract(&mut stored.record, article, extractor_version, &hashes) {
                Reextraction::NewText => {
                    // Still indexed under the old text, which `reextract` kept.
                    self.unindex(&mut txn, &stored);
                    self.replace_text(state, &mut txn, stored, &hashes)?
                }
                Reextraction::Metadata => {
                    // Same text, better metadata: same version, but consumers get it again.
                    self.reorder(&mut txn, &mut stored.record);
                    if rules::queueable(&stored.record, self.options.queue_duplicates) {
                        self.enqueue(state, &mut txn, &mut stored);
                    }
                    let version = stored.record.version;
                    self.write_record(&mut txn, stored);
                    PutOutcome::Updated { id, version }
                }
                Reextraction::Unchanged { write } => {
                    if write {
                        self.write_record(&mut txn, stored);
                    }
                    PutOutcome::Unchanged { id }
                }
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
        let mut original = self.find_original(txn, id, hashes)?;
        let settled = rules::settle_text(
            &mut stored.record,
            hashes,
            original.as_mut().map(|o| &mut o.record),
        );
        match settled.duplicates {
            1.. => txn.counters.duplicates += 1,
            ..0 => txn.counters.duplicates = txn.counters.duplicates.saturating_sub(1),
            0 => {}
        }
        if let Some(orig) = original {
            self.write_record(txn, orig);
        }
        if settled.original {
            txn.catalog.claim_text(hashes.text_key, id);
            if hashes.near_eligible() {
                let rank = rules::near_rank(stored.record.first_seen);
                txn.catalog.near_insert(hashes.simhash, id, rank);
            }
        }
        self.reorder(txn, &mut stored.record);
        if rules::queueable(&stored.record, self.options.queue_duplicates) {
            self.enqueue(state, txn, &mut stored);
        }
        self.write_record(txn, stored);
        Ok(settled.outcome)
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
                if rules::is_exact_original(&stored.record, id, hashes) {
                    return Ok(Some(stored));
                }
            }
        }
        if hashes.near_eligible() {
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
    pub(crate) fn reorder(&self, txn: &mut Txn, record: &mut ArticleRecord) {
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
        state: &State,
        txn: &mut Txn,
        url: &str,
        seen_at: DateTime<Utc>,
    ) -> Result<Option<ArticleId>> {
        let stored = match self.page_owner(Some(txn), url)? {
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
        self.seen_again(state, txn, stored, seen_at)?;
        Ok(Some(id))
    }

    /// `stored` answered as it was (a `304 Not Modified`) at `seen_at`: `last_seen`, and a
    /// restoration if it had been marked removed.
    pub(crate) fn seen_again(
        &self,
        state: &State,
        txn: &mut Txn,
        mut stored: StoredRecord,
        seen_at: DateTime<Utc>,
    ) -> Result<()> {
        let removed = stored.record.removed_at.is_some();
        if seen_at > stored.record.last_seen || removed {
            stored.record.last_seen = stored.record.last_seen.max(seen_at);
            if removed {
                self.restore(state, txn, &mut stored, seen_at)?;
            }
            self.write_record(txn, stored);
        }
        Ok(())
    }

    /// A 304 for `url` at `seen_at`, committed on its own.
    pub fn record_not_modified(
        &self,
        url: &str,
        seen_at: DateTime<Utc>,
    ) -> Result<Option<ArticleId>> {
        let mut state = self.lock();
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        let id = self.not_modified_in(&state, &mut txn, url, seen_at)?;
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
