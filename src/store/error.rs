//! Store errors: what went wrong, and for the ones an operator can act on, what to do.

use std::path::PathBuf;

/// An error from the article store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process (normally the daemon) holds the database. sled allows one process per
    /// database; callers that can reach the daemon's HTTP API should go through it instead.
    #[error(
        "database {} is in use by another gleaner process{}; while the daemon runs, reach its data through the daemon's HTTP API (gleaner queue/export use it automatically when it is reachable)",
        path.display(),
        pid.map(|p| format!(" (pid {p})")).unwrap_or_default()
    )]
    Locked { path: PathBuf, pid: Option<u32> },

    /// There is no gleaner database in the directory (commands that only read or consume
    /// do not create one).
    #[error(
        "no gleaner database in {} (run a crawl first, or pass --data DIR)",
        path.display()
    )]
    Missing { path: PathBuf },

    /// The database, or a value in it, was written by a newer gleaner in a format this build
    /// does not know. Refused rather than misread.
    #[error(
        "{what} has format version {found}, but this gleaner reads versions up to {supported}; use a newer gleaner"
    )]
    UnsupportedFormat {
        what: String,
        found: u32,
        supported: u32,
    },

    /// A stored value could not be decoded although its format version is known.
    #[error("corrupt {what} in the database (key {key}): {detail}")]
    Corrupt {
        what: &'static str,
        key: String,
        detail: String,
    },

    /// The caller passed something the store cannot keep.
    #[error("invalid input: {0}")]
    InvalidInput(String),

    /// The database could not be opened (missing permissions, not a gleaner database, …).
    #[error("cannot open database {}: {detail}", path.display())]
    Open { path: PathBuf, detail: String },

    /// The database server could not be reached (at start, or for longer than the store
    /// keeps retrying). `url` never shows a password.
    #[error("cannot reach the database {url}: {detail}")]
    Unreachable { url: String, detail: String },

    /// The storage engine failed while doing `during`.
    #[error("database error while {during}: {source}")]
    Backend {
        during: &'static str,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

impl StoreError {
    /// Whether the database is held by another process (and the caller should try the
    /// daemon's API instead).
    pub fn is_locked(&self) -> bool {
        matches!(self, StoreError::Locked { .. })
    }

    pub(crate) fn backend(
        during: &'static str,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> StoreError {
        StoreError::Backend {
            during,
            source: Box::new(source),
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
