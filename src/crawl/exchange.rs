//! One claimed URL, as a task: robots.txt when its origin's is not known yet, the request
//! (conditional when we have validators), same-host redirects within the claim, then the
//! CPU work on the blocking pool, and the outcome handed to the store writer.
//!
//! The task holds the host's politeness slot while it talks to the host; a second request
//! within the claim (after robots.txt, or a redirect hop) first waits for the host's pace.
//! The slot is let go before the CPU work, so the host's next URL need not wait for it.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::SystemTime;

use chrono::Utc;
use reqwest::header;
use url::Url;

use super::analyse::{self, PageContext};
use super::decide::{self, Failure, Redirect, Reply, Retry};
use super::seeds::SeedOutcome;
use super::stats::Event;
use super::{CrawlContext, CrawlError};
use crate::fetch::budget::BodyShare;
use crate::fetch::http::{ACCEPT_PAGES, BodyLimit, Conditional, Request, Response};
use crate::fetch::normalize;
use crate::fetch::politeness::{self, HostSlot, Outcome};
use crate::fetch::robots::RobotsExchange;
use crate::store::{
    Claim, CrawlOutcome, DiscoveredVia, FrontierEntry, PageResult, RevisitAnswer, RevisitResult,
    Validators,
};

/// How a claim's task ended.
pub(crate) enum TaskEnd {
    /// The outcome went to the store writer.
    Done {
        /// The claimed URL.
        url: String,
    },
    /// Try again once politeness allows: the claim goes back to the frontier.
    Retry(Claim),
    /// The host's circuit breaker opened: the URL stays pending for a later run.
    KeepPending(Claim),
}

/// What a claim led to, before it goes to the writer.
struct Finish {
    result: PageResult,
    discovered: Vec<FrontierEntry>,
    /// The page's share of the body budget, for the raw page the result still carries:
    /// given back once the writer has committed it.
    share: Option<BodyShare>,
}

impl Finish {
    fn nothing() -> Finish {
        Finish {
            result: PageResult::Nothing,
            discovered: Vec::new(),
            share: None,
        }
    }

    /// The same, holding `share` until it is committed.
    fn holding(self, share: Option<BodyShare>) -> Finish {
        Finish { share, ..self }
    }

    /// The end of a revisit of the watched article `entry` stands for: what its request
    /// gave, to be judged against the stored article when committed. A revisit adds no
    /// links: it looks at one page.
    fn revisit(ctx: &CrawlContext, entry: &FrontierEntry, answer: RevisitAnswer) -> Finish {
        Finish {
            result: PageResult::Revisit(Box::new(RevisitResult {
                source: ctx.job.source.clone(),
                watched_url: watched_url(entry),
                at: Utc::now(),
                answer,
            })),
            discovered: Vec::new(),
            share: None,
        }
    }

    /// A claim that ended without a page worth storing: for a revisit, `answer`.
    fn ended(ctx: &CrawlContext, entry: &FrontierEntry, answer: RevisitAnswer) -> Finish {
        if is_revisit(entry) {
            Finish::revisit(ctx, entry, answer)
        } else {
            Finish::nothing()
        }
    }
}

/// Whether `entry` is the revisit of a watched article.
fn is_revisit(entry: &FrontierEntry) -> bool {
    entry.discovered_via == DiscoveredVia::Revisit
}

/// The watched article's URL a revisit entry stands for (kept across redirects).
fn watched_url(entry: &FrontierEntry) -> String {
    entry
        .discovered_from
        .clone()
        .unwrap_or_else(|| entry.url.clone())
}

fn unchecked(reason: &str) -> RevisitAnswer {
    RevisitAnswer::Unchecked {
        reason: reason.to_string(),
    }
}

fn failed(kind: &str) -> RevisitAnswer {
    RevisitAnswer::Failed {
        kind: kind.to_string(),
    }
}

/// Runs one claim to its end. `attempt` counts earlier failed attempts at this URL.
pub(crate) async fn run(
    ctx: Arc<CrawlContext>,
    claim: Claim,
    slot: HostSlot,
    // Held until the outcome is with the writer: it bounds the pages in memory.
    _in_hand: tokio::sync::OwnedSemaphorePermit,
    attempt: u32,
) -> Result<TaskEnd, CrawlError> {
    let mut visited = Vec::new();
    let mut sitemaps = Vec::new();
    let end = match exchange(&ctx, &claim, slot, attempt, &mut visited, &mut sitemaps).await? {
        Exchanged::Finished(mut finish) => {
            if !is_revisit(&claim.entry) {
                finish.discovered.extend(sitemaps);
            }
            let url = claim.entry.url.clone();
            let outcome = CrawlOutcome {
                crawl: ctx.crawl.clone(),
                claim: Some(claim.ticket),
                visited,
                result: finish.result,
                discovered: finish.discovered,
            };
            ctx.writer
                .send(outcome, &ctx.ledger, finish.share)
                .await
                .map_err(CrawlError::Task)?;
            return Ok(TaskEnd::Done { url });
        }
        Exchanged::Retry => TaskEnd::Retry(claim),
        Exchanged::KeepPending => TaskEnd::KeepPending(claim),
    };
    Ok(end)
}

enum Exchanged {
    Finished(Finish),
    Retry,
    KeepPending,
}

async fn exchange(
    ctx: &Arc<CrawlContext>,
    claim: &Claim,
    slot: HostSlot,
    attempt: u32,
    visited: &mut Vec<String>,
    sitemaps: &mut Vec<FrontierEntry>,
) -> Result<Exchanged, CrawlError> {
    let crawler = &ctx.crawler;
    let tally = &ctx.tally;
    let host = slot.host().to_string();
    let entry = &claim.entry;
    // A start URL (seed, feed, sitemap); redirect hops and retries keep its entry.
    let is_start = entry.discovered_via == DiscoveredVia::Seed;
    let mut url = match Url::parse(&entry.url) {
        Ok(u) => u,
        Err(e) => {
            tracing::warn!(url = %entry.url, error = %e, "pending URL cannot be parsed");
            tally.event(Event::Error("bad_url"));
            return Ok(Exchanged::Finished(Finish::ended(
                ctx,
                entry,
                unchecked("bad_url"),
            )));
        }
    };
    let mut paced = false;
    if crawler.config.respect_robots {
        let robots = match crawler.robots.cached(&url) {
            Some(known) => known,
            None => {
                let delay = crawler.politeness.delay(&host, ctx.job.min_delay);
                let known = crawler
                    .robots
                    .get(
                        &crawler.http,
                        &url,
                        delay,
                        |u, exchange: &RobotsExchange| match exchange {
                            Ok(r) => tally.response(r.status, r.body.len(), r.elapsed, false),
                            Err(e) => {
                                tracing::debug!(url = %u, error = %e, "robots.txt fetch failed");
                                tally.event(Event::Error(e.kind()));
                            }
                        },
                    )
                    .await;
                crawler
                    .politeness
                    .set_crawl_delay(&host, known.rules.crawl_delay());
                if let Ok(robots_url) = url.join("/robots.txt") {
                    let scope = &ctx.scope;
                    let found = known
                        .rules
                        .sitemaps()
                        .iter()
                        .map(|raw| super::discover::Found {
                            raw,
                            via: DiscoveredVia::Sitemap,
                            depth: 0,
                        });
                    let origin = super::discover::Origin {
                        url: &robots_url,
                        base: &robots_url,
                        chain: 0,
                    };
                    sitemaps
                        .extend(super::discover::discover(origin, found, scope, |_| None).entries);
                }
                paced = true;
                known
            }
        };
        if !robots.rules.allows(&url) {
            tally.event(Event::RobotsBlocked);
            tracing::debug!(%url, "disallowed by robots.txt");
            if is_start {
                ctx.seeds
                    .record(&entry.url, SeedOutcome::of_robots(Some(&robots.rules)));
            }
            return Ok(Exchanged::Finished(Finish::ended(
                ctx,
                entry,
                unchecked("robots"),
            )));
        }
    }
    let mut hops: Vec<String> = Vec::new();
    loop {
        if paced {
            slot.pace().await;
        }
        paced = true;
        ctx.requests.fetch_add(1, Ordering::Relaxed);
        let validators: Option<Validators> = if url.as_str() == entry.url {
            claim.validators.clone()
        } else {
            crawler.pages.validators(url.as_str()).await?
        };
        let exchange = crawler
            .http
            .get(Request {
                url: &url,
                validators: validators.as_ref().map(|v| Conditional {
                    etag: v.etag.as_deref(),
                    last_modified: v.last_modified.as_deref(),
                }),
                limit: BodyLimit::Abandon(crawler.config.max_body_bytes),
                accept: ACCEPT_PAGES,
                budget: Some(&crawler.bodies),
            })
            .await;
        let fetched_at = Utc::now();
        if is_start {
            let answer = exchange.as_ref().map(|r| r.status);
            ctx.seeds.record(&entry.url, SeedOutcome::of_answer(answer));
        }
        let response = match exchange {
            Ok(r) => r,
            Err(error) => {
                return Ok(match decide::failure(&error) {
                    Failure::Skipped(reason) => {
                        tracing::warn!(%url, %error, "fetch cut off by a limit");
                        tally.event(Event::Skipped(reason));
                        // The server answered; it sent too much.
                        Exchanged::Finished(Finish::ended(ctx, entry, unchecked(reason)))
                    }
                    Failure::Permanent => {
                        tracing::info!(%url, %error, "fetch failed");
                        tally.event(Event::Error(error.kind()));
                        Exchanged::Finished(Finish::ended(ctx, entry, failed(error.kind())))
                    }
                    Failure::Transient => {
                        let tripped = crawler.politeness.record(&host, Outcome::Failure);
                        retry_or_finish(ctx, entry, &url, attempt, tripped, error.kind())
                    }
                });
            }
        };
        tally.response(response.status, response.body.len(), response.elapsed, true);
        if let Some(waited) = response.share.as_ref().and_then(|s| s.waited()) {
            tally.waited_for_memory(waited);
        }
        match decide::reply(response.status) {
            Reply::Redirect => {
                crawler.politeness.record(&host, Outcome::Success);
                match decide::redirect(
                    &entry.url,
                    &url,
                    &hops,
                    response.redirect_target(),
                    crawler.config.max_redirects,
                    &ctx.scope,
                ) {
                    Redirect::SameHost(target) => {
                        if ctx.robots_allows(&target) == Some(false) {
                            tally.event(Event::RobotsBlocked);
                            visited.push(target.to_string());
                            return Ok(Exchanged::Finished(Finish::ended(
                                ctx,
                                entry,
                                unchecked("robots"),
                            )));
                        }
                        visited.push(url.to_string());
                        hops.push(url.to_string());
                        url = target;
                    }
                    Redirect::OtherHost(target) => {
                        visited.push(url.to_string());
                        // A revisit goes on at the other host as the same revisit.
                        let (discovered_from, discovered_via) = if is_revisit(entry) {
                            (Some(watched_url(entry)), DiscoveredVia::Revisit)
                        } else {
                            (Some(url.to_string()), DiscoveredVia::Redirect)
                        };
                        let next = FrontierEntry {
                            host: normalize::host_key(&target),
                            url: target.to_string(),
                            depth: entry.depth,
                            discovered_from,
                            discovered_via,
                            counter_chain: entry.counter_chain,
                        };
                        return Ok(Exchanged::Finished(Finish {
                            result: PageResult::Nothing,
                            discovered: vec![next],
                            share: None,
                        }));
                    }
                    Redirect::Stop { kind, why } => {
                        tracing::info!(%url, %why, "redirect not followed");
                        tally.event(Event::Error(kind));
                        return Ok(Exchanged::Finished(Finish::ended(ctx, entry, failed(kind))));
                    }
                    Redirect::OutOfScope(why) => {
                        tracing::info!(%url, %why, "redirect leaves the crawl's scope");
                        tally.event(Event::Skipped("redirect_out_of_scope"));
                        return Ok(Exchanged::Finished(Finish::ended(
                            ctx,
                            entry,
                            unchecked("redirect_out_of_scope"),
                        )));
                    }
                }
            }
            Reply::NotModified => {
                crawler.politeness.record(&host, Outcome::Success);
                tally.event(Event::NotModified);
                if is_revisit(entry) {
                    return Ok(Exchanged::Finished(Finish::revisit(
                        ctx,
                        entry,
                        RevisitAnswer::NotModified {
                            final_url: url.to_string(),
                        },
                    )));
                }
                return Ok(Exchanged::Finished(Finish {
                    result: PageResult::NotModified {
                        url: url.to_string(),
                        at: fetched_at,
                    },
                    discovered: Vec::new(),
                    share: None,
                }));
            }
            Reply::Throttled => {
                let retry_after = response
                    .header(header::RETRY_AFTER)
                    .and_then(|v| politeness::parse_retry_after(v, SystemTime::now()));
                if let Some(wait) = retry_after {
                    tracing::info!(%url, ?wait, status = response.status, "server asked to retry later");
                }
                let tripped = crawler
                    .politeness
                    .record(&host, Outcome::Throttled(retry_after));
                let kind = decide::status_kind(response.status);
                return Ok(retry_or_finish(ctx, entry, &url, attempt, tripped, kind));
            }
            Reply::ServerError => {
                let tripped = crawler.politeness.record(&host, Outcome::Failure);
                let kind = decide::status_kind(response.status);
                return Ok(retry_or_finish(ctx, entry, &url, attempt, tripped, kind));
            }
            Reply::Refused => {
                crawler.politeness.record(&host, Outcome::Success);
                tracing::debug!(%url, status = response.status, "page not fetched");
                tally.event(Event::Error(decide::status_kind(response.status)));
                return Ok(Exchanged::Finished(Finish::ended(
                    ctx,
                    entry,
                    RevisitAnswer::Status {
                        status: response.status,
                        final_url: url.to_string(),
                    },
                )));
            }
            Reply::Success => {
                crawler.politeness.record(&host, Outcome::Success);
                drop(slot);
                let status = response.status;
                let final_url = url.to_string();
                ctx.host_freed.notify_one();
                let (analysed, share) =
                    analyse_on_pool(ctx, entry.clone(), url, response, fetched_at).await?;
                if let Some(event) = analysed.event {
                    tally.event(event);
                }
                if is_revisit(entry) {
                    let answer = revisit_page(status, final_url, analysed);
                    return Ok(Exchanged::Finished(
                        Finish::revisit(ctx, entry, answer).holding(share),
                    ));
                }
                for (&reason, &n) in &analysed.discovered.refused {
                    match reason {
                        "robots" => tally.events(Event::RobotsBlocked, n),
                        other => tally.events(Event::Skipped(other), n),
                    }
                }
                return Ok(Exchanged::Finished(Finish {
                    result: analysed.result,
                    discovered: analysed.discovered.entries,
                    share,
                }));
            }
        }
    }
}

/// What a revisit's 2xx answer showed: the article on the page, if it holds one. A page
/// `noindex` forbids storing was not looked at.
fn revisit_page(status: u16, final_url: String, analysed: analyse::Analysed) -> RevisitAnswer {
    if analysed.event == Some(Event::Skipped("noindex")) {
        return unchecked("noindex");
    }
    let (article, validators) = match analysed.result {
        PageResult::Article(article) => {
            let validators = Validators {
                etag: article.provenance.etag.clone(),
                last_modified: article.provenance.last_modified.clone(),
            };
            (Some(article), validators)
        }
        PageResult::Validators { validators, .. } => (None, validators),
        _ => (None, Validators::default()),
    };
    RevisitAnswer::Page {
        status,
        final_url,
        article,
        validators,
    }
}

/// After a failed attempt: another try, the URL left pending, or given up.
fn retry_or_finish(
    ctx: &CrawlContext,
    entry: &FrontierEntry,
    url: &Url,
    attempt: u32,
    tripped: bool,
    kind: &'static str,
) -> Exchanged {
    match decide::retry(attempt + 1, ctx.crawler.config.max_retries, tripped) {
        Retry::Again => {
            tracing::info!(%url, kind, attempt = attempt + 1, "fetch failed; will retry");
            Exchanged::Retry
        }
        Retry::KeepPending => Exchanged::KeepPending,
        Retry::GiveUp => {
            tracing::info!(%url, attempts = attempt + 1, kind, "giving up on URL");
            ctx.tally.event(Event::Error(kind));
            Exchanged::Finished(Finish::ended(ctx, entry, failed(kind)))
        }
    }
}

/// Runs [`analyse::analyse`] on a parsing thread, at most as many at once as there are
/// cores, so parsing never starves the sockets and a burst of large pages does not take
/// more memory than the cores can work through.
///
/// Returns the body's share of the budget shrunk to the packed raw page the result still
/// carries (none when it carries none), to be held until the writer commits it.
async fn analyse_on_pool(
    ctx: &Arc<CrawlContext>,
    entry: FrontierEntry,
    url: Url,
    mut response: Response,
    fetched_at: chrono::DateTime<Utc>,
) -> Result<(analyse::Analysed, Option<BodyShare>), CrawlError> {
    let mut share = response.share.take();
    let _permit = ctx
        .crawler
        .cpu
        .acquire()
        .await
        .map_err(|e| CrawlError::Task(e.to_string()))?;
    let worker = Arc::clone(ctx);
    let parsers = Arc::clone(&ctx.crawler.parsers);
    // Waited for on the blocking pool, run on the crawler's parsing threads (`parsers`).
    let analysed = tokio::task::spawn_blocking(move || {
        parsers.run(move || {
            let ctx = &worker;
            let page = PageContext {
                entry: &entry,
                url: &url,
                source: &ctx.job.source,
                fetched_at,
                lang: ctx.job.lang.as_deref(),
                max_body: ctx.crawler.config.max_body_bytes,
                scope: &ctx.scope,
                keep_raw: ctx.crawler.sink.keeps_raw_pages(),
            };
            analyse::analyse(&page, response, |u| ctx.robots_allows(u))
        })
    })
    .await
    .map_err(|e| CrawlError::Task(e.to_string()))?
    .map_err(CrawlError::Task)?;
    let still_held = match &analysed.result {
        PageResult::Article(new) => new.raw.as_ref().map_or(0, |raw| raw.as_bytes().len()),
        _ => 0,
    };
    if let Some(share) = share.as_mut() {
        share.shrink_to(still_held as u64);
    }
    Ok((analysed, share.filter(|s| s.bytes() > 0)))
}
