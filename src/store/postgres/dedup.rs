//! Dedup lookups across the cluster, as indexed queries.
//!
//! - **Exact:** an original owns its text: `articles_original_text` is a unique index on
//!   `text_sha256` over originals, so a lookup is one index probe, and two nodes storing the
//!   same new text at once cannot both make it an original (the second transaction fails
//!   on the index and runs again, finding the first).
//! - **Near:** the simhash of each original long enough for it is cut into
//!   `near_duplicate_distance + 1` bands (`near_bands`, the same blocks as the embedded
//!   index, `store::dedup::blocks`). Two hashes within the distance agree on a whole band,
//!   so the candidates are an index scan over the query's bands, then filtered by the exact
//!   Hamming distance (`bit_count`) in the same statement. With the default distance of 3,
//!   a band is 16 bits: a lookup reads about `4 × originals / 65536` candidates.
//!
//! The bands depend on the distance: a database opened with another distance than it was
//! indexed for is re-banded once, in one transaction ([`ensure_bands`]).

use chrono::{DateTime, Utc};
use tokio_postgres::{Client, Row};

use super::super::record::{ArticleId, ArticleRecord, Simhash};
use super::super::rules::TextHashes;
use super::connect::PgError;
use super::pipeline::Pipeline;
use super::{article_id, db_id};

/// The (band, value) pairs of `hash`.
pub fn bands(blocks: &[(u32, u64)], hash: Simhash) -> (Vec<i16>, Vec<i64>) {
    blocks
        .iter()
        .enumerate()
        .map(|(i, &(shift, mask))| (i as i16, (hash.0 >> shift & mask) as i64))
        .unzip()
}

/// Makes `near_bands` hold the bands of `blocks` (for `distance`), re-banding every
/// original when the database was indexed for another distance.
pub async fn ensure_bands(
    client: &mut Client,
    blocks: &[(u32, u64)],
    distance: u32,
    shown: &str,
) -> Result<(), PgError> {
    let tx = client.transaction().await?;
    let current: Option<i64> = tx
        .query_opt(
            "SELECT value FROM gleaner.settings WHERE name = 'near_distance' FOR UPDATE",
            &[],
        )
        .await?
        .map(|r| r.get(0));
    if current == Some(i64::from(distance)) {
        return Ok(());
    }
    if let Some(old) = current {
        tracing::info!(database = %shown, from = old, to = distance, "store.near_duplicate_distance changed: re-indexing the near-duplicate bands");
    }
    tx.execute("DELETE FROM gleaner.near_bands", &[]).await?;
    for (i, &(shift, mask)) in blocks.iter().enumerate() {
        tx.execute(
            "INSERT INTO gleaner.near_bands (band, value, article)
             SELECT $1, (simhash >> $2) & $3, id FROM gleaner.articles
             WHERE near AND duplicate_of IS NULL",
            &[&(i as i16), &(shift as i32), &(mask as i64)],
        )
        .await?;
    }
    tx.execute(
        "INSERT INTO gleaner.settings (name, value) VALUES ('near_distance', $1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        &[&i64::from(distance)],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A read for a [`Pipeline`]: its statement and parameters.
pub type Read = (&'static str, Vec<super::pipeline::Param>);

/// The original owning exactly this text, other than `id`: the read, and its answer from
/// [`exact_original_of`].
pub fn exact_original(id: ArticleId, hashes: &TextHashes) -> Read {
    (
        "SELECT id FROM gleaner.articles
         WHERE text_sha256 = $1 AND duplicate_of IS NULL AND id <> $2",
        params![hashes.sha256_hex.clone(), db_id(id)],
    )
}

pub fn exact_original_of(rows: &[Row]) -> Option<i64> {
    rows.first().map(|r| r.get(0))
}

/// Originals within `max_distance` of `hash` (other than `id`): the read, and their id,
/// simhash and first sighting from [`near_candidates_of`], for
/// [`rules::nearest_original`](super::super::rules::nearest_original).
pub fn near_candidates(
    blocks: &[(u32, u64)],
    max_distance: u32,
    id: ArticleId,
    hash: Simhash,
) -> Read {
    let distance = i64::from(max_distance);
    if blocks.is_empty() {
        // Too many bands to narrow anything down: compare with every original.
        (
            "SELECT id, simhash, first_seen FROM gleaner.articles
             WHERE near AND duplicate_of IS NULL AND id <> $1
               AND bit_count((simhash # $2)::bit(64)) <= $3",
            params![db_id(id), hash.0 as i64, distance],
        )
    } else {
        let (band, value) = bands(blocks, hash);
        (
            "SELECT a.id, a.simhash, a.first_seen FROM gleaner.articles a
             WHERE a.id IN (
                   SELECT nb.article FROM gleaner.near_bands nb
                   JOIN unnest($1::smallint[], $2::bigint[]) AS q(band, value)
                     ON nb.band = q.band AND nb.value = q.value)
               AND a.near AND a.duplicate_of IS NULL AND a.id <> $3
               AND bit_count((a.simhash # $4)::bit(64)) <= $5",
            params![band, value, db_id(id), hash.0 as i64, distance],
        )
    }
}

pub fn near_candidates_of(rows: &[Row]) -> Vec<(ArticleId, Simhash, DateTime<Utc>)> {
    rows.iter()
        .map(|r| {
            (
                article_id(r.get(0)),
                Simhash(r.get::<_, i64>(1) as u64),
                r.get(2),
            )
        })
        .collect()
}

/// Indexes `record` (an original long enough) for near-duplicate lookups (deferred).
pub fn index(pipe: &mut Pipeline<'_, '_>, blocks: &[(u32, u64)], record: &ArticleRecord) {
    if blocks.is_empty() {
        return;
    }
    let (band, value) = bands(blocks, record.simhash);
    pipe.defer(
        "INSERT INTO gleaner.near_bands (band, value, article)
         SELECT q.band, q.value, $3 FROM unnest($1::smallint[], $2::bigint[]) AS q(band, value)
         ON CONFLICT DO NOTHING",
        params![band, value, db_id(record.id)],
    );
}

/// Removes an article's bands (its text is changing, or it became a duplicate; deferred).
pub fn unindex(pipe: &mut Pipeline<'_, '_>, id: ArticleId) {
    pipe.defer(
        "DELETE FROM gleaner.near_bands WHERE article = $1",
        params![db_id(id)],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_within_the_distance_share_a_band() {
        let blocks = crate::store::dedup::blocks(3);
        assert_eq!(blocks.len(), 4);
        let a = Simhash(0x0123_4567_89ab_cdef);
        let b = Simhash(a.0 ^ (1 << 3) ^ (1 << 20) ^ (1 << 40));
        let (_, va) = bands(&blocks, a);
        let (_, vb) = bands(&blocks, b);
        assert!(va.iter().zip(&vb).any(|(x, y)| x == y));
        // Every band of a hash with a bit changed in each band differs.
        let c = Simhash(a.0 ^ (1 << 1) ^ (1 << 17) ^ (1 << 33) ^ (1 << 49));
        let (_, vc) = bands(&blocks, c);
        assert!(va.iter().zip(&vc).all(|(x, y)| x != y));
        // Band values are non-negative, whatever the hash.
        let (_, vmax) = bands(&blocks, Simhash(u64::MAX));
        assert!(vmax.iter().all(|v| *v >= 0));
        assert_eq!(
            bands(&crate::store::dedup::blocks(0), Simhash(u64::MAX)).1,
            [-1]
        );
    }
}
