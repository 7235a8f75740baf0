//! What became of a crawl's seeds, and whether the crawl reached anything at all.
//!
//! A crawl in which every seed went unanswered (DNS, connect, TLS, a timeout, the address
//! guard, server errors after the retries, or its host's robots.txt unreachable) did no
//! work, and scripts and timers must be able to tell it from a crawl that ran and met some
//! errors on the way. The crawler only records what each request for a seed gave
//! ([`SeedLog`]); the judgement is the plain functions below.
//!
//! "Seeds" are all of a crawl's start URLs: `--seed` URLs, and a source's seeds, feeds and
//! sitemaps.

use std::collections::HashMap;
use std::sync::Mutex;

use url::Url;

use crate::fetch::http::FetchError;
use crate::fetch::normalize;
use crate::fetch::robots::RobotsRules;

/// What became of one seed in a crawl run: the last word on it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "outcome", content = "reason", rename_all = "snake_case")]
pub enum SeedOutcome {
    /// Its server answered (after any redirects) with something other than a server error,
    /// even if that answer was a 404 or a page that is not an article.
    Reached,
    /// Its host's robots.txt forbids fetching it: the host answered, gleaner did not ask.
    Disallowed,
    /// No usable answer, and why.
    Unreachable(String),
    /// Not tried in this run: the crawl stopped first, or resumed the pending URLs of an
    /// earlier run whose seeds were already done.
    NotTried,
}

impl SeedOutcome {
    /// What one request's result says about the seed it was made for: a response status,
    /// or the error that left no response.
    pub fn of_answer(answer: Result<u16, &FetchError>) -> Self {
        match answer {
            Ok(status @ (429 | 500..=599)) => SeedOutcome::Unreachable(format!("HTTP {status}")),
            Ok(_) => SeedOutcome::Reached,
            // The server answered, with more than gleaner accepts.
            Err(FetchError::TooLarge { .. }) => SeedOutcome::Reached,
            Err(error) => SeedOutcome::Unreachable(error.to_string()),
        }
    }

    /// A seed settled without a request because robots.txt (`rules`, its host's) forbids it;
    /// an unreachable robots.txt forbids everything, and the host is then unreachable.
    pub fn of_robots(rules: Option<&RobotsRules>) -> Self {
        match rules {
            Some(RobotsRules::Unreachable(reason)) => {
                SeedOutcome::Unreachable(format!("robots.txt unreachable: {reason}"))
            }
            _ => SeedOutcome::Disallowed,
        }
    }
}

/// One seed, as the job gave it, and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SeedReport {
    pub url: String,
    #[serde(flatten)]
    pub outcome: SeedOutcome,
}

/// True when the crawl had seeds and could reach none of them: it fetched nothing, and the
/// seeds' reasons say why. A seed not tried (a stopped or resumed crawl) is no evidence
/// either way, so it keeps this false.
pub fn reached_no_seed(seeds: &[SeedReport]) -> bool {
    !seeds.is_empty()
        && seeds
            .iter()
            .all(|s| matches!(s.outcome, SeedOutcome::Unreachable(_)))
}

/// The seeds' outcomes as a crawl learns them, keyed by the seed's frontier URL (the
/// normalised form). The last word wins: a retry that succeeds replaces the failure before
/// it, and a redirect's target answers for its seed.
#[derive(Debug, Default)]
pub struct SeedLog {
    outcomes: Mutex<HashMap<String, SeedOutcome>>,
}

impl SeedLog {
    pub fn record(&self, frontier_url: &str, outcome: SeedOutcome) {
        let mut outcomes = self.outcomes.lock().unwrap_or_else(|e| e.into_inner());
        outcomes.insert(frontier_url.to_string(), outcome);
    }

    /// One report per start URL, in the job's order.
    pub fn report<'a>(&self, starts: impl IntoIterator<Item = &'a Url>) -> Vec<SeedReport> {
        let outcomes = self.outcomes.lock().unwrap_or_else(|e| e.into_inner());
        starts
            .into_iter()
            .map(|url| {
                let outcome = match normalize::normalize(url.clone()) {
                    Ok(key) => outcomes
                        .get(key.as_str())
                        .cloned()
                        .unwrap_or(SeedOutcome::NotTried),
                    Err(e) => SeedOutcome::Unreachable(format!("cannot be crawled: {e}")),
                };
                SeedReport {
                    url: url.to_string(),
                    outcome,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    use crate::fetch::address_guard::AddressRefused;

    fn report(outcomes: &[SeedOutcome]) -> Vec<SeedReport> {
        outcomes
            .iter()
            .enumerate()
            .map(|(i, o)| SeedReport {
                url: format!("https://s{i}.example/"),
                outcome: o.clone(),
            })
            .collect()
    }

    #[test]
    fn a_crawl_reached_nothing_only_when_every_seed_was_unreachable() {
        use SeedOutcome::*;
        let down = || Unreachable("connection failed: connection refused".into());
        let table: &[(&[SeedOutcome], bool)] = &[
            (&[], false),
            (&[down()], true),
            (&[down(), down()], true),
            (&[Reached], false),
            (&[down(), Reached], false),
            (&[Disallowed], false),
            (&[down(), Disallowed], false),
            (&[NotTried], false),
            (&[down(), NotTried], false),
        ];
        for (outcomes, expected) in table {
            assert_eq!(
                reached_no_seed(&report(outcomes)),
                *expected,
                "{outcomes:?}"
            );
        }
    }

    #[test]
    fn answers_and_errors_map_to_outcomes() {
        use SeedOutcome::*;
        let unreachable = |s: &str| Unreachable(s.to_string());
        let dns = FetchError::Connect(
            "dns error: failed to lookup address information: Name or service not known".into(),
        );
        let refused = FetchError::Connect("tcp connect error: Connection refused".into());
        let tls = FetchError::Connect("invalid peer certificate: UnknownIssuer".into());
        let timeout = FetchError::Timeout(Duration::from_secs(30));
        let guard = FetchError::AddressRefused(AddressRefused::Literal([127, 0, 0, 1].into()));
        let reset = FetchError::Body("connection reset".into());
        let no_address = FetchError::AddressRefused(AddressRefused::NoAddress {
            host: "example.invalid".into(),
        });
        let table: Vec<(Result<u16, &FetchError>, SeedOutcome)> = vec![
            (Ok(200), Reached),
            (Ok(301), Reached),
            (Ok(304), Reached),
            (Ok(404), Reached),
            (Ok(410), Reached),
            (Ok(429), unreachable("HTTP 429")),
            (Ok(500), unreachable("HTTP 500")),
            (Ok(503), unreachable("HTTP 503")),
            (Err(&FetchError::TooLarge { limit: 10 }), Reached),
            (Err(&dns), unreachable(&dns.to_string())),
            (Err(&refused), unreachable(&refused.to_string())),
            (Err(&tls), unreachable(&tls.to_string())),
            (Err(&timeout), unreachable("timed out after 30s")),
            (Err(&guard), unreachable(&guard.to_string())),
            (Err(&no_address), unreachable(&no_address.to_string())),
            (
                Err(&reset),
                unreachable("reading the body failed: connection reset"),
            ),
        ];
        for (answer, expected) in table {
            assert_eq!(SeedOutcome::of_answer(answer), expected, "{answer:?}");
        }
        assert_eq!(
            no_address.to_string(),
            "address refused: example.invalid did not resolve to any address"
        );
    }

    #[test]
    fn robots_unreachable_makes_the_seed_unreachable_and_rules_only_disallow_it() {
        assert_eq!(
            SeedOutcome::of_robots(Some(&RobotsRules::Unreachable("HTTP 500".into()))),
            SeedOutcome::Unreachable("robots.txt unreachable: HTTP 500".into())
        );
        let rules = RobotsRules::Rules(std::sync::Arc::new(
            crate::fetch::robots::RobotsTxt::parse("User-agent: *\nDisallow: /\n"),
        ));
        assert_eq!(
            SeedOutcome::of_robots(Some(&rules)),
            SeedOutcome::Disallowed
        );
        assert_eq!(SeedOutcome::of_robots(None), SeedOutcome::Disallowed);
    }

    #[test]
    fn the_last_word_on_a_seed_wins_and_reports_follow_the_job() {
        let log = SeedLog::default();
        let a = Url::parse("https://a.example").expect("url");
        let b = Url::parse("https://b.example/x").expect("url");
        let c = Url::parse("https://c.example/").expect("url");
        let key = |u: &Url| {
            normalize::normalize(u.clone())
                .expect("normalises")
                .to_string()
        };
        log.record(
            &key(&a),
            SeedOutcome::Unreachable("timed out after 30s".into()),
        );
        log.record(&key(&a), SeedOutcome::Reached);
        log.record(&key(&b), SeedOutcome::Unreachable("HTTP 503".into()));
        let reports = log.report([&a, &b, &c]);
        let outcomes: Vec<_> = reports.iter().map(|r| r.outcome.clone()).collect();
        assert_eq!(
            outcomes,
            [
                SeedOutcome::Reached,
                SeedOutcome::Unreachable("HTTP 503".into()),
                SeedOutcome::NotTried
            ]
        );
        assert_eq!(reports[1].url, "https://b.example/x");
    }
}
