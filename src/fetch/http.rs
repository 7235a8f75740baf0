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
use super::budget::{self, BodyBudget, BodyShare};
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
    /// The budget the body takes its share of before it is read (pages of a crawl; see
    /// [`budget`](super::budget)).
    pub budget: Option<&'a BodyBudget>,
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
#[derive(Debug)]
pub struct Response {
    pub url: Url,
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
    /// The body's share of the request's [`BodyBudget`], given back with the response.
    pub share: Option<BodyShare>,
    /// The body was cut at a [`BodyLimit::Truncate`] limit.
    pub truncated: bool,
    /// From sending the request to the last body byte, less any wait for the body budget
    /// (the fetch-latency histogram measures servers, not the crawl's memory).
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
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .dns_resolver(std::sync::Arc::new(GuardedResolver::new(
                config.allow_private_addresses,
            )))
            .pool_max_idle_per_host(if config.keep_alive.get().is_zero() {
                0
            } else {
                4
            })
            .pool_idle_timeout(config.keep_alive.get())
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
        self.exchange(&request, Instant::now()).await
    }

    /// `step` unless the request's deadline passes first.
    async fn before<T>(
        &self,
        deadline: tokio::time::Instant,
        step: impl std::future::Future<Output = Result<T, reqwest::Error>>,
    ) -> Result<T, FetchError> {
        match tokio::time::timeout_at(deadline, step).await {
            Ok(result) => result.map_err(|e| self.classify(e)),
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
        // One deadline for the whole exchange, body included (a server that drips bytes is
        // cut off here), not counting the time the body waits for the crawl's budget: that
        // wait is ours, not the server's.
        let mut deadline = tokio::time::Instant::now() + self.request_timeout;
        let mut response = self.before(deadline, builder.send()).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let url = request.url.clone();

        let (limit, truncate) = match request.limit {
            BodyLimit::Abandon(n) => (n, false),
            BodyLimit::Truncate(n) => (n, true),
        };
        let compressed = headers.get(header::CONTENT_ENCODING).is_some();
        // An honest Content-Length over the cap (no compression) is refused before reading.
        if !truncate && !compressed && response.content_length().is_some_and(|n| n > limit) {
            return Err(FetchError::TooLarge { limit });
        }
        let mut share = None;
        let mut waited = Duration::ZERO;
        if let Some((budget, expected)) = request.budget.zip(budget::expected_body_bytes(
            status,
            response.content_length(),
            compressed,
            limit,
        )) {
            let taken = budget.take(expected).await;
            waited = taken.waited().unwrap_or_default();
            deadline += waited;
            share = Some(taken);
        }
        // Sized once from an announced length (within the cap): growing by doubling
        // would copy the body a few times and leave up to half of its capacity unused,
        // and a crawl holds many fetched bodies at once.
        let mut body = Vec::with_capacity(initial_capacity(response.content_length(), limit));
        let mut truncated = false;
        // Chunks arrive already decompressed, so the cap bounds what we hold in memory.
        while let Some(chunk) = self.before(deadline, response.chunk()).await? {
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
            if let Some(share) = share.as_mut() {
                share.grow_to(body.len() as u64);
            }
        }
        Ok(Response {
            url,
            status,
            headers,
            body,
            share,
            truncated,
            // The server's time: the wait for the budget was ours.
            elapsed: started.elapsed().saturating_sub(waited),
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
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The head of a two-byte page.
    const OK_HEAD: &[u8] =
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 2\r\n\r\n";

    #[test]
    fn a_body_is_presized_from_an_honest_length_within_the_bounds() {
        assert_eq!(initial_capacity(None, 10 << 20), 0);
        assert_eq!(initial_capacity(Some(80_000), 10 << 20), 80_000);
        // Never past the cap, nor past what a lying length may claim.
        assert_eq!(initial_capacity(Some(50_000), 1_000), 1_000);
        assert_eq!(initial_capacity(Some(u64::MAX), u64::MAX), 1 << 20);
    }

    /// A server on loopback that answers each request with `head`, then `body`: at once
    /// without a `gate`, else once `gate` is notified and 100 ms later. It never answers
    /// when `head` is `None`. Also returns how many connections it accepted.
    async fn serve(
        head: Option<&'static [u8]>,
        body: &'static [u8],
        gate: Option<Arc<tokio::sync::Notify>>,
    ) -> (Url, Arc<AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("address");
        let accepted = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&accepted);
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                counter.fetch_add(1, Ordering::SeqCst);
                let gate = gate.clone();
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    while socket.read(&mut request).await.is_ok_and(|n| n > 0) {
                        let Some(head) = head else {
                            std::future::pending::<()>().await;
                            return;
                        };
                        if socket.write_all(head).await.is_err() {
                            return;
                        }
                        if let Some(gate) = &gate {
                            gate.notified().await;
                            tokio::time::sleep(Duration::from_millis(100)).await;
                        }
                        if socket.write_all(body).await.is_err() {
                            return;
                        }
                    }
                });
            }
        });
        let url = Url::parse(&format!("http://{addr}/page")).expect("url");
        (url, accepted)
    }

    fn client(timeout: Duration) -> HttpClient {
        HttpClient::new(&CrawlerConfig {
            allow_private_addresses: true,
            request_timeout: timeout.into(),
            ..CrawlerConfig::default()
        })
        .expect("client")
    }

    fn request<'a>(url: &'a Url, budget: Option<&'a BodyBudget>) -> Request<'a> {
        Request {
            url,
            validators: None,
            limit: BodyLimit::Abandon(1 << 20),
            accept: ACCEPT_PAGES,
            budget,
        }
    }

    #[tokio::test]
    async fn keep_alive_reuses_a_connection_and_zero_opens_one_per_request() {
        for (keep_alive, connections) in [(Duration::from_secs(30), 1), (Duration::ZERO, 3)] {
            let (url, accepted) = serve(Some(OK_HEAD), b"ok", None).await;
            let client = HttpClient::new(&CrawlerConfig {
                allow_private_addresses: true,
                keep_alive: keep_alive.into(),
                ..CrawlerConfig::default()
            })
            .expect("client");
            for _ in 0..3 {
                let response = client.get(request(&url, None)).await.expect("fetched");
                assert_eq!(response.body, b"ok");
            }
            assert_eq!(
                accepted.load(Ordering::SeqCst),
                connections,
                "keep_alive = {keep_alive:?}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_server_that_never_answers_is_cut_off_at_the_deadline() {
        let (url, _) = serve(None, b"", None).await;
        let started = tokio::time::Instant::now();
        let answer = client(Duration::from_secs(2))
            .get(request(&url, None))
            .await;
        assert!(matches!(answer, Err(FetchError::Timeout(_))), "{answer:?}");
        assert_eq!(started.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn waiting_for_the_body_budget_does_not_count_against_the_deadline() {
        const HEAD: &[u8] =
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 5\r\n\r\n";
        let gate = Arc::new(tokio::sync::Notify::new());
        let (url, _) = serve(Some(HEAD), b"hello", Some(Arc::clone(&gate))).await;
        let budget = BodyBudget::new(1 << 20);
        let held = budget.take(1 << 20).await;
        let client = client(Duration::from_secs(2));
        let fetch = client.get(request(&url, Some(&budget)));
        let release = async {
            // Three times the deadline, all of it spent waiting for room; the body is
            // sent only once the wait is over.
            tokio::time::sleep(Duration::from_secs(6)).await;
            drop(held);
            gate.notify_one();
        };
        let (answer, ()) = tokio::join!(fetch, release);
        let response = answer.expect("fetched once room was given back");
        assert_eq!(response.body, b"hello");
        assert!(
            response.elapsed < Duration::from_secs(1),
            "the server's time only: {:?}",
            response.elapsed
        );
        assert_eq!(response.share.as_ref().map(BodyShare::bytes), Some(1024));
        drop(response);
        assert_eq!(
            budget.held_bytes(),
            0,
            "the share goes back with the response"
        );
    }
}
