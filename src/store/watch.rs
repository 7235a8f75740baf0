//! Watching stored articles: the plain rules every backend applies inside its own
//! transaction — when an article is revisited, and what a revisit's answer means.
//!
//! Every stored article is fetched again on a **ladder** of offsets counted from its first
//! sighting (`[watch] revisit`, by default 1 h, 6 h, 1 d, 3 d, 7 d and 30 d; per source
//! overridable or off). Rung `r` comes due at `first_seen + ladder[r] + spread`, where the
//! spread is a deterministic per-article offset within [`SPREAD`] of the rung's gap, so a
//! hundred thousand articles stored in one crawl come due over minutes (hours on the
//! longer rungs), not in one burst. A revisit that arrives late (the daemon was down)
//! counts for every rung it missed: the next one is the first still ahead. After the last
//! rung the article is no longer revisited; recrawls still update it.
//!
//! A revisit's answer becomes a [`Verdict`] by [`verdict`]: the text unchanged (200 with
//! the same text, or 304), edited, removed (404, 410 or 451; a page that no longer holds
//! this article; a redirect to the site's front page), restored (a removed article found
//! again), or no verdict at all: a network failure or a server error is retried later,
//! never taken for a removal.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::record::ArticleId;

/// The default ladder of `[watch] revisit`.
pub const DEFAULT_LADDER: [Duration; 6] = [
    Duration::from_secs(3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(24 * 3600),
    Duration::from_secs(3 * 24 * 3600),
    Duration::from_secs(7 * 24 * 3600),
    Duration::from_secs(30 * 24 * 3600),
];

/// Fraction of a rung's gap (the time since the rung before it) over which that rung's
/// revisits are spread.
pub const SPREAD: f64 = 0.1;

/// Attempts at one rung that found no answer worth judging (network failures, server
/// errors) before the rung is given up and the next one scheduled.
pub const MAX_ATTEMPTS: u32 = 3;

/// Shortest and longest wait before an unanswered revisit is tried again.
pub const RETRY_MIN: Duration = Duration::from_secs(1);
pub const RETRY_MAX: Duration = Duration::from_secs(6 * 3600);

/// How long a revisit may stay handed to a crawl's frontier before it is handed out
/// again: only a frontier that lost it (a crash of a kind sled does not have, a source's
/// revisit frontier removed by hand) leaves one there that long.
pub const QUEUED_LAPSE: Duration = Duration::from_secs(24 * 3600);

/// Which articles are revisited, and when: a ladder per source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchPolicy {
    /// The ladder of sources without one of their own (`[watch] revisit`).
    pub default: Vec<Duration>,
    /// Sources with their own ladder (`revisit = [...]`), or none (`watch = false`: empty).
    pub sources: BTreeMap<String, Vec<Duration>>,
}

impl Default for WatchPolicy {
    fn default() -> Self {
        WatchPolicy::new(DEFAULT_LADDER.to_vec(), BTreeMap::new())
    }
}

impl WatchPolicy {
    /// A policy; each ladder is put in increasing order, repeats dropped.
    pub fn new(default: Vec<Duration>, sources: BTreeMap<String, Vec<Duration>>) -> Self {
        WatchPolicy {
            default: ordered(default),
            sources: sources.into_iter().map(|(s, l)| (s, ordered(l))).collect(),
        }
    }

    /// Nothing is ever revisited.
    pub fn off() -> Self {
        WatchPolicy::new(Vec::new(), BTreeMap::new())
    }

    /// The ladder of `source`; empty when its articles are not watched.
    pub fn ladder(&self, source: &str) -> &[Duration] {
        self.sources.get(source).unwrap_or(&self.default)
    }
}

fn ordered(mut ladder: Vec<Duration>) -> Vec<Duration> {
    ladder.sort_unstable();
    ladder.dedup();
    ladder
}

/// The gap before rung `rung`: its offset minus the one before (the first: its offset).
fn gap(ladder: &[Duration], rung: usize) -> Duration {
    let before = rung
        .checked_sub(1)
        .and_then(|r| ladder.get(r))
        .copied()
        .unwrap_or_default();
    ladder
        .get(rung)
        .map_or(Duration::ZERO, |at| at.saturating_sub(before))
}

/// The deterministic offset of `article`'s rung `rung` within [`SPREAD`] of the gap.
pub fn spread(ladder: &[Duration], rung: usize, article: ArticleId) -> Duration {
    let mut hasher = Sha256::new();
    hasher.update(article.to_bytes());
    hasher.update((rung as u32).to_be_bytes());
    let digest = hasher.finalize();
    let mut bits = [0u8; 8];
    bits.copy_from_slice(&digest[..8]);
    // A fraction in [0, 1) with 53 bits of resolution.
    let fraction = (u64::from_be_bytes(bits) >> 11) as f64 / (1u64 << 53) as f64;
    gap(ladder, rung).mul_f64(SPREAD * fraction)
}

/// When rung `rung` of an article first seen at `first_seen` is due.
pub fn due_at(
    ladder: &[Duration],
    rung: usize,
    article: ArticleId,
    first_seen: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let offset = *ladder.get(rung)? + spread(ladder, rung, article);
    Some(first_seen + chrono::Duration::from_std(offset).ok()?)
}

/// A place on the ladder: which rung, and when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visit {
    pub rung: u32,
    pub due: DateTime<Utc>,
}

/// The first revisit of an article (new, or stored before watching began): the first rung
/// still ahead; or, when rungs were missed before it (a database from before revisits),
/// the last of those, due at once, so that the article is looked at now rather than at
/// its next rung. `None`: the ladder is over (or empty).
pub fn first_visit(
    ladder: &[Duration],
    article: ArticleId,
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Visit> {
    let ahead = (0..ladder.len()).find(|&r| due_at(ladder, r, article, first_seen) > Some(now))?;
    let rung = ahead.checked_sub(1).unwrap_or(ahead);
    Some(Visit {
        rung: rung as u32,
        due: due_at(ladder, rung, article, first_seen)?,
    })
}

/// The visit after rung `done` was visited at `now`: the first later rung still ahead
/// (rungs a late visit passed count as visited). `None`: the ladder is over.
pub fn next_visit(
    ladder: &[Duration],
    done: u32,
    article: ArticleId,
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Visit> {
    (done as usize + 1..ladder.len()).find_map(|r| {
        let due = due_at(ladder, r, article, first_seen)?;
        (due > now).then_some(Visit {
            rung: r as u32,
            due,
        })
    })
}

/// When a revisit of rung `rung` that got no answer worth judging is tried again: an
/// eighth of the rung's gap, within [`RETRY_MIN`]..[`RETRY_MAX`].
pub fn retry_after(ladder: &[Duration], rung: u32) -> Duration {
    (gap(ladder, rung as usize) / 8).clamp(RETRY_MIN, RETRY_MAX)
}

/// What a revisit found, as [`verdict`] needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// A 2xx whose page holds this article: the same id, or the same text (within the
    /// near-duplicate distance) at the URL it moved to.
    ThisArticle { text_changed: bool },
    /// 304 Not Modified to the conditional GET.
    NotModified,
    /// A 2xx whose page holds no article, or another article.
    OtherPage,
    /// Any other final status (redirects followed): 404, 410 or 451 are a removal.
    Status(u16),
    /// No answer worth judging: a network failure or server errors after the retries.
    Failed,
    /// Not fetched at all: robots.txt forbids it, or a limit or the scope stopped it.
    Unchecked,
}

/// What a revisit means for the watched article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Still there, same text.
    Unchanged,
    /// Still there, new text: a new version.
    Edited,
    /// Gone: mark it removed, with the status and final URL as evidence.
    Removed,
    /// A removed article is back (`edited`: with new text, also a new version).
    Restored { edited: bool },
    /// Removed before and still gone: nothing new to record.
    StillRemoved,
    /// No answer worth judging: try this rung again later.
    RetryLater,
    /// Not looked at: go on to the next rung without a verdict.
    Skipped,
}

/// Statuses that say a page is gone: Not Found, Gone, Unavailable For Legal Reasons.
pub fn status_means_removed(status: u16) -> bool {
    matches!(status, 404 | 410 | 451)
}

/// Whether `final_url` is the front page of its site while `watched` is not: an article
/// redirected to the home page is gone, whatever that page holds.
pub fn is_front_page_of(final_url: &str, watched: &str) -> bool {
    let root = |u: &str| {
        url::Url::parse(u)
            .map(|u| matches!(u.path(), "" | "/") && u.query().is_none())
            .unwrap_or(false)
    };
    root(final_url) && !root(watched)
}

/// The verdict on a watched article from what its revisit saw, where the answer came
/// from (`final_url`, after redirects; none when nothing answered) and whether the
/// article was marked removed.
pub fn verdict(seen: Seen, final_url: Option<&str>, watched: &str, was_removed: bool) -> Verdict {
    let to_front_page = final_url.is_some_and(|f| is_front_page_of(f, watched));
    let there = match seen {
        Seen::ThisArticle { .. } | Seen::NotModified | Seen::OtherPage if to_front_page => false,
        Seen::ThisArticle { .. } | Seen::NotModified => true,
        Seen::OtherPage => false,
        Seen::Status(status) if status_means_removed(status) => false,
        Seen::Status(_) | Seen::Failed => return Verdict::RetryLater,
        Seen::Unchecked => return Verdict::Skipped,
    };
    let edited = matches!(seen, Seen::ThisArticle { text_changed: true });
    match (there, was_removed) {
        (true, false) if edited => Verdict::Edited,
        (true, false) => Verdict::Unchanged,
        (true, true) => Verdict::Restored { edited },
        (false, false) => Verdict::Removed,
        (false, true) => Verdict::StillRemoved,
    }
}

/// Whether a revisit's page article is stored as any page's article is: always, but for
/// this very article (its own id at its own URL) judged gone.
pub fn stores_page(seen: Seen, moved: bool, verdict: Verdict) -> bool {
    let there = matches!(
        verdict,
        Verdict::Unchanged | Verdict::Edited | Verdict::Restored { .. }
    );
    let this_id = matches!(seen, Seen::ThisArticle { .. }) && !moved;
    there || !this_id
}

/// What a verdict records on the watched article once the revisit's page, if any, is
/// stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Followup {
    /// Mark it removed, with the status and final URL as evidence.
    MarkRemoved,
    /// The upsert did not see it (a 304, or its text at the URL it moved to): note the
    /// sighting, and a check of its current version when nothing changed.
    SeenAgain { check: bool },
    /// Note a check of its current version (the upsert saw the same text).
    Check,
    /// Nothing beyond what the upsert did.
    Nothing,
}

/// The [`Followup`] of `verdict`, given what the revisit saw and whether the article was
/// found at another URL.
pub fn followup(verdict: Verdict, seen: Seen, moved: bool) -> Followup {
    match verdict {
        Verdict::Removed => Followup::MarkRemoved,
        Verdict::Unchanged | Verdict::Restored { .. }
            if matches!(seen, Seen::NotModified) || moved =>
        {
            Followup::SeenAgain {
                check: verdict == Verdict::Unchanged,
            }
        }
        Verdict::Unchanged => Followup::Check,
        _ => Followup::Nothing,
    }
}

/// A revisit on the schedule: its rung, the attempts made at it so far, when it is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduled {
    pub rung: u32,
    pub attempts: u32,
    pub due: DateTime<Utc>,
}

/// The revisit after one at `rung` (with `attempts` made before it) judged `verdict` at
/// `now`: the same rung again, a [`retry_after`] later, for an answer not worth judging
/// while attempts are left; else the next rung ahead. `None`: the ladder is over.
pub fn after_revisit(
    verdict: Verdict,
    ladder: &[Duration],
    rung: u32,
    attempts: u32,
    article: ArticleId,
    first_seen: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<Scheduled> {
    if verdict == Verdict::RetryLater
        && attempts + 1 < MAX_ATTEMPTS
        && (rung as usize) < ladder.len()
    {
        let wait = chrono::Duration::from_std(retry_after(ladder, rung)).unwrap_or_default();
        return Some(Scheduled {
            rung,
            attempts: attempts + 1,
            due: now + wait,
        });
    }
    next_visit(ladder, rung, article, first_seen, now).map(|v| Scheduled {
        rung: v.rung,
        attempts: 0,
        due: v.due,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).expect("valid time")
    }

    fn secs(list: &[u64]) -> Vec<Duration> {
        list.iter().map(|s| Duration::from_secs(*s)).collect()
    }

    #[test]
    fn verdicts_follow_the_answer_and_the_removal_mark() {
        use Seen::*;
        use Verdict::*;
        let watched = "https://news.example/2026/11/story";
        let same = Some(watched);
        let front = Some("https://news.example/");
        let section = Some("https://news.example/politics/");
        let cases: &[(Seen, Option<&str>, bool, Verdict)] = &[
            (
                ThisArticle {
                    text_changed: false,
                },
                same,
                false,
                Unchanged,
            ),
            (NotModified, same, false, Unchanged),
            (ThisArticle { text_changed: true }, same, false, Edited),
            (Status(404), same, false, Removed),
            (Status(410), same, false, Removed),
            (Status(451), same, false, Removed),
            // Redirected to a section index that holds no article, or to the front page
            // whatever it holds.
            (OtherPage, section, false, Removed),
            (OtherPage, front, false, Removed),
            (
                ThisArticle {
                    text_changed: false,
                },
                front,
                false,
                Removed,
            ),
            (NotModified, front, false, Removed),
            // The same text at the URL it moved to is the article.
            (
                ThisArticle {
                    text_changed: false,
                },
                section,
                false,
                Unchanged,
            ),
            // Not a removal: retried.
            (Status(500), same, false, RetryLater),
            (Status(503), same, false, RetryLater),
            (Status(403), same, false, RetryLater),
            (Status(429), same, false, RetryLater),
            (Failed, None, false, RetryLater),
            (Failed, None, true, RetryLater),
            (Unchecked, None, false, Skipped),
            // A removed article.
            (Status(410), same, true, StillRemoved),
            (OtherPage, front, true, StillRemoved),
            (
                ThisArticle {
                    text_changed: false,
                },
                same,
                true,
                Restored { edited: false },
            ),
            (NotModified, same, true, Restored { edited: false }),
            (
                ThisArticle { text_changed: true },
                same,
                true,
                Restored { edited: true },
            ),
        ];
        for &(seen, final_url, removed, expected) in cases {
            assert_eq!(
                verdict(seen, final_url, watched, removed),
                expected,
                "{seen:?} at {final_url:?}, removed before: {removed}"
            );
        }
        // A watched front page that is still a front page is not "redirected" there.
        assert_eq!(
            verdict(NotModified, front, "https://news.example/", false),
            Unchanged
        );
    }

    #[test]
    fn rungs_are_offsets_from_the_first_sighting_spread_within_a_tenth_of_their_gap() {
        let ladder = secs(&[3600, 6 * 3600, 24 * 3600]);
        let first = t(0);
        let mut early = [i64::MAX; 3];
        let mut late = [i64::MIN; 3];
        for n in 0..2000 {
            let id = ArticleId::for_url(&format!("https://news.example/{n}"));
            for (r, gap) in [3600i64, 5 * 3600, 18 * 3600].into_iter().enumerate() {
                let due = due_at(&ladder, r, id, first).expect("rung exists");
                let offset = (due - first).num_seconds() - ladder[r].as_secs() as i64;
                assert!(offset >= 0 && offset <= gap / 10, "rung {r}: {offset}");
                early[r] = early[r].min(offset);
                late[r] = late[r].max(offset);
            }
            // Deterministic.
            assert_eq!(due_at(&ladder, 1, id, first), due_at(&ladder, 1, id, first));
        }
        // 2000 articles first seen together use the whole window: no burst.
        assert!(early[0] < 60 && late[0] > 300, "{early:?} {late:?}");
        assert!(due_at(&ladder, 3, ArticleId::for_url("x"), first).is_none());
    }

    #[test]
    fn a_late_visit_counts_for_the_rungs_it_passed() {
        let ladder = secs(&[10, 20, 40, 80]);
        let id = ArticleId::for_url("https://news.example/a");
        let first = t(0);
        // On time: the next rung.
        let next = next_visit(&ladder, 0, id, first, t(11)).expect("more rungs");
        assert_eq!(next.rung, 1);
        assert!(next.due >= t(20) && next.due <= t(21));
        // Visited rung 0 at 50 s (late): rungs 1 and 2 are passed, rung 3 is next.
        assert_eq!(
            next_visit(&ladder, 0, id, first, t(50)).map(|v| v.rung),
            Some(3)
        );
        // After the last rung, or past it: the ladder is over.
        assert_eq!(next_visit(&ladder, 3, id, first, t(81)), None);
        assert_eq!(next_visit(&ladder, 1, id, first, t(1000)), None);
        assert_eq!(next_visit(&[], 0, id, first, t(1)), None);
    }

    #[test]
    fn the_first_visit_looks_once_at_an_article_that_missed_rungs() {
        let ladder = secs(&[10, 20, 40]);
        let id = ArticleId::for_url("https://news.example/b");
        // New: rung 0, ahead.
        let v = first_visit(&ladder, id, t(0), t(0)).expect("watched");
        assert_eq!(v.rung, 0);
        assert!(v.due >= t(10));
        // Stored 25 s before watching began: rung 1 was missed and is due at once.
        let v = first_visit(&ladder, id, t(0), t(25)).expect("watched");
        assert_eq!(v.rung, 1);
        assert!(v.due <= t(25));
        // Past the whole ladder, or no ladder: not watched.
        assert_eq!(first_visit(&ladder, id, t(0), t(100)), None);
        assert_eq!(first_visit(&[], id, t(0), t(0)), None);
    }

    #[test]
    fn retries_wait_an_eighth_of_the_gap_within_bounds() {
        let ladder = secs(&[2, 3600, 60 * 24 * 3600]);
        assert_eq!(retry_after(&ladder, 0), RETRY_MIN);
        assert_eq!(
            retry_after(&ladder, 1),
            Duration::from_millis(3598 * 1000 / 8)
        );
        assert_eq!(retry_after(&ladder, 2), RETRY_MAX);
    }

    #[test]
    fn policies_order_their_ladders_and_fall_back_to_the_default() {
        let policy = WatchPolicy::new(
            secs(&[60, 10, 60]),
            BTreeMap::from([
                ("quiet".to_string(), Vec::new()),
                ("fast".to_string(), secs(&[5, 1])),
            ]),
        );
        assert_eq!(policy.ladder("any"), secs(&[10, 60]).as_slice());
        assert!(policy.ladder("quiet").is_empty());
        assert_eq!(policy.ladder("fast"), secs(&[1, 5]).as_slice());
        assert_eq!(
            WatchPolicy::default().ladder("x"),
            DEFAULT_LADDER.as_slice()
        );
        assert!(WatchPolicy::off().ladder("x").is_empty());
    }

    #[test]
    fn what_a_verdict_stores_and_records() {
        use Followup::*;
        use Seen::*;
        use Verdict::*;
        let this = ThisArticle {
            text_changed: false,
        };
        let edited = ThisArticle { text_changed: true };
        // (seen, moved, verdict) -> (page stored, followup)
        let cases: &[(Seen, bool, Verdict, bool, Followup)] = &[
            (this, false, Unchanged, true, Check),
            (edited, false, Edited, true, Nothing),
            (
                NotModified,
                false,
                Unchanged,
                true,
                SeenAgain { check: true },
            ),
            (this, true, Unchanged, true, SeenAgain { check: true }),
            (
                NotModified,
                false,
                Restored { edited: false },
                true,
                SeenAgain { check: false },
            ),
            (edited, false, Restored { edited: true }, true, Nothing),
            // Its own page redirected to the front page: gone, and not stored as itself.
            (this, false, Removed, false, MarkRemoved),
            // Another article where it was: that one is stored as any page's.
            (OtherPage, false, Removed, true, MarkRemoved),
            (Status(410), false, Removed, true, MarkRemoved),
            (Status(404), false, StillRemoved, true, Nothing),
            (Failed, false, RetryLater, true, Nothing),
            (Unchecked, false, Skipped, true, Nothing),
        ];
        for &(seen, moved, verdict, stored, then) in cases {
            assert_eq!(
                (
                    stores_page(seen, moved, verdict),
                    followup(verdict, seen, moved)
                ),
                (stored, then),
                "{seen:?} moved={moved} {verdict:?}"
            );
        }
    }

    #[test]
    fn after_a_revisit_the_rung_is_retried_while_attempts_last_then_the_ladder_goes_on() {
        let ladder = secs(&[100, 1000, 10_000]);
        let id = ArticleId::for_url("https://news.example/2026/11/story");
        let first_seen = t(0);
        let now = t(150);
        let retry = after_revisit(Verdict::RetryLater, &ladder, 0, 0, id, first_seen, now);
        let wait = chrono::Duration::from_std(retry_after(&ladder, 0)).expect("small");
        assert_eq!(
            retry,
            Some(Scheduled {
                rung: 0,
                attempts: 1,
                due: now + wait
            })
        );
        // The last attempt spent: on to the next rung, attempts reset.
        let next = after_revisit(
            Verdict::RetryLater,
            &ladder,
            0,
            MAX_ATTEMPTS - 1,
            id,
            first_seen,
            now,
        )
        .expect("a rung is ahead");
        assert_eq!((next.rung, next.attempts), (1, 0));
        assert_eq!(Some(next.due), due_at(&ladder, 1, id, first_seen));
        for verdict in [
            Verdict::Unchanged,
            Verdict::Edited,
            Verdict::Removed,
            Verdict::Skipped,
        ] {
            let next = after_revisit(verdict, &ladder, 0, 1, id, first_seen, now).expect("ahead");
            assert_eq!((next.rung, next.attempts), (1, 0), "{verdict:?}");
        }
        // The last rung done: the ladder is over, whatever the verdict.
        assert_eq!(
            after_revisit(Verdict::Edited, &ladder, 2, 0, id, first_seen, t(20_000)),
            None
        );
    }
}
