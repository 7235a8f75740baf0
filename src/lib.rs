//! gleaner: a polite crawler daemon that collects clean news and NGO articles.
//!
//! The modules follow the pipeline: [`fetch`] pages politely, [`extract`] the article,
//! [`crawl`] a site (frontier, pipeline, store writer), keep it in the [`store`], and run
//! it all unattended under the [`daemon`].

pub mod cli;
pub mod config;
pub mod crawl;
pub mod daemon;
pub mod extract;
pub mod fetch;
pub mod logging;
pub mod store;
