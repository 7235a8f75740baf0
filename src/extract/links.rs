//! What a crawler reads from a page besides its article: links, advertised feeds and
//! sitemaps, the canonical URL and `<meta name="robots">` directives, taken from the same
//! parse the extractor reads the article from.

use url::Url;

use super::dom::{Dom, NodeKind};

/// Links taken from one page at most: a page with more is a link farm, not an article.
pub const MAX_LINKS_PER_PAGE: usize = 5_000;
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

/// What an HTML page offers for discovery.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct PageLinks {
    /// The base URL links resolve against (`<base href>` when present).
    pub base: Option<Url>,
    /// `<a href>` and `<area href>` targets, minus `rel="nofollow"` ones.
    pub links: Vec<String>,
    /// Feeds advertised with `<link rel="alternate" type="application/rss+xml|atom+xml">`.
    pub feeds: Vec<String>,
    /// Sitemaps advertised with `<link rel="sitemap">`.
    pub sitemaps: Vec<String>,
    /// `<link rel="canonical">`, as written.
    pub canonical: Option<String>,
    /// `<meta name="robots">` (and `<meta name="PRODUCT">`) directives.
    pub robots: RobotsDirectives,
}

/// Reads links, feeds, sitemaps, the canonical URL and robots directives from a parsed page
/// at `url`; `<meta>` directives apply when named `robots` or `product` (the crawler's
/// robots.txt product token).
///
/// The elements are those the CSS selectors `meta[name][content]`, `base[href]`,
/// `link[rel][href]` and `a[href], area[href]` match, in document order.
pub fn page_links(dom: &Dom, url: &Url, product: &str) -> PageLinks {
    let mut out = PageLinks::default();
    let elements = || {
        dom.nodes.iter().filter_map(|node| match &node.kind {
            NodeKind::Element(el) => Some(el),
            _ => None,
        })
    };
    for meta in elements().filter(|el| el.is("meta")) {
        let (Some(name), Some(content)) = (meta.attr("name"), meta.attr("content")) else {
            continue;
        };
        let name = name.trim();
        if name.eq_ignore_ascii_case("robots") || name.eq_ignore_ascii_case(product) {
            let directives = RobotsDirectives::parse(content);
            out.robots = out.robots.merge(directives);
        }
    }
    out.base = elements()
        .filter(|el| el.is("base"))
        .find_map(|b| b.attr("href"))
        .and_then(|href| url.join(href.trim()).ok());
    for el in elements().filter(|el| el.is("link")) {
        let (Some(rel), Some(href)) = (el.attr("rel"), el.attr("href")) else {
            continue;
        };
        let rel = rel.to_ascii_lowercase();
        let rels = || rel.split_ascii_whitespace();
        if rels().any(|r| r == "canonical") && out.canonical.is_none() {
            out.canonical = Some(href.trim().to_string());
        }
        if rels().any(|r| r == "sitemap") {
            out.sitemaps.push(href.trim().to_string());
        }
        let kind = el.attr("type").unwrap_or("").trim().to_ascii_lowercase();
        if rel.split_ascii_whitespace().any(|r| r == "alternate")
            && matches!(
                kind.as_str(),
                "application/rss+xml" | "application/atom+xml" | "application/feed+json"
            )
        {
            out.feeds.push(href.trim().to_string());
        }
    }
    if out.robots.nofollow {
        return out;
    }
    for el in elements().filter(|el| el.is("a") || el.is("area")) {
        if out.links.len() >= MAX_LINKS_PER_PAGE {
            break;
        }
        let nofollow = el.attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|r| r.eq_ignore_ascii_case("nofollow"))
        });
        if let Some(href) = el.attr("href").map(str::trim)
            && !nofollow
            && !href.is_empty()
            && !href.starts_with('#')
        {
            out.links.push(href.to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links_of(html: &str, url: &Url) -> PageLinks {
        Dom::parse_with(html, |dom| page_links(dom, url, "gleaner"))
    }

    #[test]
    fn page_links_and_feeds() {
        let html = r##"<html><head><link rel="alternate" type="application/rss+xml" href="/rss">
            <link rel="stylesheet" href="/s.css"></head><body>
            <a href="/a">a</a><a href="b?x=1">b</a><a href="#top">t</a>
            <a rel="nofollow ugc" href="/spam">s</a><area href="/c"></body></html>"##;
        let url = Url::parse("https://e.com/news/").expect("url");
        let links = links_of(html, &url);
        assert_eq!(links.links, ["/a", "b?x=1", "/c"]);
        assert_eq!(links.feeds, ["/rss"]);
        assert_eq!(links.robots, RobotsDirectives::default());
    }

    #[test]
    fn meta_robots_nofollow_hides_links() {
        let links = links_of(
            r#"<meta name="ROBOTS" content="noindex, nofollow"><a href="/a">a</a>"#,
            &Url::parse("https://e.com/").expect("url"),
        );
        assert!(links.robots.noindex && links.robots.nofollow);
        assert!(links.links.is_empty());
    }

    #[test]
    fn canonical_sitemaps_and_our_own_meta_name() {
        let links = Dom::parse_with(
            r#"<link rel="Canonical" href="/story"><link rel="sitemap" href="/sitemap.xml">
               <meta name="gleaner" content="nofollow"><a href="/a">a</a>"#,
            |dom| page_links(dom, &Url::parse("https://e.com/").expect("url"), "gleaner"),
        );
        assert_eq!(links.canonical.as_deref(), Some("/story"));
        assert_eq!(links.sitemaps, ["/sitemap.xml"]);
        assert!(links.robots.nofollow && !links.robots.noindex);
        assert!(links.links.is_empty());
    }
}
