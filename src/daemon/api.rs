//! The daemon's HTTP API: health, metrics, source status, articles and the consumer queue.
//!
//! | Method | Path | |
//! |---|---|---|
//! | GET | `/healthz` | 200 when the store answers and the scheduler's heartbeat is recent, else 503 (never needs the token) |
//! | GET | `/metrics` | Prometheus text format, names prefixed `gleaner_` |
//! | GET | `/api/sources` | `{"sources": [SourceStatus…]}` |
//! | GET | `/api/articles?since=SEQ&source=NAME&limit=N` | `{"articles": [record…], "next": SEQ}` in store order |
//! | GET | `/api/articles/{id}` | one record, 404 if unknown |
//! | GET | `/api/articles/{id}/raw` | `{"headers": [[name, value]…], "body_hex": "…"}`: the kept raw response, 404 if none |
//! | GET | `/api/articles/{id}/versions` | `{"versions": [{"version", "fetched_at", "title", "text", …}…]}` oldest first, 404 if unknown |
//! | GET | `/api/articles/{id}/versions/{version}/raw` | the raw response kept for one version, as `/raw`; 404 if none |
//! | GET | `/api/changes?since=SEQ&source=NAME&limit=N` | `{"changes": [{"seq", "id", "url", "source", "kind", "at", "version", "evidence"?}…], "next": SEQ}`: edits, removals and restorations in the order they were recorded |
//! | POST | `/api/queue/pop` | body `{"max": N, "lease": "60s"}` → `{"deliveries": [record + "delivery"…]}` |
//! | POST | `/api/queue/ack` | body `{"tokens": [..]}` → `{"results": [{"token", "outcome"}…]}` |
//! | GET | `/api/queue/stats` | `{"articles", "pending", "leased", "acked", "duplicates"}` |
//! | POST | `/api/reextract` | body `{"source": NAME}` (optional) → the run's summary `{"examined", "unchanged", "updated", "duplicates", "without_raw", "rejected"}`; answers when the run is done |
//!
//! With `server.auth_token` set, every request but `/healthz` needs
//! `Authorization: Bearer <token>`. Errors are JSON `{"error": "..."}`.
//!
//! The request and response bodies are types in this module, shared with the API client
//! the CLI uses, so the two cannot drift apart. Handlers call the store through its async
//! roles (an embedded store runs them on the blocking pool, so the async workers keep
//! serving `/healthz` while sled waits for the disk).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use crate::config::Dur;
use crate::crawl::stats::CrawlStats;
use crate::store::reextract::{ReextractSummary, reextract_with_current};
use crate::store::{
    AckOutcome, ArticleId, ArticleRecord, ArticleVersion, Backend, Change, Delivery, RawPage,
    StoreError, StoreStats,
};

use super::exposition;
use super::metrics::{self, MetricsInput, QueueFigures};
use super::scheduler::{SchedulerHandle, SourceStatus};

/// Default and largest page of `/api/articles`.
pub const DEFAULT_ARTICLES_LIMIT: usize = 100;
pub const MAX_ARTICLES_LIMIT: usize = 1000;
/// Default and largest batch of `/api/queue/pop`.
pub const DEFAULT_POP_MAX: usize = 10;
pub const MAX_POP_MAX: usize = 1000;
/// Default lease of `/api/queue/pop`; the longest accepted is a day.
pub const DEFAULT_LEASE: Duration = Duration::from_secs(60);
pub const MAX_LEASE: Duration = Duration::from_secs(24 * 3600);
/// How long `/healthz` waits for the store before calling it unhealthy.
const HEALTH_STORE_TIMEOUT: Duration = Duration::from_secs(5);

/// `GET /healthz`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Health {
    /// `ok` or `unhealthy`.
    pub status: String,
    pub scheduler_heartbeat_age_seconds: f64,
    /// `ok`, or why the store did not answer.
    pub store: String,
}

/// `GET /api/sources`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SourcesResponse {
    pub sources: Vec<SourceStatus>,
}

/// The query of the feeds read in sequence order, `GET /api/articles` and `GET /api/changes`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct SinceQuery {
    /// Entries with a sequence number above this (default 0: from the start).
    pub since: Option<u64>,
    pub source: Option<String>,
    pub limit: Option<usize>,
}

/// A [`SinceQuery`] checked and given its defaults.
struct SincePage {
    since: u64,
    source: Option<String>,
    limit: usize,
}

impl SinceQuery {
    fn page(self) -> Result<SincePage, ApiError> {
        let limit = match self.limit {
            None => DEFAULT_ARTICLES_LIMIT,
            Some(0) => return Err(ApiError::bad_request("limit must be at least 1")),
            Some(n) => n.min(MAX_ARTICLES_LIMIT),
        };
        Ok(SincePage {
            since: self.since.unwrap_or(0),
            source: self.source.filter(|s| !s.is_empty()),
            limit,
        })
    }
}

/// `GET /api/articles` answer: pass `next` as `since` to continue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ArticlesPage {
    pub articles: Vec<ArticleRecord>,
    pub next: u64,
}

/// `GET /api/articles/{id}/versions`: every version, oldest first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct VersionsResponse {
    pub versions: Vec<ArticleVersion>,
}

/// `GET /api/changes` answer: pass `next` as `since` to continue.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChangesPage {
    pub changes: Vec<Change>,
    pub next: u64,
}

/// `GET /api/articles/{id}/raw`: a kept raw response. The body is hex so that any bytes
/// (a page in windows-1251, say) survive JSON unchanged.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RawPageBody {
    pub headers: Vec<(String, String)>,
    pub body_hex: String,
}

impl From<RawPage> for RawPageBody {
    fn from(raw: RawPage) -> Self {
        RawPageBody {
            headers: raw.headers,
            body_hex: hex::encode(raw.body),
        }
    }
}

impl TryFrom<RawPageBody> for RawPage {
    type Error = hex::FromHexError;
    fn try_from(body: RawPageBody) -> Result<Self, Self::Error> {
        Ok(RawPage {
            headers: body.headers,
            body: hex::decode(body.body_hex)?,
        })
    }
}

/// `POST /api/queue/pop` body (all optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PopRequest {
    pub max: Option<usize>,
    /// e.g. "60s", "5m".
    pub lease: Option<Dur>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PopResponse {
    pub deliveries: Vec<Delivery>,
}

/// `POST /api/queue/ack` body.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AckRequest {
    pub tokens: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AckResult {
    pub token: String,
    pub outcome: AckOutcome,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AckResponse {
    pub results: Vec<AckResult>,
}

/// `POST /api/reextract` body (all optional).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReextractRequest {
    /// Only articles of this source; default all.
    pub source: Option<String>,
}

/// The JSON body of every error answer.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: String,
}

/// What the handlers share.
#[derive(Clone)]
pub struct ApiState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Backend,
    scheduler: SchedulerHandle,
    stats: Arc<CrawlStats>,
    auth_token: Option<String>,
    started: Instant,
}

impl ApiState {
    pub fn new(
        store: Backend,
        scheduler: SchedulerHandle,
        stats: Arc<CrawlStats>,
        auth_token: Option<String>,
    ) -> Self {
        ApiState {
            inner: Arc::new(Inner {
                store,
                scheduler,
                stats,
                auth_token: auth_token.filter(|t| !t.is_empty()),
                started: Instant::now(),
            }),
        }
    }
}

/// The API's routes.
pub fn router(state: ApiState) -> Router {
    let protected = Router::new()
        .route("/metrics", get(metrics_handler))
        .route("/api/sources", get(sources))
        .route("/api/articles", get(articles))
        .route("/api/articles/{id}", get(article_by_id))
        .route("/api/articles/{id}/raw", get(raw_page))
        .route("/api/articles/{id}/versions", get(versions))
        .route(
            "/api/articles/{id}/versions/{version}/raw",
            get(version_raw),
        )
        .route("/api/changes", get(changes))
        .route("/api/queue/pop", post(queue_pop))
        .route("/api/queue/ack", post(queue_ack))
        .route("/api/queue/stats", get(queue_stats))
        .route("/api/reextract", post(reextract))
        .route_layer(middleware::from_fn_with_state(state.clone(), require_token));
    Router::new()
        .route("/healthz", get(healthz))
        .merge(protected)
        .fallback(not_found)
        .with_state(state)
}

/// An error answer: status and message.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        ApiError {
            status,
            message: message.into(),
        }
    }
    fn bad_request(message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        tracing::error!(error = %e, "store error while serving the API");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("store: {e}"))
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                error: self.message,
            }),
        )
            .into_response()
    }
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such endpoint")
}

async fn require_token(
    State(state): State<ApiState>,
    headers: HeaderMap,
    request: Request,
    next: Next,
) -> Response {
    let Some(expected) = state.inner.auth_token.as_deref() else {
        return next.run(request).await;
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match given {
        Some(given) if constant_time_eq(given.as_bytes(), expected.as_bytes()) => {
            next.run(request).await
        }
        _ => {
            let mut response = ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing or wrong bearer token (server.auth_token)",
            )
            .into_response();
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                header::HeaderValue::from_static("Bearer"),
            );
            response
        }
    }
}

/// Compares without stopping at the first difference, so timing does not leak the token.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn healthz(State(state): State<ApiState>) -> (StatusCode, Json<Health>) {
    let scheduler = &state.inner.scheduler;
    let age = scheduler.heartbeat_age();
    let scheduler_ok = scheduler.is_alive();
    let store_check = state.inner.store.queue.stats();
    let store = match tokio::time::timeout(HEALTH_STORE_TIMEOUT, store_check).await {
        Ok(Ok(_)) => "ok".to_string(),
        Ok(Err(e)) => ApiError::from(e).message,
        Err(_) => format!(
            "no answer within {}",
            humantime::format_duration(HEALTH_STORE_TIMEOUT)
        ),
    };
    let healthy = scheduler_ok && store == "ok";
    if !healthy {
        tracing::warn!(
            heartbeat_age_ms = age.as_millis() as u64,
            store = %store,
            "health check failed"
        );
    }
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(Health {
            status: if healthy { "ok" } else { "unhealthy" }.to_string(),
            scheduler_heartbeat_age_seconds: age.as_secs_f64(),
            store,
        }),
    )
}

async fn metrics_handler(State(state): State<ApiState>) -> Response {
    let queue = state
        .inner
        .store
        .queue
        .stats()
        .await
        .ok()
        .map(queue_figures);
    let crawl = state.inner.stats.snapshot();
    let sources = state.inner.scheduler.statuses();
    let mut revisits_due = std::collections::BTreeMap::new();
    for source in &sources {
        match state
            .inner
            .store
            .revisits
            .count_due(&source.name, metrics::DUE_COUNT_CAP)
            .await
        {
            Ok(n) => {
                revisits_due.insert(source.name.clone(), n);
            }
            Err(error) => {
                tracing::warn!(source = %source.name, %error, "cannot count due revisits")
            }
        }
    }
    let body = metrics::render(&MetricsInput {
        crawl: &crawl,
        queue,
        sources: &sources,
        revisits_due: &revisits_due,
        heartbeat_age: state.inner.scheduler.heartbeat_age(),
        uptime: state.inner.started.elapsed(),
    });
    ([(header::CONTENT_TYPE, exposition::CONTENT_TYPE)], body).into_response()
}

fn queue_figures(s: StoreStats) -> QueueFigures {
    QueueFigures {
        articles: s.articles,
        pending: s.pending,
        leased: s.leased,
        acked: s.acked,
        duplicates: s.duplicates,
    }
}

async fn sources(State(state): State<ApiState>) -> Json<SourcesResponse> {
    Json(SourcesResponse {
        sources: state.inner.scheduler.statuses(),
    })
}

async fn articles(
    State(state): State<ApiState>,
    query: Result<Query<SinceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ArticlesPage>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let page = query.page()?;
    let articles = state
        .inner
        .store
        .reader
        .articles_since(page.since, page.source.as_deref(), page.limit)
        .await?;
    let next = articles.last().map_or(page.since, |a| a.seq);
    Ok(Json(ArticlesPage { articles, next }))
}

fn parse_id(id: &str) -> Result<ArticleId, ApiError> {
    id.parse()
        .map_err(|e: String| ApiError::bad_request(format!("invalid article id: {e}")))
}

async fn article_by_id(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<ArticleRecord>, ApiError> {
    let id = parse_id(&id)?;
    match state.inner.store.reader.article(id).await? {
        Some(record) => Ok(Json(record)),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no article {id}"),
        )),
    }
}

async fn raw_page(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<RawPageBody>, ApiError> {
    let id = parse_id(&id)?;
    match state.inner.store.reader.raw_page(id).await? {
        Some(raw) => Ok(Json(RawPageBody::from(raw))),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no raw page kept for article {id}"),
        )),
    }
}

async fn versions(
    State(state): State<ApiState>,
    Path(id): Path<String>,
) -> Result<Json<VersionsResponse>, ApiError> {
    let id = parse_id(&id)?;
    match state.inner.store.versions.versions(id).await? {
        Some(versions) => Ok(Json(VersionsResponse { versions })),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no article {id}"),
        )),
    }
}

async fn version_raw(
    State(state): State<ApiState>,
    Path((id, version)): Path<(String, String)>,
) -> Result<Json<RawPageBody>, ApiError> {
    let id = parse_id(&id)?;
    let version: u32 = version
        .parse()
        .map_err(|_| ApiError::bad_request(format!("invalid version {version:?}")))?;
    match state.inner.store.versions.version_raw(id, version).await? {
        Some(raw) => Ok(Json(RawPageBody::from(raw))),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            format!("no raw page kept for version {version} of article {id}"),
        )),
    }
}

async fn changes(
    State(state): State<ApiState>,
    query: Result<Query<SinceQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<ChangesPage>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::bad_request(e.body_text()))?;
    let page = query.page()?;
    let changes = state
        .inner
        .store
        .changes
        .changes_since(page.since, page.source.as_deref(), page.limit)
        .await?;
    let next = changes.last().map_or(page.since, |c| c.seq);
    Ok(Json(ChangesPage { changes, next }))
}

/// A JSON request body whose fields are all optional. An empty body means all defaults, so
/// `curl -X POST .../api/queue/pop` just works.
fn body_or_default<T: Default + serde::de::DeserializeOwned>(
    body: &[u8],
    what: &str,
) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid {what} request: {e}")))
}

async fn queue_pop(
    State(state): State<ApiState>,
    body: axum::body::Bytes,
) -> Result<Json<PopResponse>, ApiError> {
    let request: PopRequest = body_or_default(&body, "pop")?;
    let max = match request.max {
        None => DEFAULT_POP_MAX,
        Some(0) => return Err(ApiError::bad_request("max must be at least 1")),
        Some(n) => n.min(MAX_POP_MAX),
    };
    let lease = request.lease.map_or(DEFAULT_LEASE, Dur::get);
    if lease.is_zero() || lease > MAX_LEASE {
        return Err(ApiError::bad_request(format!(
            "lease must be between 1ms and {}",
            humantime::format_duration(MAX_LEASE)
        )));
    }
    let deliveries = state.inner.store.queue.pop(max, lease).await?;
    Ok(Json(PopResponse { deliveries }))
}

async fn queue_ack(
    State(state): State<ApiState>,
    body: Result<Json<AckRequest>, axum::extract::rejection::JsonRejection>,
) -> Result<Json<AckResponse>, ApiError> {
    let Json(request) = body.map_err(|e| ApiError::bad_request(e.body_text()))?;
    if request.tokens.is_empty() {
        return Err(ApiError::bad_request("tokens must not be empty"));
    }
    if request.tokens.len() > MAX_POP_MAX {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_POP_MAX} tokens per request"
        )));
    }
    let outcomes = state.inner.store.queue.ack(&request.tokens).await?;
    let results = request
        .tokens
        .into_iter()
        .zip(outcomes)
        .map(|(token, outcome)| AckResult { token, outcome })
        .collect();
    Ok(Json(AckResponse { results }))
}

async fn queue_stats(State(state): State<ApiState>) -> Result<Json<StoreStats>, ApiError> {
    let stats = state.inner.store.queue.stats().await?;
    Ok(Json(stats))
}

/// Re-runs the current extractor over the kept raw pages while the daemon keeps crawling:
/// the store is shared, and each article is updated atomically.
async fn reextract(
    State(state): State<ApiState>,
    body: axum::body::Bytes,
) -> Result<Json<ReextractSummary>, ApiError> {
    let request: ReextractRequest = body_or_default(&body, "reextract")?;
    tracing::info!(source = ?request.source, "re-extraction requested through the API");
    let store = &state.inner.store;
    let summary = reextract_with_current(
        store.reader.as_ref(),
        store.sink.as_ref(),
        request.source.as_deref(),
    )
    .await?;
    tracing::info!(?summary, "re-extraction through the API finished");
    Ok(Json(summary))
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::Pin;

    use super::*;
    use crate::config::SourceConfig;
    use crate::daemon::client::{ApiClient, ClientError};
    use crate::daemon::notify::Notifier;
    use crate::daemon::scheduler::{CrawlReport, Scheduler, SourceCrawler, StopToken};
    use crate::extract::article::Article;
    use crate::store::{
        DiscoveredVia, Embedded, MemoryStore, NewArticle, Provenance, StoreOptions,
    };
    use chrono::Utc;

    struct IdleCrawler;

    impl SourceCrawler for IdleCrawler {
        fn crawl(
            &self,
            _source: Arc<SourceConfig>,
            _resume: bool,
            _stop: StopToken,
        ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>> {
            Box::pin(async { CrawlReport::default() })
        }

        fn revisit(
            &self,
            _source: Arc<SourceConfig>,
            _stop: StopToken,
        ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>> {
            Box::pin(async { CrawlReport::default() })
        }

        fn next_revisit(
            &self,
            _source: &str,
        ) -> Pin<Box<dyn Future<Output = Option<chrono::DateTime<Utc>>> + Send + 'static>> {
            Box::pin(async { None })
        }
    }

    /// Distinct texts (so dedup keeps them apart): each word drawn from a seeded sequence.
    fn text(seed: u64) -> String {
        let words = [
            "election",
            "observers",
            "reported",
            "district",
            "commission",
            "ballots",
            "counted",
            "villages",
            "mountain",
            "river",
            "journalists",
            "court",
            "ruling",
            "appeal",
            "parliament",
            "budget",
            "schools",
            "teachers",
            "winter",
            "harvest",
            "market",
            "prices",
            "bridge",
            "railway",
            "festival",
            "museum",
            "library",
            "hospital",
        ];
        let mut x = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (0..120)
            .map(|_| {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                words[(x >> 33) as usize % words.len()]
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn article(n: u64, source: &str) -> NewArticle {
        let url = format!("http://{source}.test/news/{n}");
        NewArticle {
            provenance: Provenance {
                url: url.clone(),
                final_url: url,
                source: source.to_string(),
                discovered_from: None,
                discovered_via: DiscoveredVia::Seed,
                fetched_at: Utc::now(),
                http_status: 200,
                content_type: Some("text/html".into()),
                charset: Some("utf-8".into()),
                etag: None,
                last_modified: None,
                raw_sha256: "00".repeat(32),
                extractor_version: "test".into(),
                crawler_version: "test".into(),
            },
            article: Article {
                title: Some(format!("Story {n}")),
                text: text(n),
                ..Article::default()
            },
            raw: None,
        }
    }

    struct Served {
        base: String,
        _scheduler: SchedulerHandle,
        store: Embedded<crate::store::kv::MemoryKv>,
    }

    async fn serve(token: Option<&str>) -> Served {
        let (scheduler, handle) =
            Scheduler::new(Arc::new(IdleCrawler), Vec::new(), Notifier::disabled());
        tokio::spawn(scheduler.run());
        serve_with(token, handle).await
    }

    async fn serve_with(token: Option<&str>, handle: SchedulerHandle) -> Served {
        let store = Embedded::new(MemoryStore::new(StoreOptions::default()).expect("memory store"));
        let state = ApiState::new(
            Backend::embedded(store.clone()),
            handle.clone(),
            CrawlStats::new(),
            token.map(str::to_string),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move { axum::serve(listener, router(state)).await });
        Served {
            base: format!("http://{addr}"),
            _scheduler: handle,
            store,
        }
    }

    #[tokio::test]
    async fn articles_are_paged_in_store_order_and_filtered_by_source() {
        let served = serve(None).await;
        for (n, source) in [(1, "a"), (2, "b"), (3, "a")] {
            served.store.put_article(article(n, source)).expect("put");
        }
        let client = ApiClient::new(&served.base, None).expect("client");

        let first = client.articles(0, None, 2).await.expect("page 1");
        assert_eq!(first.articles.len(), 2);
        assert_eq!(first.next, first.articles[1].seq);
        let titles: Vec<_> = first
            .articles
            .iter()
            .map(|a| a.article.title.clone())
            .collect();
        assert_eq!(titles, vec![Some("Story 1".into()), Some("Story 2".into())]);
        let second = client.articles(first.next, None, 2).await.expect("page 2");
        assert_eq!(second.articles.len(), 1);
        let end = client.articles(second.next, None, 2).await.expect("end");
        assert!(end.articles.is_empty());
        assert_eq!(end.next, second.next, "an empty page keeps the position");

        let only_a = client.articles(0, Some("a"), 10).await.expect("source a");
        assert_eq!(only_a.articles.len(), 2);
        assert!(only_a.articles.iter().all(|r| r.provenance.source == "a"));
    }

    #[tokio::test]
    async fn one_article_and_its_raw_page_by_id() {
        let served = serve(None).await;
        let mut new = article(7, "a");
        let raw = RawPage {
            headers: vec![(
                "Content-Type".into(),
                "text/html; charset=windows-1251".into(),
            )],
            body: vec![0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x00, 0xff],
        };
        new.raw = Some(crate::store::PackedRawPage::pack(&raw).expect("packs"));
        let id = served.store.put_article(new).expect("put").id();
        let bare = served.store.put_article(article(8, "a")).expect("put").id();
        let client = ApiClient::new(&served.base, None).expect("client");

        let record = client.article(id).await.expect("get").expect("known id");
        assert_eq!(record.id, id);
        assert_eq!(record.article.title.as_deref(), Some("Story 7"));
        assert_eq!(
            client.raw_page(id).await.expect("raw"),
            Some(raw),
            "bytes survive"
        );
        assert_eq!(client.raw_page(bare).await.expect("raw"), None);
        let unknown = ArticleId::for_url("http://nowhere.test/");
        assert_eq!(client.article(unknown).await.expect("get"), None);

        let answer = reqwest::get(format!("{}/api/articles/not-an-id", served.base))
            .await
            .expect("send");
        assert_eq!(answer.status(), 400);
    }

    #[tokio::test]
    async fn reextract_reruns_the_extractor_on_kept_pages_of_the_chosen_source() {
        let served = serve(None).await;
        let paragraph = "The regional election commission published the final turnout \
            figures on Monday evening, and observers from three organisations said the count \
            in the northern districts had been delayed by several hours without explanation.";
        let page = format!(
            "<html lang=en><head><title>Turnout figures</title></head><body><article>\
             <h1>Turnout figures</h1><p>{paragraph}</p><p>{paragraph}</p></article></body></html>"
        );
        let mut kept = article(1, "a");
        kept.raw = Some(
            crate::store::PackedRawPage::pack(&RawPage {
                headers: vec![("Content-Type".into(), "text/html; charset=utf-8".into())],
                body: page.into_bytes(),
            })
            .expect("packs"),
        );
        let id = served.store.put_article(kept).expect("put").id();
        served.store.put_article(article(2, "a")).expect("put");
        let client = ApiClient::new(&served.base, None).expect("client");

        let other_source = client.reextract(Some("b")).await.expect("reextract b");
        assert_eq!(other_source.examined, 0);

        let summary = client.reextract(Some("a")).await.expect("reextract a");
        assert_eq!(
            (summary.examined, summary.updated, summary.without_raw),
            (2, 1, 1)
        );
        let record = served.store.get_article(id).expect("get").expect("kept");
        assert!(
            record.article.text.contains("final turnout figures"),
            "the stored text now comes from the kept page: {:?}",
            record.article.text
        );
        assert_eq!(record.article.title.as_deref(), Some("Turnout figures"));

        let again = client.reextract(None).await.expect("reextract all");
        assert_eq!(
            (again.unchanged, again.updated, again.without_raw),
            (1, 0, 1),
            "nothing left to change"
        );
    }

    #[tokio::test]
    async fn queue_pop_ack_and_stats_follow_store_semantics() {
        let served = serve(None).await;
        for n in 1..=3 {
            served.store.put_article(article(n, "a")).expect("put");
        }
        let client = ApiClient::new(&served.base, None).expect("client");
        let popped = client.pop(2, Duration::from_secs(60)).await.expect("pop");
        assert_eq!(popped.len(), 2);
        assert_eq!(popped[0].record.article.title.as_deref(), Some("Story 1"));
        let stats = client.stats().await.expect("stats");
        assert_eq!((stats.articles, stats.pending, stats.leased), (3, 1, 2));

        let tokens = vec![popped[0].delivery.token.clone(), "f".repeat(32)];
        let results = client.ack(&tokens).await.expect("ack");
        assert_eq!(results[0].outcome, AckOutcome::Acked);
        assert_eq!(results[1].outcome, AckOutcome::Unknown);
        assert_eq!(results[1].token, "f".repeat(32));
        let stats = client.stats().await.expect("stats");
        assert_eq!((stats.pending, stats.leased, stats.acked), (1, 1, 1));
    }

    #[tokio::test]
    async fn bad_requests_get_a_json_reason() {
        let served = serve(None).await;
        let http = reqwest::Client::new();
        let answer = http
            .get(format!("{}/api/articles?limit=0", served.base))
            .send()
            .await
            .expect("send");
        assert_eq!(answer.status(), 400);
        let body: ErrorBody =
            serde_json::from_slice(&answer.bytes().await.expect("body")).expect("json error");
        assert!(body.error.contains("limit"), "{}", body.error);

        let answer = http
            .get(format!("{}/api/articles?since=minus-one", served.base))
            .send()
            .await
            .expect("send");
        assert_eq!(answer.status(), 400);

        for body in ["{not json", r#"{"lease": "forever"}"#, r#"{"max": 0}"#] {
            let answer = http
                .post(format!("{}/api/queue/pop", served.base))
                .body(body)
                .send()
                .await
                .expect("send");
            assert_eq!(answer.status(), 400, "{body}");
        }
        // An empty body means defaults.
        let answer = http
            .post(format!("{}/api/queue/pop", served.base))
            .send()
            .await
            .expect("send");
        assert_eq!(answer.status(), 200);

        let answer = http
            .get(format!("{}/nowhere", served.base))
            .send()
            .await
            .expect("send");
        assert_eq!(answer.status(), 404);
    }

    #[tokio::test]
    async fn token_guards_everything_but_healthz() {
        let served = serve(Some("s3cret")).await;
        let anonymous = ApiClient::new(&served.base, None).expect("client");
        let health = anonymous.health().await.expect("healthz needs no token");
        assert_eq!(health.status, "ok");
        assert_eq!(health.store, "ok");
        let err = anonymous.sources().await.expect_err("token required");
        assert!(matches!(err, ClientError::Unauthorized { .. }), "{err}");
        let wrong = ApiClient::new(&served.base, Some("guess".into())).expect("client");
        assert!(matches!(
            wrong.stats().await,
            Err(ClientError::Unauthorized { .. })
        ));
        let metrics = reqwest::Client::new()
            .get(format!("{}/metrics", served.base))
            .send()
            .await
            .expect("send");
        assert_eq!(metrics.status(), 401);

        let right = ApiClient::new(&served.base, Some("s3cret".into())).expect("client");
        assert!(right.sources().await.expect("sources").is_empty());
        let metrics = reqwest::Client::new()
            .get(format!("{}/metrics", served.base))
            .bearer_auth("s3cret")
            .send()
            .await
            .expect("send");
        assert_eq!(metrics.status(), 200);
        assert_eq!(
            metrics
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok()),
            Some(exposition::CONTENT_TYPE)
        );
        let text = metrics.text().await.expect("body");
        assert!(text.contains("gleaner_store_up 1\n"), "{text}");
        assert!(
            text.contains("gleaner_fetches_total{class=\"2xx\"} 0\n"),
            "{text}"
        );
    }

    #[tokio::test]
    async fn healthz_fails_when_the_scheduler_stops_turning() {
        // A scheduler that is never run: its heartbeat only ages.
        let (_never_run, handle) =
            Scheduler::new(Arc::new(IdleCrawler), Vec::new(), Notifier::disabled());
        let served = serve_with(None, handle.with_stale_after(Duration::from_millis(50))).await;
        tokio::time::sleep(Duration::from_millis(100)).await;
        let answer = reqwest::get(format!("{}/healthz", served.base))
            .await
            .expect("send");
        assert_eq!(answer.status(), 503);
        let health: Health =
            serde_json::from_slice(&answer.bytes().await.expect("body")).expect("json");
        assert_eq!(health.status, "unhealthy");
        assert_eq!(health.store, "ok");
        assert!(health.scheduler_heartbeat_age_seconds >= 0.05);
    }

    #[test]
    fn token_comparison_is_exact() {
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"abcd"));
    }
}
