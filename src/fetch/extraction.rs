//! The one place the crawler calls the extractor.
//!
//! Keeping the call here means the crawler sees a single, small surface: a parsed page and
//! where it came from in, an [`Extracted`] out, with the extractor's "this is no article"
//! kept apart from failures to read the input at all.

use chrono::{DateTime, Utc};
use url::Url;

use crate::extract::article::Article;
use crate::extract::{self, ExtractError, ExtractOptions, PageTree};

pub use crate::extract::EXTRACTOR_VERSION;

/// What the extractor made of a page.
#[derive(Debug)]
pub enum Extracted {
    Article(Box<Article>),
    /// Not an article (index page, list of headlines, empty or non-text page): used for
    /// discovery only, never stored.
    NotArticle(String),
}

/// The extractor's options for a page fetched from `url`.
pub fn options(
    url: &Url,
    content_type: Option<&str>,
    preferred_lang: Option<String>,
    fetched_at: DateTime<Utc>,
) -> ExtractOptions {
    ExtractOptions {
        url: Some(url.clone()),
        content_type: content_type.map(str::to_string),
        preferred_lang,
        reference_time: Some(fetched_at),
        ..ExtractOptions::default()
    }
}

/// Extracts the article from the tree of a page parsed with `options` (the crawler has
/// already read its links from the same tree).
pub fn extract_page(tree: &PageTree<'_>, options: &ExtractOptions) -> Extracted {
    match extract::extract_parsed(tree, options) {
        Ok(extraction) => Extracted::Article(Box::new(extraction.article)),
        Err(ExtractError::NotArticle { reason }) => Extracted::NotArticle(reason),
        Err(e @ (ExtractError::Empty | ExtractError::NotHtml { .. })) => {
            Extracted::NotArticle(e.to_string())
        }
    }
}
