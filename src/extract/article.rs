//! The extraction record: the one definition of what the extractor knows about a page.
//!
//! The store's record flattens this struct, and `gleaner extract --format json` prints it,
//! so field names here are a contract with consumers and acceptance tests.

use serde::{Deserialize, Serialize};

/// An article as the extractor sees it: main text plus metadata, no provenance.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Article {
    /// Headline, without the site-name suffix and without language markers.
    pub title: Option<String>,
    /// Author or authors, comma-separated when there are several.
    pub author: Option<String>,
    /// Publication date: RFC 3339 when a time is known, else `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Last modification date, same format as `published`.
    pub modified: Option<String>,
    /// ISO 639-1 language code of the text (`en`, `ru`, `az`, …).
    pub lang: Option<String>,
    pub site_name: Option<String>,
    pub description: Option<String>,
    /// Absolute canonical URL, resolved against the page URL.
    pub canonical_url: Option<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    /// Absolute URL of the lead image.
    pub image: Option<String>,
    /// Body text: paragraphs separated by a blank line, list items as `- item`.
    pub text: String,
}
