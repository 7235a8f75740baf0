//! Where a store lives (`--data`, `store.path`, `store.url`) and opening it as a
//! [`Backend`]: a directory is the embedded sled store, one process at a time; a
//! `postgres://` URL is a database that several gleaner processes share.

use std::convert::Infallible;
use std::path::PathBuf;
use std::str::FromStr;

use super::error::Result;
use super::postgres::{PgSettings, PgStore, is_postgres_url, redact};
use super::{Backend, Embedded, SledKv, SledStore, StoreOptions};
use crate::config::StoreConfig;

/// A store's location, as `--data` and the `[store]` section give it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The embedded store in this directory.
    Directory(PathBuf),
    /// A PostgreSQL database (`postgres://USER@HOST:PORT/DB`).
    Postgres(String),
}

impl FromStr for StoreLocation {
    type Err = Infallible;

    fn from_str(s: &str) -> std::result::Result<Self, Infallible> {
        Ok(if is_postgres_url(s) {
            StoreLocation::Postgres(s.trim().to_string())
        } else {
            StoreLocation::Directory(PathBuf::from(s))
        })
    }
}

impl std::fmt::Display for StoreLocation {
    /// The directory, or the URL with its password hidden.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Directory(dir) => write!(f, "{}", dir.display()),
            StoreLocation::Postgres(url) => f.write_str(&redact(url)),
        }
    }
}

impl StoreLocation {
    /// The configured store: `store.url` when set, else the directory of `store.path`.
    pub fn from_config(config: &StoreConfig) -> StoreLocation {
        match &config.url {
            Some(url) => StoreLocation::Postgres(url.clone()),
            None => StoreLocation::Directory(config.resolved_path()),
        }
    }

    /// `config` with this location in place of its own.
    pub fn apply_to(&self, config: &mut StoreConfig) {
        match self {
            StoreLocation::Directory(dir) => {
                config.path = Some(dir.clone());
                config.url = None;
            }
            StoreLocation::Postgres(url) => config.url = Some(url.clone()),
        }
    }
}

/// An open store of either kind.
#[derive(Clone)]
pub enum OpenStore {
    Embedded(Embedded<SledKv>),
    Postgres(PgStore),
}

impl OpenStore {
    /// Opens the store at `location`, creating it when missing (a directory and its
    /// database; the gleaner schema in a PostgreSQL database).
    pub async fn open(location: &StoreLocation, config: &StoreConfig) -> Result<OpenStore> {
        Self::open_with(location, StoreOptions::from(config), config, true).await
    }

    /// Opens the store at `location` like [`OpenStore::open`], with the options of a whole
    /// configuration: `[store]`, and the revisit ladders of `[watch]` and the sources.
    pub async fn open_for(
        location: &StoreLocation,
        config: &crate::config::Config,
    ) -> Result<OpenStore> {
        Self::open_with(
            location,
            StoreOptions::for_config(config),
            &config.store,
            true,
        )
        .await
    }

    /// Opens an existing store: a directory without a database is
    /// [`StoreError::Missing`](super::StoreError::Missing) (a mistyped `--data` says so). A
    /// PostgreSQL database gets the gleaner schema if it has none (an empty corpus).
    pub async fn open_existing(
        location: &StoreLocation,
        config: &StoreConfig,
    ) -> Result<OpenStore> {
        Self::open_with(location, StoreOptions::from(config), config, false).await
    }

    async fn open_with(
        location: &StoreLocation,
        options: StoreOptions,
        config: &StoreConfig,
        create: bool,
    ) -> Result<OpenStore> {
        match location {
            StoreLocation::Directory(dir) => {
                let dir = dir.clone();
                let store = tokio::task::spawn_blocking(move || {
                    if create {
                        SledStore::open(&dir, options)
                    } else {
                        SledStore::open_existing(&dir, options)
                    }
                })
                .await
                .map_err(|e| super::StoreError::backend("opening the store", e))??;
                Ok(OpenStore::Embedded(Embedded::new(store)))
            }
            StoreLocation::Postgres(url) => {
                let settings = PgSettings {
                    lease: config.lease.get(),
                    ..PgSettings::default()
                };
                Ok(OpenStore::Postgres(
                    PgStore::connect(url, options, settings).await?,
                ))
            }
        }
    }

    /// The store's roles.
    pub fn backend(&self) -> Backend {
        match self {
            OpenStore::Embedded(store) => Backend::embedded(store.clone()),
            OpenStore::Postgres(store) => Backend::postgres(store.clone()),
        }
    }

    /// Makes everything written durable: the embedded store flushes; on PostgreSQL every
    /// commit already is.
    pub async fn flush(&self) -> Result<()> {
        match self {
            OpenStore::Embedded(store) => {
                let store = store.clone();
                tokio::task::spawn_blocking(move || store.flush())
                    .await
                    .map_err(|e| super::StoreError::backend("flushing the store", e))?
            }
            OpenStore::Postgres(_) => Ok(()),
        }
    }

    /// Names the store in messages (a PostgreSQL URL without its password).
    pub fn label(&self) -> String {
        match self {
            OpenStore::Embedded(store) => store.dir().display().to_string(),
            OpenStore::Postgres(store) => store.shown_url().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_is_a_database_and_anything_else_a_directory() {
        let loc: StoreLocation = "postgres://g:pw@db:5432/corpus".parse().unwrap();
        assert_eq!(
            loc,
            StoreLocation::Postgres("postgres://g:pw@db:5432/corpus".into())
        );
        assert_eq!(loc.to_string(), "postgres://g:***@db:5432/corpus");
        let loc: StoreLocation = "./gleaner-data".parse().unwrap();
        assert_eq!(loc, StoreLocation::Directory("./gleaner-data".into()));
        let mut config = StoreConfig::default();
        assert!(matches!(
            StoreLocation::from_config(&config),
            StoreLocation::Directory(_)
        ));
        config.url = Some("postgresql://g@db/corpus".into());
        assert!(matches!(
            StoreLocation::from_config(&config),
            StoreLocation::Postgres(_)
        ));
        StoreLocation::Directory("/x".into()).apply_to(&mut config);
        assert_eq!(config.url, None);
        assert_eq!(config.path, Some(PathBuf::from("/x")));
    }
}
