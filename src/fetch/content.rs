//! What a response is (HTML, feed, sitemap, something else) and what its robots directives
//! (`X-Robots-Tag`, `<meta name="robots">`) allow.

use reqwest::header::HeaderMap;

/// What a response body is, from its Content-Type, sniffed when that is missing or vague.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentKind {
    Html,
    Feed,
    Sitemap,
    /// Anything else, with the media type for the skip reason.
    Other(String),
}

/// How far into a body sniffing looks.
const SNIFF_BYTES: usize = 1024;

/// Classifies a body. `media_type` is the Content-Type without parameters.
pub fn classify(media_type: Option<&str>, body: &[u8]) -> ContentKind {
    match media_type {
        Some("text/html" | "application/xhtml+xml") => ContentKind::Html,
        Some("application/rss+xml" | "application/atom+xml" | "application/feed+json") => {
            ContentKind::Feed
        }
        Some(
            "application/xml"
            | "text/xml"
            | "application/gzip"
            | "application/x-gzip"
            | "application/octet-stream"
            | "text/plain",
        )
        | None => sniff(body)
            .unwrap_or_else(|| ContentKind::Other(media_type.unwrap_or("unknown").to_string())),
        Some(other) => ContentKind::Other(other.to_string()),
    }
}

/// Recognises HTML, feeds and sitemaps by their first bytes.
fn sniff(body: &[u8]) -> Option<ContentKind> {
    if body.starts_with(&[0x1f, 0x8b]) {
        // Gzip outside Content-Encoding: sitemaps are the one such thing we read.
        return Some(ContentKind::Sitemap);
    }
    let head = &body[..body.len().min(SNIFF_BYTES)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html")
        || [
            "<html", "<head", "<body", "<title", "<meta", "<p>", "<div", "<script", "<!--",
        ]
        .iter()
        .any(|tag| head.starts_with(tag))
    {
        return Some(ContentKind::Html);
    }
    if head.starts_with("<?xml") || head.starts_with('<') {
        if head.contains("<urlset") || head.contains("<sitemapindex") {
            return Some(ContentKind::Sitemap);
        }
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") {
            return Some(ContentKind::Feed);
        }
        if head.contains("<html") {
            return Some(ContentKind::Html);
        }
    }
    None
}

/// `noindex` / `nofollow` as the page or its headers declare them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RobotsDirectives {
    pub noindex: bool,
    pub nofollow: bool,
}

impl RobotsDirectives {
    pub fn merge(self, other: RobotsDirectives) -> Self {
        RobotsDirectives {
            noindex: self.noindex || other.noindex,
            nofollow: self.nofollow || other.nofollow,
        }
    }

    /// Reads a directive list such as `noindex, nofollow` or `none`.
    pub fn parse(list: &str) -> Self {
        let mut d = RobotsDirectives::default();
        for token in list.split(',').map(|t| t.trim().to_ascii_lowercase()) {
            match token.as_str() {
                "noindex" => d.noindex = true,
                "nofollow" => d.nofollow = true,
                "none" => {
                    d.noindex = true;
                    d.nofollow = true;
                }
                _ => {}
            }
        }
        d
    }
}

/// `X-Robots-Tag` headers that apply to us: unqualified ones and those for `gleaner`.
pub fn x_robots_tag(headers: &HeaderMap) -> RobotsDirectives {
    headers
        .get_all("x-robots-tag")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|value| {
            // "googlebot: noindex" names a bot; "noindex, nofollow" does not.
            match value.split_once(':') {
                Some((agent, rest))
                    if !agent.contains(',')
                        && !agent.trim().eq_ignore_ascii_case("unavailable_after") =>
                {
                    if agent
                        .trim()
                        .eq_ignore_ascii_case(super::robots::PRODUCT_TOKEN)
                    {
                        RobotsDirectives::parse(rest)
                    } else {
                        RobotsDirectives::default()
                    }
                }
                _ => RobotsDirectives::parse(value),
            }
        })
        .fold(RobotsDirectives::default(), RobotsDirectives::merge)
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn classifies_by_type_then_sniffs() {
        assert_eq!(classify(Some("text/html"), b""), ContentKind::Html);
        assert_eq!(
            classify(None, b"  <!DOCTYPE html><html>"),
            ContentKind::Html
        );
        assert_eq!(
            classify(Some("application/xml"), b"<?xml version=\"1.0\"?><urlset>"),
            ContentKind::Sitemap
        );
        assert_eq!(
            classify(None, b"<?xml version=\"1.0\"?><rss>"),
            ContentKind::Feed
        );
        assert_eq!(
            classify(Some("application/pdf"), b"%PDF-1.4"),
            ContentKind::Other("application/pdf".into())
        );
        assert_eq!(
            classify(None, b"\x89PNG\r\n"),
            ContentKind::Other("unknown".into())
        );
    }

    #[test]
    fn x_robots_tag_for_us_or_everyone() {
        let mut h = HeaderMap::new();
        h.append(
            "x-robots-tag",
            HeaderValue::from_static("googlebot: noindex"),
        );
        assert_eq!(x_robots_tag(&h), RobotsDirectives::default());
        h.append(
            "x-robots-tag",
            HeaderValue::from_static("gleaner: nofollow"),
        );
        assert!(x_robots_tag(&h).nofollow && !x_robots_tag(&h).noindex);
        h.append(
            "x-robots-tag",
            HeaderValue::from_static("noindex, noarchive"),
        );
        assert!(x_robots_tag(&h).noindex);
        assert_eq!(
            RobotsDirectives::parse("none"),
            RobotsDirectives {
                noindex: true,
                nofollow: true
            }
        );
    }
}
