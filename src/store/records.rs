//! Article upserts: versions, `last_seen`, dedup decisions, pages and raw bodies.

use chrono::{DateTime, Utc};

use super::codec::{self, PageStateV1, StoredRecord};
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

/// Hashes of a text, computed once per upsert.
struct TextHashes {
    sha256: [u8; 32],
    sha256_hex: String,
    simhash: Simhash,
    words: usize,
}

impl TextHashes {
    fn of(text: &str) -> TextHashes {
        let (sha256, simhash, words) = dedup::fingerprint(text);
        TextHashes {
            sha256,
            sha256_hex: hex::encode(sha256),
            simhash,
            words,
        }
    }
}

impl<K: Kv> KvStore<K> {
    /// Inserts or updates one article within `txn` (validated by the caller); the caller
    /// commits and flushes.
    pub(crate) fn upsert(
        &self,
        state: &State,
        txn: &mut Txn,
        new: NewArticle,
    ) -> Result<PutOutcome> {
        let NewArticle {
            provenance,
            article,
            raw,
        } = new;
        let id = ArticleId::derive(article.canonical_url.as_deref(), &provenance.final_url);
        let hashes = TextHashes::of(&article.text);
        let fetched_at = provenance.fetched_at;
        let page_urls = [provenance.url.clone(), provenance.final_url.clone()];
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
                self.write_record(txn, &stored)?;
                PutOutcome::Unchanged { id }
            }
            Some(mut stored) => {
                self.unindex(txn, &stored)?;
                push_previous(&mut stored.record);
                let r = &mut stored.record;
                r.version = r.version.saturating_add(1);
                r.last_seen = r.last_seen.max(fetched_at);
                r.provenance = provenance;
                r.article = article;
                self.replace_text(state, txn, stored, &hashes)?
            }
            None => {
                let stored = StoredRecord {
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
                };
                txn.counters.articles += 1;
                match self.replace_text(state, txn, stored, &hashes)? {
                    PutOutcome::Updated { id, .. } => PutOutcome::New { id },
                    other => other,
                }
            }
        };

        for url in page_urls.iter().filter(|u| !u.is_empty()) {
            let page = PageStateV1 {
                article: Some(id.to_bytes()),
                etag: validators.etag.clone(),
                last_modified: validators.last_modified.clone(),
            };
            txn.batch.put(keys::page(url), codec::encode(&page)?);
            if page_urls[0] == page_urls[1] {
                break;
            }
        }
        if let (true, Some(raw), false) = (
            self.options.keep_raw,
            raw,
            matches!(outcome, PutOutcome::Unchanged { .. }),
        ) {
            txn.batch.put(keys::raw(id), codec::encode_raw(&raw)?);
        }
        Ok(outcome)
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
        let mut txn = Txn::new(state);
        let hashes = TextHashes::of(&article.text);
        let outcome = if hashes.sha256_hex != stored.record.text_sha256 {
            self.unindex(&mut txn, &stored)?;
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
                self.enqueue(&mut txn, &mut stored)?;
            }
            self.write_record(&mut txn, &stored)?;
            PutOutcome::Updated {
                id,
                version: stored.record.version,
            }
        } else {
            if stored.record.provenance.extractor_version != extractor_version {
                stored.record.provenance.extractor_version = extractor_version.to_string();
                self.write_record(&mut txn, &stored)?;
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

        let original = self.find_original(state, txn, id, hashes)?;
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
                self.write_record(txn, &orig)?;
                PutOutcome::Duplicate {
                    id,
                    of: orig.record.id,
                }
            }
            None => {
                stored.record.duplicate_of = None;
                if was_duplicate {
                    txn.counters.duplicates = txn.counters.duplicates.saturating_sub(1);
                }
                let rank = stored.record.first_seen.timestamp_micros();
                txn.batch
                    .put(keys::text_hash(&hashes.sha256), id.to_bytes().to_vec());
                txn.batch.put(
                    keys::simhash(hashes.simhash.0, id),
                    rank.to_le_bytes().to_vec(),
                );
                if hashes.words >= dedup::MIN_WORDS_FOR_NEAR {
                    txn.near_insert(hashes.simhash, id, rank);
                }
                PutOutcome::Updated {
                    id,
                    version: stored.record.version,
                }
            }
        };
        self.reorder(txn, &mut stored.record);
        if r_is_queueable(&stored.record, self.options.queue_duplicates) {
            self.enqueue(txn, &mut stored)?;
        }
        self.write_record(txn, &stored)?;
        Ok(outcome)
    }

    /// The original that a text with these hashes duplicates, if any (never `id` itself).
    fn find_original(
        &self,
        state: &State,
        txn: &Txn,
        id: ArticleId,
        hashes: &TextHashes,
    ) -> Result<Option<StoredRecord>> {
        if let Some(bytes) = self.get(Some(txn), &keys::text_hash(&hashes.sha256))? {
            if let Some(orig) = keys::id_at(&bytes, 0).filter(|o| *o != id) {
                if let Some(stored) = self.read_record(Some(txn), orig)? {
                    if stored.record.duplicate_of.is_none() {
                        return Ok(Some(stored));
                    }
                }
            }
        }
        if hashes.words >= dedup::MIN_WORDS_FOR_NEAR {
            if let Some(orig) = self.nearest_original(state, txn, hashes.simhash, id) {
                if let Some(stored) = self.read_record(Some(txn), orig)? {
                    return Ok(Some(stored));
                }
            }
        }
        Ok(None)
    }

    /// Removes an original's text from the dedup indexes before its text changes.
    fn unindex(&self, txn: &mut Txn, stored: &StoredRecord) -> Result<()> {
        let r = &stored.record;
        if r.duplicate_of.is_some() {
            return Ok(());
        }
        let mut sha = [0u8; 32];
        if hex::decode_to_slice(&r.text_sha256, &mut sha).is_ok() {
            // Only if it still points here: another original may own an equal text.
            if let Some(owner) = self.get(Some(txn), &keys::text_hash(&sha))? {
                if keys::id_at(&owner, 0) == Some(r.id) {
                    txn.batch.remove(keys::text_hash(&sha));
                }
            }
        }
        txn.batch.remove(keys::simhash(r.simhash.0, r.id));
        txn.near_remove(r.id);
        Ok(())
    }

    /// Moves a record to the end of store order (new or changed).
    fn reorder(&self, txn: &mut Txn, record: &mut ArticleRecord) {
        if record.seq != 0 {
            txn.batch.remove(keys::article(record.seq));
        }
        txn.counters.last_seq += 1;
        record.seq = txn.counters.last_seq;
    }

    /// A 304 for `url`: the article it produced was seen again.
    pub(crate) fn not_modified(
        &self,
        url: &str,
        seen_at: DateTime<Utc>,
    ) -> Result<Option<ArticleId>> {
        let mut state = self.lock();
        let Some(page) = self.page_state(url)? else {
            return Ok(None);
        };
        let Some(id) = page.article.map(ArticleId::from_bytes) else {
            return Ok(None);
        };
        let Some(mut stored) = self.read_record(None, id)? else {
            return Ok(None);
        };
        if seen_at > stored.record.last_seen {
            stored.record.last_seen = seen_at;
            let mut txn = Txn::new(&state);
            self.write_record(&mut txn, &stored)?;
            self.commit(&mut state, txn)?;
        }
        Ok(Some(id))
    }

    fn page_state(&self, url: &str) -> Result<Option<PageStateV1>> {
        let key = keys::page(url);
        self.kv
            .get(&key)?
            .map(|bytes| codec::decode(&bytes, "page state", &key))
            .transpose()
    }

    pub(crate) fn page_validators(&self, url: &str) -> Result<Option<Validators>> {
        Ok(self.page_state(url)?.and_then(|p| {
            let v = Validators {
                etag: p.etag,
                last_modified: p.last_modified,
            };
            (!v.is_empty()).then_some(v)
        }))
    }

    pub(crate) fn store_validators(&self, url: &str, validators: &Validators) -> Result<()> {
        let mut state = self.lock();
        let mut page = self.page_state(url)?.unwrap_or_default();
        page.etag = validators.etag.clone();
        page.last_modified = validators.last_modified.clone();
        let mut txn = Txn::new(&state);
        txn.batch.put(keys::page(url), codec::encode(&page)?);
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
        let mut error = None;
        self.kv.scan(&start, end.as_deref(), &mut |key, value| {
            match codec::decode_record(value, key) {
                Ok(stored) => {
                    if source.is_none_or(|s| s == stored.record.provenance.source) {
                        out.push(stored.record);
                    }
                }
                Err(e) => {
                    error = Some(e);
                    return Ok(Scan::Stop);
                }
            }
            Ok(if out.len() >= limit {
                Scan::Stop
            } else {
                Scan::Continue
            })
        })?;
        match error {
            Some(e) => Err(e),
            None => Ok(out),
        }
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
