//! Finding URLs in listings: entries of RSS/Atom feeds and `<loc>`s of sitemaps (urlset,
//! sitemapindex, news sitemaps, gzipped or not). Links of HTML pages come from the
//! extractor's parse of the page (`extract::links`).
//!
//! Everything returned is raw (as written, possibly relative); the crawler normalises and
//! scope-checks it. Each function bounds how much it returns.

use std::io::Read;

use quick_xml::events::Event as XmlEvent;

/// URLs taken from one sitemap or feed at most (the sitemap protocol's own limit).
pub const MAX_URLS_PER_SITEMAP: usize = 50_000;

/// Entry links of an RSS, Atom or JSON feed.
pub fn feed_links(body: &[u8]) -> Result<Vec<String>, String> {
    let feed = feed_rs::parser::parse(body).map_err(|e| format!("not a readable feed: {e}"))?;
    Ok(feed
        .entries
        .iter()
        .filter_map(|entry| {
            let alternate = entry
                .links
                .iter()
                .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
                .or_else(|| entry.links.first())
                .map(|l| l.href.clone());
            alternate.or_else(|| {
                // RSS items without <link> sometimes carry the URL as a permalink guid.
                (entry.id.starts_with("http://") || entry.id.starts_with("https://"))
                    .then(|| entry.id.clone())
            })
        })
        .take(MAX_URLS_PER_SITEMAP)
        .collect())
}

/// The URLs a sitemap lists.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SitemapUrls {
    /// `<url><loc>`: pages (news sitemaps included).
    pub pages: Vec<String>,
    /// `<sitemap><loc>`: further sitemaps (a sitemap index).
    pub sitemaps: Vec<String>,
}

/// Reads a sitemap; a gzipped body is inflated up to `max_bytes` (a bomb stops there).
pub fn sitemap_urls(body: &[u8], max_bytes: u64) -> Result<SitemapUrls, String> {
    let inflated;
    let xml: &[u8] = if body.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(body)
            .take(max_bytes.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| format!("cannot inflate gzipped sitemap: {e}"))?;
        if out.len() as u64 > max_bytes {
            return Err(format!("gzipped sitemap inflates beyond {max_bytes} bytes"));
        }
        inflated = out;
        &inflated
    } else {
        body
    };
    parse_sitemap_xml(xml)
}

fn parse_sitemap_xml(xml: &[u8]) -> Result<SitemapUrls, String> {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    // Local names of open elements; only the last two matter (`url`/`sitemap` > `loc`).
    let mut stack: Vec<Vec<u8>> = Vec::new();
    let mut text = String::new();
    let mut out = SitemapUrls::default();
    let mut saw_root = false;
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            format!(
                "malformed sitemap XML at byte {}: {e}",
                reader.buffer_position()
            )
        })?;
        match event {
            XmlEvent::Start(e) => {
                let name = e.local_name().as_ref().to_ascii_lowercase();
                if stack.is_empty() {
                    if name != b"urlset" && name != b"sitemapindex" {
                        return Err(format!(
                            "not a sitemap: root element <{}>",
                            String::from_utf8_lossy(&name)
                        ));
                    }
                    saw_root = true;
                }
                if stack.len() >= 64 {
                    return Err("not a sitemap: elements nested more than 64 deep".into());
                }
                stack.push(name);
                text.clear();
            }
            XmlEvent::Text(t) => {
                if let Ok(s) = t.decode() {
                    text.push_str(&s);
                }
            }
            XmlEvent::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
            XmlEvent::GeneralRef(r) => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    text.push(c);
                } else if let Ok(name) = r.decode()
                    && let Some(s) = quick_xml::escape::resolve_predefined_entity(&name)
                {
                    text.push_str(s);
                }
            }
            XmlEvent::End(_) => {
                let closing = stack.pop();
                if closing.as_deref() == Some(b"loc".as_slice()) {
                    let loc = text.trim().to_string();
                    let target = match stack.last().map(Vec::as_slice) {
                        Some(b"url") => Some(&mut out.pages),
                        Some(b"sitemap") => Some(&mut out.sitemaps),
                        _ => None,
                    };
                    if let Some(list) = target
                        && !loc.is_empty()
                        && list.len() < MAX_URLS_PER_SITEMAP
                    {
                        list.push(loc);
                    }
                }
                text.clear();
            }
            XmlEvent::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !saw_root {
        return Err("not a sitemap: no <urlset> or <sitemapindex>".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn feeds_give_entry_links() {
        let rss = br#"<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
            <item><title>a</title><link>https://e.com/a</link></item>
            <item><title>b</title><guid>https://e.com/b</guid></item></channel></rss>"#;
        assert_eq!(
            feed_links(rss).expect("feed"),
            ["https://e.com/a", "https://e.com/b"]
        );
        let atom = br#"<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2024-01-01T00:00:00Z</updated>
            <entry><title>a</title><id>urn:a</id><updated>2024-01-01T00:00:00Z</updated><link rel="alternate" href="https://e.com/atom-a"/></entry></feed>"#;
        assert_eq!(feed_links(atom).expect("feed"), ["https://e.com/atom-a"]);
        assert!(feed_links(b"<html>no</html>").is_err());
    }

    #[test]
    fn sitemaps_urlset_index_news_gzip() {
        let urlset = br#"<?xml version="1.0" encoding="UTF-8"?>
            <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
            <url><loc> https://e.com/a?x=1&amp;y=2 </loc><lastmod>2024-01-01</lastmod></url>
            <url><loc><![CDATA[https://e.com/b]]></loc><news:news><news:title>T</news:title></news:news></url>
            </urlset>"#;
        let s = sitemap_urls(urlset, 1 << 20).expect("sitemap");
        assert_eq!(s.pages, ["https://e.com/a?x=1&y=2", "https://e.com/b"]);
        let index = br#"<sitemapindex><sitemap><loc>https://e.com/s1.xml.gz</loc></sitemap></sitemapindex>"#;
        let s = sitemap_urls(index, 1 << 20).expect("index");
        assert_eq!(s.sitemaps, ["https://e.com/s1.xml.gz"]);

        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(urlset).expect("gzip");
        let gz = gz.finish().expect("gzip");
        assert_eq!(sitemap_urls(&gz, 1 << 20).expect("gz").pages.len(), 2);
        assert!(sitemap_urls(&gz, 100).is_err(), "inflation is capped");
        assert!(sitemap_urls(b"<html></html>", 1 << 20).is_err());
    }
}
