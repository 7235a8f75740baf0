//! Fetching, politely: HTTP with limits, the address guard, robots.txt, politeness per host,
//! URL normalisation and scope, and reading feeds and sitemaps. The crawl engine that ties
//! them to a frontier and a store is [`crate::crawl`]; nothing here touches the store.

pub mod address_guard;
pub mod budget;
pub mod content;
pub mod discovery;
pub mod http;
pub mod normalize;
pub mod politeness;
pub mod robots;
pub mod scope;
