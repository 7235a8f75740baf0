//! `gleaner run`: the long-running service.
//!
//! Start-up opens the store, builds the one shared crawler, binds the API and starts the
//! [`scheduler`]; only then is systemd told `READY=1`. From there signals steer it:
//!
//! - SIGHUP re-reads the config file. Added, removed and changed sources take effect
//!   without a restart; an invalid file is logged with the reason and the daemon keeps
//!   running on the configuration it has (`RELOADING=1` … `READY=1` either way).
//! - SIGTERM or SIGINT: `STOPPING=1`, no new crawls, running crawls are asked to stop and
//!   abandoned after `server.shutdown_timeout`, the API closes, the store is flushed, and
//!   the process exits 0. A second signal stops waiting for crawls (the store is still
//!   flushed).
//!
//! The [`api`] serves health, metrics, articles and the queue; [`notify`] keeps systemd
//! informed; [`client`] is the other side of the API, used by the CLI.

pub mod api;
pub mod client;
pub mod exposition;
pub mod jobs;
pub mod metrics;
pub mod notify;
pub mod remote_store;
pub mod scheduler;
mod service;

pub use service::{DaemonError, run};
