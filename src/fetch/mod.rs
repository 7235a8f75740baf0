//! Fetching, politely: HTTP with limits, the address guard, robots.txt, politeness per host,
//! URL normalisation and scope, discovery of links, feeds and sitemaps, the frontier, and
//! the [`Crawler`](crawler::Crawler) that ties them together, with what became of each
//! crawl's seeds.

pub mod address_guard;
pub mod content;
pub mod crawler;
pub mod discovery;
pub mod extraction;
pub mod frontier;
pub mod http;
pub mod normalize;
pub mod politeness;
pub mod robots;
pub mod scope;
pub mod seeds;
pub mod stats;

pub use crawler::{CrawlJob, CrawlSummary, Crawler, StartMode, StopReason};
