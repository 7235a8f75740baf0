//! `gleaner run`: the long-running service.
//!
//! The [`scheduler`] keeps every configured source crawled on its `recrawl` period over one
//! shared crawler; the [`api`] serves health, metrics, articles and the queue; [`notify`]
//! keeps systemd informed; signals drive reload (SIGHUP) and clean stop (SIGTERM/SIGINT).

pub mod exposition;
pub mod metrics;
pub mod notify;
pub mod scheduler;
