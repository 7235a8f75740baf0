//! `retrying!`: runs an operation on a pooled connection, again as a whole when it fails
//! in a way worth retrying (see [`connect::Retry`](super::connect::Retry)).
//!
//! A macro rather than a function taking a closure: the operation borrows the connection
//! across `.await`s, and the crate's async traits need the resulting future to be `Send`,
//! which a generic async closure cannot promise on the Rust this crate supports.

/// `retrying!(inner, "doing what", |client| { …statements…; Ok(value) })`: `inner` is the
/// store's `Inner`, `client` a `deadpool_postgres::Object` (a `tokio_postgres::Client`),
/// and the block an async body returning `Result<T, PgError>`. Evaluates to
/// `Result<T, StoreError>`.
macro_rules! retrying {
    ($inner:expr, $during:expr, |$client:ident| $body:block) => {{
        let inner: &$crate::store::postgres::Inner = &$inner;
        let mut retry = $crate::store::postgres::connect::Retry::new(
            inner.settings.retry,
            $during,
            &inner.shown,
        );
        loop {
            let attempt: ::std::result::Result<_, $crate::store::postgres::connect::PgError> =
                async {
                    #[allow(unused_mut)]
                    let mut $client = inner.pool.get().await?;
                    $body
                }
                .await;
            match attempt {
                Ok(value) => break Ok(value),
                Err(error) => {
                    if let Err(e) = retry.again(error).await {
                        break Err(e);
                    }
                }
            }
        }
    }};
}
