//! Everything an embedded store holds, read out item by item: what
//! `gleaner migrate-store` copies into another backend.
//!
//! Read under the store's writer lock where it matters (queue, counters), so the copy is of
//! one consistent moment; the store is not changed, except that reading a crawl's pending
//! URLs opens its frontier (resuming it), which only clears keys of abandoned cycles.

use chrono::{DateTime, Utc};

use super::codec::{self, PageStateV1};
use super::engine::KvStore;
use super::error::Result;
use super::keys;
use super::kv::{Kv, Scan};
use super::record::{ArticleId, ArticleRecord, FrontierEntry, RawPage, Validators};
use super::roles::{ArticleVersion, Change, CrawlStart, FrontierLimits, GateAnswer, HostGate};

/// One thing the store holds.
#[derive(Debug, Clone)]
pub enum DumpItem {
    /// An article record (its `seq` is its place in store order) and the URLs that produced
    /// it, with their validators, least recently seen first.
    Record {
        record: Box<ArticleRecord>,
        pages: Vec<(String, Validators)>,
    },
    /// Validators of a URL kept outside any record (a page that is not an article), and the
    /// article it last produced, if any.
    Page {
        url: String,
        validators: Validators,
        article: Option<ArticleId>,
    },
    Raw {
        id: ArticleId,
        raw: RawPage,
    },
    /// A queue entry, in queue order; a leased one with its nonce and lease end.
    Queued {
        qseq: u64,
        article: ArticleId,
        lease: Option<(u64, DateTime<Utc>)>,
    },
    /// Deliveries acknowledged, ever.
    Acked(u64),
    /// The daemon's schedule state of a source.
    Schedule {
        source: String,
        state: Vec<u8>,
    },
    /// What watching kept of an article besides its record: the versions later fetches
    /// replaced (with their raw pages when they differ from the current one's), and the
    /// revisits that found a version unchanged (`revisits` of each version, the current one
    /// included).
    Versions {
        id: ArticleId,
        versions: Vec<ArticleVersion>,
        raws: Vec<(u32, RawPage)>,
    },
    /// An entry of the change log, in log order.
    Change(Change),
    /// The URLs pending in a crawl's frontier, in claim order.
    Frontier {
        crawl: String,
        entries: Vec<FrontierEntry>,
    },
}

/// Lets every host go: the dump takes every pending URL.
struct AllHosts;

impl HostGate for AllHosts {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready {
            spacing: std::time::Duration::ZERO,
        }
    }
}

impl<K: Kv> KvStore<K> {
    /// Calls `out` with every item the store holds: records (in store order), pages, raw
    /// pages, the queue, schedule states and the crawls' pending URLs.
    pub fn dump(&self, out: &mut dyn FnMut(DumpItem) -> Result<()>) -> Result<()> {
        let (entries, acked) = {
            let state = self.lock();
            (state.queue.entries(), state.counters.acked)
        };
        let mut watched = Vec::new();
        self.kv.scan_prefix(&[keys::ARTICLE], &mut |key, value| {
            let stored = codec::decode_record(value, key)?;
            watched.push((
                stored.record.id,
                stored.record.version,
                stored.record.provenance.raw_sha256.clone(),
            ));
            out(DumpItem::Record {
                record: Box::new(stored.record),
                pages: stored
                    .pages
                    .into_iter()
                    .map(|p| (p.url, p.validators))
                    .collect(),
            })?;
            Ok(Scan::Continue)
        })?;
        self.kv.scan_prefix(&[keys::PAGE], &mut |key, value| {
            let state: PageStateV1 = codec::decode(value, "page state", key)?;
            let url = String::from_utf8_lossy(&key[1..]).into_owned();
            out(DumpItem::Page {
                url,
                validators: Validators {
                    etag: state.etag,
                    last_modified: state.last_modified,
                },
                article: state.article.map(ArticleId::from_bytes),
            })?;
            Ok(Scan::Continue)
        })?;
        self.kv.scan_prefix(&[keys::RAW], &mut |key, value| {
            let Some(id) = key.get(1..9).and_then(|b| <[u8; 8]>::try_from(b).ok()) else {
                return Ok(Scan::Continue);
            };
            out(DumpItem::Raw {
                id: ArticleId::from_bytes(id),
                raw: super::pages::read(self.kv.pages(), key, value)?,
            })?;
            Ok(Scan::Continue)
        })?;
        for (id, current, raw_sha256) in watched {
            let Some(versions) = self.versions(id)? else {
                continue;
            };
            let worth = versions
                .iter()
                .any(|v| !v.revisits.is_empty() || (v.version < current && v.text.is_some()));
            if !worth {
                continue;
            }
            let mut raws = Vec::new();
            for v in versions.iter().filter(|v| v.version < current) {
                if v.raw_sha256.as_deref() == Some(raw_sha256.as_str()) {
                    continue; // re-extracted from the current response: its raw page
                }
                if let Some(raw) = self.version_raw(id, v.version)? {
                    raws.push((v.version, raw));
                }
            }
            out(DumpItem::Versions { id, versions, raws })?;
        }
        let mut after = 0;
        loop {
            let changes = self.changes_since(after, None, 1024)?;
            let Some(last) = changes.last() else {
                break;
            };
            after = last.seq;
            for change in changes {
                out(DumpItem::Change(change))?;
            }
        }
        for (qseq, article, lease) in entries {
            let lease = lease.map(|(nonce, ms)| {
                let at = DateTime::from_timestamp_millis(ms as i64).unwrap_or_default();
                (nonce, at)
            });
            out(DumpItem::Queued {
                qseq,
                article,
                lease,
            })?;
        }
        out(DumpItem::Acked(acked))?;
        let mut schedules = Vec::new();
        self.kv
            .scan_prefix(&[keys::SOURCE_STATE], &mut |key, value| {
                schedules.push((
                    String::from_utf8_lossy(&key[1..]).into_owned(),
                    value.to_vec(),
                ));
                Ok(Scan::Continue)
            })?;
        for (source, state) in schedules {
            out(DumpItem::Schedule { source, state })?;
        }
        for crawl in self.crawl_names()? {
            if self.frontier_pending(&crawl)? == 0 {
                continue;
            }
            self.open_frontier(&crawl, CrawlStart::Resume, FrontierLimits::default())?;
            let mut entries = Vec::new();
            loop {
                let claims = self.claim_frontier(&crawl, 4096, &mut AllHosts)?;
                if claims.claims.is_empty() {
                    break;
                }
                entries.extend(claims.claims.into_iter().map(|c| c.entry));
            }
            self.close_frontier(&crawl);
            out(DumpItem::Frontier { crawl, entries })?;
        }
        Ok(())
    }

    /// The names of the crawls that have a frontier.
    fn crawl_names(&self) -> Result<Vec<String>> {
        let mut names = Vec::new();
        self.kv.scan_prefix(&[keys::CRAWL], &mut |key, _| {
            let len = key
                .get(1..3)
                .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize);
            if let Some(name) = len.and_then(|len| key.get(3..3 + len)) {
                names.push(String::from_utf8_lossy(name).into_owned());
            }
            Ok(Scan::Continue)
        })?;
        Ok(names)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::DiscoveredVia;
    use crate::store::roles::{CrawlOutcome, PageResult};
    use crate::store::{MemoryStore, NewArticle, Provenance, StoreOptions};

    #[test]
    fn a_dump_holds_records_queue_schedule_and_pending_urls() {
        let store = MemoryStore::new(StoreOptions::default()).expect("store");
        let provenance = |url: &str| Provenance {
            url: url.into(),
            final_url: url.into(),
            source: "s".into(),
            discovered_from: None,
            discovered_via: DiscoveredVia::Link,
            fetched_at: DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default(),
            http_status: 200,
            content_type: None,
            charset: None,
            etag: Some("\"e\"".into()),
            last_modified: None,
            raw_sha256: "00".repeat(32),
            extractor_version: "x".into(),
            crawler_version: "c".into(),
        };
        for i in 0..3 {
            store
                .put_article(NewArticle {
                    provenance: provenance(&format!("https://a.test/{i}")),
                    article: crate::extract::article::Article {
                        text: format!("story number {i}"),
                        ..Default::default()
                    },
                    raw: Some(
                        crate::store::PackedRawPage::pack(&RawPage::default()).expect("packs"),
                    ),
                })
                .expect("put");
        }
        let now = store.now();
        let leased = store
            .pop(1, std::time::Duration::from_secs(60), now)
            .expect("pop");
        store.set_source_state("s", b"state").expect("schedule");
        store
            .open_frontier("s", CrawlStart::NewCycle, FrontierLimits::default())
            .expect("open");
        let entry = |url: &str| FrontierEntry {
            url: url.into(),
            host: "a.test".into(),
            depth: 1,
            discovered_from: None,
            discovered_via: DiscoveredVia::Link,
            counter_chain: 0,
        };
        store
            .commit_crawl(vec![CrawlOutcome {
                crawl: "s".into(),
                claim: None,
                visited: Vec::new(),
                result: PageResult::Nothing,
                discovered: vec![entry("https://a.test/x"), entry("https://a.test/y")],
            }])
            .expect("commit");
        store.close_frontier("s");

        let mut items = Vec::new();
        store
            .dump(&mut |item| {
                items.push(item);
                Ok(())
            })
            .expect("dump");
        let records: Vec<u64> = items
            .iter()
            .filter_map(|i| match i {
                DumpItem::Record { record, pages } => {
                    assert_eq!(pages.len(), 1);
                    Some(record.seq)
                }
                _ => None,
            })
            .collect();
        assert_eq!(records, [1, 2, 3]);
        let queued: Vec<bool> = items
            .iter()
            .filter_map(|i| match i {
                DumpItem::Queued { lease, .. } => Some(lease.is_some()),
                _ => None,
            })
            .collect();
        assert_eq!(queued, [true, false, false]);
        assert_eq!(leased.len(), 1);
        assert!(
            items
                .iter()
                .any(|i| matches!(i, DumpItem::Schedule { state, .. } if state == b"state"))
        );
        assert_eq!(
            items
                .iter()
                .filter(|i| matches!(i, DumpItem::Raw { .. }))
                .count(),
            3
        );
        let pending: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                DumpItem::Frontier { entries, .. } => Some(entries),
                _ => None,
            })
            .flatten()
            .map(|e| e.url.as_str())
            .collect();
        assert_eq!(pending, ["https://a.test/x", "https://a.test/y"]);
        // Reading the pending URLs left them pending.
        assert_eq!(store.frontier_pending("s").expect("pending"), 2);
    }
}
