//! A client for the daemon's HTTP API: how `gleaner status`, `gleaner queue …` and
//! `gleaner export` reach the data while the daemon holds the database.
//!
//! Request and response bodies are the types [`super::api`] serves, so both sides agree by
//! construction.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::config::{Dur, ServerConfig};
use crate::fetch::http::error_chain;
use crate::store::reextract::ReextractSummary;
use crate::store::{ArticleId, ArticleRecord, ArticleVersion, Delivery, RawPage, StoreStats};

use super::api::{
    AckRequest, AckResponse, AckResult, ArticlesPage, ChangesPage, ErrorBody, Health, PopRequest,
    PopResponse, RawPageBody, ReextractRequest, SourcesResponse, VersionsResponse,
};
use super::scheduler::SourceStatus;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// A re-extraction answers when it has visited every stored page, which takes minutes on a
/// large store (a few milliseconds per page).
const REEXTRACT_TIMEOUT: Duration = Duration::from_secs(6 * 3600);

/// A failed API call, phrased for the person at the terminal.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("invalid API address {url:?}: {reason}")]
    InvalidUrl { url: String, reason: String },
    #[error("the daemon API at {url} is not reachable: {reason}")]
    Unreachable { url: String, reason: String },
    #[error(
        "the daemon API at {url} refused the request: missing or wrong token (server.auth_token; pass --token or GLEANER_TOKEN)"
    )]
    Unauthorized { url: String },
    #[error("the daemon API at {url} answered {status}: {message}")]
    Api {
        url: String,
        status: u16,
        message: String,
    },
    #[error("unexpected answer from the daemon API at {url}: {reason}")]
    Decode { url: String, reason: String },
}

/// Talks to one daemon.
#[derive(Debug, Clone)]
pub struct ApiClient {
    base: Url,
    token: Option<String>,
    http: reqwest::Client,
}

impl ApiClient {
    /// A client for the API at `base` (e.g. `http://127.0.0.1:7878`).
    pub fn new(base: &str, token: Option<String>) -> Result<Self, ClientError> {
        let invalid = |reason: String| ClientError::InvalidUrl {
            url: base.to_string(),
            reason,
        };
        let mut base = Url::parse(base).map_err(|e| invalid(e.to_string()))?;
        if !matches!(base.scheme(), "http" | "https") || base.host().is_none() {
            return Err(invalid("not an http(s) URL with a host".to_string()));
        }
        if !base.path().ends_with('/') {
            let path = format!("{}/", base.path());
            base.set_path(&path);
        }
        let http = reqwest::Client::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(REQUEST_TIMEOUT)
            .no_proxy()
            .user_agent(crate::config::default_user_agent())
            .build()
            .map_err(|e| invalid(e.to_string()))?;
        Ok(ApiClient {
            base,
            token: token.filter(|t| !t.is_empty()),
            http,
        })
    }

    /// A client for the daemon configured by `server` (its `listen` address and token).
    pub fn for_server(server: &ServerConfig) -> Result<Self, ClientError> {
        ApiClient::new(&base_url_for(server.listen), server.auth_token.clone())
    }

    /// The base URL, for messages.
    pub fn base(&self) -> &str {
        self.base.as_str()
    }

    pub async fn health(&self) -> Result<Health, ClientError> {
        // 503 still carries a Health body: read it either way.
        let url = self.url("healthz")?;
        let response = self.send(self.http.get(url.clone())).await?;
        decode(&url, response).await
    }

    pub async fn sources(&self) -> Result<Vec<SourceStatus>, ClientError> {
        let page: SourcesResponse = self.get("api/sources", &[]).await?;
        Ok(page.sources)
    }

    pub async fn articles(
        &self,
        since: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<ArticlesPage, ClientError> {
        let mut query = vec![("since", since.to_string()), ("limit", limit.to_string())];
        if let Some(source) = source {
            query.push(("source", source.to_string()));
        }
        self.get("api/articles", &query).await
    }

    /// One record by id; `None` when the daemon knows no such article.
    pub async fn article(&self, id: ArticleId) -> Result<Option<ArticleRecord>, ClientError> {
        self.get_optional(&format!("api/articles/{id}")).await
    }

    /// The raw response kept for an article; `None` when none was kept.
    pub async fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>, ClientError> {
        self.raw_at(&format!("api/articles/{id}/raw")).await
    }

    /// Every version of an article, oldest first; `None` for an unknown article.
    pub async fn versions(
        &self,
        id: ArticleId,
    ) -> Result<Option<Vec<ArticleVersion>>, ClientError> {
        let page: Option<VersionsResponse> = self
            .get_optional(&format!("api/articles/{id}/versions"))
            .await?;
        Ok(page.map(|p| p.versions))
    }

    /// The raw response kept for one version of an article.
    pub async fn version_raw(
        &self,
        id: ArticleId,
        version: u32,
    ) -> Result<Option<RawPage>, ClientError> {
        self.raw_at(&format!("api/articles/{id}/versions/{version}/raw"))
            .await
    }

    /// Changes (edits, removals, restorations) after `since`, in log order.
    pub async fn changes(
        &self,
        since: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<ChangesPage, ClientError> {
        let mut query = vec![("since", since.to_string()), ("limit", limit.to_string())];
        if let Some(source) = source {
            query.push(("source", source.to_string()));
        }
        self.get("api/changes", &query).await
    }

    async fn raw_at(&self, path: &str) -> Result<Option<RawPage>, ClientError> {
        let Some(body) = self.get_optional::<RawPageBody>(path).await? else {
            return Ok(None);
        };
        RawPage::try_from(body)
            .map(Some)
            .map_err(|e| ClientError::Decode {
                url: format!("{}{path}", self.base),
                reason: e.to_string(),
            })
    }

    pub async fn pop(&self, max: usize, lease: Duration) -> Result<Vec<Delivery>, ClientError> {
        let body = PopRequest {
            max: Some(max),
            lease: Some(Dur::from(lease)),
        };
        let answer: PopResponse = self.post("api/queue/pop", &body).await?;
        Ok(answer.deliveries)
    }

    pub async fn ack(&self, tokens: &[String]) -> Result<Vec<AckResult>, ClientError> {
        let body = AckRequest {
            tokens: tokens.to_vec(),
        };
        let answer: AckResponse = self.post("api/queue/ack", &body).await?;
        Ok(answer.results)
    }

    pub async fn stats(&self) -> Result<StoreStats, ClientError> {
        self.get("api/queue/stats", &[]).await
    }

    /// Runs `gleaner reextract` inside the daemon and waits for its summary.
    pub async fn reextract(&self, source: Option<&str>) -> Result<ReextractSummary, ClientError> {
        let body = ReextractRequest {
            source: source.map(str::to_string),
        };
        self.post_within("api/reextract", &body, REEXTRACT_TIMEOUT)
            .await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        let response = self
            .send(self.authorised(self.http.get(url.clone()).query(query)))
            .await?;
        checked(&url, response).await
    }

    /// GET where 404 means "no such thing" rather than an error.
    async fn get_optional<T: DeserializeOwned>(
        &self,
        path: &str,
    ) -> Result<Option<T>, ClientError> {
        let url = self.url(path)?;
        let response = self
            .send(self.authorised(self.http.get(url.clone())))
            .await?;
        if response.status() == reqwest::StatusCode::NOT_FOUND {
            return Ok(None);
        }
        checked(&url, response).await.map(Some)
    }

    async fn post<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
    ) -> Result<T, ClientError> {
        self.post_within(path, body, REQUEST_TIMEOUT).await
    }

    /// POST that may take up to `timeout` to answer.
    async fn post_within<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        timeout: Duration,
    ) -> Result<T, ClientError> {
        let url = self.url(path)?;
        // reqwest's `json` feature would do this; one serde_json call does not need it.
        let body = serde_json::to_vec(body).map_err(|e| ClientError::Decode {
            url: url.to_string(),
            reason: format!("cannot encode the request: {e}"),
        })?;
        let request = self
            .http
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .timeout(timeout)
            .body(body);
        let response = self.send(self.authorised(request)).await?;
        checked(&url, response).await
    }

    fn authorised(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(token) => request.bearer_auth(token),
            None => request,
        }
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, ClientError> {
        request.send().await.map_err(|e| ClientError::Unreachable {
            url: self.base.to_string(),
            reason: error_chain(&e),
        })
    }

    fn url(&self, path: &str) -> Result<Url, ClientError> {
        self.base.join(path).map_err(|e| ClientError::InvalidUrl {
            url: format!("{}{path}", self.base),
            reason: e.to_string(),
        })
    }
}

/// `http://<listen>`, with an unspecified listen address (`0.0.0.0`, `::`) replaced by
/// loopback, where a local client reaches it.
pub fn base_url_for(listen: SocketAddr) -> String {
    let ip = match listen.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, listen.port()))
}

async fn checked<T: DeserializeOwned>(
    url: &Url,
    response: reqwest::Response,
) -> Result<T, ClientError> {
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return Err(ClientError::Unauthorized {
            url: url.to_string(),
        });
    }
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        let message = serde_json::from_str::<ErrorBody>(&text)
            .map(|b| b.error)
            .unwrap_or_else(|_| text.chars().take(500).collect());
        return Err(ClientError::Api {
            url: url.to_string(),
            status: status.as_u16(),
            message,
        });
    }
    decode(url, response).await
}

async fn decode<T: DeserializeOwned>(
    url: &Url,
    response: reqwest::Response,
) -> Result<T, ClientError> {
    let bytes = response.bytes().await.map_err(|e| ClientError::Decode {
        url: url.to_string(),
        reason: error_chain(&e),
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ClientError::Decode {
        url: url.to_string(),
        reason: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unspecified_listen_address_is_reached_through_loopback() {
        assert_eq!(
            base_url_for("0.0.0.0:7878".parse().expect("addr")),
            "http://127.0.0.1:7878"
        );
        assert_eq!(
            base_url_for("[::]:80".parse().expect("addr")),
            "http://[::1]:80"
        );
        assert_eq!(
            base_url_for("10.1.2.3:9000".parse().expect("addr")),
            "http://10.1.2.3:9000"
        );
    }

    #[test]
    fn base_url_must_be_http() {
        assert!(ApiClient::new("ftp://example.org", None).is_err());
        assert!(ApiClient::new("not a url", None).is_err());
        let c = ApiClient::new("http://127.0.0.1:7878/prefix", None).expect("valid");
        assert_eq!(c.base(), "http://127.0.0.1:7878/prefix/");
    }

    #[tokio::test]
    async fn unreachable_daemon_is_reported_with_the_cause() {
        // Bind and drop a listener: nobody is on that port now.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let client = ApiClient::new(&format!("http://127.0.0.1:{port}"), None).expect("client");
        let err = client.stats().await.expect_err("nothing listens");
        let text = err.to_string();
        assert!(matches!(err, ClientError::Unreachable { .. }), "{text}");
        assert!(text.contains("not reachable"), "{text}");
        assert!(text.to_lowercase().contains("refused"), "{text}");
    }
}
