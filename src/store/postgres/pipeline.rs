//! A transaction's statements, sent without waiting for each answer.
//!
//! A commit of a crawl batch is a few hundred small statements; sent one at a time, each
//! costs a round trip to the server (two with an unnamed statement: parse, then execute),
//! and the node waits on the network far longer than the server works. Here statements are
//! prepared once per connection (deadpool's statement cache) and writes whose answer nothing
//! needs are *deferred*: they go out together with the next read, in one batch of messages
//! (tokio-postgres sends a request when its future is first polled, and pipelines requests
//! in flight together). The server runs them in the order they were issued, so a read sees
//! every write deferred before it, exactly as if each had been awaited, and a failing write
//! fails the whole transaction as before (its error surfaces at the next read or flush).
//!
//! Hand-written because tokio-postgres offers pipelining only as "poll several futures at
//! once", without an order guarantee for more than a few futures through `join_all`; the
//! order here is explicit: every statement is first polled in the order it was issued.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use deadpool_postgres::Transaction;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::connect::PgError;

/// One owned statement parameter.
pub(super) type Param = Box<dyn ToSql + Sync + Send>;

/// `params![a, b]`: owned parameters for [`Pipeline`].
macro_rules! params {
    ($($e:expr),* $(,)?) => {
        vec![$(Box::new($e) as $crate::store::postgres::pipeline::Param),*]
    };
}

/// A transaction with deferred writes.
pub(super) struct Pipeline<'a, 't> {
    tx: &'a Transaction<'t>,
    deferred: Vec<(&'static str, Vec<Param>)>,
}

impl<'a, 't> Pipeline<'a, 't> {
    pub fn new(tx: &'a Transaction<'t>) -> Self {
        Pipeline {
            tx,
            deferred: Vec::new(),
        }
    }

    /// Issues a statement whose answer is not needed; it is sent with the next read or
    /// [`flush`](Self::flush).
    pub fn defer(&mut self, sql: &'static str, params: Vec<Param>) {
        self.deferred.push((sql, params));
    }

    /// Runs `sql` after every deferred statement, all in one exchange; its rows.
    pub async fn query(
        &mut self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Vec<Row>, PgError> {
        self.deferred.push((sql, params));
        let mut answers = self.send().await?;
        Ok(answers.pop().unwrap_or_default())
    }

    /// Runs several reads after every deferred statement, all in one exchange; the rows
    /// of each, in order.
    pub async fn query_all(
        &mut self,
        reads: Vec<(&'static str, Vec<Param>)>,
    ) -> Result<Vec<Vec<Row>>, PgError> {
        let n = reads.len();
        self.deferred.extend(reads);
        let mut answers = self.send().await?;
        Ok(answers.split_off(answers.len().saturating_sub(n)))
    }

    /// [`query`](Self::query) for at most one row.
    pub async fn query_opt(
        &mut self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Option<Row>, PgError> {
        Ok(self.query(sql, params).await?.into_iter().next())
    }

    /// [`query`](Self::query) for exactly one row.
    pub async fn query_one(
        &mut self,
        sql: &'static str,
        params: Vec<Param>,
    ) -> Result<Row, PgError> {
        let row = self.query_opt(sql, params).await?;
        row.ok_or_else(|| {
            PgError::from(super::super::error::StoreError::backend(
                "reading from PostgreSQL",
                std::io::Error::other(format!("no row from {:?}", first_line(sql))),
            ))
        })
    }

    /// Sends every deferred statement and waits for them.
    pub async fn flush(&mut self) -> Result<(), PgError> {
        if !self.deferred.is_empty() {
            self.send().await?;
        }
        Ok(())
    }

    /// Sends the deferred statements in order; the rows of each.
    async fn send(&mut self) -> Result<Vec<Vec<Row>>, PgError> {
        let deferred = std::mem::take(&mut self.deferred);
        let mut statements = Vec::with_capacity(deferred.len());
        for (sql, _) in &deferred {
            // Cached per connection: a round trip only the first time.
            statements.push(self.tx.prepare_cached(sql).await?);
        }
        let params: Vec<Vec<&(dyn ToSql + Sync)>> = deferred
            .iter()
            .map(|(_, p)| p.iter().map(|b| &**b as &(dyn ToSql + Sync)).collect())
            .collect();
        let tx: &tokio_postgres::Transaction<'t> = self.tx;
        let futures: Vec<_> = statements
            .iter()
            .zip(&params)
            .map(|(statement, params)| Box::pin(tx.query(statement, params)))
            .collect();
        in_order(futures).await.map_err(PgError::from)
    }
}

/// Polls `futures` to completion, each first polled in its order in the vector (the order
/// their requests reach the server); the first error ends it.
async fn in_order<F, T, E>(futures: Vec<Pin<Box<F>>>) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>>,
{
    let mut slots: Vec<Option<Pin<Box<F>>>> = futures.into_iter().map(Some).collect();
    let mut done: Vec<Option<T>> = slots.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut waiting = false;
        for (slot, out) in slots.iter_mut().zip(done.iter_mut()) {
            let Some(future) = slot else { continue };
            match future.as_mut().poll(cx) {
                Poll::Ready(Ok(value)) => {
                    *out = Some(value);
                    *slot = None;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => waiting = true,
            }
        }
        if waiting {
            Poll::Pending
        } else {
            Poll::Ready(Ok(()))
        }
    })
    .await?;
    Ok(done.into_iter().flatten().collect())
}

fn first_line(sql: &str) -> &str {
    sql.trim().lines().next().unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    /// A future that records when it is first polled and finishes on its second poll.
    struct Step {
        id: usize,
        polled: bool,
        log: Arc<Mutex<Vec<usize>>>,
        fail: bool,
    }

    impl Future for Step {
        type Output = Result<usize, String>;
        fn poll(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
            if !self.polled {
                self.polled = true;
                self.log.lock().unwrap().push(self.id);
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            if self.fail {
                Poll::Ready(Err(format!("step {} failed", self.id)))
            } else {
                Poll::Ready(Ok(self.id * 10))
            }
        }
    }

    fn steps(n: usize, fail: Option<usize>, log: &Arc<Mutex<Vec<usize>>>) -> Vec<Pin<Box<Step>>> {
        (0..n)
            .map(|id| {
                Box::pin(Step {
                    id,
                    polled: false,
                    log: log.clone(),
                    fail: fail == Some(id),
                })
            })
            .collect()
    }

    #[tokio::test]
    async fn futures_start_in_order_and_answer_in_order() {
        let log = Arc::new(Mutex::new(Vec::new()));
        // More than futures' join_all keeps in a plain vector.
        let out = in_order(steps(100, None, &log)).await.unwrap();
        assert_eq!(*log.lock().unwrap(), (0..100).collect::<Vec<_>>());
        assert_eq!(out, (0..100).map(|i| i * 10).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn the_first_error_ends_it() {
        let log = Arc::new(Mutex::new(Vec::new()));
        let err = in_order(steps(5, Some(2), &log)).await.unwrap_err();
        assert_eq!(err, "step 2 failed");
    }
}
