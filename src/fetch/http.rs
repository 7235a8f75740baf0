//! One HTTP exchange, bounded in size and time.
//!
//! reqwest (rustls) does the protocol work; this module adds what a crawler facing hostile
//! servers needs on top: every name resolved through the [address guard](super::address_guard),
//! a whole-exchange deadline (a server dripping one byte a second is cut off), and a body cap
//! counted on the *decompressed* bytes as they stream in, so a 10 KiB gzip bomb stops at the
//! cap instead of filling memory. Redirects are never followed here: the caller follows them
//! hop by hop, because each hop has to be re-checked against robots.txt, scope and the guard.

use std::time::{Duration, Instant};

use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::redirect;
use url::Url;

use super::address_guard::{self, AddressRefused, GuardedResolver};
use crate::config::CrawlerConfig;

/// What to do with a body larger than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyLimit {
    /// Abandon the response: pages over the cap are never stored.
    Abandon(u64),
    /// Keep the first bytes and stop reading (robots.txt: parse the first 500 KiB).
    Truncate(u64),
}

/// One request.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub url: &'a Url,
    /// Sent as `If-None-Match` / `If-Modified-Since`.
    pub validators: Option<Conditional<'a>>,
    pub limit: BodyLimit,
    /// `Accept` header.
    pub accept: &'static str,
}

/// `Accept` for pages: HTML first, feeds and sitemaps welcome.
pub const ACCEPT_PAGES: &str =
    "text/html,application/xhtml+xml;q=0.9,application/xml;q=0.8,*/*;q=0.5";
/// `Accept` for robots.txt.
pub const ACCEPT_TEXT: &str = "text/plain,*/*;q=0.5";
/// `Accept` for feeds and sitemaps.
pub const ACCEPT_XML: &str =
    "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.5";

/// A complete response: status, headers and the (decompressed) body.
#[derive(Debug, Clone)]
pub struct Response {
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body was cut at a [`BodyLimit::Truncate`] limit.
    pub truncated: bool,
    /// From sending the request to the last body byte.
    pub elapsed: Duration,
}

impl Response {
    pub fn header(&self, name: header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn is_redirect(&self) -> bool {
        matches!(self.status, 301 | 302 | 303 | 307 | 308)
    }

    /// Where a redirect points, resolved against the request URL.
    pub fn redirect_target(&self) -> Option<Result<Url, FetchError>> {
        if !self.is_redirect() {
            return None;
        }
        let Some(location) = self.headers.get(header::LOCATION) else {
            return Some(Err(FetchError::BadRedirect(format!(
                "{} without Location",
                self.status
            ))));
        };
        let location = String::from_utf8_lossy(location.as_bytes()).into_owned();
        Some(
            self.url
                .join(location.trim())
                .map_err(|e| FetchError::BadRedirect(format!("Location {location:?}: {e}")))
                .and_then(|u| match u.scheme() {
                    "http" | "https" => Ok(u),
                    other => Err(FetchError::BadRedirect(format!(
                        "redirect to unsupported scheme {other:?}"
                    ))),
                }),
        )
    }

    /// The media type from Content-Type, lowercased, without parameters.
    pub fn media_type(&self) -> Option<String> {
        self.header(header::CONTENT_TYPE).and_then(|ct| {
            let media = ct.split(';').next()?.trim().to_ascii_lowercase();
            (!media.is_empty()).then_some(media)
        })
    }

    /// The `charset` parameter of Content-Type, if any.
    pub fn charset(&self) -> Option<String> {
        let ct = self.header(header::CONTENT_TYPE)?;
        ct.split(';').skip(1).find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| v.trim().trim_matches('"').to_ascii_lowercase())
                .filter(|v| !v.is_empty())
        })
    }
}

/// Why an exchange produced no usable response.
#[derive(Debug, Clone, thiserror::Error)]
pub enum FetchError {
    #[error("address refused: {0}")]
    AddressRefused(#[from] AddressRefused),
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error("connection failed: {0}")]
    Connect(String),
    #[error("body exceeds the {limit}-byte limit")]
    TooLarge { limit: u64 },
    #[error("reading the body failed: {0}")]
    Body(String),
    #[error("invalid redirect: {0}")]
    BadRedirect(String),
    #[error("redirect loop back to {0}")]
    RedirectLoop(String),
    #[error("more than {0} redirects")]
    TooManyRedirects(u32),
    #[error("request failed: {0}")]
    Request(String),
}

impl FetchError {
    /// A short stable label for metrics and summaries ("errors by kind").
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::AddressRefused(_) => "address_refused",
            FetchError::Timeout(_) => "timeout",
            FetchError::Connect(_) => "connect",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::Body(_) => "body",
            FetchError::BadRedirect(_) => "bad_redirect",
            FetchError::RedirectLoop(_) => "redirect_loop",
            FetchError::TooManyRedirects(_) => "too_many_redirects",
            FetchError::Request(_) => "request",
        }
    }

    /// Worth retrying later: the server or the network may recover.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout(_) | FetchError::Connect(_) | FetchError::Body(_)
        )
    }
}

/// What a conditional GET sends: the validators of the copy we have.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Conditional<'a> {
    /// Sent as `If-None-Match`.
    pub etag: Option<&'a str>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<&'a str>,
}

/// The shared HTTP client; cheap to clone.
#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    allow_private: bool,
    request_timeout: Duration,
}

impl HttpClient {
    pub fn new(config: &CrawlerConfig) -> Result<Self, FetchError> {
        let user_agent = HeaderValue::from_str(&config.user_agent)
            .map_err(|e| FetchError::Request(format!("invalid user_agent: {e}")))?;
        let client = reqwest::Client::builder()
            .user_agent(user_agent)
            .redirect(redirect::Policy::none())
            .connect_timeout(config.connect_timeout.get())
            .timeout(config.request_timeout.get())
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .dns_resolver(std::sync::Arc::new(GuardedResolver::new(
                config.allow_private_addresses,
            )))
            .pool_max_idle_per_host(4)
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| FetchError::Request(format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpClient {
            client,
            allow_private: config.allow_private_addresses,
            request_timeout: config.request_timeout.get(),
        })
    }

    /// Sends one GET and reads the body within the limits. Never follows redirects.
    pub async fn get(&self, request: Request<'_>) -> Result<Response, FetchError> {
        address_guard::check_url(request.url, self.allow_private)?;
        let started = Instant::now();
        // reqwest's own timeout covers the body too; the outer one guarantees it even if a
        // body stream stalls between chunks in a way the inner timer does not see.
        match tokio::time::timeout(self.request_timeout, self.exchange(&request, started)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::Timeout(self.request_timeout)),
        }
    }

    async fn exchange(
        &self,
        request: &Request<'_>,
        started: Instant,
    ) -> Result<Response, FetchError> {
        let mut builder = self
            .client
            .get(request.url.clone())
            .header(header::ACCEPT, request.accept);
        if let Some(v) = request.validators {
            if let Some(etag) = v.etag.and_then(|e| HeaderValue::from_str(e).ok()) {
                builder = builder.header(header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = v.last_modified.and_then(|e| HeaderValue::from_str(e).ok()) {
                builder = builder.header(header::IF_MODIFIED_SINCE, lm);
            }
        }
        let mut response = builder.send().await.map_err(|e| self.classify(e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let url = request.url.clone();

        let (limit, truncate) = match request.limit {
            BodyLimit::Abandon(n) => (n, false),
            BodyLimit::Truncate(n) => (n, true),
        };
        // An honest Content-Length over the cap (no compression) is refused before reading.
        if !truncate
            && headers.get(header::CONTENT_ENCODING).is_none()
            && response.content_length().is_some_and(|n| n > limit)
        {
            return Err(FetchError::TooLarge { limit });
        }
        // Sized once from an announced length (within the cap): growing by doubling
        // would copy the body a few times and leave up to half of its capacity unused,
        // and a crawl holds many fetched bodies at once.
        let mut body = Vec::with_capacity(initial_capacity(response.content_length(), limit));
        let mut truncated = false;
        // Chunks arrive already decompressed, so the cap bounds what we hold in memory.
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            let room =
                usize::try_from(limit.saturating_sub(body.len() as u64)).unwrap_or(usize::MAX);
            if chunk.len() > room {
                if truncate {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                return Err(FetchError::TooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response {
            url,
            status,
            headers,
            body,
            truncated,
            elapsed: started.elapsed(),
        })
    }

    fn classify(&self, error: reqwest::Error) -> FetchError {
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(e) = source {
            if let Some(refused) = e.downcast_ref::<AddressRefused>() {
                return FetchError::AddressRefused(refused.clone());
            }
            source = e.source();
        }
        if error.is_timeout() {
            FetchError::Timeout(self.request_timeout)
        } else if error.is_connect() {
            FetchError::Connect(error_chain(&error))
        } else if error.is_body() || error.is_decode() {
            FetchError::Body(error_chain(&error))
        } else {
            FetchError::Request(error_chain(&error))
        }
    }
}

/// The error and its causes on one line: reqwest's top-level message alone rarely says why
/// ("error sending request" hides "Connection refused"). Also used by the API client.
pub(crate) fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let s = e.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        source = e.source();
    }
    text
}

/// Most a body's buffer is sized up front from the `Content-Length` a server announces: a
/// larger body grows past it as it arrives, so a length that lies costs no more than an
/// honest page of this size.
const PRESIZE_MAX: u64 = 1 << 20;

/// The capacity a body's buffer starts with: the announced length, within the body cap
/// and [`PRESIZE_MAX`]; nothing when no length is announced (a compressed body's length
/// is not known before it is decoded).
fn initial_capacity(announced: Option<u64>, limit: u64) -> usize {
    let bytes = announced.map_or(0, |n| n.min(limit).min(PRESIZE_MAX));
    usize::try_from(bytes).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_presized_from_an_honest_length_within_the_bounds() {
        assert_eq!(initial_capacity(None, 10 << 20), 0);
        assert_eq!(initial_capacity(Some(80_000), 10 << 20), 80_000);
        // Never past the cap, nor past what a lying length may claim.
        assert_eq!(initial_capacity(Some(50_000), 1_000), 1_000);
        assert_eq!(initial_capacity(Some(u64::MAX), u64::MAX), 1 << 20);
    }
}
