//! The schema, created and migrated by gleaner itself.
//!
//! Everything lives in the `gleaner` schema of the database the URL names. Versions are
//! rows of `gleaner.schema_migrations`; [`migrate`] applies the missing ones in one
//! transaction under an advisory lock, so nodes starting together migrate once, and refuses
//! a database whose schema a newer gleaner wrote (it would misread it).
//!
//! Tables (version 1):
//!
//! | table | one row per | what for |
//! |-------|-------------|----------|
//! | `articles` | article | the record (`record`, JSONB, the export's fields), and the columns the store looks things up by: `seq` (store order), `text_sha256` (exact duplicates: unique among originals), `simhash`, `duplicate_of` |
//! | `near_bands` | original × band | near duplicates: the simhash cut into `distance + 1` bands; two hashes within the distance share a band (pigeonhole), so a lookup is an index scan |
//! | `pages` | URL | the article a URL produced and its validators (conditional GET, 304) |
//! | `raw_pages` | article | the raw response (`store.keep_raw`), zstd as the embedded store keeps it |
//! | `queue` | queue entry | waiting (`lease_expires` null or past) or leased entries |
//! | `counters` | name × shard | totals (articles, duplicates, acks) spread over shards so that writers do not queue on one row |
//! | `sequences` | name | store order (`article_seq`), allocated at the end of a commit |
//! | `schedule` | source | the daemons' shared schedule state |
//! | `nodes` | process | a crawling process and its lease (`expires_at`) |
//! | `crawls` | crawl | its cycle (`generation`, `cycle_started`) and URLs dropped by the cap |
//! | `crawl_nodes` | crawl × node | who is taking part in a crawl now |
//! | `hosts` | host | politeness across nodes: next allowed fetch, delay, Crawl-delay, holds, failures, and the node that holds the host (`owner`, `lease_expires`) |
//! | `frontier_hosts` | crawl × host | a host's queue: pending and claimed counts, its turn |
//! | `frontier` | pending URL | the URL, its lane (seeds, feeds and sitemaps first, then depth) and who claimed it |
//! | `seen` | crawl × URL hash | the cycle's seen-set, a primary key |
//!
//! Tables (version 2, watching articles):
//!
//! | table | one row per | what for |
//! |-------|-------------|----------|
//! | `versions` | article × replaced version | every text a later fetch replaced (`data`, JSONB: the version's fields) and its raw response when one was kept |
//! | `revisit_checks` | revisit that found an article unchanged | when, which version, 200 or 304 |
//! | `changes` | edit, removal or restoration | the change log; `seq` allocated at the end of the commit (from `sequences.change_seq`), so it follows commit order |
//! | `revisits` | watched article | its next revisit: rung, due time, failed attempts; `queued_url` and `queued_at` once handed to a crawl's frontier |

use chrono::{DateTime, Utc};
use tokio_postgres::Client;

use super::super::watch::WatchPolicy;

use super::super::error::StoreError;
use super::connect::PgError;

/// The newest schema version this gleaner knows.
pub const SCHEMA_VERSION: i32 = 2;

/// Key of the advisory lock held while migrating (any constant; "gleaner" in ASCII).
const MIGRATION_LOCK: i64 = 0x0067_6c65_616e_6572;

struct Migration {
    version: i32,
    description: &'static str,
    sql: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        description: "articles, dedup, pages, queue, schedule, shared frontier",
        sql: V1,
    },
    Migration {
        version: 2,
        description: "watching articles: versions, revisit checks, change log, revisit schedule",
        sql: V2,
    },
];

const V1: &str = r#"
CREATE TABLE gleaner.settings (
    name text PRIMARY KEY,
    value bigint NOT NULL
);

CREATE TABLE gleaner.articles (
    id bigint PRIMARY KEY,
    seq bigint UNIQUE,
    source text NOT NULL,
    final_url text NOT NULL,
    fetched_at timestamptz NOT NULL,
    first_seen timestamptz NOT NULL,
    last_seen timestamptz NOT NULL,
    version integer NOT NULL,
    text_sha256 text NOT NULL,
    simhash bigint NOT NULL,
    duplicate_of bigint,
    near boolean NOT NULL,
    record jsonb NOT NULL
);
CREATE INDEX articles_source_seq ON gleaner.articles (source, seq);
CREATE UNIQUE INDEX articles_original_text ON gleaner.articles (text_sha256)
    WHERE duplicate_of IS NULL;
CREATE INDEX articles_duplicate_of ON gleaner.articles (duplicate_of)
    WHERE duplicate_of IS NOT NULL;

CREATE TABLE gleaner.near_bands (
    band smallint NOT NULL,
    value bigint NOT NULL,
    article bigint NOT NULL,
    PRIMARY KEY (band, value, article)
);
CREATE INDEX near_bands_article ON gleaner.near_bands (article);

CREATE TABLE gleaner.pages (
    url text PRIMARY KEY,
    article bigint,
    etag text,
    last_modified text,
    touched bigint NOT NULL
);
CREATE INDEX pages_article ON gleaner.pages (article, touched) WHERE article IS NOT NULL;
CREATE SEQUENCE gleaner.page_touch;

CREATE TABLE gleaner.raw_pages (
    article bigint PRIMARY KEY,
    raw bytea NOT NULL
);

CREATE TABLE gleaner.queue (
    qseq bigserial PRIMARY KEY,
    article bigint NOT NULL,
    nonce bigint,
    lease_expires timestamptz
);
CREATE UNIQUE INDEX queue_waiting_article ON gleaner.queue (article)
    WHERE lease_expires IS NULL;
CREATE INDEX queue_leases ON gleaner.queue (lease_expires) WHERE lease_expires IS NOT NULL;

CREATE TABLE gleaner.counters (
    name text NOT NULL,
    shard smallint NOT NULL,
    value bigint NOT NULL,
    PRIMARY KEY (name, shard)
);

CREATE TABLE gleaner.sequences (
    name text PRIMARY KEY,
    value bigint NOT NULL
);
INSERT INTO gleaner.sequences VALUES ('article_seq', 0);

CREATE TABLE gleaner.schedule (
    source text PRIMARY KEY,
    state bytea NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE TABLE gleaner.nodes (
    node bigint PRIMARY KEY,
    label text NOT NULL,
    started_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL
);

CREATE TABLE gleaner.crawls (
    crawl text PRIMARY KEY,
    generation integer NOT NULL,
    cycle_started timestamptz NOT NULL,
    dropped bigint NOT NULL DEFAULT 0
);

CREATE TABLE gleaner.crawl_nodes (
    crawl text NOT NULL,
    node bigint NOT NULL REFERENCES gleaner.nodes (node) ON DELETE CASCADE,
    joined_at timestamptz NOT NULL,
    PRIMARY KEY (crawl, node)
);

CREATE TABLE gleaner.hosts (
    host text PRIMARY KEY,
    next_fetch_at timestamptz NOT NULL DEFAULT '-infinity',
    delay_ms bigint NOT NULL DEFAULT 0,
    crawl_delay_ms bigint,
    held_until timestamptz,
    failures integer NOT NULL DEFAULT 0,
    owner bigint,
    lease_expires timestamptz
);
CREATE INDEX hosts_owner ON gleaner.hosts (owner) WHERE owner IS NOT NULL;

CREATE TABLE gleaner.frontier_hosts (
    crawl text NOT NULL,
    host text NOT NULL,
    pending bigint NOT NULL DEFAULT 0,
    claimed bigint NOT NULL DEFAULT 0,
    dropped bigint NOT NULL DEFAULT 0,
    turn bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (crawl, host)
);
CREATE INDEX frontier_hosts_ready ON gleaner.frontier_hosts (crawl, turn)
    WHERE pending > claimed;
CREATE SEQUENCE gleaner.host_turn;

CREATE TABLE gleaner.frontier (
    id bigserial PRIMARY KEY,
    crawl text NOT NULL,
    host text NOT NULL,
    lane smallint NOT NULL,
    url text NOT NULL,
    depth integer NOT NULL,
    discovered_from text,
    via text NOT NULL,
    counter_chain integer NOT NULL,
    claimed_by bigint
);
CREATE INDEX frontier_next ON gleaner.frontier (crawl, host, lane, id)
    WHERE claimed_by IS NULL;
CREATE INDEX frontier_claimed ON gleaner.frontier (claimed_by, host)
    WHERE claimed_by IS NOT NULL;

CREATE TABLE gleaner.seen (
    crawl text NOT NULL,
    url_hash bigint NOT NULL,
    PRIMARY KEY (crawl, url_hash)
);

CREATE VIEW gleaner.corpus AS
SELECT lpad(to_hex(id), 16, '0') AS id,
       seq,
       source,
       final_url AS url,
       record->>'title' AS title,
       record->>'author' AS author,
       record->>'published' AS published,
       record->>'lang' AS lang,
       record->>'text' AS text,
       fetched_at,
       first_seen,
       last_seen,
       version,
       CASE WHEN duplicate_of IS NULL THEN NULL
            ELSE lpad(to_hex(duplicate_of), 16, '0') END AS duplicate_of
FROM gleaner.articles
WHERE seq IS NOT NULL;
"#;

const V2: &str = r#"
CREATE TABLE gleaner.versions (
    article bigint NOT NULL,
    version integer NOT NULL,
    data jsonb NOT NULL,
    raw bytea,
    PRIMARY KEY (article, version)
);

CREATE TABLE gleaner.revisit_checks (
    article bigint NOT NULL,
    at timestamptz NOT NULL,
    version integer NOT NULL,
    status smallint NOT NULL,
    PRIMARY KEY (article, at)
);

CREATE TABLE gleaner.changes (
    seq bigint PRIMARY KEY,
    id bigint NOT NULL,
    url text NOT NULL,
    source text NOT NULL,
    kind text NOT NULL,
    at timestamptz NOT NULL,
    version integer NOT NULL,
    evidence jsonb
);
CREATE INDEX changes_source_seq ON gleaner.changes (source, seq);
INSERT INTO gleaner.sequences VALUES ('change_seq', 0);

CREATE TABLE gleaner.revisits (
    article bigint PRIMARY KEY,
    source text NOT NULL,
    due timestamptz NOT NULL,
    rung integer NOT NULL,
    attempts integer NOT NULL DEFAULT 0,
    queued_url text,
    queued_at timestamptz
);
CREATE INDEX revisits_due ON gleaner.revisits (source, due) WHERE queued_url IS NULL;
CREATE UNIQUE INDEX revisits_queued ON gleaner.revisits (source, queued_url)
    WHERE queued_url IS NOT NULL;
CREATE INDEX revisits_lapse ON gleaner.revisits (source, queued_at)
    WHERE queued_url IS NOT NULL;
"#;

/// Creates or migrates the schema to [`SCHEMA_VERSION`]; refuses a newer one. `shown`
/// names the database in messages. Articles a database held before it had a revisit
/// schedule (version 2) are placed on `watch`'s ladders as of `now`, in the same
/// transaction, as the embedded store's format 5 migration does.
pub async fn migrate(
    client: &mut Client,
    shown: &str,
    watch: &WatchPolicy,
    now: DateTime<Utc>,
) -> Result<(), PgError> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE SCHEMA IF NOT EXISTS gleaner;
         CREATE TABLE IF NOT EXISTS gleaner.schema_migrations (
             version integer PRIMARY KEY,
             description text NOT NULL,
             applied_at timestamptz NOT NULL DEFAULT now(),
             applied_by text NOT NULL
         );",
    )
    .await?;
    let current: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM gleaner.schema_migrations",
            &[],
        )
        .await?
        .get(0);
    if current > SCHEMA_VERSION {
        return Err(PgError::Store(StoreError::UnsupportedFormat {
            what: format!("the gleaner schema of database {shown}"),
            found: u32::try_from(current).unwrap_or(0),
            supported: SCHEMA_VERSION as u32,
        }));
    }
    let applied_by = format!("gleaner {}", env!("CARGO_PKG_VERSION"));
    for m in MIGRATIONS.iter().filter(|m| m.version > current) {
        tracing::info!(database = %shown, version = m.version, description = m.description, "migrating the database schema");
        tx.batch_execute(m.sql).await?;
        if m.version == 2 {
            let watched = super::watch::schedule_unwatched(&tx, watch, now).await?;
            tracing::info!(database = %shown, watched, "articles stored before revisits were placed on their ladders");
        }
        tx.execute(
            "INSERT INTO gleaner.schema_migrations (version, description, applied_by)
             VALUES ($1, $2, $3)",
            &[&m.version, &m.description, &applied_by],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_one_by_one_up_to_the_current_version() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i32 + 1);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
