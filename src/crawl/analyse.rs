//! The CPU part of handling a response: one parse of an HTML page gives both its article
//! and its links; feeds and sitemaps give their entries. Pure: a response in, what to
//! store and which URLs to add out. The crawl runs it on the blocking pool.

use chrono::{DateTime, Utc};
use reqwest::header;
use sha2::{Digest, Sha256};
use url::Url;

use super::discover::{self, Discovered, Found, Origin};
use super::stats::Event;
use crate::extract::{self, ExtractError, ExtractOptions};
use crate::fetch::content::{self, ContentKind};
use crate::fetch::discovery;
use crate::fetch::http::Response;
use crate::fetch::robots::PRODUCT_TOKEN;
use crate::fetch::scope::Scope;
use crate::store::{
    DiscoveredVia, FrontierEntry, NewArticle, PackedRawPage, PageResult, Provenance, RawPage,
    Validators,
};

/// Version recorded in every article's provenance.
pub const CRAWLER_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What the crawl knows of a page besides its response.
pub struct PageContext<'a> {
    /// The frontier entry that led here.
    pub entry: &'a FrontierEntry,
    /// The URL that answered (after redirects).
    pub url: &'a Url,
    pub source: &'a str,
    pub fetched_at: DateTime<Utc>,
    pub lang: Option<&'a str>,
    pub max_body: u64,
    pub scope: &'a Scope,
    /// Whether the store keeps raw pages: an article's is packed here only then.
    pub keep_raw: bool,
}

/// What a page gave.
#[derive(Debug)]
pub struct Analysed {
    pub result: PageResult,
    pub discovered: Discovered,
    /// What to count for the page (not an article, skipped, …), if anything.
    pub event: Option<Event>,
}

/// Handles a 2xx response. `allowed` answers robots.txt for discovered URLs when known.
/// The response is taken: an article's raw page keeps its body without a copy.
pub fn analyse(
    page: &PageContext<'_>,
    mut response: Response,
    allowed: impl FnMut(&Url) -> Option<bool>,
) -> Analysed {
    let kind = content::classify(response.media_type().as_deref(), &response.body);
    let depth = page.entry.depth;
    let validators = Validators {
        etag: response.header(header::ETAG).map(str::to_string),
        last_modified: response.header(header::LAST_MODIFIED).map(str::to_string),
    };
    let remember = |validators: Validators| {
        if validators.is_empty() {
            PageResult::Nothing
        } else {
            PageResult::Validators {
                url: page.url.to_string(),
                validators,
            }
        }
    };
    let origin = |base| Origin {
        url: page.url,
        base,
        chain: page.entry.counter_chain,
    };
    match kind {
        ContentKind::Html => {
            let options = ExtractOptions {
                url: Some(page.url.clone()),
                content_type: response.header(header::CONTENT_TYPE).map(str::to_string),
                preferred_lang: page.lang.map(str::to_string),
                reference_time: Some(page.fetched_at),
                ..ExtractOptions::default()
            };
            let crawled = extract::crawl_page(&response.body, &options, page.url, PRODUCT_TOKEN);
            let links = crawled.links;
            let directives = links
                .robots
                .merge(discover::x_robots_tag(&response.headers));
            let base = links.base.clone().unwrap_or_else(|| page.url.clone());
            let mut found: Vec<Found<'_>> = Vec::new();
            if !directives.nofollow {
                found.extend(links.links.iter().map(|raw| Found {
                    raw,
                    via: DiscoveredVia::Link,
                    depth: depth + 1,
                }));
            }
            found.extend(links.feeds.iter().chain(&links.sitemaps).map(|raw| Found {
                raw,
                via: DiscoveredVia::Link,
                depth,
            }));
            let discovered = discover::discover(origin(&base), found, page.scope, allowed);
            let (result, event) = match crawled.article {
                _ if directives.noindex => {
                    tracing::debug!(url = %page.url, "noindex: not stored");
                    (remember(validators), Some(Event::Skipped("noindex")))
                }
                Ok(article) => {
                    let new = NewArticle {
                        provenance: provenance(page, &response, crawled.encoding, &validators),
                        article,
                        raw: if page.keep_raw {
                            packed_raw_page(page.url, &mut response)
                        } else {
                            None
                        },
                    };
                    (PageResult::Article(Box::new(new)), None)
                }
                Err(ExtractError::NotArticle { reason }) => {
                    tracing::debug!(url = %page.url, %reason, "not an article");
                    (remember(validators), Some(Event::NotArticle))
                }
                Err(e) => {
                    tracing::debug!(url = %page.url, reason = %e, "not an article");
                    (remember(validators), Some(Event::NotArticle))
                }
            };
            Analysed {
                result,
                discovered,
                event,
            }
        }
        ContentKind::Feed | ContentKind::Sitemap => {
            let listed = if kind == ContentKind::Feed {
                discovery::feed_links(&response.body).map(|links| (links, DiscoveredVia::Feed))
            } else {
                discovery::sitemap_urls(&response.body, page.max_body).map(|urls| {
                    let mut all = urls.pages;
                    all.extend(urls.sitemaps);
                    (all, DiscoveredVia::Sitemap)
                })
            };
            match listed {
                Ok((urls, via)) => Analysed {
                    result: remember(validators),
                    discovered: discover::discover(
                        origin(page.url),
                        urls.iter().map(|raw| Found { raw, via, depth }),
                        page.scope,
                        allowed,
                    ),
                    event: None,
                },
                Err(reason) => {
                    tracing::info!(url = %page.url, %reason, "unreadable feed or sitemap");
                    Analysed {
                        result: PageResult::Nothing,
                        discovered: Discovered::default(),
                        event: Some(Event::Error("unreadable_listing")),
                    }
                }
            }
        }
        ContentKind::Other(media_type) => {
            tracing::debug!(url = %page.url, %media_type, "not HTML: skipped");
            Analysed {
                result: PageResult::Nothing,
                discovered: Discovered::default(),
                event: Some(Event::Skipped("content_type")),
            }
        }
    }
}

/// Where and how an article was fetched.
pub fn provenance(
    page: &PageContext<'_>,
    response: &Response,
    charset: &str,
    validators: &Validators,
) -> Provenance {
    Provenance {
        url: page.entry.url.clone(),
        final_url: page.url.to_string(),
        source: page.source.to_string(),
        discovered_from: page.entry.discovered_from.clone(),
        discovered_via: page.entry.discovered_via,
        fetched_at: page.fetched_at,
        http_status: response.status,
        content_type: response.media_type(),
        charset: Some(charset.to_string()),
        etag: validators.etag.clone(),
        last_modified: validators.last_modified.clone(),
        raw_sha256: hex::encode(Sha256::digest(&response.body)),
        extractor_version: extract::EXTRACTOR_VERSION.to_string(),
        crawler_version: CRAWLER_VERSION.to_string(),
    }
}

/// The response as kept for re-extraction and WARC export, packed here on the parsing
/// thread (see [`PackedRawPage`]); none when packing fails, which is logged: the article
/// is still worth storing.
fn packed_raw_page(url: &Url, response: &mut Response) -> Option<PackedRawPage> {
    match PackedRawPage::pack(&raw_page(response)) {
        Ok(packed) => Some(packed),
        Err(error) => {
            tracing::warn!(%url, %error, "raw page not kept: packing it failed");
            None
        }
    }
}

/// The response as kept; its body moves there.
fn raw_page(response: &mut Response) -> RawPage {
    RawPage {
        headers: response
            .headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: std::mem::take(&mut response.body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story() -> Vec<u8> {
        let paragraph = "The regional election commission published the final turnout \
            figures on Monday evening, and observers from three organisations said the count \
            in the northern districts had been delayed by several hours without explanation.";
        format!(
            "<html lang=en><head><title>Turnout figures</title></head><body><article>\
             <h1>Turnout figures</h1><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
        )
        .into_bytes()
    }

    fn analysed(keep_raw: bool) -> (Vec<u8>, Analysed) {
        let url = Url::parse("http://127.0.0.1/2026/turnout").expect("url");
        let entry = FrontierEntry {
            url: url.to_string(),
            host: "127.0.0.1".into(),
            depth: 1,
            discovered_from: None,
            discovered_via: DiscoveredVia::Link,
            counter_chain: 0,
        };
        let scope = Scope::new([&url], Vec::new(), Vec::new(), 5);
        let page = PageContext {
            entry: &entry,
            url: &url,
            source: "test",
            fetched_at: Utc::now(),
            lang: None,
            max_body: 1 << 20,
            scope: &scope,
            keep_raw,
        };
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("text/html; charset=utf-8"),
        );
        let body = story();
        let response = Response {
            url: url.clone(),
            status: 200,
            headers,
            body: body.clone(),
            share: None,
            truncated: false,
            elapsed: std::time::Duration::from_millis(5),
        };
        (body, analyse(&page, response, |_| Some(true)))
    }

    #[test]
    fn an_articles_raw_page_is_packed_only_for_a_store_that_keeps_it() {
        let (body, kept) = analysed(true);
        let PageResult::Article(new) = kept.result else {
            panic!("an article: {:?}", kept.result);
        };
        let raw = new
            .raw
            .as_ref()
            .expect("packed")
            .unpack("raw page")
            .expect("unpacks");
        assert_eq!(raw.body, body, "the body as received");
        assert!(
            raw.headers
                .iter()
                .any(|(k, v)| k == "content-type" && v == "text/html; charset=utf-8"),
            "{:?}",
            raw.headers
        );
        assert_eq!(
            new.provenance.raw_sha256,
            hex::encode(Sha256::digest(&body))
        );

        let (_, dropped) = analysed(false);
        let PageResult::Article(new) = dropped.result else {
            panic!("an article: {:?}", dropped.result);
        };
        assert_eq!(new.raw, None, "nothing packed for a store that drops it");
        assert_eq!(
            new.provenance.raw_sha256,
            hex::encode(Sha256::digest(&body))
        );
    }
}
