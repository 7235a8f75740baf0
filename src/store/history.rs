//! What the store remembers of an article's past: the versions later ones replaced, the
//! revisits that found it unchanged, and the change log of edits, removals and
//! restorations.
//!
//! None of it costs a new article anything: a version is written (one `v` key, and the
//! raw page moved to a `b` key) only when a later one replaces it, a revisit check only
//! when a revisit finds the article as it was, a change only when one happens. The
//! current version lives in the record, as before.

use chrono::{DateTime, Utc};

use super::codec::{self, RevisitCheckV1, StoredRecord};
use super::engine::{KvStore, State, Txn};
use super::error::Result;
use super::keys;
use super::kv::{Kv, Scan};
use super::record::{ArticleId, ArticleRecord, RawPage, RemovalEvidence};
use super::roles::{ArticleVersion, Change, ChangeKind, RevisitCheck};
use super::rules::{self, queueable as r_is_queueable};

impl<K: Kv> KvStore<K> {
    /// Keeps the version `record` holds now, before a later one replaces it. With
    /// `moved_raw` the raw page kept for it goes with it (the next version brings its own,
    /// or has none); without, the raw page stays the current one's (a re-extraction of
    /// the same response).
    pub(crate) fn archive_version(
        &self,
        txn: &mut Txn,
        record: &ArticleRecord,
        moved_raw: bool,
    ) -> Result<()> {
        txn.batch.put(
            keys::version(record.id, record.version),
            codec::encode_version(record)?,
        );
        if moved_raw {
            let current = keys::raw(record.id);
            let raw = match txn.batch.get(&current) {
                Some(written) => written.map(<[u8]>::to_vec),
                None => self.kv.get(&current)?,
            };
            if let Some(raw) = raw {
                txn.batch
                    .put(keys::version_raw(record.id, record.version), raw);
                txn.batch.remove(current);
            }
        }
        Ok(())
    }

    /// Appends a change of `record` (as it is after the change) to the log within `txn`.
    pub(crate) fn log_change(
        &self,
        txn: &mut Txn,
        record: &ArticleRecord,
        kind: ChangeKind,
        at: DateTime<Utc>,
        evidence: Option<RemovalEvidence>,
    ) -> Result<()> {
        txn.counters.last_change += 1;
        let change = Change {
            seq: txn.counters.last_change,
            id: record.id,
            url: record.provenance.final_url.clone(),
            source: record.provenance.source.clone(),
            kind,
            at,
            version: record.version,
            evidence,
        };
        txn.batch
            .put(keys::change(change.seq), codec::encode_change(&change)?);
        tracing::info!(
            id = %change.id,
            url = %change.url,
            source = %change.source,
            version = change.version,
            kind = kind.as_str(),
            "article {}", kind.as_str()
        );
        txn.changes.push(change);
        Ok(())
    }

    /// A removed article was found again at `at`: the mark goes, the change is logged, and
    /// the record moves up in store order and is queued again. The caller writes it.
    pub(crate) fn restore(
        &self,
        state: &State,
        txn: &mut Txn,
        stored: &mut StoredRecord,
        at: DateTime<Utc>,
    ) -> Result<()> {
        stored.record.removed_at = None;
        stored.record.removal = None;
        self.log_change(txn, &stored.record, ChangeKind::Restored, at, None)?;
        self.reorder(txn, &mut stored.record);
        if r_is_queueable(&stored.record, self.options.queue_duplicates) {
            self.enqueue(state, txn, stored);
        }
        Ok(())
    }

    /// A revisit found `stored` gone at `at`: marked removed with the evidence, logged,
    /// moved up in store order and queued again; written within `txn`. The record and its
    /// versions stay.
    pub(crate) fn mark_removed(
        &self,
        state: &State,
        txn: &mut Txn,
        mut stored: StoredRecord,
        at: DateTime<Utc>,
        evidence: RemovalEvidence,
    ) -> Result<()> {
        stored.record.removed_at = Some(at);
        stored.record.removal = Some(evidence.clone());
        self.log_change(txn, &stored.record, ChangeKind::Removed, at, Some(evidence))?;
        self.reorder(txn, &mut stored.record);
        if r_is_queueable(&stored.record, self.options.queue_duplicates) {
            self.enqueue(state, txn, &mut stored);
        }
        self.write_record(txn, stored);
        Ok(())
    }

    /// Notes that a revisit at `at` found version `version` of `id` unchanged.
    pub(crate) fn note_check(
        &self,
        txn: &mut Txn,
        id: ArticleId,
        version: u32,
        at: DateTime<Utc>,
        status: u16,
    ) -> Result<()> {
        txn.batch.put(
            keys::revisit_check(id, codec::to_micros(at)),
            codec::encode(&RevisitCheckV1 { status, version })?,
        );
        Ok(())
    }

    /// Every version of `id`, oldest first: the replaced ones (those replaced before
    /// versions were kept with their hash only), then the current one; each with the
    /// revisits that found it unchanged.
    pub fn versions(&self, id: ArticleId) -> Result<Option<Vec<ArticleVersion>>> {
        let Some(record) = self.get_article(id)? else {
            return Ok(None);
        };
        let mut kept: Vec<ArticleVersion> = Vec::new();
        self.kv
            .scan_prefix(&keys::of_article(keys::VERSION, id), &mut |key, value| {
                kept.push(codec::decode_version(value, key)?);
                Ok(Scan::Continue)
            })?;
        let mut checks = Vec::new();
        self.kv.scan_prefix(
            &keys::of_article(keys::REVISIT_CHECK, id),
            &mut |key, value| {
                let check: RevisitCheckV1 = codec::decode(value, "revisit check", key)?;
                let at = keys::revisit_check_at(key)
                    .map(codec::at_micros)
                    .unwrap_or_default();
                checks.push((
                    check.version,
                    RevisitCheck {
                        at,
                        status: check.status,
                    },
                ));
                Ok(Scan::Continue)
            },
        )?;
        let versions = rules::version_history(&record, kept, checks);
        Ok(Some(versions))
    }

    /// The raw response of version `version` of `id`: the current raw page for the
    /// current version, and for a replaced one the page kept with it (or, when it was
    /// replaced by a re-extraction of the same response, the current one).
    pub fn version_raw(&self, id: ArticleId, version: u32) -> Result<Option<RawPage>> {
        let Some(record) = self.get_article(id)? else {
            return Ok(None);
        };
        if version == record.version {
            return self.raw_page(id);
        }
        let key = keys::version_raw(id, version);
        if let Some(bytes) = self.kv.get(&key)? {
            return codec::decode_raw(&bytes, &key).map(Some);
        }
        let archived_key = keys::version(id, version);
        let Some(bytes) = self.kv.get(&archived_key)? else {
            return Ok(None);
        };
        let archived = codec::decode_version(&bytes, &archived_key)?;
        if archived.raw_sha256.as_deref() == Some(record.provenance.raw_sha256.as_str()) {
            return self.raw_page(id);
        }
        Ok(None)
    }

    /// Changes with `seq > after_seq`, oldest first, optionally of one source, at most
    /// `limit`.
    pub fn changes_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Change>> {
        let mut out = Vec::new();
        let (Some(start), true) = (after_seq.checked_add(1), limit > 0) else {
            return Ok(out);
        };
        let end = keys::prefix_end(&[keys::CHANGE]);
        self.kv
            .scan(&keys::change(start), end.as_deref(), &mut |key, value| {
                let seq = keys::u64_at(key, 1).unwrap_or_default();
                let change = codec::decode_change(seq, value, key)?;
                if source.is_none_or(|s| s == change.source) {
                    out.push(change);
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
