//! Page metadata: title, authors, dates, site, description, canonical URL, categories, image
//! and declared language.
//!
//! Sources, from most to least deliberate: OpenGraph and other `<meta>` fields, schema.org
//! JSON-LD, microdata (`itemprop`), `<link rel>`, then the document itself (`<title>`, `<h1>`,
//! `<time>`, author links) and the URL. Each field takes the first source that gives a
//! plausible value, so one broken source (an `og:title` that is the site name, a date in the
//! future, an author that is a Facebook URL) falls through to the next instead of winning.
//!
//! One pass over the document collects every element of interest; the rest is work on small
//! collections, so the cost is linear in the document and independent of how many fields are
//! asked for.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use scraper::{ElementRef, Html};
use serde_json::{Map, Value};
use url::Url;

use super::author::{clean_author, normalise_space, parse_byline, push_unique};
use super::dates::{FoundDate, date_from_url_path, parse_machine_date};
use super::jsonld;
use super::lang::normalise_tag;
use super::markers::select_language;
use super::title::{TitleSource, choose_title};

/// Longest description kept, in characters; meta descriptions are meant to be short.
const MAX_DESCRIPTION_CHARS: usize = 1_000;

/// Most categories/tags kept.
const MAX_CATEGORIES: usize = 30;

/// `h1` elements considered as headline candidates.
const MAX_H1: usize = 8;

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Headline, without site-name affixes and language markers.
    pub title: Option<String>,
    pub authors: Vec<String>,
    /// RFC 3339 when the time and offset are known, else `YYYY-MM-DD`.
    pub published: Option<String>,
    pub modified: Option<String>,
    pub site_name: Option<String>,
    pub description: Option<String>,
    /// Absolute.
    pub canonical_url: Option<String>,
    pub categories: Vec<String>,
    /// Absolute URL of the lead image.
    pub image: Option<String>,
    /// The language the markup declares (`<html lang>`, `Content-Language` meta, `og:locale`,
    /// JSON-LD `inLanguage`), as an ISO 639-1 code. The text may disagree; see
    /// [`super::lang::detect_language`].
    pub declared_lang: Option<String>,
}

/// Reads the metadata of a parsed page.
///
/// `page_url` is the address the page was fetched from: it resolves relative canonical and
/// image URLs and contributes dates in its path and its host as a site name. `reference` is
/// the time of fetching: dates after it are rejected as implausible.
pub fn extract_metadata(
    doc: &Html,
    page_url: Option<&Url>,
    reference: Option<DateTime<Utc>>,
) -> Metadata {
    let page = PageFacts::collect(doc);
    let base = page.base_url(page_url);
    let article = page.jsonld_article();

    let site_name = page.site_name(article);
    let canonical_url = page
        .link("canonical")
        .or_else(|| page.meta_first(&["og:url"]))
        .and_then(|href| absolute(base.as_ref(), &href));
    let host_url = page_url.cloned().or_else(|| {
        canonical_url
            .as_deref()
            .and_then(|url| Url::parse(url).ok())
    });

    let mut site_names: Vec<String> = site_name.iter().cloned().collect();
    site_names.extend(page.meta_all(&["application-name", "og:site_name", "twitter:site"]));
    site_names.extend(page.jsonld_site_names());
    if let Some(label) = host_url.as_ref().and_then(host_label) {
        site_names.push(label);
    }

    let title = page.title(article, &site_names);
    let authors = page.authors(article);
    let (published, modified) = page.dates(article, host_url.as_ref(), reference);

    Metadata {
        title,
        authors,
        published: published.map(|date| date.format()),
        modified: modified.map(|date| date.format()),
        site_name,
        description: page.description(article),
        canonical_url,
        categories: page.categories(article),
        image: page.image(article, base.as_ref()),
        declared_lang: page.declared_lang(article),
    }
}

/// Everything of interest in the document, collected in one traversal.
#[derive(Default)]
struct PageFacts<'a> {
    /// `<meta>` contents by lower-cased `property`, `name`, `itemprop` and `http-equiv`.
    meta: HashMap<String, Vec<String>>,
    /// `<link>` hrefs by lower-cased `rel` token.
    links: HashMap<String, Vec<String>>,
    jsonld: Vec<Map<String, Value>>,
    title_tag: Option<String>,
    h1: Vec<String>,
    html_lang: Option<String>,
    base_href: Option<String>,
    /// Elements that name an author: `rel=author`, `itemprop=author`, author/byline classes.
    author_elements: Vec<ElementRef<'a>>,
    /// `<time>` and `itemprop=datePublished|dateModified` elements with their machine value,
    /// whether they sit inside an `<article>`, and which itemprop they carry.
    times: Vec<TimeElement>,
}

struct TimeElement {
    value: String,
    in_article: bool,
    itemprop: Option<String>,
    pubdate: bool,
}

impl<'a> PageFacts<'a> {
    fn collect(doc: &'a Html) -> PageFacts<'a> {
        let mut facts = PageFacts::default();
        let root = doc.root_element();
        if let Some(lang) = root
            .value()
            .attr("lang")
            .or_else(|| root.value().attr("xml:lang"))
        {
            facts.html_lang = Some(lang.to_owned());
        }
        for node in root.descendants() {
            let Some(element) = ElementRef::wrap(node) else {
                continue;
            };
            let value = element.value();
            let name = value.name();
            let in_html_namespace = &*value.name.ns == "http://www.w3.org/1999/xhtml";
            match name {
                "meta" => facts.add_meta(element),
                "link" => {
                    if let (Some(rel), Some(href)) = (value.attr("rel"), value.attr("href")) {
                        for token in rel.split_ascii_whitespace() {
                            facts
                                .links
                                .entry(token.to_ascii_lowercase())
                                .or_default()
                                .push(href.trim().to_owned());
                        }
                    }
                }
                "script" => {
                    let is_jsonld = value
                        .attr("type")
                        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/ld+json"));
                    if is_jsonld {
                        let text: String = element.text().collect();
                        facts.jsonld.extend(jsonld::parse_objects(&text));
                    }
                }
                "title" if in_html_namespace && facts.title_tag.is_none() => {
                    let text = normalise_space(&element.text().collect::<String>());
                    if !text.is_empty() {
                        facts.title_tag = Some(text);
                    }
                }
                "h1" if facts.h1.len() < MAX_H1 => {
                    let text = normalise_space(&element.text().collect::<String>());
                    if !text.is_empty() {
                        facts.h1.push(text);
                    }
                }
                "base" if facts.base_href.is_none() => {
                    facts.base_href = value.attr("href").map(str::to_owned);
                }
                _ => {}
            }
            facts.add_time(element);
            if is_author_element(element) {
                facts.author_elements.push(element);
            }
        }
        facts
    }

    fn add_meta(&mut self, element: ElementRef<'_>) {
        let value = element.value();
        let Some(content) = value.attr("content").or_else(|| value.attr("value")) else {
            return;
        };
        let content = normalise_space(content);
        if content.is_empty() {
            return;
        }
        for key in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(keys) = value.attr(key) {
                // `property="og:title dc:title"` names several properties at once.
                for key in keys.split_ascii_whitespace() {
                    self.meta
                        .entry(key.to_ascii_lowercase())
                        .or_default()
                        .push(content.clone());
                }
            }
        }
    }

    fn add_time(&mut self, element: ElementRef<'_>) {
        let value = element.value();
        let itemprop = value
            .attr("itemprop")
            .map(str::to_ascii_lowercase)
            .filter(|p| p == "datepublished" || p == "datemodified" || p == "datecreated");
        let machine = if value.name() == "time" {
            value.attr("datetime").map(str::to_owned)
        } else if itemprop.is_some() && value.name() != "meta" {
            value
                .attr("datetime")
                .or_else(|| value.attr("content"))
                .map(str::to_owned)
                .or_else(|| Some(element.text().collect::<String>()))
        } else {
            None
        };
        let Some(machine) = machine else {
            return;
        };
        let in_article = element.ancestors().any(|ancestor| {
            ElementRef::wrap(ancestor).is_some_and(|a| {
                a.value().name() == "article"
                    || a.value()
                        .attr("itemprop")
                        .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"))
            })
        });
        self.times.push(TimeElement {
            value: machine,
            in_article,
            itemprop,
            pubdate: value.attr("pubdate").is_some(),
        });
    }

    fn meta_first(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .find_map(|key| self.meta.get(*key).and_then(|values| values.first()))
            .cloned()
    }

    fn meta_all(&self, keys: &[&str]) -> Vec<String> {
        keys.iter()
            .flat_map(|key| self.meta.get(*key).into_iter().flatten())
            .cloned()
            .collect()
    }

    fn link(&self, rel: &str) -> Option<String> {
        self.links
            .get(rel)
            .and_then(|hrefs| hrefs.iter().find(|href| !href.is_empty()))
            .cloned()
    }

    /// `<base href>` resolved against the page URL, else the page URL.
    fn base_url(&self, page_url: Option<&Url>) -> Option<Url> {
        match (&self.base_href, page_url) {
            (Some(href), Some(page)) => page.join(href).ok().or_else(|| Some(page.clone())),
            (Some(href), None) => Url::parse(href).ok(),
            (None, page) => page.cloned(),
        }
    }

    /// The JSON-LD object that describes the article: the first of an article type, else a
    /// `WebPage` with a headline.
    fn jsonld_article(&self) -> Option<&Map<String, Value>> {
        self.jsonld
            .iter()
            .find(|object| {
                jsonld::types(object)
                    .into_iter()
                    .any(jsonld::is_article_type)
            })
            .or_else(|| {
                self.jsonld.iter().find(|object| {
                    jsonld::types(object).contains(&"WebPage") && object.contains_key("headline")
                })
            })
    }

    fn jsonld_site_names(&self) -> Vec<String> {
        self.jsonld
            .iter()
            .filter(|object| {
                jsonld::types(object).iter().any(|kind| {
                    matches!(*kind, "WebSite" | "Organization" | "NewsMediaOrganization")
                })
            })
            .filter_map(|object| object.get("name").and_then(jsonld::text_of))
            .map(|name| normalise_space(&name))
            .filter(|name| !name.is_empty())
            .collect()
    }

    fn site_name(&self, article: Option<&Map<String, Value>>) -> Option<String> {
        self.meta_first(&["og:site_name"])
            .or_else(|| {
                article
                    .and_then(|a| a.get("publisher"))
                    .and_then(jsonld::text_of)
                    .map(|name| normalise_space(&name))
            })
            .or_else(|| {
                self.jsonld
                    .iter()
                    .filter(|object| jsonld::types(object).contains(&"WebSite"))
                    .find_map(|object| object.get("name").and_then(jsonld::text_of))
                    .map(|name| normalise_space(&name))
            })
            .or_else(|| self.meta_first(&["application-name"]))
            .map(|name| strip_markers(&name))
            .filter(|name| !name.is_empty() && name.chars().count() <= 200)
    }

    fn title(&self, article: Option<&Map<String, Value>>, site_names: &[String]) -> Option<String> {
        let jsonld_headline = article
            .and_then(|a| a.get("headline").or_else(|| a.get("name")))
            .and_then(jsonld::text_of)
            .map(|headline| normalise_space(&decode_entities(&headline)));
        let mut sources: Vec<(TitleSource, String)> = Vec::new();
        for (source, value) in [
            (TitleSource::Metadata, self.meta_first(&["og:title"])),
            (TitleSource::Metadata, jsonld_headline),
            (
                TitleSource::Metadata,
                self.meta_first(&[
                    "twitter:title",
                    "dc.title",
                    "dcterm:title",
                    "dcterms.title",
                    "parsely-title",
                    "sailthru.title",
                    "headline",
                    "title",
                ]),
            ),
            (TitleSource::TitleTag, self.title_tag.clone()),
        ] {
            if let Some(value) = value {
                let value = strip_markers(&value);
                if !value.is_empty() {
                    sources.push((source, value));
                }
            }
        }
        let h1: Vec<String> = self.h1.iter().map(|h| strip_markers(h)).collect();
        choose_title(&sources, &h1, site_names)
    }

    fn authors(&self, article: Option<&Map<String, Value>>) -> Vec<String> {
        let mut authors = Vec::new();
        // 1. JSON-LD.
        if let Some(value) = article.and_then(|a| a.get("author").or_else(|| a.get("creator"))) {
            for name in jsonld_people(value) {
                if let Some(name) = clean_author(&name) {
                    push_unique(&mut authors, name);
                }
            }
        }
        if !authors.is_empty() {
            return authors;
        }
        // 2. Meta fields, some of which carry a "By" cue (NYT's `byl`).
        for key in [
            "author",
            "dc.creator",
            "dcterm:creator",
            "dcterms.creator",
            "article:author",
            "parsely-author",
            "sailthru.author",
            "byl",
            "citation_author",
        ] {
            for value in self.meta.get(key).into_iter().flatten() {
                if let Some(name) = clean_author(value) {
                    push_unique(&mut authors, name);
                }
            }
            if !authors.is_empty() {
                return authors;
            }
        }
        // 3. The document: author links and byline elements.
        for element in &self.author_elements {
            let text = author_element_text(*element);
            let name = parse_byline(&text).or_else(|| clean_author(&text));
            if let Some(name) = name {
                push_unique(&mut authors, name);
            }
            if authors.len() >= 4 {
                break;
            }
        }
        authors
    }

    fn dates(
        &self,
        article: Option<&Map<String, Value>>,
        page_url: Option<&Url>,
        reference: Option<DateTime<Utc>>,
    ) -> (Option<FoundDate>, Option<FoundDate>) {
        let from_jsonld = |key: &str| {
            article
                .and_then(|a| a.get(key))
                .and_then(jsonld::text_of)
                .and_then(|value| parse_machine_date(&value, reference))
        };
        let from_meta = |keys: &[&str]| {
            keys.iter()
                .flat_map(|key| self.meta.get(*key).into_iter().flatten())
                .find_map(|value| parse_machine_date(value, reference))
        };
        let from_itemprop = |prop: &str| {
            self.times
                .iter()
                .filter(|time| time.itemprop.as_deref() == Some(prop))
                .find_map(|time| parse_machine_date(&time.value, reference))
        };
        let published = from_jsonld("datePublished")
            .or_else(|| {
                from_meta(&[
                    "article:published_time",
                    "og:article:published_time",
                    "article:published",
                    "published_time",
                    "datepublished",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "publish_date",
                    "parsely-pub-date",
                    "sailthru.date",
                    "dc.date.issued",
                    "dcterms.issued",
                    "dc.date",
                    "dcterms.date",
                    "dcterms.created",
                    "citation_publication_date",
                    "citation_date",
                    "date",
                ])
            })
            .or_else(|| from_itemprop("datepublished"))
            .or_else(|| from_jsonld("dateCreated"))
            .or_else(|| self.article_time(reference))
            .or_else(|| page_url.and_then(|url| date_from_url_path(url.path(), reference)));
        let modified = from_jsonld("dateModified")
            .or_else(|| {
                from_meta(&[
                    "article:modified_time",
                    "og:updated_time",
                    "article:modified",
                    "modified_time",
                    "datemodified",
                    "dcterms.modified",
                    "last-modified",
                ])
            })
            .or_else(|| from_itemprop("datemodified"))
            .filter(|modified| match (published, modified.instant()) {
                // A modification before publication is a template error; drop it.
                (Some(published), _) => modified.date >= published.date,
                (None, _) => true,
            });
        (published, modified)
    }

    /// The publication time from `<time>` elements: one marked `pubdate`, else the first
    /// inside an `<article>`, else the only one on the page. Several `<time>` elements outside
    /// any article are sidebar and feed dates, and none of them is trusted.
    fn article_time(&self, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
        let plain: Vec<&TimeElement> = self.times.iter().filter(|t| t.itemprop.is_none()).collect();
        let parse = |time: &&TimeElement| parse_machine_date(&time.value, reference);
        plain
            .iter()
            .filter(|t| t.pubdate)
            .find_map(parse)
            .or_else(|| plain.iter().filter(|t| t.in_article).find_map(parse))
            .or_else(|| match plain.as_slice() {
                [only] => parse(only),
                _ => None,
            })
    }

    fn description(&self, article: Option<&Map<String, Value>>) -> Option<String> {
        self.meta_first(&[
            "og:description",
            "description",
            "twitter:description",
            "dc.description",
        ])
        .or_else(|| {
            article
                .and_then(|a| a.get("description"))
                .and_then(jsonld::text_of)
                .map(|text| normalise_space(&text))
        })
        .map(|text| strip_markers(&decode_entities(&text)))
        .filter(|text| !text.is_empty())
        .map(|text| truncate_chars(&text, MAX_DESCRIPTION_CHARS))
    }

    fn categories(&self, article: Option<&Map<String, Value>>) -> Vec<String> {
        let mut raw: Vec<String> =
            self.meta_all(&["article:section", "article:tag", "og:article:tag"]);
        if let Some(article) = article {
            for key in ["articleSection", "keywords"] {
                if let Some(value) = article.get(key) {
                    for text in jsonld::texts_of(value) {
                        // JSON-LD keywords are often one comma-separated string.
                        raw.extend(text.split(',').map(str::to_owned));
                    }
                }
            }
        }
        if raw.is_empty() {
            for keywords in self.meta_all(&["news_keywords", "keywords"]) {
                raw.extend(keywords.split([',', ';']).map(str::to_owned));
            }
        }
        let mut categories: Vec<String> = Vec::new();
        for category in raw {
            let category = strip_markers(&normalise_space(&category));
            let chars = category.chars().count();
            if chars == 0 || chars > 80 {
                continue;
            }
            let known = categories
                .iter()
                .any(|c| c.to_lowercase() == category.to_lowercase());
            if !known {
                categories.push(category);
            }
            if categories.len() >= MAX_CATEGORIES {
                break;
            }
        }
        categories
    }

    fn image(&self, article: Option<&Map<String, Value>>, base: Option<&Url>) -> Option<String> {
        self.meta_first(&[
            "og:image:secure_url",
            "og:image:url",
            "og:image",
            "twitter:image",
            "twitter:image:src",
            "thumbnailurl",
        ])
        .or_else(|| {
            article
                .and_then(|a| a.get("image").or_else(|| a.get("thumbnailUrl")))
                .and_then(jsonld::url_of)
        })
        .or_else(|| self.link("image_src"))
        .and_then(|url| absolute(base, &url))
    }

    fn declared_lang(&self, article: Option<&Map<String, Value>>) -> Option<String> {
        self.html_lang
            .as_deref()
            .and_then(normalise_tag)
            .or_else(|| {
                self.meta_first(&["content-language", "language", "dc.language", "og:locale"])
                    .and_then(|tag| normalise_tag(tag.split(',').next().unwrap_or_default()))
            })
            .or_else(|| {
                article
                    .and_then(|a| a.get("inLanguage"))
                    .and_then(jsonld::text_of)
                    .and_then(|tag| normalise_tag(&tag))
            })
    }
}

/// Elements that name an author in the document.
fn is_author_element(element: ElementRef<'_>) -> bool {
    let value = element.value();
    if value.attr("rel").is_some_and(|rel| {
        rel.split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("author"))
    }) && value.name() == "a"
    {
        return true;
    }
    if value.name() == "meta" || value.name() == "link" {
        return false;
    }
    if value.attr("itemprop").is_some_and(|p| {
        p.split_ascii_whitespace()
            .any(|p| p.eq_ignore_ascii_case("author"))
    }) {
        return true;
    }
    let hint = |attr: &str| {
        value.attr(attr).is_some_and(|v| {
            v.split(|c: char| c.is_whitespace())
                .map(str::to_ascii_lowercase)
                .any(|token| {
                    matches!(
                        token.as_str(),
                        "author"
                            | "byline"
                            | "by-line"
                            | "article-author"
                            | "author-name"
                            | "byline-author"
                            | "p-author"
                            | "entry-author"
                            | "post-author"
                            | "authorname"
                            | "writer"
                            | "c-byline__author"
                    )
                })
        })
    };
    hint("class") || hint("id")
}

/// The name inside an author element: an `itemprop=name` descendant if there is one, else the
/// element's own text (bounded, since a mis-classed container may hold a whole article).
fn author_element_text(element: ElementRef<'_>) -> String {
    for descendant in element.descendent_elements() {
        if descendant
            .value()
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("name"))
        {
            let text = descendant
                .value()
                .attr("content")
                .map(str::to_owned)
                .unwrap_or_else(|| descendant.text().collect());
            return normalise_space(&text);
        }
    }
    if let Some(content) = element.value().attr("content") {
        return normalise_space(content);
    }
    let mut text = String::new();
    for piece in element.text() {
        text.push_str(piece);
        text.push(' ');
        if text.len() > 600 {
            break;
        }
    }
    normalise_space(&text)
}

/// Names in a JSON-LD author value: strings, `Person` objects (with `name`, or `givenName` and
/// `familyName`), arrays of either.
fn jsonld_people(value: &Value) -> Vec<String> {
    match value {
        Value::String(name) => vec![name.clone()],
        Value::Array(items) => items.iter().flat_map(jsonld_people).collect(),
        Value::Object(person) => {
            if let Some(name) = person.get("name").and_then(jsonld::text_of) {
                return vec![name];
            }
            let part = |key: &str| person.get(key).and_then(jsonld::text_of);
            match (part("givenName"), part("familyName")) {
                (Some(given), Some(family)) => vec![format!("{given} {family}")],
                (Some(one), None) | (None, Some(one)) => vec![one],
                (None, None) => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// Resolves `href` to an absolute http(s) URL against `base`.
fn absolute(base: Option<&Url>, href: &str) -> Option<String> {
    let href = href.trim();
    if href.is_empty() || href.starts_with("data:") || href.starts_with("javascript:") {
        return None;
    }
    let url = match base {
        Some(base) => base.join(href).ok()?,
        None => Url::parse(href).ok()?,
    };
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// The distinctive label of a host, usable as a site name: `www.ehow.com` → `ehow`,
/// `news.bbc.co.uk` → `bbc`.
fn host_label(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    let registrable = psl::domain_str(host).unwrap_or(host);
    registrable
        .split('.')
        .next()
        .filter(|label| label.len() >= 2)
        .map(str::to_owned)
}

/// Removes qTranslate markers, keeping the first language: metadata fields are read after the
/// caller selected a language, so any marker still here is a leftover.
fn strip_markers(text: &str) -> String {
    normalise_space(&select_language(text, None))
}

/// Decodes the entities that survive in JSON-LD strings and double-escaped meta content.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let fragment = Html::parse_fragment(text);
    fragment.root_element().text().collect()
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_owned(),
    }
}
