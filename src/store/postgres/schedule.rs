//! [`ScheduleMemory`] on PostgreSQL: one row per source, shared by every daemon on the
//! database, so that a source's schedule is the cluster's, not each node's.

use async_trait::async_trait;

use super::super::error::Result;
use super::super::roles::ScheduleMemory;
use super::PgStore;

#[async_trait]
impl ScheduleMemory for PgStore {
    async fn recall(&self, source: &str) -> Result<Option<Vec<u8>>> {
        retrying!(*self.0, "reading a source's schedule", |client| {
            let row = client
                .query_opt(
                    "SELECT state FROM gleaner.schedule WHERE source = $1",
                    &[&source],
                )
                .await?;
            Ok(row.map(|r| r.get::<_, Vec<u8>>(0)))
        })
    }

    async fn remember(&self, source: &str, state: &[u8]) -> Result<()> {
        let now = self.0.clock.now();
        retrying!(*self.0, "storing a source's schedule", |client| {
            client
                .execute(
                    "INSERT INTO gleaner.schedule (source, state, updated_at) VALUES ($1, $2, $3)
                     ON CONFLICT (source) DO UPDATE SET state = excluded.state,
                         updated_at = excluded.updated_at",
                    &[&source, &state, &now],
                )
                .await?;
            Ok(())
        })
    }
}
