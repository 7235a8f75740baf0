//! The revisit schedule of the embedded store, and what a revisit's outcome does to it.
//!
//! Each watched article has one `W` key, ordered by source and due time, holding its rung
//! on the ladder ([`watch`](super::watch)): written in the commit that stores the article,
//! so placing it costs one key. [`KvStore::enqueue_due`] moves due ones into a crawl's
//! frontier and, in the same atomic batch, replaces each `W` key by a `w` key naming the
//! URL handed out; the commit of that URL's outcome ([`PageResult::Revisit`]) judges it
//! ([`watch::verdict`]), records what it found and writes the next rung's `W` key, again
//! in one batch. A crash anywhere leaves each article either due, handed out (its URL
//! pending in the frontier, which resumes), or judged and scheduled again; never two of
//! these, never none until its ladder is over.
//!
//! [`PageResult::Revisit`]: super::roles::PageResult::Revisit

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::codec::{self, WatchDueV1, WatchQueuedV1};
use super::engine::{KvStore, State, Txn};
use super::error::{Result, StoreError};
use super::keys;
use super::kv::{Kv, Scan};
use super::record::{
    ArticleId, ArticleRecord, DiscoveredVia, FrontierEntry, PutOutcome, RemovalEvidence, host_key,
};
use super::roles::{CrawlOutcome, PageResult, RevisitAnswer, RevisitResult};
use super::rules;
use super::rules::TextHashes;
use super::watch::{self, Followup, WatchPolicy};

/// A due revisit about to be handed out, and what it becomes when it is.
struct Handout {
    /// The `W` key it leaves (none for a lapsed handout handed out again).
    due_key: Option<Vec<u8>>,
    queued_key: Vec<u8>,
    queued: WatchQueuedV1,
}

impl<K: Kv> KvStore<K> {
    /// The ladders articles are scheduled by.
    pub fn watch_policy(&self) -> WatchPolicy {
        self.watch.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// See [`RevisitSchedule::set_policy`](super::roles::RevisitSchedule::set_policy).
    pub fn set_watch_policy(&self, policy: WatchPolicy) {
        *self.watch.write().unwrap_or_else(|p| p.into_inner()) = policy;
    }

    /// Places the new article `record` on its source's ladder within `txn`.
    pub(crate) fn watch_new(&self, txn: &mut Txn, record: &ArticleRecord) -> Result<()> {
        let source = &record.provenance.source;
        let policy = self.watch.read().unwrap_or_else(|p| p.into_inner());
        let visit = watch::first_visit(
            policy.ladder(source),
            record.id,
            record.first_seen,
            record.first_seen,
        );
        drop(policy);
        if let Some(visit) = visit {
            schedule(txn, source, record.id, visit.rung, 0, visit.due)?;
        }
        Ok(())
    }

    /// See [`RevisitSchedule::enqueue_due`](super::roles::RevisitSchedule::enqueue_due).
    pub fn enqueue_due(&self, source: &str, crawl: &str, max: usize) -> Result<u64> {
        let now = self.now();
        let now_us = codec::to_micros(now);
        let ladder = self.watch_policy().ladder(source).to_vec();
        let lapse = chrono::Duration::from_std(watch::QUEUED_LAPSE).unwrap_or_default();
        let lapsed_before = codec::to_micros(now - lapse);
        let (added, dead) = {
            let mut state = self.lock();
            let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
            let mut due = Vec::new();
            self.kv.scan_prefix(
                &keys::watch_prefix(keys::WATCH_DUE, source),
                &mut |key, value| {
                    let (at, id) =
                        keys::watch_due_parts(key, source).ok_or_else(|| StoreError::Corrupt {
                            what: "revisit schedule",
                            key: keys::display(key),
                            detail: "the key holds no due time and article".into(),
                        })?;
                    if at > now_us || due.len() >= max {
                        return Ok(Scan::Stop);
                    }
                    let entry: WatchDueV1 = codec::decode(value, "revisit schedule entry", key)?;
                    due.push((key.to_vec(), id, entry));
                    Ok(Scan::Continue)
                },
            )?;
            let mut lapsed = Vec::new();
            self.kv.scan_prefix(
                &keys::watch_prefix(keys::WATCH_QUEUED, source),
                &mut |key, value| {
                    let queued: WatchQueuedV1 = codec::decode(value, "handed-out revisit", key)?;
                    if queued.queued_at <= lapsed_before && due.len() + lapsed.len() < max {
                        lapsed.push((key.to_vec(), queued));
                    }
                    Ok(Scan::Continue)
                },
            )?;

            let mut outcomes = Vec::new();
            let mut handouts = Vec::new();
            let mut urls = HashSet::new();
            let entry = |url: String, host: String| FrontierEntry {
                discovered_from: Some(url.clone()),
                url,
                host,
                depth: 0,
                discovered_via: DiscoveredVia::Revisit,
                counter_chain: 0,
            };
            for (due_key, id, entry_due) in due {
                let record = match self.read_record(Some(&txn), id)? {
                    Some(stored) if (entry_due.rung as usize) < ladder.len() => stored.record,
                    // Its source is no longer watched (or not this far), or it is gone.
                    _ => {
                        txn.batch.remove(due_key);
                        continue;
                    }
                };
                let url = record.provenance.final_url;
                let Some(host) = host_key(&url) else {
                    tracing::warn!(%url, "a watched article's URL has no host: no longer revisited");
                    txn.batch.remove(due_key);
                    continue;
                };
                let queued_key = keys::watch_queued(source, &url);
                // The same URL handed out already (for this article or another one that
                // ended there): this one waits for the next call.
                if !urls.insert(url.clone()) || self.kv.get(&queued_key)?.is_some() {
                    continue;
                }
                outcomes.push(handout_outcome(crawl, entry(url, host)));
                handouts.push(Handout {
                    due_key: Some(due_key),
                    queued_key,
                    queued: WatchQueuedV1 {
                        id: id.to_bytes(),
                        rung: entry_due.rung,
                        attempts: entry_due.attempts,
                        queued_at: now_us,
                    },
                });
            }
            for (queued_key, queued) in lapsed {
                let url = String::from_utf8_lossy(
                    &queued_key[keys::watch_prefix(keys::WATCH_QUEUED, source).len()..],
                )
                .into_owned();
                let Some(host) = host_key(&url) else {
                    continue;
                };
                if !urls.insert(url.clone()) {
                    continue;
                }
                tracing::info!(%url, source, "a revisit handed out a day ago never came back: handing it out again");
                outcomes.push(handout_outcome(crawl, entry(url, host)));
                handouts.push(Handout {
                    due_key: None,
                    queued_key,
                    queued: WatchQueuedV1 {
                        queued_at: now_us,
                        ..queued
                    },
                });
            }

            let mut frontiers = self.frontiers();
            let (stage, adds) = self.stage_frontier(&mut frontiers, &outcomes, &mut txn.batch)?;
            let mut added = 0u64;
            for (handout, add) in handouts.into_iter().zip(adds) {
                let lapsed = handout.due_key.is_none();
                // Not added: the crawl's cycle knows the URL already, or its host has as
                // many pending as it may. A due revisit stays due for the next call (a
                // new cycle); a lapsed one is still out (renewed).
                if add.added == 0 && !lapsed {
                    continue;
                }
                if let Some(due_key) = handout.due_key {
                    txn.batch.remove(due_key);
                }
                txn.batch
                    .put(handout.queued_key, codec::encode(&handout.queued)?);
                added += u64::from(add.added);
            }
            self.commit(&mut state, txn)?;
            let dead = self.apply_frontier(&mut frontiers, stage);
            (added, dead)
        };
        self.kv.flush()?;
        self.remove_dead_files(dead);
        Ok(added)
    }

    /// See [`RevisitSchedule::next_due`](super::roles::RevisitSchedule::next_due).
    pub fn next_due(&self, source: &str) -> Result<Option<DateTime<Utc>>> {
        let mut next: Option<i64> = None;
        self.kv.scan_prefix(
            &keys::watch_prefix(keys::WATCH_DUE, source),
            &mut |key, _| {
                next = keys::watch_due_parts(key, source).map(|(at, _)| at);
                Ok(Scan::Stop)
            },
        )?;
        let lapse = chrono::Duration::from_std(watch::QUEUED_LAPSE).unwrap_or_default();
        self.kv.scan_prefix(
            &keys::watch_prefix(keys::WATCH_QUEUED, source),
            &mut |key, value| {
                let queued: WatchQueuedV1 = codec::decode(value, "handed-out revisit", key)?;
                let at = codec::to_micros(codec::at_micros(queued.queued_at) + lapse);
                next = Some(next.map_or(at, |n| n.min(at)));
                Ok(Scan::Continue)
            },
        )?;
        Ok(next.map(codec::at_micros))
    }

    /// See [`RevisitSchedule::count_due`](super::roles::RevisitSchedule::count_due).
    pub fn count_due(&self, source: &str, cap: u64) -> Result<u64> {
        let now_us = codec::to_micros(self.now());
        let mut count = 0;
        self.kv.scan_prefix(
            &keys::watch_prefix(keys::WATCH_DUE, source),
            &mut |key, _| {
                let due = keys::watch_due_parts(key, source).is_some_and(|(at, _)| at <= now_us);
                if !due || count >= cap {
                    return Ok(Scan::Stop);
                }
                count += 1;
                Ok(Scan::Continue)
            },
        )?;
        Ok(count)
    }

    /// A revisit's outcome within `txn` (`hashes`: of the page's article text, if any):
    /// the page's article stored as any other, the verdict on the watched article
    /// recorded, its next revisit scheduled. Returns what became of the page's article.
    pub(crate) fn revisit_in(
        &self,
        state: &State,
        txn: &mut Txn,
        result: RevisitResult,
        hashes: Option<&TextHashes>,
    ) -> Result<Option<PutOutcome>> {
        let RevisitResult {
            source,
            watched_url,
            at,
            answer,
        } = result;
        let queued_key = keys::watch_queued(&source, &watched_url);
        let queued = match txn.batch.get(&queued_key) {
            Some(written) => written.map(<[u8]>::to_vec),
            None => self.kv.get(&queued_key)?,
        }
        .map(|bytes| codec::decode::<WatchQueuedV1>(&bytes, "handed-out revisit", &queued_key))
        .transpose()?;
        let watched = match queued {
            Some(q) => self
                .read_record(Some(txn), ArticleId::from_bytes(q.id))?
                .map(|stored| (q, stored)),
            None => None,
        };
        let Some((queued, watched)) = watched else {
            // Not (or no longer) a revisit the schedule knows: the page counts as any page.
            tracing::debug!(url = %watched_url, source, "outcome of a revisit that is not handed out");
            txn.batch.remove(queued_key);
            return match answer {
                RevisitAnswer::Page {
                    article: Some(article),
                    ..
                } => match hashes {
                    Some(hashes) => Ok(Some(self.upsert(state, txn, *article, hashes)?)),
                    None => Ok(None),
                },
                RevisitAnswer::NotModified { final_url } => {
                    self.not_modified_in(state, txn, &final_url, at)?;
                    Ok(None)
                }
                _ => Ok(None),
            };
        };
        let id = watched.record.id;
        let was_removed = watched.record.removed_at.is_some();

        // What the revisit saw, and the evidence should it be a removal.
        let (seen, final_url, status, moved) = rules::revisit_seen(
            &answer,
            hashes,
            &watched.record,
            self.options.near_duplicate_distance,
        );
        let verdict = watch::verdict(seen, final_url.as_deref(), &watched_url, was_removed);

        // The page's article is stored as any other (for this article: the new version,
        // the restoration), unless it is this article judged gone.
        let mut outcome = None;
        match answer {
            RevisitAnswer::Page {
                article: Some(article),
                ..
            } => {
                if let (Some(hashes), true) = (hashes, watch::stores_page(seen, moved, verdict)) {
                    outcome = Some(self.upsert(state, txn, *article, hashes)?);
                }
            }
            RevisitAnswer::Failed { kind } => {
                tracing::info!(url = %watched_url, source, %kind, rung = queued.rung, "revisit got no answer; trying again later");
            }
            RevisitAnswer::Unchecked { reason } => {
                tracing::info!(url = %watched_url, source, %reason, "revisit not made");
            }
            _ => {}
        }
        let current = self.read_record(Some(txn), id)?;
        match (watch::followup(verdict, seen, moved), current) {
            (Followup::MarkRemoved, Some(stored)) => {
                let evidence = RemovalEvidence {
                    status,
                    final_url: final_url.unwrap_or_else(|| watched_url.clone()),
                };
                self.mark_removed(state, txn, stored, at, evidence)?;
            }
            (Followup::SeenAgain { check }, Some(stored)) => {
                let version = stored.record.version;
                self.seen_again(state, txn, stored, at)?;
                if check {
                    self.note_check(txn, id, version, at, status)?;
                }
            }
            (Followup::Check, Some(stored)) => {
                self.note_check(txn, id, stored.record.version, at, status)?;
            }
            _ => {}
        }

        // The next revisit.
        txn.batch.remove(queued_key);
        let ladder = self.watch_policy().ladder(&source).to_vec();
        let first_seen = watched.record.first_seen;
        let (rung, attempts) = (queued.rung, queued.attempts);
        let next =
            watch::after_revisit(verdict, &ladder, rung, attempts, id, first_seen, self.now());
        if let Some(next) = next {
            schedule(txn, &source, id, next.rung, next.attempts, next.due)?;
        }
        Ok(outcome)
    }
}

/// Writes a `W` key: `id`'s revisit at rung `rung` due at `due`.
fn schedule(
    txn: &mut Txn,
    source: &str,
    id: ArticleId,
    rung: u32,
    attempts: u32,
    due: DateTime<Utc>,
) -> Result<()> {
    txn.batch.put(
        keys::watch_due(source, codec::to_micros(due), id),
        codec::encode(&WatchDueV1 { rung, attempts })?,
    );
    Ok(())
}

/// An outcome that only adds `entry` to `crawl`'s frontier.
fn handout_outcome(crawl: &str, entry: FrontierEntry) -> CrawlOutcome {
    CrawlOutcome {
        crawl: crawl.to_string(),
        claim: None,
        visited: Vec::new(),
        result: PageResult::Nothing,
        discovered: vec![entry],
    }
}
