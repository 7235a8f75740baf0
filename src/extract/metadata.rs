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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::{Map, Value};
use url::Url;

use super::author::{clean_author, normalise_space, parse_byline, push_unique};
use super::date_choice::{self, DateEvidence, DateSource, MarkedDate, Role, Strength};
use super::date_words::{class_says_modified, class_says_published};
use super::dates::{
    DateContext, DayOrder, date_from_url, month_from_url_path, parse_machine_date_in, region_subtag,
};
use super::dom::{Dom, Element, NodeKind};
use super::jsonld;
use super::lang::normalise_tag;
use super::markers::select_language;
use super::title::{ChosenTitle, TitleSource, choose_title};

/// Longest description kept, in characters; meta descriptions are meant to be short.
const MAX_DESCRIPTION_CHARS: usize = 1_000;

/// Most categories/tags kept.
const MAX_CATEGORIES: usize = 30;

/// Longest text of an element taken for a byline, in bytes.
const MAX_BYLINE_CHARS: usize = 200;

/// `h1` elements considered as headline candidates.
const MAX_H1: usize = 8;
/// Elements with `itemprop="headline"` read, and the most of each one's text.
const MAX_MICRODATA_HEADLINES: usize = 2;
/// Most `<h2>`s named as the story's title kept.
const MAX_STORY_TITLE_HEADINGS: usize = 2;
const MAX_HEADLINE_BYTES: usize = 1024;

/// `<a rel="home">` links whose text is read as one of the site's names.
const MAX_HOME_LINKS: usize = 4;

/// Longest home-link text read, in bytes: a site's name, not a paragraph.
const MAX_HOME_LINK_BYTES: usize = 200;

/// Elements with an RDFa date read: a node's and a few of its comments'. Each costs a walk
/// up its ancestors; a hostile page of a million costs no more than these.
const MAX_RDFA_DATE_ELEMENTS: usize = 16;

/// What the page says about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Metadata {
    /// Headline, without site-name affixes and language markers.
    pub title: Option<String>,
    /// The headline as the page's declarations give it (see [`ChosenTitle::declared`]): the
    /// title the story's selection and the text's clean-up look for.
    pub declared_title: Option<String>,
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
    /// How the page writes all-numeric dates, from its declared language and region.
    pub day_order: DayOrder,
    /// What the markup and the URL say about the dates: the extractor adds the visible
    /// datelines and decides with [`date_choice::choose`]; `published` and `modified` above
    /// are that decision without them.
    pub date_evidence: DateEvidence,
    /// The publisher calls the page an article: a JSON-LD article type (`NewsArticle`,
    /// `BlogPosting`, …) or `og:type` `article`.
    pub declares_article: bool,
    /// The publisher calls the page a list of other pages and not an article: a JSON-LD
    /// `CollectionPage` or `SearchResultsPage` (a section's or a tag's page), with no
    /// article type beside it.
    pub declares_listing: bool,
    /// The publisher calls the page a forum thread (a JSON-LD `DiscussionForumPosting`):
    /// its posts are the content, whatever their class calls them.
    pub declares_thread: bool,
}

/// Reads the metadata of a parsed page.
///
/// `page_url` is the address the page was fetched from: it resolves relative canonical and
/// image URLs and contributes dates in its path and its host as a site name. `reference` is
/// the time of fetching: dates after it are rejected as implausible.
pub fn extract_metadata(
    dom: &Dom,
    page_url: Option<&Url>,
    reference: Option<DateTime<Utc>>,
) -> Metadata {
    let page = PageFacts::collect(dom, page_url);
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
    // `application-name` is not in this list: many templates fill it with the page title.
    site_names.extend(page.meta_all(&["og:site_name", "twitter:site"]));
    site_names.extend(page.jsonld_site_names());
    site_names.extend(page.home_links.iter().cloned());
    if let Some(label) = host_url.as_ref().and_then(host_label) {
        site_names.push(label);
    }

    let title = page.title(article, &site_names);
    let authors = page.authors(article);
    let day_order = page.day_order();
    let context = DateContext {
        reference,
        order: day_order,
        short_years: false,
        url_month: None,
    };
    let date_evidence = page.date_evidence(article, host_url.as_ref(), &context);
    let dates = date_choice::choose(&date_evidence, || None);

    let declares_article = page.declares_article();
    let (title, declared_title) = match title {
        Some(ChosenTitle { headline, declared }) => (Some(headline), Some(declared)),
        None => (None, None),
    };
    Metadata {
        title,
        declared_title,
        authors,
        published: dates.published.map(|date| date.format()),
        modified: dates.modified.map(|date| date.format()),
        site_name,
        description: page.description(article),
        canonical_url,
        categories: page.categories(article),
        image: page.image(article, base.as_ref()),
        declared_lang: page.declared_lang(article),
        day_order,
        date_evidence,
        declares_article,
        declares_listing: !declares_article && page.declares_listing(),
        declares_thread: page.declares_thread(),
    }
}

/// Everything of interest in the document, collected in one traversal.
struct PageFacts<'d, 'a> {
    dom: &'d Dom<'a>,
    /// `<meta>` contents by lower-cased `property`, then by `name`, `itemprop` and
    /// `http-equiv`: a value given as a `property` (RDFa, OpenGraph's own syntax) is looked up
    /// first.
    meta: HashMap<String, Vec<String>>,
    /// `<link>` hrefs by lower-cased `rel` token.
    links: HashMap<String, Vec<String>>,
    /// How many of the leading values of each `meta` key came from `property` attributes.
    property_counts: HashMap<String, usize>,
    jsonld: Vec<Map<String, Value>>,
    title_tag: Option<String>,
    h1: Vec<String>,
    /// Texts of other elements the microdata names the headline (`<h2
    /// itemprop="headline">`), which pin it in `<title>` as an `<h1>` does.
    microdata_headlines: Vec<String>,
    /// `<h2>`s whose class names the story's title (`itemTitle`, `entry-title`): the
    /// headline on a page with no `<h1>` (Joomla's K2, many themes).
    story_title_headings: Vec<String>,
    /// Texts of `<a rel="home">`: themes write the site's name there (the logo's link).
    home_links: Vec<String>,
    /// Elements with an RDFa date read so far (see [`MAX_RDFA_DATE_ELEMENTS`]).
    rdfa_dates: usize,
    html_lang: Option<String>,
    base_href: Option<String>,
    /// Elements that name an author: `rel=author`, `itemprop=author`, author/byline classes.
    author_elements: Vec<usize>,
    /// `<time>` and `itemprop=datePublished|dateModified` elements with their machine value,
    /// whether they sit inside an `<article>`, and which itemprop they carry.
    times: Vec<TimeElement>,
}

struct TimeElement {
    value: String,
    in_article: bool,
    itemprop: Option<String>,
    pubdate: bool,
    /// The role its class (or its parent's) names: `entry-date published`, `updated`.
    class_role: Option<Role>,
}

impl<'d, 'a> PageFacts<'d, 'a> {
    fn collect(dom: &'d Dom<'a>, page_url: Option<&Url>) -> PageFacts<'d, 'a> {
        let mut facts = PageFacts {
            dom,
            meta: HashMap::new(),
            links: HashMap::new(),
            property_counts: HashMap::new(),
            jsonld: Vec::new(),
            title_tag: None,
            h1: Vec::new(),
            microdata_headlines: Vec::new(),
            story_title_headings: Vec::new(),
            home_links: Vec::new(),
            rdfa_dates: 0,
            html_lang: None,
            base_href: None,
            author_elements: Vec::new(),
            times: Vec::new(),
        };
        let Some(root) = dom.root_element() else {
            return facts;
        };
        if let Some(root_element) = dom.element(root)
            && let Some(lang) = root_element
                .attr("lang")
                .or_else(|| root_element.attr("xml:lang"))
        {
            facts.html_lang = Some(lang.to_owned());
        }
        for i in root..dom.nodes[root].end {
            let NodeKind::Element(value) = &dom.nodes[i].kind else {
                continue;
            };
            match &*value.tag {
                "meta" => facts.add_meta(value),
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
                        let text: String = dom.texts(i).collect();
                        facts.jsonld.extend(jsonld::parse_objects(&text));
                    }
                }
                "title" if dom.in_html_namespace(i) && facts.title_tag.is_none() => {
                    let text = title_tag_text(&dom.texts(i).collect::<String>());
                    if !text.is_empty() {
                        facts.title_tag = Some(text);
                    }
                }
                "h1" => {
                    if is_logo_heading(value) {
                        // The logo's text and its image's `alt` are the site's names, never
                        // a headline.
                        if facts.home_links.len() < MAX_HOME_LINKS {
                            let text = normalise_space(&bounded_text(dom, i, MAX_HOME_LINK_BYTES));
                            let alt = logo_heading_alt(dom, i);
                            facts.home_links.extend(
                                [text]
                                    .into_iter()
                                    .chain(alt)
                                    .filter(|name| !name.is_empty()),
                            );
                        }
                    } else if facts.h1.len() < MAX_H1 {
                        let text = normalise_space(&shown_text(dom, i));
                        if !text.is_empty() {
                            facts.h1.push(text);
                        }
                    }
                }
                "h2" | "h3" | "div" | "span" | "p"
                    if facts.microdata_headlines.len() < MAX_MICRODATA_HEADLINES
                        && value
                            .attr("itemprop")
                            .is_some_and(|p| p.eq_ignore_ascii_case("headline")) =>
                {
                    let text = normalise_space(&bounded_text(dom, i, MAX_HEADLINE_BYTES));
                    if !text.is_empty() {
                        facts.microdata_headlines.push(text);
                    }
                }
                "h2" if facts.story_title_headings.len() < MAX_STORY_TITLE_HEADINGS
                    && names_story_title(&value.class_id) =>
                {
                    let text = normalise_space(&bounded_text(dom, i, MAX_HEADLINE_BYTES));
                    if !text.is_empty() {
                        facts.story_title_headings.push(text);
                    }
                }
                "a" if facts.home_links.len() < MAX_HOME_LINKS
                    && is_home_link(dom, i, value, page_url) =>
                {
                    let text = normalise_space(&bounded_text(dom, i, MAX_HOME_LINK_BYTES));
                    if !text.is_empty() {
                        facts.home_links.push(text);
                    }
                }
                "a" if facts.home_links.len() < MAX_HOME_LINKS => {
                    if let Some(name) = logo_name(dom, i, value) {
                        facts.home_links.push(name);
                    }
                }
                "base" if facts.base_href.is_none() => {
                    facts.base_href = value.attr("href").map(str::to_owned);
                }
                _ => {}
            }
            if &*value.tag != "meta" {
                facts.add_rdfa_date(i, value);
            }
            facts.add_time(i, value);
            if is_author_element(dom, i, value) {
                facts.author_elements.push(i);
            }
        }
        facts
    }

    fn add_meta(&mut self, value: &Element<'_>) {
        let Some(content) = value.attr("content").or_else(|| value.attr("value")) else {
            return;
        };
        let content = normalise_space(content);
        if content.is_empty() {
            return;
        }
        for attribute in ["property", "name", "itemprop", "http-equiv"] {
            if let Some(keys) = value.attr(attribute) {
                // `property="og:title dc:title"` names several properties at once.
                for key in keys.split_ascii_whitespace() {
                    let values = self.meta.entry(meta_key(key)).or_default();
                    if attribute == "property" {
                        let first_named = self.property_counts.entry(meta_key(key)).or_default();
                        values.insert(*first_named, content.clone());
                        *first_named += 1;
                    } else {
                        values.push(content.clone());
                    }
                }
            }
        }
    }

    /// An RDFa date on an element of the page (`<span property="dc:date dc:created"
    /// content="2024-03-05T10:00:00+04:00">`, as Drupal writes under every node's headline),
    /// read like the meta tag of the same key. Only date keys: RDFa titles and names label
    /// teasers and menus as often as the page. Never a comment's: Drupal dates each the
    /// same way.
    fn add_rdfa_date(&mut self, i: usize, value: &Element<'_>) {
        if self.rdfa_dates >= MAX_RDFA_DATE_ELEMENTS {
            return;
        }
        let (Some(property), Some(content)) = (value.attr("property"), value.attr("content"))
        else {
            return;
        };
        let content = normalise_space(content);
        if content.is_empty() {
            return;
        }
        let mut in_comment = None;
        for token in property.split_ascii_whitespace() {
            let key = meta_key(token);
            let key = key.strip_prefix("schema:").unwrap_or(&key).to_owned();
            let is_date_key = [
                PUBLISHED_KEYS,
                MODIFIED_KEYS,
                WEAK_PUBLISHED_KEYS,
                WEAK_MODIFIED_KEYS,
            ]
            .iter()
            .any(|keys| keys.contains(&key.as_str()));
            if !is_date_key {
                continue;
            }
            if in_comment.is_none() {
                self.rdfa_dates += 1;
            }
            if *in_comment.get_or_insert_with(|| is_in_comment(self.dom, i)) {
                continue;
            }
            let values = self.meta.entry(key).or_default();
            if values.len() < MAX_VALUES_PER_KEY {
                values.push(content.clone());
            }
        }
    }

    fn add_time(&mut self, i: usize, value: &Element<'_>) {
        if self.times.len() >= MAX_TIME_ELEMENTS {
            return;
        }
        let itemprop = value
            .attr("itemprop")
            .map(str::to_ascii_lowercase)
            .filter(|p| {
                matches!(
                    p.as_str(),
                    "datepublished" | "datemodified" | "datecreated" | "startdate" | "enddate"
                )
            });
        let machine = if &*value.tag == "time" {
            value.attr("datetime").map(str::to_owned)
        } else if &*value.tag == "abbr" && itemprop.is_none() {
            // hAtom's `<abbr class="published" title="2021-03-03T10:00:00">`, as older
            // blog templates write it: only with a class naming the date's role (below).
            value.attr("title").map(str::to_owned)
        } else if itemprop.is_some() && &*value.tag != "meta" {
            // Blogger's `<abbr itemprop="datePublished" title="2019-03-03T21:05:00-05:00">9:05
            // PM</abbr>` shows the time and keeps the date in its title.
            let abbr_title = || {
                (&*value.tag == "abbr")
                    .then(|| value.attr("title"))
                    .flatten()
            };
            value
                .attr("datetime")
                .or_else(|| value.attr("content"))
                .or_else(abbr_title)
                .map(str::to_owned)
                .or_else(|| Some(bounded_text(self.dom, i, MAX_DATE_TEXT_BYTES)))
        } else {
            None
        };
        let Some(machine) = machine else {
            return;
        };
        let dom = self.dom;
        // A reader's comment is dated like a post (WordPress writes each as an `<article>`
        // with its `<time>`), and always later than it.
        if is_in_comment(dom, i) {
            return;
        }
        let in_article = dom.ancestors(i).any(|ancestor| {
            dom.element(ancestor).is_some_and(|a| {
                &*a.tag == "article"
                    || a.attr("itemprop")
                        .is_some_and(|p| p.eq_ignore_ascii_case("articleBody"))
            })
        });
        let parent = dom.nodes[i].parent;
        let class_role = [Some(i), (parent != usize::MAX).then_some(parent)]
            .into_iter()
            .flatten()
            .filter_map(|e| dom.element(e))
            .find_map(|e| {
                if class_says_modified(&e.class_id) {
                    Some(Role::Modified)
                } else if class_says_published(&e.class_id) {
                    Some(Role::Published)
                } else {
                    None
                }
            });
        if &*value.tag == "abbr" && itemprop.is_none() && class_role.is_none() {
            return;
        }
        self.times.push(TimeElement {
            value: machine,
            in_article,
            itemprop,
            pubdate: value.attr("pubdate").is_some(),
            class_role,
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

    fn declares_article(&self) -> bool {
        self.jsonld.iter().any(|object| {
            jsonld::types(object)
                .into_iter()
                .any(jsonld::is_article_type)
        }) || self
            .meta_first(&["og:type"])
            .is_some_and(|kind| kind.eq_ignore_ascii_case("article"))
    }

    fn declares_thread(&self) -> bool {
        self.jsonld.iter().any(|object| {
            jsonld::types(object)
                .into_iter()
                .any(|kind| kind == "DiscussionForumPosting")
        })
    }

    fn declares_listing(&self) -> bool {
        self.jsonld.iter().any(|object| {
            jsonld::types(object)
                .into_iter()
                .any(|kind| matches!(kind, "CollectionPage" | "SearchResultsPage"))
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
        // The JSON-LD publisher is the publication; og:site_name is sometimes the hosting
        // platform ("Medium") or carries a tagline.
        article
            .and_then(|a| a.get("publisher"))
            .and_then(jsonld::text_of)
            .map(|name| normalise_space(&name))
            .filter(|name| !name.is_empty())
            .or_else(|| self.meta_first(&["og:site_name"]))
            .or_else(|| {
                self.jsonld
                    .iter()
                    .filter(|object| jsonld::types(object).contains(&"WebSite"))
                    .find_map(|object| object.get("name").and_then(jsonld::text_of))
                    .map(|name| normalise_space(&name))
            })
            .map(|name| strip_markers(&name))
            .filter(|name| !name.is_empty() && name.chars().count() <= 200)
    }

    fn title(
        &self,
        article: Option<&Map<String, Value>>,
        site_names: &[String],
    ) -> Option<ChosenTitle> {
        let jsonld_headline = article
            .and_then(|a| jsonld_headline(a, self.title_tag.as_deref()))
            .map(|headline| normalise_space(&decode_entities(&headline)));
        let mut sources: Vec<(TitleSource, String)> = Vec::new();
        for (source, value) in [
            (TitleSource::Metadata, jsonld_headline),
            (
                TitleSource::Metadata,
                self.meta_first(&[
                    "dc:title",
                    "dcterm:title",
                    "dcterms:title",
                    "og:title",
                    "twitter:title",
                    "parsely-title",
                    "sailthru.title",
                    "headline",
                    "title",
                ]),
            ),
            (TitleSource::TitleTag, self.title_tag.clone()),
        ] {
            if let Some(value) = value {
                let value = match source {
                    TitleSource::TitleTag => title_tag_text(&select_language(&value, None)),
                    TitleSource::Metadata => strip_markers(&value),
                };
                if !value.is_empty() {
                    sources.push((source, value));
                }
            }
        }
        let titled_h2 = self.h1.is_empty().then_some(&self.story_title_headings);
        let h1: Vec<String> = self
            .h1
            .iter()
            .chain(&self.microdata_headlines)
            .chain(titled_h2.into_iter().flatten())
            .map(|h| strip_markers(h))
            .collect();
        // Several of the title's rules may ask for the styled titles; one pass finds them.
        let styled = std::cell::OnceCell::new();
        let shown = || styled.get_or_init(|| styled_titles(self.dom)).clone();
        choose_title(&sources, &h1, &shown, site_names)
    }

    fn authors(&self, article: Option<&Map<String, Value>>) -> Vec<String> {
        let mut authors = Vec::new();
        let add = |authors: &mut Vec<String>, name: Option<String>| {
            if let Some(name) = name {
                push_unique(authors, name);
            }
        };
        // 1. JSON-LD.
        if let Some(value) = article.and_then(|a| a.get("author").or_else(|| a.get("creator"))) {
            for name in jsonld_people(value) {
                add(&mut authors, clean_author(&name));
            }
        }
        if !authors.is_empty() {
            return authors;
        }
        // 2. Meta fields, some of which carry a "By" cue (NYT's `byl`).
        for key in [
            "dc:creator",
            "dcterm:creator",
            "dcterms:creator",
            "author",
            "parsely-author",
            "article:author",
            "sailthru.author",
            "byl",
            "citation_author",
        ] {
            for value in self.meta.get(key).into_iter().flatten() {
                add(&mut authors, clean_author(value));
            }
            if !authors.is_empty() {
                return authors;
            }
        }
        // 3. The document: the first author link or byline element that holds a name. Later
        // ones are usually other articles' bylines or commenters.
        for &element in &self.author_elements {
            let text = author_element_text(self.dom, element);
            add(
                &mut authors,
                parse_byline(&text).or_else(|| clean_author(&text)),
            );
            if !authors.is_empty() {
                break;
            }
        }
        authors
    }

    /// The numeric date order of the declared language: `<html lang>`, `og:locale`,
    /// `Content-Language`, with their regions (`en-US`). A bare language (`<html lang="en">`,
    /// as many themes write it) takes its region from another tag of the same language
    /// (`og:locale` `en_US`); a tag of another language is a template's default.
    fn day_order(&self) -> DayOrder {
        let mut tags = self.html_lang.iter().cloned().chain(self.meta_all(&[
            "og:locale",
            "content-language",
            "language",
        ]));
        let Some(first) = tags.next() else {
            return DayOrder::DayFirst;
        };
        let tag = if region_subtag(&first).is_some() {
            first
        } else {
            let language = normalise_tag(&first);
            tags.take(MAX_VALUES_PER_KEY)
                .find(|tag| region_subtag(tag).is_some() && normalise_tag(tag) == language)
                .unwrap_or(first)
        };
        DayOrder::for_language_tag(&tag)
    }

    /// Every date the markup states, most deliberate first, and the URL's.
    fn date_evidence(
        &self,
        article: Option<&Map<String, Value>>,
        page_url: Option<&Url>,
        context: &DateContext,
    ) -> DateEvidence {
        let mut markup: Vec<MarkedDate> = Vec::new();
        let mut add = |value: &str, source: DateSource, role: Role, strength: Strength| {
            if let Some(date) = parse_machine_date_in(value, context) {
                markup.push(MarkedDate {
                    date,
                    source,
                    role,
                    strength,
                });
            }
        };
        let jsonld_value =
            |object: &Map<String, Value>, key: &str| object.get(key).and_then(jsonld::text_of);
        // The article's JSON-LD object.
        if let Some(article) = article {
            for (key, role, strength) in [
                ("datePublished", Role::Published, Strength::Strong),
                ("dateModified", Role::Modified, Strength::Strong),
                ("dateCreated", Role::Published, Strength::Weak),
                // A job posting's (schema.org `JobPosting`).
                ("datePosted", Role::Published, Strength::Weak),
            ] {
                if let Some(value) = jsonld_value(article, key) {
                    add(&value, DateSource::JsonLd, role, strength);
                }
            }
        }
        // Meta tags, key by key in order of how precisely the key names the date.
        for (keys, role, strength) in [
            (PUBLISHED_KEYS, Role::Published, Strength::Strong),
            (MODIFIED_KEYS, Role::Modified, Strength::Strong),
            (WEAK_PUBLISHED_KEYS, Role::Published, Strength::Weak),
            (WEAK_MODIFIED_KEYS, Role::Modified, Strength::Weak),
        ] {
            for key in keys {
                for value in self
                    .meta
                    .get(*key)
                    .into_iter()
                    .flatten()
                    .take(MAX_VALUES_PER_KEY)
                {
                    add(value, DateSource::Meta, role, strength);
                }
            }
        }
        // Parse.ly's page object, a JSON object in one meta tag: its `pub_date`.
        for value in self
            .meta
            .get("parsely-page")
            .into_iter()
            .flatten()
            .take(MAX_VALUES_PER_KEY)
            .filter(|value| value.len() <= MAX_META_JSON_BYTES)
        {
            if let Ok(Value::Object(page)) = serde_json::from_str::<Value>(value) {
                if let Some(date) = page.get("pub_date").and_then(Value::as_str) {
                    add(date, DateSource::Meta, Role::Published, Strength::Strong);
                }
            }
        }
        // Vocabularies not listed, by the shape of their keys (`cXenseParse:recs:publishtime`,
        // `ageaParse:recs:publishtime`, `bi3dPubDate`).
        let mut other_keys: Vec<&String> = self
            .meta
            .keys()
            .filter(|key| {
                !PUBLISHED_KEYS.contains(&key.as_str())
                    && PUBLISHED_KEY_ENDINGS.iter().any(|end| key.ends_with(end))
            })
            .collect();
        other_keys.sort();
        for key in other_keys.into_iter().take(MAX_OTHER_KEYS) {
            for value in self.meta[key].iter().take(MAX_VALUES_PER_KEY) {
                add(value, DateSource::Meta, Role::Published, Strength::Strong);
            }
        }
        // Microdata and <time> elements. Publication times by class on several days are a
        // list of posts (related posts, each an `<article>` with its "published" time), and
        // each of them only weak.
        let published_class_days: HashSet<&str> = self
            .times
            .iter()
            .filter(|t| t.itemprop.is_none() && !t.pubdate && t.class_role == Some(Role::Published))
            .map(|t| t.value.get(..10).unwrap_or(&t.value))
            .collect();
        let class_times_listed = published_class_days.len() >= 2;
        for time in &self.times {
            let (source, role, strength) = match (time.itemprop.as_deref(), time.class_role) {
                (Some("datepublished"), _) => {
                    (DateSource::Microdata, Role::Published, Strength::Strong)
                }
                (Some("datemodified"), _) => {
                    (DateSource::Microdata, Role::Modified, Strength::Strong)
                }
                (Some(prop), _) if EVENT_DATE_KEYS.contains(&prop) => continue,
                (Some(_), _) => (DateSource::Microdata, Role::Published, Strength::Weak),
                (None, _) if time.pubdate => {
                    (DateSource::TimeElement, Role::Published, Strength::Strong)
                }
                (None, Some(Role::Published)) if class_times_listed => {
                    (DateSource::TimeElement, Role::Published, Strength::Weak)
                }
                (None, Some(role)) => (DateSource::TimeElement, role, Strength::Strong),
                (None, None) => continue,
            };
            add(&time.value, source, role, strength);
        }
        // A plain <time>: the first inside an <article>, else the only one on the page.
        // Several outside any article are sidebar and feed dates.
        let plain: Vec<&TimeElement> = self
            .times
            .iter()
            .filter(|t| t.itemprop.is_none() && !t.pubdate && t.class_role.is_none())
            .collect();
        let chosen = plain
            .iter()
            .find(|t| t.in_article)
            .or(match plain.as_slice() {
                [only] => Some(only),
                _ => None,
            });
        if let Some(time) = chosen {
            add(
                &time.value,
                DateSource::TimeElement,
                Role::Published,
                Strength::Weak,
            );
        }
        // Other JSON-LD objects (a WebPage, a Recipe): weak, in document order.
        for object in self.jsonld.iter().take(MAX_JSONLD_OBJECTS) {
            if article.is_some_and(|a| std::ptr::eq(a, object)) {
                continue;
            }
            let kinds = jsonld::types(object);
            if kinds.iter().any(|kind| NOT_THE_PAGE_TYPES.contains(kind)) {
                continue;
            }
            for (key, role) in [
                ("datePublished", Role::Published),
                ("dateModified", Role::Modified),
                ("datePosted", Role::Published),
            ] {
                if let Some(value) = jsonld_value(object, key) {
                    add(&value, DateSource::JsonLd, role, Strength::Weak);
                }
            }
        }
        // The day <title> sets beside the headline: weak, after all the markup's.
        if let Some(date) = self
            .title_tag
            .as_deref()
            .and_then(|title| super::title::date_in_title(title, context))
        {
            markup.push(MarkedDate {
                date,
                source: DateSource::TitleTag,
                role: Role::Published,
                strength: Strength::Weak,
            });
        }
        let path = page_url.map(Url::path);
        DateEvidence {
            markup,
            url: page_url.and_then(|url| date_from_url(url, context.reference)),
            url_month: path.and_then(month_from_url_path),
            datelines: Vec::new(),
            event_days: self.event_days(context),
        }
    }

    /// The days of the events the page announces: `startDate` and `endDate` of its JSON-LD
    /// objects, meta tags and microdata. A date of one of those days by the headline is the
    /// event's, not the page's.
    fn event_days(&self, context: &DateContext) -> Vec<NaiveDate> {
        let jsonld = self
            .jsonld
            .iter()
            .take(MAX_JSONLD_OBJECTS)
            .flat_map(|object| {
                EVENT_DATE_JSONLD_KEYS
                    .iter()
                    .filter_map(|key| object.get(*key).and_then(jsonld::text_of))
            });
        let meta = EVENT_DATE_KEYS.iter().flat_map(|key| {
            self.meta
                .get(*key)
                .into_iter()
                .flatten()
                .take(MAX_VALUES_PER_KEY)
                .cloned()
        });
        let microdata = self
            .times
            .iter()
            .filter(|t| {
                t.itemprop
                    .as_deref()
                    .is_some_and(|p| EVENT_DATE_KEYS.contains(&p))
            })
            .map(|t| t.value.clone());
        let mut days: Vec<NaiveDate> = jsonld
            .chain(meta)
            .chain(microdata)
            .take(MAX_EVENT_DAYS)
            .filter_map(|value| parse_machine_date_in(&value, context))
            .map(|date| date.date)
            .collect();
        days.sort();
        days.dedup();
        days
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
                self.meta_first(&["content-language", "language", "dc:language", "og:locale"])
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

/// Elements styled as titles read as hints for the headline.
const MAX_STYLED_TITLES: usize = 8;

/// Longest text of a title-styled element read, in bytes: a headline, not a container.
const MAX_STYLED_TITLE_BYTES: usize = 200;

/// The texts of the first elements styled as titles (see
/// [`super::clean::is_styled_title`]), at most [`MAX_STYLED_TITLES`] of
/// [`MAX_STYLED_TITLE_BYTES`] each: one pass over the page, made only when `<title>` needs it.
/// A styled title that is mostly a link heads another page (a side column's `<td
/// class="ntitle"><a>…</a></td>` list of other news): it is passed over, so that the
/// column does not use up the count before the story's headline.
fn styled_titles(dom: &Dom) -> Vec<String> {
    super::clean::styled_titles(dom)
        .filter(|&i| !is_mostly_link(dom, i))
        .map(|i| normalise_space(&bounded_text(dom, i, MAX_STYLED_TITLE_BYTES)))
        .filter(|text| !text.is_empty())
        .take(MAX_STYLED_TITLES)
        .collect()
}

/// Whether an element's class and id (lower-cased, joined) name a story's own title: a
/// title word joined to a word for the story ("itemtitle", "entry-title", "post__title"),
/// not a widget's or a section's.
fn names_story_title(class_id: &str) -> bool {
    class_id.split_whitespace().any(|name| {
        name.contains("title")
            && ["item", "entry", "post", "article", "news", "story"]
                .iter()
                .any(|story| name.contains(story))
    })
}

/// Most nodes of a styled title looked through for its links.
const STYLED_TITLE_SCAN_NODES: usize = 32;

/// Whether most of the text of element `i` (within its first nodes) is link text.
fn is_mostly_link(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end.min(i + STYLED_TITLE_SCAN_NODES);
    let (mut text, mut linked) = (0, 0);
    let mut link_end = 0;
    for j in i..end {
        if dom.is_link(j) {
            link_end = link_end.max(dom.nodes[j].end);
        }
        if let NodeKind::Text(t) = &dom.nodes[j].kind {
            let chars = t.trim().chars().count();
            text += chars;
            if j < link_end {
                linked += chars;
            }
        }
    }
    linked * 2 > text
}

/// Words of a class or id name that make an `<h1>` the site's logo (`<h1 id="logo">`,
/// `<h1 class="navbar-brand">`), and names that do as one word (`site-name`): older
/// templates set the site's name and tagline as the page's first heading, and the story's
/// headline in an `<h2>`. Not `site-title`: themes name the story's heading so too
/// (`<h1 class="site__title">` over a magazine's story).
const LOGO_HEADING_WORDS: &[&str] = &["logo", "brand", "branding"];
const LOGO_HEADING_NAMES: &[&str] = &["sitelogo", "sitename"];

/// Whether an `<h1>` is the site's logo by its class or id ([`LOGO_HEADING_WORDS`],
/// [`LOGO_HEADING_NAMES`]).
fn is_logo_heading(heading: &Element<'_>) -> bool {
    if heading.class_id.is_empty() {
        return false;
    }
    // The page's class names are lower-cased already.
    heading.class_id.split_whitespace().any(|name| {
        let words = || super::clean::words(name);
        words().any(|word| LOGO_HEADING_WORDS.contains(&word))
            || LOGO_HEADING_NAMES.contains(&words().collect::<String>().as_str())
    })
}

/// The text of `i`'s subtree that a reader sees: without what a `<style>`, `<script>`,
/// `<noscript>` or `<template>` inside it holds (a logo's CSS set inside the `<h1>`).
fn shown_text(dom: &Dom, i: usize) -> String {
    let mut text = String::new();
    let mut j = i + 1;
    while j < dom.nodes[i].end {
        match &dom.nodes[j].kind {
            NodeKind::Text(piece) => text.push_str(piece),
            NodeKind::Element(el)
                if matches!(&*el.tag, "style" | "script" | "noscript" | "template") =>
            {
                j = dom.nodes[j].end;
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    text
}

/// Nodes of a logo's `<h1>` searched for its image.
const LOGO_HEADING_SCAN: usize = 8;

/// The `alt` of the image among the first nodes of the logo's `<h1>` at `i` (`<h1
/// id="logo"><img alt="Таза шайлоо"><span>tagline</span></h1>`).
fn logo_heading_alt(dom: &Dom, i: usize) -> Option<String> {
    (i + 1..dom.nodes[i].end)
        .take(LOGO_HEADING_SCAN)
        .filter_map(|j| dom.element(j))
        .find(|el| &*el.tag == "img")
        .and_then(|img| img.attr("alt"))
        .map(normalise_space)
        .filter(|alt| alt.chars().count() >= 2 && alt.len() <= MAX_HOME_LINK_BYTES)
}

/// Whether link `i` is the site's home link, whose text is the site's name: `rel="home"`
/// (WordPress and most blog themes), or a link to the site's root that is an `<h1>`'s whole
/// text (the logo heading of older themes, which then take `<h2>` for the post's title).
fn is_home_link(dom: &Dom, i: usize, link: &Element<'_>, page_url: Option<&Url>) -> bool {
    if link.attr("rel").is_some_and(|rel| {
        rel.split_ascii_whitespace()
            .any(|t| t.eq_ignore_ascii_case("home"))
    }) {
        return true;
    }
    let parent = dom.nodes[i].parent;
    if dom.element(parent).is_none_or(|p| &*p.tag != "h1") {
        return false;
    }
    // The link is all the heading holds but blank text. Each side's scan stops at the first
    // other node, so a hostile heading of a million links costs a step for each.
    let blank = |j: usize| is_blank_text(dom, j);
    let alone = (parent + 1..i).all(blank) && (dom.nodes[i].end..dom.nodes[parent].end).all(blank);
    alone
        && link
            .attr("href")
            .is_some_and(|href| is_root_href(href) || is_home_above(href, page_url))
}

/// Whether `href` is the home of a site that lives under a path, above the page:
/// `http://example.net/blog/` over `http://example.net/blog/?p=123` or
/// `http://example.net/blog/2005/05/post/`. A link to the page itself is its permalink.
fn is_home_above(href: &str, page_url: Option<&Url>) -> bool {
    let Some(page) = page_url else { return false };
    let Ok(home) = page.join(href.trim()) else {
        return false;
    };
    home.host_str() == page.host_str()
        && home.query().is_none()
        && home.path().ends_with('/')
        && page.path().starts_with(home.path())
        && (home.path() != page.path() || page.query().is_some())
}

/// The site's name a logo gives: the `alt` of the image that is all a link to the site's
/// root holds (`<a href="/"><img src="/img/logo.gif" alt="Јени Дөвран"></a>`). Only a
/// relative link is surely this site's: an absolute one may be a parent company's logo
/// ("Google" over a book it publishes). Read from the link's first element only, so a
/// hostile link costs a step or two.
fn logo_name(dom: &Dom, i: usize, link: &Element<'_>) -> Option<String> {
    if !link
        .attr("href")
        .is_some_and(|href| matches!(href.trim(), "/" | "./"))
    {
        return None;
    }
    let blank = |j: usize| is_blank_text(dom, j);
    let image = (i + 1..dom.nodes[i].end).find(|&j| !blank(j))?;
    let img = dom.element(image).filter(|el| &*el.tag == "img")?;
    if !(dom.nodes[image].end..dom.nodes[i].end).all(blank) {
        return None;
    }
    let alt = normalise_space(img.attr("alt")?);
    (alt.chars().count() >= 2 && alt.len() <= MAX_HOME_LINK_BYTES).then_some(alt)
}

/// Whether node `j` is a text node of white space only.
fn is_blank_text(dom: &Dom, j: usize) -> bool {
    matches!(&dom.nodes[j].kind, NodeKind::Text(t) if t.trim().is_empty())
}

/// Whether a link's `href` is the site's root: `/`, or an absolute address with the root
/// path and no query.
fn is_root_href(href: &str) -> bool {
    let href = href.trim();
    href == "/"
        || Url::parse(href)
            .is_ok_and(|url| url.path() == "/" && url.query().is_none() && url.host_str().is_some())
}

/// Whether element `i` sits in a comment (an ancestor's class or id names one).
fn is_in_comment(dom: &Dom, i: usize) -> bool {
    dom.ancestors(i).any(|ancestor| {
        dom.element(ancestor)
            .is_some_and(|a| a.class_id.contains("comment"))
    })
}

/// Values of one meta key read as dates, keys of unlisted vocabularies read, and JSON-LD
/// objects read for dates: a hostile page may repeat any of them a million times.
const MAX_VALUES_PER_KEY: usize = 8;
const MAX_OTHER_KEYS: usize = 16;
const MAX_JSONLD_OBJECTS: usize = 64;
/// Most event dates read.
const MAX_EVENT_DAYS: usize = 32;
/// JSON-LD keys of an event's days.
const EVENT_DATE_JSONLD_KEYS: &[&str] = &["startDate", "endDate"];
/// The same as meta and microdata keys, lower-cased as those are kept.
const EVENT_DATE_KEYS: &[&str] = &["startdate", "enddate"];

/// Longest meta value read as a JSON object (Parse.ly's page object is a few hundred bytes).
const MAX_META_JSON_BYTES: usize = 16 * 1024;

/// `<time>` and date-microdata elements read: pages have a handful, feeds a few dozen.
const MAX_TIME_ELEMENTS: usize = 256;

/// Longest element text read as a date value (dates are short; longer values are not
/// parsed anyway).
const MAX_DATE_TEXT_BYTES: usize = 256;

/// The text of element `i`, stopping once it holds more than `max` bytes.
fn bounded_text(dom: &Dom, i: usize, max: usize) -> String {
    let mut text = String::new();
    for piece in dom.texts(i) {
        text.push_str(piece);
        if text.len() > max {
            break;
        }
    }
    text
}

/// Meta keys that name the publication date, most specific first (lower-case, Dublin Core
/// prefixes as [`meta_key`] spells them).
const PUBLISHED_KEYS: &[&str] = &[
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "og:published_time",
    "published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "publish_time",
    "published-date",
    "published_date",
    "date_published",
    "publication_date",
    "parsely-pub-date",
    "sailthru.date",
    "dc:date.issued",
    "dcterms:issued",
    "dc:date.publication",
    "citation_publication_date",
    "citation_online_date",
    "citation_date",
    "og:pubdate",
    "og:publish_date",
    "og:datepublished",
    "article.published",
    "article:post_date",
    "article_date_original",
    "originalpublicationdate",
    "rnews:datepublished",
    "shareaholic:article_published_time",
    "mediator_published_time",
    "dcsext.articlefirstpublished",
    "prism.publicationdate",
    "displaydate",
    "dateposted",
    "twt-published-at",
];

/// Endings of meta keys that name the publication date in vocabularies not listed above.
const PUBLISHED_KEY_ENDINGS: &[&str] = &[
    ":publishtime",
    "published_time",
    "published-time",
    "pubdate",
    "publishdate",
    "publication_date",
];

/// Meta keys that name the modification date.
const MODIFIED_KEYS: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "og:article:modified_time",
    "article:modified",
    "modified_time",
    "updated_time",
    "datemodified",
    "dcterms:modified",
    "dc:date.modified",
    "dc:modified",
    "last-modified",
    "lastmod",
    "lastmodified",
    "last_updated",
    "article.updated",
    "shareaholic:article_modified_time",
    "cxenseparse:recs:modifiedtime",
    "eomportal-lastupdate",
    "bt:moddate",
];

/// Meta keys that may mean the publication date or something else (the record's creation,
/// a generic date).
const WEAK_PUBLISHED_KEYS: &[&str] = &[
    "dc:date",
    "dcterms:date",
    "dcterms:created",
    "dc:created",
    "dc:date.created",
    "date",
    "datecreated",
    "date_created",
    "created",
    "content_create_date",
    "article.created",
    "og:regdate",
    "doc_date",
];

/// Meta keys that may mean the modification date.
const WEAK_MODIFIED_KEYS: &[&str] = &["modified", "revised", "revision_date"];

/// JSON-LD types whose dates are not the page's: the images, videos, people and
/// organisations it mentions, its navigation.
const NOT_THE_PAGE_TYPES: &[&str] = &[
    "ImageObject",
    "VideoObject",
    "AudioObject",
    "MediaObject",
    "Person",
    "Organization",
    "NewsMediaOrganization",
    "WebSite",
    "BreadcrumbList",
    "ListItem",
    "Event",
    "Product",
    "Offer",
    "Review",
    "Comment",
    "Rating",
    "AggregateRating",
    "SiteNavigationElement",
];

/// Lower-cased meta key with the Dublin Core prefix spelled one way: `DC.title`, `dc:title`
/// and `dc.Title` are the same property.
fn meta_key(key: &str) -> String {
    let key = key.to_ascii_lowercase();
    for prefix in ["dcterms", "dcterm", "dc"] {
        if let Some(rest) = key.strip_prefix(prefix) {
            if let Some(name) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(':')) {
                return format!("{prefix}:{name}");
            }
        }
    }
    key
}

/// Elements that name an author in the document.
fn is_author_element(dom: &Dom, i: usize, value: &Element<'_>) -> bool {
    if value.attr("rel").is_some_and(|rel| {
        rel.split_ascii_whitespace()
            .any(|r| r.eq_ignore_ascii_case("author"))
    }) && &*value.tag == "a"
    {
        return true;
    }
    if &*value.tag == "meta" || &*value.tag == "link" {
        return false;
    }
    if value.attr("itemprop").is_some_and(|p| {
        p.split_ascii_whitespace()
            .any(|p| p.eq_ignore_ascii_case("author"))
    }) {
        return true;
    }
    // Readability's byline test: class or id mentioning byline/author, but not a comment's
    // author or an author box holding a biography.
    const BYLINE_HINTS: [&str; 3] = ["byline", "author", "writtenby"];
    // Asked of every element: a word in the class or id, in any ASCII case, is also in
    // `class_id` (both lower-cased), which a fast substring search reads at once.
    if !BYLINE_HINTS
        .iter()
        .any(|hint| value.class_id.contains(hint))
    {
        return false;
    }
    let (class, id) = dom.class_and_id(i);
    let hint = |attribute: Option<&str>| {
        attribute.is_some_and(|v| {
            BYLINE_HINTS.iter().any(|hint| contains_ci(v, hint))
                && !contains_ci(v, "comment")
                && !contains_ci(v, "bio")
                && !contains_ci(v, "avatar")
                && !contains_ci(v, "authority")
        })
    };
    (hint(class) || hint(id)) && short_text(dom, i, MAX_BYLINE_CHARS)
}

/// ASCII case-insensitive substring test without allocating (runs on every class attribute).
fn contains_ci(haystack: &str, needle: &str) -> bool {
    haystack
        .as_bytes()
        .windows(needle.len())
        .any(|window| window.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Whether the element's text is at most `max` bytes (stops reading early).
fn short_text(dom: &Dom, i: usize, max: usize) -> bool {
    let mut length = 0;
    for piece in dom.texts(i) {
        length += piece.trim().len();
        if length > max {
            return false;
        }
    }
    length > 0
}

/// The name inside an author element: an `itemprop=name` descendant if there is one, else the
/// element's own text with line breaks where blocks end (so that "Name" and the headline of
/// the next block do not run together), bounded since a mis-classed container may be large.
fn author_element_text(dom: &Dom, element: usize) -> String {
    for descendant in element..dom.nodes[element].end {
        let Some(value) = dom.element(descendant) else {
            continue;
        };
        if value
            .attr("itemprop")
            .is_some_and(|p| p.eq_ignore_ascii_case("name"))
        {
            let text = value
                .attr("content")
                .map(str::to_owned)
                .unwrap_or_else(|| dom.texts(descendant).collect());
            return normalise_space(&text);
        }
    }
    if let Some(content) = dom.element(element).and_then(|e| e.attr("content")) {
        return normalise_space(content);
    }
    block_text(dom, element, 600)
}

/// Text of an element with a newline wherever consecutive text nodes sit in different block
/// elements (or a `<br>` separates them), up to about `max` bytes.
fn block_text(dom: &Dom, element: usize, max: usize) -> String {
    let mut text = String::new();
    let mut previous_block = None;
    for node in element..dom.nodes[element].end {
        if text.len() > max {
            break;
        }
        match &dom.nodes[node].kind {
            NodeKind::Text(piece) => {
                let block = dom
                    .ancestors(node)
                    .find(|&a| dom.element(a).is_some_and(|e| is_block(&e.tag)));
                if previous_block.is_some() && block != previous_block {
                    text.push('\n');
                }
                previous_block = block;
                text.push_str(piece);
            }
            NodeKind::Element(inner) if &*inner.tag == "br" => text.push('\n'),
            _ => {}
        }
    }
    text
}

fn is_block(name: &str) -> bool {
    matches!(
        name,
        "address"
            | "article"
            | "aside"
            | "blockquote"
            | "br"
            | "dd"
            | "div"
            | "dl"
            | "dt"
            | "figcaption"
            | "figure"
            | "footer"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "header"
            | "hr"
            | "li"
            | "main"
            | "nav"
            | "ol"
            | "p"
            | "pre"
            | "section"
            | "table"
            | "td"
            | "th"
            | "tr"
            | "ul"
    )
}

/// The headline of a JSON-LD article. Some sites put the headline in `name` and a subtitle
/// in `headline` (or the reverse); when both exist and differ, the one closer to `<title>` is
/// the headline.
/// The text of `<title>` with its spaces normalised, except an ideographic space (U+3000),
/// which Japanese tabs put between the headline and the site's name: the title's choice
/// reads it as a separator where a heading confirms the part before it.
fn title_tag_text(raw: &str) -> String {
    raw.split('\u{3000}')
        .map(normalise_space)
        .filter(|piece| !piece.is_empty())
        .collect::<Vec<_>>()
        .join("\u{3000}")
}

fn jsonld_headline(article: &Map<String, Value>, title_tag: Option<&str>) -> Option<String> {
    let headline = article.get("headline").and_then(jsonld::text_of);
    // Some CMSs put the site's name in the article's `name`: that is the publisher's name.
    let publisher = article.get("publisher").and_then(jsonld::text_of);
    let name = article
        .get("name")
        .and_then(jsonld::text_of)
        .filter(|name| publisher.as_ref() != Some(name));
    match (headline, name) {
        (Some(headline), Some(name)) if headline != name => {
            let Some(title_tag) = title_tag else {
                return Some(headline);
            };
            if word_overlap(&name, title_tag) > word_overlap(&headline, title_tag) {
                Some(name)
            } else {
                Some(headline)
            }
        }
        (headline, name) => headline.or(name),
    }
}

/// Share of the words of `candidate` that also occur in `reference`.
fn word_overlap(candidate: &str, reference: &str) -> f64 {
    let words = |text: &str| -> Vec<String> {
        text.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let reference = words(reference);
    let candidate = words(candidate);
    if candidate.is_empty() {
        return 0.0;
    }
    let shared = candidate.iter().filter(|w| reference.contains(w)).count();
    shared as f64 / candidate.len() as f64
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

/// Decodes the entities that survive in JSON-LD strings and double-escaped meta content,
/// and drops the tags among them, as the page's own text is read: in one pass of gleaner's
/// tokenizer, linear whatever markup a hostile page puts in the string.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    super::tokenizer::text_of_markup(text)
}

fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => format!("{}…", text[..end].trim_end()),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(html: &str, url: Option<&str>) -> Metadata {
        let url = url.map(|u| Url::parse(u).expect("test URL"));
        let reference = DateTime::parse_from_rfc3339("2025-01-15T12:00:00Z")
            .expect("valid")
            .with_timezone(&Utc);
        Dom::parse_with(html, |dom| {
            extract_metadata(dom, url.as_ref(), Some(reference))
        })
    }

    #[test]
    fn event_days_are_kept_apart() {
        let html = r#"<html><head><script type="application/ld+json">
            {"@type": "Event", "name": "Sommerfest", "startDate": "2024-07-13T14:00:00+02:00",
             "endDate": "2024-07-14"}</script></head><body>
            <p>Am <time itemprop="startDate" datetime="2024-07-13">13. Juli</time> feiern wir.</p>
            </body></html>"#;
        let m = meta(html, None);
        let days: Vec<String> = m
            .date_evidence
            .event_days
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(days, ["2024-07-13", "2024-07-14"]);
        // The microdata start date is not a weak publication date.
        assert!(
            m.date_evidence.markup.is_empty(),
            "{:?}",
            m.date_evidence.markup
        );
    }

    #[test]
    fn numeric_date_order_from_the_declared_language_and_its_region() {
        for (head, html_lang, want) in [
            ("", "en-US", DayOrder::MonthFirst),
            ("", "en", DayOrder::DayFirst),
            ("", "en-GB", DayOrder::DayFirst),
            // A bare language takes the region of another tag of the same language.
            (
                r#"<meta property="og:locale" content="en_US">"#,
                "en",
                DayOrder::MonthFirst,
            ),
            (
                r#"<meta property="og:locale" content="en_GB">"#,
                "en",
                DayOrder::DayFirst,
            ),
            // A theme's default locale of another language says nothing.
            (
                r#"<meta property="og:locale" content="en_US">"#,
                "de",
                DayOrder::DayFirst,
            ),
            (
                r#"<meta property="og:locale" content="en_US">"#,
                "en-GB",
                DayOrder::DayFirst,
            ),
            (
                r#"<meta property="og:locale" content="en_US">"#,
                "",
                DayOrder::MonthFirst,
            ),
        ] {
            let lang = if html_lang.is_empty() {
                String::new()
            } else {
                format!(r#" lang="{html_lang}""#)
            };
            let html = format!("<html{lang}><head>{head}</head><body></body></html>");
            assert_eq!(meta(&html, None).day_order, want, "{html}");
        }
    }

    #[test]
    fn opengraph_news_page() {
        let html = r#"<!DOCTYPE html><html lang="ru-RU"><head>
            <title>Выборы назначены на осень - Туран</title>
            <meta property="og:title" content="Выборы назначены на осень">
            <meta property="og:site_name" content="Туран">
            <meta property="og:description" content="  Парламент   принял решение. ">
            <meta property="og:image" content="/img/lead.jpg">
            <meta property="article:published_time" content="2024-09-03T14:12:00+04:00">
            <meta property="article:modified_time" content="2024-09-03T16:00:00+04:00">
            <meta property="article:section" content="Политика">
            <meta property="article:tag" content="выборы"><meta property="article:tag" content="Выборы">
            <meta name="author" content="Иван Петров">
            <link rel="canonical" href="/news/123">
            </head><body><h1>Выборы назначены на осень</h1></body></html>"#;
        let m = meta(html, Some("https://turan.example/ru/news/123?utm=x"));
        assert_eq!(m.title.as_deref(), Some("Выборы назначены на осень"));
        assert_eq!(m.site_name.as_deref(), Some("Туран"));
        assert_eq!(m.description.as_deref(), Some("Парламент принял решение."));
        assert_eq!(
            m.image.as_deref(),
            Some("https://turan.example/img/lead.jpg")
        );
        assert_eq!(
            m.canonical_url.as_deref(),
            Some("https://turan.example/news/123")
        );
        assert_eq!(m.published.as_deref(), Some("2024-09-03T14:12:00+04:00"));
        assert_eq!(m.modified.as_deref(), Some("2024-09-03T16:00:00+04:00"));
        assert_eq!(m.categories, ["Политика", "выборы"]);
        assert_eq!(m.authors, ["Иван Петров"]);
        assert_eq!(m.declared_lang.as_deref(), Some("ru"));
    }

    #[test]
    fn jsonld_graph_with_people_and_dates() {
        let html = r#"<html><head><title>Appeal | NGO</title>
            <script type="application/ld+json">{"@context":"https://schema.org","@graph":[
              {"@type":"WebSite","name":"NGO Monitor"},
              {"@type":"NewsArticle","headline":"Civil society appeal",
               "author":[{"@type":"Person","name":"Jane Doe"},{"@type":"Person","givenName":"John","familyName":"Roe"}],
               "datePublished":"2024-02-07T10:00:00Z","dateModified":"2024-02-06",
               "publisher":{"@type":"Organization","name":"NGO Monitor"},
               "image":{"@type":"ImageObject","url":"https://ngo.example/a.jpg"},
               "keywords":"human rights, torture","inLanguage":"en-GB"}]}</script>
            </head><body></body></html>"#;
        let m = meta(html, None);
        assert_eq!(m.title.as_deref(), Some("Civil society appeal"));
        assert_eq!(m.authors, ["Jane Doe", "John Roe"]);
        assert_eq!(m.published.as_deref(), Some("2024-02-07T10:00:00Z"));
        // Modified before published is a template error and is dropped.
        assert_eq!(m.modified, None);
        assert_eq!(m.site_name.as_deref(), Some("NGO Monitor"));
        assert_eq!(m.image.as_deref(), Some("https://ngo.example/a.jpg"));
        assert_eq!(m.categories, ["human rights", "torture"]);
        assert_eq!(m.declared_lang.as_deref(), Some("en"));
    }

    #[test]
    fn a_job_postings_date() {
        let html = r#"<html><head><title>Senior Field Hydrologist</title>
            <script type="application/ld+json">{"@context":"https://schema.org",
              "@type":"JobPosting","title":"Senior Field Hydrologist",
              "datePosted":"2024-07-28","validThrough":"2024-09-15"}</script>
            </head><body></body></html>"#;
        let m = meta(html, None);
        let posted: Vec<(String, Role)> = m
            .date_evidence
            .markup
            .iter()
            .map(|marked| (marked.date.format(), marked.role))
            .collect();
        assert_eq!(posted, [("2024-07-28".to_owned(), Role::Published)]);
    }

    #[test]
    fn a_microdata_headline_pins_the_tab_title() {
        let m = meta(
            r#"<html><head><title>Совместное заявление: журналисты должны быть освобождены - Свободное слово — Центральная Азия</title></head>
            <body><div class="page-header"><h2 itemprop="headline">Совместное заявление: журналисты должны быть освобождены</h2></div></body></html>"#,
            None,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("Совместное заявление: журналисты должны быть освобождены")
        );
    }

    #[test]
    fn title_tag_suffix_and_h1_fallbacks() {
        let m = meta(
            "<html><head><title>Turnout low in Baku | Politics | Turan</title></head>             <body><h1>Turan</h1><h1>Turnout low in Baku</h1></body></html>",
            Some("https://www.turan.az/2024/09/02/turnout"),
        );
        assert_eq!(m.title.as_deref(), Some("Turnout low in Baku"));
        // The date in the URL path is the last resort.
        assert_eq!(m.published.as_deref(), Some("2024-09-02"));

        let m = meta("<html><body><h1> Only a heading </h1></body></html>", None);
        assert_eq!(m.title.as_deref(), Some("Only a heading"));
    }

    #[test]
    fn an_h2_named_the_storys_title_stands_for_a_missing_h1() {
        let page = |heading: &str| {
            meta(
                &format!(
                    "<html><head><title>Third hearing held - Centre for the Monitoring of \
                     Justice in Kazakhstan</title></head><body>{heading}\
                     <p>The court sat again.</p></body></html>"
                ),
                None,
            )
        };
        let k2 = page("<h2 class=itemTitle>Third hearing held</h2>");
        assert_eq!(k2.title.as_deref(), Some("Third hearing held"));
        // A widget's heading names no story: the tab is left whole.
        let widget = page("<h2 class=widget-title>Third hearing held</h2>");
        assert_eq!(
            widget.title.as_deref(),
            Some("Third hearing held - Centre for the Monitoring of Justice in Kazakhstan")
        );
    }

    #[test]
    fn rdfa_dates_of_the_node_are_read_and_a_comments_are_not() {
        let node = |submitted: &str, comments: &str| {
            meta(
                &format!(
                    "<html><body><h1>Local council elections</h1>\
                     <div class=node><div class=submitted>{submitted}</div>\
                     <div class=content><p>Turnout was 41 percent.</p></div></div>\
                     <div id=comments>{comments}</div></body></html>"
                ),
                None,
            )
            .published
        };
        let rdfa = |date: &str| {
            format!(
                "<span property='dc:date dc:created' content='{date}' datatype='xsd:dateTime'>x</span>"
            )
        };
        assert_eq!(
            node(&rdfa("2024-03-05T10:00:00+04:00"), "").as_deref(),
            Some("2024-03-05T10:00:00+04:00")
        );
        let comment = format!(
            "<div class='comment'><div class=submitted>{}</div></div>",
            rdfa("2024-03-09T08:00:00+04:00")
        );
        assert_eq!(node("", &comment), None);
        // Names and titles in RDFa are not read as dates, nor anything else.
        assert_eq!(
            node(
                "<span property='schema:name' content='2024-03-05'>x</span>",
                ""
            ),
            None
        );
    }

    #[test]
    fn a_table_layouts_head_cell_pins_the_headline_after_the_sites_name() {
        let page = |shown: &str| {
            meta(
                &format!(
                    "<html><head><title>Администрация Северозёрского района - О проведении \
                     месячника по санитарной очистке и благоустройству</title></head><body>\
                     <table><tr>{shown}</tr></table><p>Текст</p></body></html>"
                ),
                None,
            )
            .title
        };
        let headline = "О проведении месячника по санитарной очистке и благоустройству";
        assert_eq!(
            page(&format!("<td class=head>{headline}</td>")).as_deref(),
            Some(headline)
        );
        // "head" inside another word names the page's header, not a headline.
        assert_ne!(
            page(&format!("<td class=masthead>{headline}</td>")).as_deref(),
            Some(headline)
        );
    }

    #[test]
    fn a_section_page_declares_a_listing() {
        let page = |types: &str| {
            meta(
                &format!(
                    "<html><head><script type=application/ld+json>[{types}]</script></head>\
                     <body><p>Text</p></body></html>"
                ),
                None,
            )
        };
        assert!(page(r#"{"@type":"CollectionPage","name":"Economy"}"#).declares_listing);
        assert!(page(r#"{"@type":"SearchResultsPage"}"#).declares_listing);
        // An article on a page that also calls itself a collection is an article.
        let both = page(r#"{"@type":"CollectionPage"},{"@type":"NewsArticle","headline":"x"}"#);
        assert!(!both.declares_listing && both.declares_article);
        assert!(!page(r#"{"@type":"WebPage"}"#).declares_listing);
    }

    #[test]
    fn a_logos_heading_names_the_site_and_is_no_headline() {
        // `<h1 id="logo">` holds the site's image and tagline; the tab's headline is cut
        // from the site's name the image gives.
        let m = meta(
            "<html><head><title>Таза шайлоо - Предварительное заявление по итогам наблюдения\
             </title></head><body><div class=logoheader><h1 id=logo><img src=/logo.png \
             alt='Таза шайлоо'><span>Независимое наблюдение за выборами в Кыргызстане</span>\
             </h1></div><div class=item-page><h2>Предварительное заявление по итогам \
             наблюдения</h2><p>Текст</p></div></body></html>",
            None,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("Предварительное заявление по итогам наблюдения")
        );
        // A heading whose class only names a title is the story's (`site__title` on a
        // magazine), and what a `<style>` inside a heading holds is not its text.
        let m = meta(
            "<html><head><title>Interabled Sex Education - Missy Magazine</title></head><body>\
             <h1 class=site__title>Interabled Sex Education</h1><p>Text</p></body></html>",
            None,
        );
        assert_eq!(m.title.as_deref(), Some("Interabled Sex Education"));
        let m = meta(
            "<html><body><h1><style>.alogo{display:block}</style>Sesiona el Pleno del Comité \
             Central</h1><p>Texto</p></body></html>",
            None,
        );
        assert_eq!(
            m.title.as_deref(),
            Some("Sesiona el Pleno del Comité Central")
        );
    }

    #[test]
    fn a_styled_headline_under_a_tab_of_the_site_and_a_section() {
        let page = |tab: &str, column: &str| {
            meta(
                &format!(
                    "<html><head><title>{tab}</title><meta property=og:site_name \
                     content='Brackenfold Farm'></head><body><table><tr><td>\
                     <table><tr><td class=boxtitle>Flock this spring</td></tr></table></td>\
                     <td>{column}<p>We finished lambing on Sunday night with the last of \
                     the Swaledale ewes.</p></td></tr></table></body></html>"
                ),
                None,
            )
            .title
        };
        let headline = "<p class=title>Lambing is over at last for another year</p>";
        // The heaviest styled title, not the side box's.
        assert_eq!(
            page("Brackenfold Farm - Diary", headline).as_deref(),
            Some("Lambing is over at last for another year")
        );
        // A tab that reads as a headline keeps it; so does a short name the page shows
        // styled, and a page with an <h1>.
        assert_eq!(
            page("Lambing is over - Brackenfold Farm", headline).as_deref(),
            Some("Lambing is over")
        );
        assert_eq!(
            page(
                "Brackenfold Farm - Diary",
                "<p class=title>3:59 PM Diary</p><p class=title>Older entries of the farm</p>"
            )
            .as_deref(),
            Some("Diary")
        );
        assert_ne!(
            page(
                "Brackenfold Farm - Diary",
                &format!("<h1>Diary of the farm</h1>{headline}")
            )
            .as_deref(),
            Some("Lambing is over at last for another year")
        );
        // A tab of two names that the site's declared name does not part, so that it is
        // read whole, is the same tab; one that reads as a headline is not.
        assert_eq!(
            page("Swaledale Notes :: Diary", headline).as_deref(),
            Some("Lambing is over at last for another year")
        );
        assert_eq!(
            page("Lambing over :: Swaledale farm diary", headline).as_deref(),
            Some("Lambing over :: Swaledale farm diary")
        );
        // The site's full name and a section's generic name ("News"), the name read from
        // it; German templates call the class `ueberschrift`. A tab of the site and another
        // piece that is no section's name is read as it was.
        assert_eq!(
            page("Brackenfold Hill Farm Trust - News", headline).as_deref(),
            Some("Lambing is over at last for another year")
        );
        assert_eq!(
            page(
                "Brackenfold Hill Farm Trust - Aktuelles",
                "<p class=ueberschrift>Die Lammzeit ist endlich vorbei</p>"
            )
            .as_deref(),
            Some("Die Lammzeit ist endlich vorbei")
        );
        assert_ne!(
            page("Brackenfold Hill Farm Trust - Spring lambing", headline).as_deref(),
            Some("Lambing is over at last for another year")
        );
        // A side column of other news styled as titles, each a link, before the story.
        let column: String = (1..=10)
            .map(|n| {
                format!(
                    "<p class=ntitle><a href=/news/{n}>Other news of the valley number {n}</a></p>"
                )
            })
            .collect();
        assert_eq!(
            page("Swaledale Notes :: Diary", &format!("{column}{headline}")).as_deref(),
            Some("Lambing is over at last for another year")
        );
    }

    #[test]
    fn a_headline_styled_as_a_title_pins_it_in_title() {
        let page = |shown: &str| {
            meta(
                &format!(
                    "<html><head><title>Выборы в местный совет - Новости района - Районный портал\
                     </title></head><body><table><tr>{shown}</tr></table><p>Текст</p></body></html>"
                ),
                None,
            )
            .title
        };
        assert_eq!(
            page("<td class=eTitle>Выборы в местный совет</td>").as_deref(),
            Some("Выборы в местный совет")
        );
        assert_eq!(
            page("<td id=page-title> Выборы в местный совет </td>").as_deref(),
            Some("Выборы в местный совет")
        );
        // A Russian site's transliterated class for "заголовок" (on a `<font>` too), a
        // Turkish one's "başlık", an Azerbaijani one's "başlıq".
        for shown in [
            "<td><p class=zag>Выборы в местный совет</p></td>",
            "<td><div class='news_zagolovok'>Выборы в местный совет</div></td>",
            "<td><div class=haberBaslik>Выборы в местный совет</div></td>",
            "<td><span class=baslig>Выборы в местный совет</span></td>",
            "<td><font class=zag>Выборы в местный совет</font></td>",
        ] {
            assert_eq!(
                page(shown).as_deref(),
                Some("Выборы в местный совет"),
                "{shown}"
            );
        }
        // A hand-written page's large font.
        for font in ["size=4", "size='+2'", "size=\"5\""] {
            assert_eq!(
                page(&format!(
                    "<td><font {font} color=#003366><b>Выборы в местный совет</b></font></td>"
                ))
                .as_deref(),
                Some("Выборы в местный совет"),
                "{font}"
            );
        }
        // The site's name set large in the header pins nothing when the logo names the
        // site.
        let header = meta(
            "<html><head><title>Јени Дөвран :: Сијасәт :: Мүшаһидәчиләр: сечки ҝүнү 200-дән чох \
             позунту гејдә алыныб</title></head><body><table><tr><td><a href=\"/\"><img \
             src=\"/img/logo.gif\" alt=\"Јени Дөвран\"></a></td><td><font size=5><b>ЈЕНИ \
             ДӨВРАН</b></font></td></tr></table><p>Мәтн</p></body></html>",
            None,
        );
        assert_eq!(
            header.title.as_deref(),
            Some("Мүшаһидәчиләр: сечки ҝүнү 200-дән чох позунту гејдә алыныб")
        );
        // Without it nothing says where the headline ends; an unstyled cell, or a font of
        // body or small print size, says nothing.
        for shown in [
            "",
            "<td>Выборы в местный совет</td>",
            "<td><font size=3>Выборы в местный совет</font></td>",
            "<td><font size=-1>Выборы в местный совет</font></td>",
        ] {
            assert_eq!(
                page(shown).as_deref(),
                Some("Выборы в местный совет - Новости района"),
                "{shown}"
            );
        }
    }

    #[test]
    fn the_home_link_names_the_site_in_title() {
        let post = |header: &str, title: &str| {
            meta(
                &format!(
                    "<html><head><title>{title}</title></head><body>{header}\
                     <div class=post><h2>Quick note</h2><p>Back from the conference.</p></div>\
                     </body></html>"
                ),
                None,
            )
            .title
        };
        // WordPress's `rel="home"`, and an older theme's logo heading linking to the root.
        let cases = [
            (
                "<p class=site-title><a href=https://example.org/ rel=home>My blog</a></p>",
                "Quick note | My blog",
                "Quick note",
            ),
            (
                "<h1><a href=/>My blog</a></h1>",
                "Quick note | My blog",
                "Quick note",
            ),
            (
                "<h1><a href='https://example.org/'>My blog</a></h1>",
                "My blog - Quick note",
                "Quick note",
            ),
            // A heading that only starts with the link, or a link to a page, names nothing.
            (
                "<h1><a href=/>My blog</a> and more</h1>",
                "Quick note | My blog",
                "Quick note | My blog",
            ),
            (
                "<h1><a href=/about>My blog</a></h1>",
                "Quick note | My blog",
                "Quick note | My blog",
            ),
        ];
        for (header, title, want) in cases {
            assert_eq!(post(header, title).as_deref(), Some(want), "{header}");
        }
    }

    #[test]
    fn a_blog_under_a_path_is_named_by_its_home_link() {
        let post = |url: &str, href: &str| {
            meta(
                &format!(
                    "<html><head><title>Mike's Notebook » Quick note</title>\
                     </head><body><h1><a href='{href}'>Mike's Notebook</a></h1>\
                     <div class=post><h2>Quick note</h2><p>Back from the conference.</p></div>\
                     </body></html>"
                ),
                Some(url),
            )
            .title
        };
        // The blog's home, above the post.
        for (url, href) in [
            ("http://example.net/blog/?p=123", "http://example.net/blog/"),
            ("http://example.net/blog/2005/05/quick-note/", "/blog/"),
        ] {
            assert_eq!(
                post(url, href).as_deref(),
                Some("Quick note"),
                "{url} {href}"
            );
        }
        // The post's own address is its permalink, not a home: the heading is the post's.
        for (url, href) in [
            (
                "http://example.net/quick-note/",
                "http://example.net/quick-note/",
            ),
            (
                "http://example.net/blog/?p=123",
                "http://other.example/blog/",
            ),
        ] {
            assert_eq!(
                post(url, href).as_deref(),
                Some("Mike's Notebook"),
                "{url} {href}"
            );
        }
    }

    #[test]
    fn qtranslate_markers_never_leak_into_metadata() {
        let m = meta(
            r#"<html><head><title>[:en]Appeal[:ru]Обращение[:]</title>
            <meta property="og:site_name" content="[:en]Monitor[:az]Gözətçi[:]">
            <meta name="description" content="{:en}Text{:}"></head></html>"#,
            None,
        );
        assert_eq!(m.title.as_deref(), Some("Appeal"));
        assert_eq!(m.site_name.as_deref(), Some("Monitor"));
        assert_eq!(m.description.as_deref(), Some("Text"));
    }

    #[test]
    fn dublin_core_spellings_and_property_preference() {
        let m = meta(
            r#"<html><head><meta name="DC.title" content="Name title">
            <meta property="dc:title" content="Property title">
            <meta name="DC.creator" content="Name Author"></head></html>"#,
            None,
        );
        assert_eq!(m.title.as_deref(), Some("Property title"));
        assert_eq!(m.authors, ["Name Author"]);
    }

    #[test]
    fn visible_byline_elements() {
        let m = meta(
            r#"<html><body><article><h1>Story</h1>
            <div class="post-byline"><span>by</span> <a href="/u/g">Gozetci</a></div>
            <p>Text</p></article>
            <div class="comment-author">Troll</div></body></html>"#,
            None,
        );
        assert_eq!(m.authors, ["Gozetci"]);
        let m = meta(
            r#"<html><body><a rel="author" href="/a">Jane Doe</a>
            <div class="author"><div>Other Person</div><div>A headline of another story here</div></div></body></html>"#,
            None,
        );
        assert_eq!(m.authors, ["Jane Doe"]);
        let m = meta(
            r#"<html><body><div class="author"><div>Other Person</div><div>A headline of another story</div></div></body></html>"#,
            None,
        );
        assert_eq!(m.authors, ["Other Person"]);
    }

    #[test]
    fn author_urls_are_not_names() {
        let m = meta(
            r#"<html><head><meta property="article:author" content="https://facebook.com/someone"></head></html>"#,
            None,
        );
        assert!(m.authors.is_empty());
    }

    #[test]
    fn time_elements_only_from_the_article() {
        let sidebar = r#"<html><body><article><h1>Story</h1><time datetime="2024-09-02T08:00:00Z">2 Sep</time></article>
            <aside><time datetime="2024-09-05">5 Sep</time></aside></body></html>"#;
        assert_eq!(
            meta(sidebar, None).published.as_deref(),
            Some("2024-09-02T08:00:00Z")
        );
        let feed = r#"<html><body><ul><li><time datetime="2024-09-02">x</time></li>
            <li><time datetime="2024-09-05">y</time></li></ul></body></html>"#;
        assert_eq!(meta(feed, None).published, None);
        // WordPress writes each reader's comment as an `<article>` with its `<time>`: a post
        // that shows no date of its own has none.
        let comments = r#"<html><body><div class="post"><h1>Tiramisù</h1><p>Text.</p></div>
            <ol class="comment-list"><li id="comment-2311" class="comment"><article class="comment-body">
            <div class="comment-metadata"><time datetime="2019-01-12T18:22:00+01:00">12 gennaio 2019</time></div>
            <p>Buonissimo!</p></article></li></ol></body></html>"#;
        assert_eq!(meta(comments, None).published, None);
        let itemprop = r#"<html><body><span itemprop="datePublished" content="2023-12-26T22:31:00+04:00">26-12-2023 [22:31]</span></body></html>"#;
        assert_eq!(
            meta(itemprop, None).published.as_deref(),
            Some("2023-12-26T22:31:00+04:00")
        );
    }

    #[test]
    fn future_and_ancient_dates_fall_through() {
        let html = r#"<html><head>
            <meta property="article:published_time" content="2031-01-01T00:00:00Z">
            <meta name="date" content="1970-01-01">
            <meta itemprop="datePublished" content="2024-03-02">
            </head></html>"#;
        assert_eq!(meta(html, None).published.as_deref(), Some("2024-03-02"));
    }

    #[test]
    fn relative_urls_without_a_page_url_are_dropped() {
        let m = meta(
            r#"<html><head><link rel="canonical" href="/x"><meta property="og:image" content="img.jpg"></head></html>"#,
            None,
        );
        assert_eq!(m.canonical_url, None);
        assert_eq!(m.image, None);
        let m = meta(
            r#"<html><head><base href="https://cdn.example/base/"><meta property="og:image" content="img.jpg"></head></html>"#,
            Some("https://site.example/a/b"),
        );
        assert_eq!(m.image.as_deref(), Some("https://cdn.example/base/img.jpg"));
    }

    #[test]
    fn empty_and_garbage_documents() {
        assert_eq!(meta("", None), Metadata::default());
        let garbage =
            "<<<>>>\u{0}<meta content><script type=application/ld+json>{{{</script><title></title>";
        let m = meta(garbage, None);
        assert_eq!(m.title, None);
        // Deep below the h1, and nested beyond the parser's cap after it.
        let deep = "<div>".repeat(200) + "<h1>Deep</h1>" + &"<div>".repeat(5_000) + "x";
        assert_eq!(meta(&deep, None).title.as_deref(), Some("Deep"));
    }

    #[test]
    fn date_markup_of_every_vocabulary() {
        let cases: &[(&str, Option<&str>, Option<&str>)] = &[
            (
                r#"<meta name="parsely-pub-date" content="2020-11-04T21:53:22Z">"#,
                Some("2020-11-04T21:53:22Z"),
                None,
            ),
            (
                r#"<meta name="parsely-page" content='{"title": "T", "pub_date": "2015-03-02T08:00:00Z", "section": "News"}'>"#,
                Some("2015-03-02T08:00:00Z"),
                None,
            ),
            (
                r#"<meta name="parsely-page" content='{"title": "T", "pub_date": 2015}'>"#,
                None,
                None,
            ),
            (
                r#"<meta name="parsely-page" content='pub_date 2015-03-02'>"#,
                None,
                None,
            ),
            (
                r#"<meta name="sailthru.date" content="2023-11-08 16:43:30">"#,
                Some("2023-11-08"),
                None,
            ),
            (
                r#"<meta name="citation_publication_date" content="2009/09/15">"#,
                Some("2009-09-15"),
                None,
            ),
            (
                r#"<meta name="DC.date.issued" content="2022-01-28T10:00:11+01:00">"#,
                Some("2022-01-28T10:00:11+01:00"),
                None,
            ),
            (
                r#"<meta name="dcterms.issued" content="2016-06-29">"#,
                Some("2016-06-29"),
                None,
            ),
            (
                r#"<meta name="pubdate" content="2021-12-14T15:41:07+01:00">"#,
                Some("2021-12-14T15:41:07+01:00"),
                None,
            ),
            (
                r#"<meta property="og:pubdate" content="2021-03-08T11:15:28Z">"#,
                Some("2021-03-08T11:15:28Z"),
                None,
            ),
            (
                r#"<meta name="cXenseParse:recs:publishtime" content="2022-05-11T04:10:00-03:00">"#,
                Some("2022-05-11T04:10:00-03:00"),
                None,
            ),
            (
                r#"<meta name="ageaParse:recs:publishtime" content="2022-05-03T22:46:08.000-0300">"#,
                Some("2022-05-03T22:46:08-03:00"),
                None,
            ),
            (
                r#"<meta property="article:published_time" content="1651626439">"#,
                Some("2022-05-04T01:07:19Z"),
                None,
            ),
            (
                r#"<meta itemprop="datePublished" content="2020-01-23">"#,
                Some("2020-01-23"),
                None,
            ),
            // A modification alone is reported as both (see date_choice).
            (
                r#"<meta property="og:updated_time" content="2020-06-02T11:57:06+02:00">"#,
                Some("2020-06-02T11:57:06+02:00"),
                Some("2020-06-02T11:57:06+02:00"),
            ),
            (
                r#"<meta name="date" content="2021-11-25"><meta name="DC.date.issued" content="2021-11-19">"#,
                Some("2021-11-19"),
                None,
            ),
            // Page-generation stamps and obscure keys are not dates of the article.
            (
                r#"<meta name="genTime" content="Wed Jul 08 16:36:31 CEST 2020">"#,
                None,
                None,
            ),
            (
                r#"<meta name="obj_date_gsa" content="2022-09-21">"#,
                None,
                None,
            ),
            (
                r#"<time class="entry-date published" datetime="2019-07-25T08:30:53+00:00">x</time><time class="updated" datetime="2019-07-26T09:10:50+00:00">y</time>"#,
                Some("2019-07-25T08:30:53Z"),
                Some("2019-07-26T09:10:50Z"),
            ),
            // hAtom's "updated" beside the post's date class is the post's own date.
            (
                r#"<time class="entry-date updated td-module-date" datetime="2023-02-14T16:05:22+00:00">x</time>"#,
                Some("2023-02-14T16:05:22Z"),
                None,
            ),
            (
                r#"<time class="entry-date published updated" datetime="2023-02-14T16:05:22+00:00">x</time>"#,
                Some("2023-02-14T16:05:22Z"),
                None,
            ),
            // hAtom microformats in older blog templates; an abbreviation is no date.
            (
                r#"<abbr class="published" title="2021-03-03T10:00:00+01:00">3 March</abbr><abbr class="updated" title="2021-03-05">5 March</abbr>"#,
                Some("2021-03-03T10:00:00+01:00"),
                Some("2021-03-05"),
            ),
            // Blogger's: microdata on the abbreviation, the time shown, the date in its title.
            (
                r#"<abbr class="published" itemprop="datePublished" title="2019-03-03T21:05:00-05:00">9:05 PM</abbr>"#,
                Some("2019-03-03T21:05:00-05:00"),
                None,
            ),
            (
                r#"<abbr title="2021-03-03">3 March</abbr><abbr class="published" title="Coordinated Universal Time">UTC</abbr>"#,
                None,
                None,
            ),
            (
                r#"<span itemprop="dateModified" content="2024-02-01">a</span><span itemprop="datePublished">2024-01-31</span>"#,
                Some("2024-01-31"),
                Some("2024-02-01"),
            ),
            (
                r#"<script type="application/ld+json">{"@context":"https://schema.org","@type":"Recipe","name":"Cake","datePublished":"2006-10-10"}</script>"#,
                Some("2006-10-10"),
                None,
            ),
            (
                r#"<script type="application/ld+json">{"@type":"VideoObject","uploadDate":"2021-06-30","datePublished":"2021-06-30"}</script>"#,
                None,
                None,
            ),
        ];
        for (head, published, modified) in cases {
            let html = format!("<html><head>{head}</head><body><p>x</p></body></html>");
            let m = meta(&html, None);
            assert_eq!(
                (m.published.as_deref(), m.modified.as_deref()),
                (*published, *modified),
                "{head}"
            );
        }
    }

    #[test]
    fn publication_times_by_class_on_several_days_are_a_list_of_posts() {
        // Related posts, each an <article> with its "published updated" time: only weak, so
        // the address's day stands.
        let related = |day: &str| {
            format!(
                r#"<article><h4><a href="/{day}/">Another post</a></h4>
                <time class="published updated" datetime="{day} 18:06:36">x</time></article>"#
            )
        };
        let html = format!(
            "<html><body><article><h1>Story</h1><p>Text.</p></article>{}{}</body></html>",
            related("2009-04-11"),
            related("2013-09-27")
        );
        let m = meta(&html, Some("https://www.example.de/2019/10/22/story/"));
        assert_eq!(m.published.as_deref(), Some("2019-10-22"));
        // One such time is the page's own, and strong.
        let html = format!(
            "<html><body><article><h1>Story</h1><p>Text.</p></article>{}</body></html>",
            related("2019-10-21")
        );
        let m = meta(&html, Some("https://www.example.de/2019/10/22/story/"));
        assert_eq!(m.published.as_deref(), Some("2019-10-21"));
    }

    #[test]
    fn hostile_date_markup_is_bounded() {
        // A million date-like values in every place dates are read: each source is read a
        // bounded number of times, and the first plausible value still wins.
        let mut html = String::from("<html><head>");
        html.push_str(r#"<meta name="DC.date.issued" content="2021-11-19">"#);
        for i in 0..20_000 {
            html.push_str(&format!(r#"<meta name="date" content="2021-11-{:02}"><meta name="x{i}pubdate" content="junk">"#, i % 28 + 1));
        }
        html.push_str("</head><body>");
        html.push_str(&r#"<div itemprop="datePublished">"#.repeat(5_000));
        html.push_str("not a date");
        for _ in 0..20_000 {
            html.push_str(r#"<time datetime="2020-01-01">1 January 2020</time>"#);
        }
        html.push_str("</body></html>");
        let m = meta(&html, None);
        assert_eq!(m.published.as_deref(), Some("2021-11-19"));
        assert!(
            m.date_evidence.markup.len() < 400,
            "{}",
            m.date_evidence.markup.len()
        );
    }

    #[test]
    fn svg_title_is_not_the_page_title() {
        let m = meta(
            "<html><body><svg><title>arrow-down</title></svg><h1>Real headline</h1></body></html>",
            None,
        );
        assert_eq!(m.title.as_deref(), Some("Real headline"));
    }
}
