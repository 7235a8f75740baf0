//! The one place the crawler calls the extractor.
//!
//! Keeping the call here means the crawler sees a single, small surface: bytes and where
//! they came from in, an [`Extracted`] out.
//!
//! INTERIM: until the extractor (`crate::extract::extract`) is on this branch, this
//! module carries a minimal paragraph-based stand-in with the same signature, so the
//! crawler and its tests run end to end. It is replaced by the real call at merge.

use chrono::{DateTime, Utc};
use scraper::{Html, Selector};
use url::Url;

use crate::extract::article::Article;

/// Recorded in every article's provenance.
pub const EXTRACTOR_VERSION: &str = concat!("interim-", env!("CARGO_PKG_VERSION"));

/// What the extractor made of a page.
#[derive(Debug)]
pub enum Extracted {
    Article(Box<Article>),
    /// Not an article (index page, list of headlines, empty page): used for discovery only.
    NotArticle(String),
}

/// Extracts the article from an HTML body.
pub fn extract_page(
    body: &[u8],
    url: &Url,
    content_type: Option<&str>,
    _preferred_lang: Option<String>,
    _reference_time: DateTime<Utc>,
) -> Extracted {
    let charset = content_type.and_then(|ct| {
        ct.split(';')
            .skip(1)
            .find_map(|p| p.trim().strip_prefix("charset=").map(str::to_string))
    });
    let (text, _) = super::content::decode_html(body, charset.as_deref());
    let doc = Html::parse_document(&text);
    let select = |css: &str| Selector::parse(css).ok();
    let title = select("title")
        .and_then(|s| doc.select(&s).next())
        .map(|t| t.text().collect::<String>().trim().to_string())
        .filter(|t| !t.is_empty());
    let mut paragraphs = Vec::new();
    if let Some(p) = select("p") {
        for el in doc.select(&p) {
            let text = el.text().collect::<Vec<_>>().join(" ");
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if text.chars().count() >= 40 {
                paragraphs.push(text);
            }
        }
    }
    let chars: usize = paragraphs.iter().map(|p| p.chars().count()).sum();
    if paragraphs.len() < 2 || chars < 200 {
        return Extracted::NotArticle(format!(
            "{} paragraphs with {chars} characters of text",
            paragraphs.len()
        ));
    }
    let canonical_url = select("link[rel=canonical][href]")
        .and_then(|s| doc.select(&s).next())
        .and_then(|l| l.value().attr("href"))
        .and_then(|h| url.join(h).ok())
        .map(|u| u.to_string());
    Extracted::Article(Box::new(Article {
        title,
        canonical_url,
        text: paragraphs.join("\n\n"),
        ..Article::default()
    }))
}
