//! Reaching the server: the `postgres://` URL, TLS, the connection pool, and what to do
//! when a statement fails (retry a conflict at once, wait out a lost connection, give up on
//! the rest).
//!
//! The URL is libpq's (`postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=require`); messages
//! only ever show it with the password replaced by `***` ([`redact`]). `sslmode=prefer`
//! (the default) or `require` negotiates TLS through rustls, trusting the Mozilla roots
//! and, with `sslrootcert=FILE`, the CA certificates in that PEM file; `disable` never does.

use std::time::{Duration, Instant};

use deadpool_postgres::{Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime};
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use tokio_postgres::error::SqlState;

use super::super::error::StoreError;

/// Whether a `--data` value or `store.url` names a PostgreSQL database.
pub fn is_postgres_url(location: &str) -> bool {
    let lower = location.trim_start().to_ascii_lowercase();
    lower.starts_with("postgres://") || lower.starts_with("postgresql://")
}

/// The URL with its password (in the authority or as `password=`) replaced by `***`.
pub fn redact(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        // Not a URL we can take apart: show the scheme only.
        return match url.split_once("://") {
            Some((scheme, _)) => format!("{scheme}://…"),
            None => "(a database URL that does not parse)".to_string(),
        };
    };
    if parsed.password().is_some() {
        let _ = parsed.set_password(Some("***"));
    }
    if parsed.query_pairs().any(|(k, _)| k == "password") {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .map(|(k, v)| {
                let v = if k == "password" {
                    "***".to_string()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    parsed.to_string()
}

/// What the URL asks for beyond what `tokio_postgres::Config` understands.
struct Extra {
    /// PEM file of CA certificates to trust besides the Mozilla roots.
    root_cert: Option<String>,
}

/// Parses the URL: tokio-postgres's configuration and gleaner's extras (taken out of the
/// query first, as tokio-postgres refuses options it does not know).
fn parse(url: &str) -> Result<(tokio_postgres::Config, Extra), StoreError> {
    let shown = redact(url);
    let invalid = |detail: String| StoreError::InvalidInput(format!("{shown}: {detail}"));
    let mut parsed = url::Url::parse(url).map_err(|e| invalid(format!("not a URL ({e})")))?;
    let mut root_cert = None;
    let kept: Vec<(String, String)> = parsed
        .query_pairs()
        .filter_map(|(k, v)| {
            if k == "sslrootcert" {
                root_cert = Some(v.into_owned());
                None
            } else {
                Some((k.into_owned(), v.into_owned()))
            }
        })
        .collect();
    if kept.is_empty() {
        parsed.set_query(None);
    } else {
        parsed.query_pairs_mut().clear().extend_pairs(kept);
    }
    let mut config: tokio_postgres::Config = parsed
        .as_str()
        .parse()
        .map_err(|e: tokio_postgres::Error| invalid(e.to_string()))?;
    if config.get_dbname().is_none() {
        return Err(invalid(
            "no database named (write postgres://USER@HOST:PORT/DATABASE)".into(),
        ));
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name("gleaner");
    // The server's NOTICEs ("schema already exists, skipping") are not for gleaner's log.
    let options = config.get_options().unwrap_or_default().to_string();
    config.options(format!("{options} -c client_min_messages=warning").trim());
    Ok((config, Extra { root_cert }))
}

/// A TLS connector over rustls: the Mozilla roots, plus the certificates of `root_cert`.
fn tls(extra: &Extra, shown: &str) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &extra.root_cert {
        let pem = std::fs::read(path).map_err(|e| {
            StoreError::InvalidInput(format!("{shown}: cannot read sslrootcert {path}: {e}"))
        })?;
        let mut added = 0;
        for cert in CertificateDer::pem_slice_iter(&pem) {
            let cert = cert.map_err(|e| {
                StoreError::InvalidInput(format!("{shown}: sslrootcert {path}: {e}"))
            })?;
            roots.add(cert).map_err(|e| {
                StoreError::InvalidInput(format!("{shown}: sslrootcert {path}: {e}"))
            })?;
            added += 1;
        }
        if added == 0 {
            return Err(StoreError::InvalidInput(format!(
                "{shown}: sslrootcert {path} holds no PEM certificate"
            )));
        }
    }
    let config = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| StoreError::InvalidInput(format!("{shown}: TLS set-up: {e}")))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// A pool of connections to the database at `url` (not connected yet).
pub fn pool(url: &str, max_size: usize) -> Result<Pool, StoreError> {
    let shown = redact(url);
    let (config, extra) = parse(url)?;
    let manager_config = ManagerConfig {
        // A connection found closed is replaced; one that fails mid-statement surfaces as
        // an error and is dropped, and the operation retried (see `Retry`).
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = match config.get_ssl_mode() {
        tokio_postgres::config::SslMode::Disable => {
            Manager::from_config(config, tokio_postgres::NoTls, manager_config)
        }
        _ => Manager::from_config(config, tls(&extra, &shown)?, manager_config),
    };
    Pool::builder(manager)
        .max_size(max_size)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(60)))
        .create_timeout(Some(Duration::from_secs(15)))
        .recycle_timeout(Some(Duration::from_secs(5)))
        .build()
        .map_err(|e| StoreError::InvalidInput(format!("{shown}: {e}")))
}

/// An error of one attempt at a database operation.
#[derive(Debug)]
pub enum PgError {
    Db(tokio_postgres::Error),
    Pool(PoolError),
    /// A rule of the store refused the operation (not retried).
    Store(StoreError),
}

impl From<tokio_postgres::Error> for PgError {
    fn from(e: tokio_postgres::Error) -> Self {
        PgError::Db(e)
    }
}

impl From<PoolError> for PgError {
    fn from(e: PoolError) -> Self {
        PgError::Pool(e)
    }
}

impl From<StoreError> for PgError {
    fn from(e: StoreError) -> Self {
        PgError::Store(e)
    }
}

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PgError::Db(e) => match e.as_db_error() {
                Some(db) => write!(f, "{}: {}", db.code().code(), db.message()),
                None => match std::error::Error::source(e) {
                    Some(cause) => write!(f, "{e}: {cause}"),
                    None => write!(f, "{e}"),
                },
            },
            PgError::Pool(e) => write!(f, "{e}"),
            PgError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for PgError {}

/// How an attempt's error is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Another transaction got in the way (serialization failure, deadlock, a row inserted
    /// concurrently): run the whole transaction again at once.
    Conflict,
    /// The server could not be reached or the connection broke: wait, then run it again.
    Connection,
    /// Anything else: give up.
    Fatal,
}

impl PgError {
    pub fn kind(&self) -> Kind {
        match self {
            PgError::Store(_) => Kind::Fatal,
            PgError::Pool(PoolError::Backend(e)) => db_kind(e),
            PgError::Pool(PoolError::Timeout(_)) => Kind::Connection,
            PgError::Pool(_) => Kind::Fatal,
            PgError::Db(e) => db_kind(e),
        }
    }
}

fn db_kind(e: &tokio_postgres::Error) -> Kind {
    if e.is_closed() {
        return Kind::Connection;
    }
    match e.code() {
        Some(code)
            if *code == SqlState::T_R_SERIALIZATION_FAILURE
                || *code == SqlState::T_R_DEADLOCK_DETECTED
                || *code == SqlState::UNIQUE_VIOLATION =>
        {
            Kind::Conflict
        }
        Some(code)
            if code.code().starts_with("08")
                || *code == SqlState::ADMIN_SHUTDOWN
                || *code == SqlState::CRASH_SHUTDOWN
                || *code == SqlState::CANNOT_CONNECT_NOW
                || *code == SqlState::TOO_MANY_CONNECTIONS =>
        {
            Kind::Connection
        }
        Some(_) => Kind::Fatal,
        // No SQLSTATE: the connection failed (I/O, closed, timed out), or the client
        // itself refused a value (serializing a parameter, reading a column), which no
        // retry mends. tokio-postgres says which only through its message.
        None => {
            let message = e.to_string();
            let connection = [
                "error connecting",
                "error communicating",
                "connection closed",
                "timeout",
            ];
            if connection.iter().any(|p| message.starts_with(p)) {
                Kind::Connection
            } else {
                Kind::Fatal
            }
        }
    }
}

/// How long operations keep trying when the server is unreachable.
#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Give up (and fail the operation) after trying for this long.
    pub give_up_after: Duration,
    /// Attempts for conflicts between transactions.
    pub conflicts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            give_up_after: Duration::from_secs(300),
            conflicts: 20,
        }
    }
}

/// The attempts at one operation: decides, after each failure, whether to try again.
pub struct Retry {
    policy: RetryPolicy,
    during: &'static str,
    started: Instant,
    conflicts: u32,
    connection_failures: u32,
    label: String,
}

impl Retry {
    pub fn new(policy: RetryPolicy, during: &'static str, label: &str) -> Retry {
        Retry {
            policy,
            during,
            started: Instant::now(),
            conflicts: 0,
            connection_failures: 0,
            label: label.to_string(),
        }
    }

    /// After a failed attempt: `Ok(())` when the caller should try again (having waited
    /// as long as needed), else the error to return.
    pub async fn again(&mut self, error: PgError) -> Result<(), StoreError> {
        match error.kind() {
            Kind::Conflict if self.conflicts < self.policy.conflicts => {
                self.conflicts += 1;
                tracing::debug!(during = self.during, attempt = self.conflicts, error = %error, "transaction conflict; running it again");
                // A short random pause so that two transactions in a deadlock do not meet
                // again in the same order.
                let pause = rand::random::<u64>() % (2 * u64::from(self.conflicts).min(25) + 1);
                tokio::time::sleep(Duration::from_millis(pause)).await;
                Ok(())
            }
            Kind::Connection if self.started.elapsed() < self.policy.give_up_after => {
                self.connection_failures += 1;
                let wait = backoff(self.connection_failures);
                tracing::warn!(
                    database = %self.label,
                    during = self.during,
                    error = %error,
                    retry_in = ?wait,
                    "database unreachable; retrying (nothing is lost: the operation runs again as a whole)"
                );
                tokio::time::sleep(wait).await;
                Ok(())
            }
            Kind::Connection => Err(StoreError::Unreachable {
                url: self.label.clone(),
                detail: format!(
                    "{} (while {}; gave up after {:?})",
                    error,
                    self.during,
                    self.started.elapsed()
                ),
            }),
            _ => Err(match error {
                PgError::Store(e) => e,
                other => StoreError::backend(self.during, other),
            }),
        }
    }

    /// Whether the operation had to wait for the server: its first attempt may have
    /// committed without the answer arriving.
    pub fn reconnected(&self) -> bool {
        self.connection_failures > 0
    }
}

/// 100 ms doubling to 5 s.
fn backoff(failures: u32) -> Duration {
    let ms = 100u64.saturating_mul(1 << failures.saturating_sub(1).min(6));
    Duration::from_millis(ms.min(5000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://gleaner:s3cret@db.example:5433/corpus?sslmode=require"),
            "postgres://gleaner:***@db.example:5433/corpus?sslmode=require"
        );
        assert_eq!(
            redact("postgresql://u@h/db?password=s3cret&sslmode=disable"),
            "postgresql://u@h/db?password=***&sslmode=disable"
        );
        assert_eq!(redact("postgres://u@h:5432/db"), "postgres://u@h:5432/db");
        assert_eq!(redact("postgres://u:pw@[bad/x"), "postgres://…");
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("PostgreSQL://u@h/db"));
        assert!(!is_postgres_url("./gleaner-data"));
    }

    #[test]
    fn a_url_without_a_database_is_refused_and_gleaners_options_are_taken_out() {
        let err = parse("postgres://u:pw@h:5432").map(|_| ()).unwrap_err();
        assert!(err.to_string().contains("no database"), "{err}");
        assert!(!err.to_string().contains("pw"), "{err}");
        let (config, extra) =
            parse("postgres://u@h:5432/db?sslmode=require&sslrootcert=/etc/ca.pem")
                .expect("parses");
        assert_eq!(config.get_dbname(), Some("db"));
        assert_eq!(extra.root_cert.as_deref(), Some("/etc/ca.pem"));
        assert!(parse("postgres://u@h/db?nonsense=1").is_err());
    }

    #[test]
    fn backoff_grows_to_a_cap() {
        assert_eq!(backoff(1), Duration::from_millis(100));
        assert_eq!(backoff(2), Duration::from_millis(200));
        assert_eq!(backoff(30), Duration::from_secs(5));
    }
}
