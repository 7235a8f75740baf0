//! URL normalisation: one spelling per page, so each page is fetched once per crawl.
//!
//! The `url` crate already does the WHATWG work: scheme and host lowercased, IDN hosts to
//! punycode, default ports dropped, `.`/`..` segments resolved. On top of that we drop the
//! fragment (never sent to the server), tracking parameters (the same article shared on
//! three networks must not be three pages) and an empty `?`.

use url::Url;

/// Query parameters that only say where a click came from. Names compare case-insensitively;
/// entries ending in `*` are prefixes.
const TRACKING_PARAMETERS: &[&str] = &[
    "utm_*",
    "fbclid",
    "gclid",
    "gclsrc",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "ysclid",
    "_openstat",
    "mc_cid",
    "mc_eid",
    "igshid",
    "_hsenc",
    "_hsmi",
    "mkt_tok",
    "oly_anon_id",
    "oly_enc_id",
    "vero_id",
    "twclid",
    "ttclid",
    "li_fat_id",
    "s_cid",
    "__twitter_impression",
];

/// Why a URL cannot be crawled at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NormalizeError {
    #[error("not a URL: {0}")]
    Parse(String),
    #[error("unsupported scheme {0:?}")]
    Scheme(String),
    #[error("URL has no host")]
    NoHost,
    #[error("URL carries credentials")]
    Credentials,
}

fn is_tracking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    TRACKING_PARAMETERS
        .iter()
        .any(|t| match t.strip_suffix('*') {
            Some(prefix) => name.starts_with(prefix),
            None => name == *t,
        })
}

/// Parses `href` relative to `base` and normalises it.
pub fn resolve(base: &Url, href: &str) -> Result<Url, NormalizeError> {
    let url = base
        .join(href.trim())
        .map_err(|e| NormalizeError::Parse(format!("{href:?}: {e}")))?;
    normalize(url)
}

/// Parses an absolute URL and normalises it.
pub fn parse(text: &str) -> Result<Url, NormalizeError> {
    let url =
        Url::parse(text.trim()).map_err(|e| NormalizeError::Parse(format!("{text:?}: {e}")))?;
    normalize(url)
}

/// Normalises an already parsed URL.
pub fn normalize(mut url: Url) -> Result<Url, NormalizeError> {
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(NormalizeError::Scheme(other.to_string())),
    }
    let host = url.host_str().ok_or(NormalizeError::NoHost)?;
    if host.is_empty() {
        return Err(NormalizeError::NoHost);
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(NormalizeError::Credentials);
    }
    // "example.com." and "example.com" are one host.
    if let Some(stripped) = host.strip_suffix('.').filter(|h| !h.is_empty()) {
        let stripped = stripped.to_string();
        url.set_host(Some(&stripped))
            .map_err(|e| NormalizeError::Parse(e.to_string()))?;
    }
    url.set_fragment(None);
    if let Some(query) = url.query() {
        if query.is_empty() {
            url.set_query(None);
        } else {
            // Rebuild from the raw pairs so the remaining parameters keep their spelling.
            let kept: Vec<&str> = query
                .split('&')
                .filter(|pair| !pair.is_empty())
                .filter(|pair| {
                    let name = pair.split('=').next().unwrap_or(pair);
                    let decoded = percent_decode(name);
                    !is_tracking(&decoded)
                })
                .collect();
            if kept.is_empty() {
                url.set_query(None);
            } else {
                let joined = kept.join("&");
                url.set_query(Some(&joined));
            }
        }
    }
    Ok(url)
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(s.as_bytes())
        .next()
        .map(|(k, _)| k.into_owned())
        .unwrap_or_else(|| s.to_string())
}

/// The host (and port, when not the default) that politeness is kept per.
pub fn host_key(url: &Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_string(),
        (None, _) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> String {
        parse(s).expect("normalises").to_string()
    }

    #[test]
    fn case_port_dots_fragment() {
        assert_eq!(
            n("HTTP://Example.COM:80/a/./b/../c?x=1#top"),
            "http://example.com/a/c?x=1"
        );
        assert_eq!(n("https://example.com:443/"), "https://example.com/");
        assert_eq!(n("https://example.com:8443/"), "https://example.com:8443/");
        assert_eq!(n("https://example.com./x"), "https://example.com/x");
    }

    #[test]
    fn tracking_parameters_are_removed() {
        assert_eq!(
            n(
                "https://e.com/a?utm_source=tw&id=5&UTM_Medium=x&fbclid=abc&gclid=1&yclid=2&_openstat=3"
            ),
            "https://e.com/a?id=5"
        );
        assert_eq!(n("https://e.com/a?utm_campaign=x"), "https://e.com/a");
        assert_eq!(n("https://e.com/a?"), "https://e.com/a");
        assert_eq!(n("https://e.com/a?b=1&&c=2"), "https://e.com/a?b=1&c=2");
    }

    #[test]
    fn idn_hosts_become_punycode() {
        assert_eq!(
            n("http://пример.рф/новости"),
            "http://xn--e1afmkfd.xn--p1ai/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8"
        );
    }

    #[test]
    fn refuses_other_schemes_and_credentials() {
        assert!(matches!(
            parse("mailto:a@b.c"),
            Err(NormalizeError::Scheme(_))
        ));
        assert!(matches!(
            parse("javascript:void(0)"),
            Err(NormalizeError::Scheme(_))
        ));
        assert!(matches!(
            parse("http://u:p@e.com/"),
            Err(NormalizeError::Credentials)
        ));
        assert!(parse("not a url").is_err());
    }

    #[test]
    fn relative_links_resolve() {
        let base = Url::parse("https://e.com/news/a/").expect("base");
        assert_eq!(
            resolve(&base, "../b?utm_source=x#c").expect("ok").as_str(),
            "https://e.com/news/b"
        );
    }
}
