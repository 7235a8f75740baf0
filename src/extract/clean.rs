//! Boilerplate recognition: which elements are never article text, and how much the
//! class/id names of an element suggest content or chrome.
//!
//! Class and id names are split into words at `-`, `_`, spaces and camelCase humps,
//! so `sharedaddy`, `post-share-bar` and `socialShare` are all recognised, while
//! words inside words (`canvas` ≠ `nav`) are not. Hints cover the CMS conventions
//! (WordPress, Drupal, Joomla, Bitrix, Tilda) and names in several languages
//! (en/de/fr/pl/ru/az transliterated), because the sites we crawl name their
//! blocks in their own language.

use aho_corasick::AhoCorasick;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use super::dom::Element;

/// Tags whose content is never article text.
const JUNK_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "math",
    "canvas",
    "object",
    "embed",
    "button",
    "select",
    "input",
    "textarea",
    "option",
    "optgroup",
    "nav",
    "footer",
    "head",
    "title",
    "meta",
    "link",
    "dialog",
    "menu",
    "map",
    "audio",
    "video",
    "source",
    "track",
    "datalist",
    "output",
    "progress",
    "meter",
    "frameset",
    "frame",
    // A scrolling ticker of the latest headlines, on sites of the table-layout era.
    "marquee",
    // Captions and photo credits describe an image, they do not continue the story.
    "figcaption",
];

/// ARIA roles of page chrome.
const JUNK_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "dialog",
    "alertdialog",
    "menu",
    "menubar",
    "toolbar",
];

/// Class and id words of a readers' comment thread: chrome outright, like [`JUNK_WORDS`],
/// and told apart from the rest by [`is_comments_by_class`].
const COMMENT_WORDS: &[&str] = &[
    "comment",
    "comments",
    "commentlist",
    "commentform",
    // a table layout's comment rows (`td.commenthead`, `td.commenttext`)
    "commenthead",
    "commenttext",
    "commentbody",
    "disqus",
    "kommentar",
    "kommentare",
    "commentaires",
    "commentaire",
    "komentarze",
    "komentarz",
    "komentari",
    "commenti",
    "kommentarii",
    "yorum",
    "yorumlar",
    // uCoz writes a comment as `comEnt`, one word once its case is gone
    "coment",
];

/// Whole words (after splitting class/id names) that mark chrome outright, whatever
/// the element holds: navigation, page frame, sharing, comments, related stories.
const JUNK_WORDS: &[&str] = &[
    // navigation
    "nav",
    "navbar",
    "navigation",
    "menu",
    "menus",
    "submenu",
    "topmenu",
    "mainmenu",
    "breadcrumb",
    "breadcrumbs",
    "crumbs",
    "pagination",
    "pager",
    "paging",
    "skiplink",
    // page frame
    "footer",
    "sidebar",
    "sidebars",
    "masthead",
    "topbar",
    "toolbar",
    "copyright",
    // sharing / social
    "share",
    "shares",
    "sharing",
    "sharer",
    "sharebar",
    "sharedaddy",
    "shariff",
    "addthis",
    "addtoany",
    "social",
    "socials",
    "sociallinks",
    "teilen",
    "partage",
    "udostepnij",
    // comments: see COMMENT_WORDS
    // author boxes after the story
    "bio",
    "authorbio",
    "authorbox",
    "aboutauthor",
    "abouttheauthor",
    "authorinfo",
    "authordetails",
    "autorenbox",
    "ueberdenautor",
    "authordescription",
    "authorprofile",
    "abouttheauthors",
    "authorsection",
    // WordPress "Simple Author Box"
    "saboxplugin",
    // related / more
    "related",
    "relatedposts",
    "recommended",
    "recommendations",
    "popular",
    "trending",
    "mostread",
    "mostpopular",
    "readalso",
    "morenews",
    "othernews",
    "lastnews",
    "latestnews",
    "topnews",
    "newsfeed",
    "outbrain",
    "taboola",
    "verwandte",
    "aehnliche",
    "empfehlungen",
    "powiazane",
    "polecane",
    "pohozhie",
    "populyarnoe",
    "chitaite",
    "oxsar",
    "sonxeberler",
    // ads, consent, subscription
    "advert",
    "adverts",
    "advertisement",
    "advertising",
    "sponsored",
    "werbung",
    "anzeige",
    "reklama",
    "reklam",
    "publicite",
    "publicidad",
    "newsletter",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    // the typo-report widget ("Orphus") and its prompt
    "orphus",
    // a forum's furniture around its posts: the poster's panel (rank, posts, joined) and
    // the board's statistics ("Who is online")
    "postprofile",
    "userinfo",
    "statblock",
    // a wiki's banner over every page (MediaWiki's `siteNotice`)
    "sitenotice",
    // text for screen readers only
    "sronly",
    "visuallyhidden",
    "screenreader",
    "screenreadertext",
];

/// Words that mark chrome only on elements with little prose of their own: short and
/// ambiguous names (`ad`, `widget`, `toc`, `banner`) also label real content wrappers
/// (Blogger's post lives in `widget Blog`, some sites name their sections `toc_title_3`).
const WEAK_JUNK_WORDS: &[&str] = &[
    "ad",
    "ads",
    "adv",
    "banner",
    "banners",
    "sponsor",
    "promo",
    "promotion",
    "subscribe",
    "subscription",
    // "paywall-container" wraps the paywalled story itself; only the small box is chrome.
    "paywall",
    "signup",
    "login",
    "register",
    "overlay",
    "widget",
    "widgets",
    // Joomla's module boxes (`div.moduletable` in a template's side position): its widgets.
    "moduletable",
    "toc",
    "skip",
    "print",
    "email",
    "follow",
    "likes",
    "respond",
    "reply",
    "replies",
    "discussion",
    "recommend",
    "similar",
    "readmore",
    "also",
    "latest",
    "feed",
    "headlines",
    "weitere",
    "zobacz",
    "digar",
    "tags",
    "tagcloud",
    "taglist",
    "tagged",
    "keywords",
    "schlagworte",
    "tegi",
    "hidden",
    "hide",
    "invisible",
    // portal widgets: informers (rates, weather), reader polls, appeals to give
    "informer",
    "informers",
    "currency",
    "currencies",
    "rates",
    "kurs",
    "kursy",
    "valyuta",
    "mezenne",
    "weather",
    "pogoda",
    "hava",
    "poll",
    "polls",
    "opros",
    "sorgu",
    "vote",
    "voting",
    "golosovanie",
    "sesverme",
    "petition",
    "support",
    "contribute",
    "contribution",
    "contributions",
    "membership",
    // the Guardian's word for its appeal at the foot of a story, taken up by others
    "epic",
    // a call-to-action card (Ghost's `kg-cta-card`, page builders' `cta-box`)
    "cta",
    // a forum poster's signature under each post; in news, the byline ("par …")
    "signature",
    // a wiki's tagline under the heading (MediaWiki's "From …, the free encyclopedia" in
    // `siteSub`) and its line of who changed the page last (DokuWiki's `docInfo`). Not
    // MediaWiki's `noprint`: shops and papers mark whole columns so, and a page whose
    // columns go loses what told its story from the boxes after it.
    "sitesub",
    "docinfo",
    // Discuz!'s stamp of a post's last edit ("本帖最后由 小鱼 于 2015-4-19 09:12 编辑")
    "pstatus",
    // the line under a WordPress post of the Kubrick family ("This entry was posted on …
    // You can follow any responses to this entry through the RSS 2.0 feed …"): translated
    // themes make it longer than a label
    "postmetadata",
];

/// Words that mark chrome only when the element is small (a dateline, byline or
/// category label next to the headline, not a container of the story).
const SMALL_JUNK_WORDS: &[&str] = &[
    "date",
    "dates",
    "time",
    "datetime",
    "timestamp",
    "byline",
    "author",
    "authors",
    "meta",
    "postmeta",
    "entrymeta",
    "entryutility",
    "entryfooter",
    "postfooter",
    "posted",
    "published",
    "updated",
    "category",
    "categories",
    "cat",
    "rubric",
    "rubrika",
    "section",
    "views",
    "counter",
    "rating",
    "source",
    "info",
    "details",
    "label",
    "badge",
    "tools",
    "actions",
    "caption",
    // a picture's caption named as one word (`imageCaption`, `photocaption`)
    "imagecaption",
    "photocaption",
    "credit",
    "credits",
    "photo",
    "subscribe",
];

/// Words that name a box asking readers to give money: chrome up to a few paragraphs of
/// pitch ([`is_appeal_by_class`]), more than a weak word's box may hold.
const APPEAL_WORDS: &[&str] = &["donate", "donation", "donations"];

/// Words of small labels that are chrome only as blocks: a meta line's dateline
/// (`<p class="content__dateline">Thu 3 May 2018 06.00 BST …`), where a `<span
/// class="dateline">` opens the story's first sentence ("CAIRO — Gunmen opened fire …").
const BLOCK_LABEL_WORDS: &[&str] = &["dateline"];

/// Words that name a title: chrome when they label a small box (a widget's or a teaser's
/// title), but on a heading element they say only that it is a heading
/// (`wp-block-heading`, `heading--small`, `entry-title`).
const TITLE_WORDS: &[&str] = &["title", "headline", "header", "heading", "kicker"];

/// Words that suggest the element holds the article.
const POSITIVE_WORDS: &[&str] = &[
    "article",
    "articles",
    "articlebody",
    "body",
    "content",
    "contents",
    "entry",
    "hentry",
    "main",
    "maincontent",
    "post",
    "story",
    "text",
    "blog",
    "artikel",
    "inhalt",
    "beitrag",
    "tresc",
    "texte",
    "contenu",
    "haber",
    "xeber",
    "news",
    "detail",
    "fulltext",
    "page",
    "single",
    "richtext",
    "prose",
    "statya",
    "material",
    "publication",
];

/// Words that suggest chrome without being conclusive.
const NEGATIVE_WORDS: &[&str] = &[
    "teaser",
    "teasers",
    "secondary",
    "extra",
    "aside",
    "links",
    "list",
    "more",
    "other",
    "promo",
    "sponsor",
    "shopping",
    "combx",
    "contact",
    "media",
    "meta",
    "scroll",
    "shoutbox",
    "skyscraper",
    "header",
    "top",
    "bottom",
    "right",
    "left",
    // "left" and "right" in the layout names of the region's and Europe's sites: Turkish
    // and Azerbaijani, German and Dutch, French.
    "sol",
    "sag",
    "rechts",
    "gauche",
    "droite",
    "col",
    "column",
    "box",
    "card",
    "cards",
    "slider",
    "carousel",
    "gallery",
    "rail",
    "stream",
];

/// Splits `class`/`id` text into lower-case words. camelCase humps were already
/// lost to lower-casing, so compound words are also matched whole (`socialshare`).
pub fn words(class_id: &str) -> impl Iterator<Item = &str> {
    class_id
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
}

/// Class names that describe a page layout or state rather than what the element is:
/// `has-sidebar`, `no-print`, `with-comments`, `sidebar-left` on a wrapper, and where a
/// Drupal field shows its label (`field-label-hidden`, `field--label-inline`: the label is
/// hidden, not the field, which is often the story's body).
fn is_modifier(name: &str) -> bool {
    let lower = name.trim_start_matches(['-', '_']);
    [
        "has-", "has_", "no-", "no_", "not-", "with-", "with_", "without-", "is-", "show-", "hide-",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || lower.ends_with("-left")
        || lower.ends_with("-right")
        || lower.starts_with("left-")
        || lower.starts_with("right-")
        || lower.contains(':')
        || lower.contains("layout")
        || lower.contains("template")
        || ["label-hidden", "label-above", "label-inline"]
            .iter()
            .any(|placement| lower.ends_with(placement))
}

/// A BEM modifier beside its block's own name (`callout callout--info`): it names a variant
/// of the block, so it never makes the block a small label (a tip box in a how-to is
/// prose); what the block's name says still holds. Without the block's name beside it,
/// `--` may part a block from its element (`article-detailed--date`), which is a label.
/// Drupal names each field so (`field field--name-field-caption`): a modifier that opens
/// with "name-" says what the field holds, not a variant of it.
fn is_variant(class_id: &str, name: &str) -> bool {
    name.split_once("--").is_some_and(|(block, modifier)| {
        !block.is_empty()
            && !modifier.starts_with("name-")
            && class_id.split_whitespace().any(|other| other == block)
    })
}

/// WordPress's `post_class()` marks the post container with its taxonomy terms
/// (`category-news`, `tag-elections`) beside `hentry` and `type-post`/`status-publish`: on
/// such an element those names describe the story, they do not label a category box.
fn is_post_class_term(class_id: &str, name: &str) -> bool {
    (name.starts_with("category-") || name.starts_with("tag-"))
        && class_id
            .split_whitespace()
            .any(|n| n == "hentry" || n.starts_with("type-") || n.starts_with("status-"))
}

/// A title by class ([`TITLE_WORDS`]: `article__title`, `headline`), of any element.
pub fn is_title_by_class(el: &Element) -> bool {
    !el.class_id.is_empty() && has_word(el, TITLE)
}

/// Dialogs the page shows over itself on demand (a contact flyout, a newsletter or
/// account prompt): chrome whatever their prose, when they are blocks. Inline elements with
/// these names are glossary and annotation pop-ups on words of the story.
const DIALOG_WORDS: &[&str] = &["popup", "modal"];

/// The hint lists an element's class and id names are in, one bit per list: a single pass
/// over a class/id value answers all of them.
pub type Hints = u16;
const JUNK: Hints = 1;
const WEAK_JUNK: Hints = 1 << 1;
const SMALL_JUNK: Hints = 1 << 2;
const POSITIVE: Hints = 1 << 3;
const NEGATIVE: Hints = 1 << 4;
const TITLE: Hints = 1 << 5;
const DIALOG: Hints = 1 << 6;
const COMMENTS: Hints = 1 << 7;
const BLOCK_LABEL: Hints = 1 << 8;
const APPEAL: Hints = 1 << 9;

/// Every hint word with the bits of the lists it is in, and a filter that rules out most
/// other words before they are hashed. Class tests run several times on every element of
/// every page; a scan of each list per word was the extractor's most expensive pass after
/// parsing, and hashing every word and compound of every distinct class still cost 6 % of
/// an extraction over the dev corpus when nearly all of them are in no list.
struct HintIndex {
    words: HashMap<&'static str, Hints, BuildHasherDefault<Fnv>>,
    /// Length in bytes of the longest hint word.
    max_len: usize,
    /// Bit [`length_bit`] of a length is set in `by_first[b]` when a hint word of that
    /// length starts with byte `b`, and in `by_last[b]` when one ends with it.
    by_first: [u64; 256],
    by_last: [u64; 256],
}

/// The bit that stands for a word length in [`HintIndex`]'s filters; lengths from 63 on
/// share the last bit, which only makes the filter less selective for them.
fn length_bit(len: usize) -> u64 {
    1 << len.min(63)
}

impl HintIndex {
    fn new() -> HintIndex {
        let mut index = HintIndex {
            words: HashMap::default(),
            max_len: 0,
            by_first: [0; 256],
            by_last: [0; 256],
        };
        for (list, bit) in [
            (JUNK_WORDS, JUNK),
            (COMMENT_WORDS, COMMENTS),
            (WEAK_JUNK_WORDS, WEAK_JUNK),
            (SMALL_JUNK_WORDS, SMALL_JUNK),
            (POSITIVE_WORDS, POSITIVE),
            (NEGATIVE_WORDS, NEGATIVE),
            (TITLE_WORDS, TITLE),
            (DIALOG_WORDS, DIALOG),
            (BLOCK_LABEL_WORDS, BLOCK_LABEL),
            (APPEAL_WORDS, APPEAL),
        ] {
            for word in list {
                *index.words.entry(*word).or_insert(0) |= bit;
                let bytes = word.as_bytes();
                if let (Some(&first), Some(&last)) = (bytes.first(), bytes.last()) {
                    index.by_first[usize::from(first)] |= length_bit(bytes.len());
                    index.by_last[usize::from(last)] |= length_bit(bytes.len());
                }
                index.max_len = index.max_len.max(bytes.len());
            }
        }
        index
    }

    /// Whether a hint word of `len` bytes may start with `first` and end with `last`: when
    /// not, no word of that shape is in any list.
    fn may_hold(&self, first: u8, last: u8, len: usize) -> bool {
        len <= self.max_len
            && self.by_first[usize::from(first)] & self.by_last[usize::from(last)] & length_bit(len)
                != 0
    }

    /// The bits of the lists `word` is in.
    fn lookup(&self, word: &str) -> Hints {
        match (word.as_bytes().first(), word.as_bytes().last()) {
            (Some(&first), Some(&last)) if self.may_hold(first, last, word.len()) => {
                self.words.get(word).copied().unwrap_or(0)
            }
            _ => 0,
        }
    }

    /// The bits of the lists the compound `head` + `tail` is in, written out only when the
    /// filter lets it through.
    fn lookup_joined(&self, head: &str, tail: &str, joined: &mut String) -> Hints {
        match (head.as_bytes().first(), tail.as_bytes().last()) {
            (Some(&first), Some(&last)) if self.may_hold(first, last, head.len() + tail.len()) => {
                joined.clear();
                joined.push_str(head);
                joined.push_str(tail);
                self.words.get(joined.as_str()).copied().unwrap_or(0)
            }
            _ => 0,
        }
    }
}

static HINT_INDEX: LazyLock<HintIndex> = LazyLock::new(HintIndex::new);

/// FNV-1a: the keys are a few hundred fixed words and the lookups short class names, for
/// which the standard library's DoS-resistant hasher costs more than the lookup itself.
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut hash = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &byte in bytes {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = hash;
    }
}

/// Blocks of a page's content that have a head of their own: an accordion's or an FAQ's
/// item, a card, a panel.
const HEADED_BLOCKS: &[&str] = &["accordion", "card", "panel", "collapse", "faq", "toggle"];

/// Blocks that fold their text under a title of their own: an accordion's or an FAQ's item.
const FOLDING_BLOCKS: &[&str] = &["accordion", "collapse", "faq", "toggle"];

/// The head of such a block (`accordion-header`, `card-header`, `panel-heading`), or the
/// title of a folding one (`accordion-title`): it holds the block's title, an FAQ's
/// question, not the page's header or a widget's label.
fn is_block_head(name: &str) -> bool {
    if !matches!(name.as_bytes().last(), Some(b'r' | b'g' | b'e' | b'n')) {
        return false;
    }
    let rest_of = |block: &&str| {
        name.strip_prefix(*block)
            .map(|rest| rest.trim_start_matches(['-', '_']))
    };
    HEADED_BLOCKS
        .iter()
        .filter_map(rest_of)
        .any(|rest| matches!(rest, "header" | "heading"))
        || FOLDING_BLOCKS
            .iter()
            .filter_map(rest_of)
            .any(|rest| matches!(rest, "title" | "question"))
}

/// The prefix of SmartEditor's (Naver's blog editor's) section names; see [`class_hints`].
const SMART_EDITOR_SECTION: &str = "se-section";

/// The prefix of the names of Elementor's building blocks; see [`class_hints`].
const ELEMENTOR_WIDGET: &str = "elementor-widget";

/// The hint lists that a word or the compound of a (non-modifier) name of `class_id` is in.
/// Computed once per element, into [`Element::hints`].
pub fn class_hints(class_id: &str) -> Hints {
    let index = &*HINT_INDEX;
    let mut joined = String::new();
    let mut bits = 0;
    let mut add_name = |name: &str| {
        // Elementor builds every page of every kind from "widgets" (`elementor-widget
        // elementor-widget-text-editor`, `elementor-widget-container`): there the word names
        // a building block, not a sidebar's box; the rest of the name still tells
        // (`elementor-widget-nav-menu`, `elementor-widget-share-buttons`).
        // The first byte rules out most names before any comparison: every class name of
        // every page passes here.
        let name = match name.as_bytes().first() {
            Some(b'e') => name
                .strip_prefix(ELEMENTOR_WIDGET)
                .map_or(name, |rest| rest.trim_start_matches('-')),
            _ => name,
        };
        // Naver's SmartEditor wraps each paragraph in `se-section se-section-text`: a
        // building block, not a section's label.
        let smart_editor_section =
            name.as_bytes().first() == Some(&b's') && name.starts_with(SMART_EDITOR_SECTION);
        if name.is_empty() || smart_editor_section || is_block_head(name) {
            return;
        }
        let name_bits = if name.is_ascii() {
            ascii_name_hints(index, name, &mut joined)
        } else {
            name_hints(index, name, &mut joined)
        };
        // Modifiers and post-class terms hint at nothing; most names hit no list, so this
        // is rarely asked.
        if name_bits != 0 && !is_modifier(name) && !is_post_class_term(class_id, name) {
            bits |= if name_bits & SMALL_JUNK != 0 && is_variant(class_id, name) {
                name_bits & !SMALL_JUNK
            } else {
                name_bits
            };
        }
    };
    if class_id.is_ascii() {
        // What `split_whitespace` does on ASCII text (tab to carriage return, and space),
        // without decoding characters.
        let bytes = class_id.as_bytes();
        let mut start = 0;
        for (i, byte) in bytes.iter().enumerate() {
            if matches!(byte, b'\t'..=b'\r' | b' ') {
                if start < i {
                    add_name(&class_id[start..i]);
                }
                start = i + 1;
            }
        }
        if start < bytes.len() {
            add_name(&class_id[start..]);
        }
    } else {
        class_id.split_whitespace().for_each(add_name);
    }
    bits
}

/// The hint lists that a word of `name` is in, or the compound of its words, or of two
/// adjacent words: `bmg-author-box` → `authorbox`, `entry-author-info` → `authorinfo`, so a
/// compound in a list is found inside a longer prefixed name. `joined` is scratch space.
fn name_hints(index: &HintIndex, name: &str, joined: &mut String) -> Hints {
    let mut name_bits = words(name).fold(0, |acc, w| acc | index.lookup(w));
    // A name of one word is its own compound, already looked up.
    if name.contains(|c: char| !c.is_alphanumeric()) {
        name_bits |= all_words_hints(index, name, joined);
        let mut previous: Option<&str> = None;
        for word in words(name) {
            if let Some(previous) = previous {
                name_bits |= index.lookup_joined(previous, word, joined);
            }
            previous = Some(word);
        }
    }
    name_bits
}

/// [`name_hints`] of an ASCII name, in one pass over its bytes: every class of every page
/// goes through here, and decoding characters to split words took most of the time.
fn ascii_name_hints(index: &HintIndex, name: &str, joined: &mut String) -> Hints {
    let bytes = name.as_bytes();
    let mut name_bits = 0;
    let mut previous: Option<&str> = None;
    let (mut first, mut total, mut several) = (None, 0, false);
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let word = &name[start..i];
        name_bits |= index.lookup(word);
        if let Some(previous) = previous {
            name_bits |= index.lookup_joined(previous, word, joined);
            several = true;
        }
        first.get_or_insert(word);
        total += word.len();
        previous = Some(word);
    }
    // A name of one word is its own compound, already looked up.
    if several
        && let (Some(first), Some(last)) = (first, previous)
        && index.may_hold(first.as_bytes()[0], last.as_bytes()[last.len() - 1], total)
    {
        name_bits |= joined_hints(index, name, joined);
    }
    name_bits
}

/// The hint lists that the letters and digits of `name`, i.e. its words joined, are in.
/// Their first and last bytes and their length are known before they are written out.
fn all_words_hints(index: &HintIndex, name: &str, joined: &mut String) -> Hints {
    let (mut first, mut last, mut len) = ("", "", 0);
    for word in words(name) {
        if first.is_empty() {
            first = word;
        }
        last = word;
        len += word.len();
        if len > index.max_len {
            return 0;
        }
    }
    match (first.as_bytes().first(), last.as_bytes().last()) {
        (Some(&head), Some(&tail)) if index.may_hold(head, tail, len) => {
            joined_hints(index, name, joined)
        }
        _ => 0,
    }
}

/// The hint lists that the words of `name` joined are in, looked up without the filter.
fn joined_hints(index: &HintIndex, name: &str, joined: &mut String) -> Hints {
    joined.clear();
    words(name).for_each(|word| joined.push_str(word));
    index.words.get(joined.as_str()).copied().unwrap_or(0)
}

/// Whether an element other than a heading or a link has a class or id naming a title
/// (`<td class="eTitle">`, `<div class="t-title">`, `<div id="page-title">`, a table
/// layout's `<td class="head">`, a journal's `<span class="subject">`, a Russian site's
/// `<p class="zag">` or `<font class="zag">` for "заголовок", a Turkish or Azerbaijani
/// one's `haber-baslik` or `baslig`): how page builders, old CMSs and blogs set a headline.
/// "head", "subject" and "zag" count only as whole words: `header` and `masthead` hold the
/// site's name. Class and id are searched as one string ("etitle", "contentheading" are
/// single words); most elements have neither and cost one test. Hand-written pages of the
/// 1990s and 2000s set their headline in a large `<font>` instead ([`is_large_font`]).
pub fn is_styled_title(element: &Element<'_>) -> bool {
    if &*element.tag == "font" && is_large_font(element) {
        return true;
    }
    if element.class_id.is_empty()
        || matches!(
            &*element.tag,
            "a" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "title" | "body" | "html"
        )
    {
        return false;
    }
    let names = &*element.class_id;
    // Every element with a class asks: two substring searches answer most of them.
    let whole_word = |wanted: &str| {
        names
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == wanted)
    };
    names.contains("title")
        || (names.contains("head")
            && (names.contains("heading") || names.contains("headline") || whole_word("head")))
        || (names.contains("subject") && whole_word("subject"))
        || (names.contains("zag") && TRANSLITERATED_TITLE_WORDS.iter().any(|w| whole_word(w)))
        || names.contains("baslik")
        || names.contains("basliq")
        || names.contains("baslig")
        || TITLE_WORDS_ELSEWHERE.iter().any(|w| names.contains(w))
}

/// A title's class named in other languages, as hand-written templates name it:
/// German `ueberschrift`, French `titre`, Spanish and Portuguese `titulo`, Italian `titolo`,
/// Polish `tytul`, Czech and Slovak `nadpis`.
const TITLE_WORDS_ELSEWHERE: &[&str] = &[
    "ueberschrift",
    "titre",
    "titulo",
    "titolo",
    "tytul",
    "nadpis",
];

/// Transliterated Russian names of a headline's class ("заголовок", "загл."), as whole
/// words of a class or id.
const TRANSLITERATED_TITLE_WORDS: &[&str] = &["zag", "zagl", "zagolovok", "zagolovki"];

/// Whether a `<font>` is set larger than the text around it could be set: `size` 4 to 7,
/// or raised by one or more ("+1"). Body text is the default 3, small print 1 or 2.
fn is_large_font(font: &Element<'_>) -> bool {
    font.attr("size").is_some_and(|size| {
        let size = size.trim();
        match size.strip_prefix('+') {
            Some(raised) => raised.parse::<u8>().is_ok_and(|n| n >= 1),
            None => size.parse::<u8>().is_ok_and(|n| (4..=7).contains(&n)),
        }
    })
}

/// The elements of the page's body styled as titles ([`is_styled_title`]), in order.
pub fn styled_titles<'d>(dom: &'d super::dom::Dom<'_>) -> impl Iterator<Item = usize> + 'd {
    (dom.body()..dom.len()).filter(|&i| dom.element(i).is_some_and(is_styled_title))
}

fn has_word(el: &Element, list: Hints) -> bool {
    el.hints & list != 0
}

/// What the blocks named for comments are on a page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommentBlocks {
    /// Readers' comments under a story: chrome, like a share bar.
    Chrome,
    /// The posts of a forum thread the page declares itself to be (JSON-LD
    /// `DiscussionForumPosting`): Invision Community names every post `ipsComment`, so
    /// there they are the content.
    Posts,
}

/// Words in a class list that show an element is page chrome *about* comments,
/// sharing etc. but also contain content words, e.g. `comment-content`: the chrome
/// word wins, since a comment's content is still a comment.
pub fn is_junk_by_class(el: &Element) -> bool {
    is_junk_by_class_where(el, CommentBlocks::Chrome)
}

/// [`is_junk_by_class`], with comment words chrome or not as `comments` says.
pub fn is_junk_by_class_where(el: &Element, comments: CommentBlocks) -> bool {
    !el.class_id.is_empty() && has_word(el, chrome_bits(comments))
}

/// The hint lists that make an element chrome outright.
fn chrome_bits(comments: CommentBlocks) -> Hints {
    match comments {
        CommentBlocks::Chrome => JUNK | COMMENTS,
        CommentBlocks::Posts => JUNK,
    }
}

/// A readers' comment thread, or a comment in one, by class or id ([`COMMENT_WORDS`]).
pub fn is_comments_by_class(el: &Element) -> bool {
    !el.class_id.is_empty() && has_word(el, COMMENTS)
}

/// Chrome by an ambiguous class name: only decisive for elements with little prose.
pub fn is_weak_junk_by_class(el: &Element) -> bool {
    !el.class_id.is_empty() && has_word(el, WEAK_JUNK)
}

/// A box asking readers to give, by class ([`APPEAL_WORDS`]): the caller takes it only
/// while it holds a few paragraphs of prose at most ("Наблюдение — это работа сотен
/// волонтеров" over a paragraph of pitch in `section.donate-box`).
pub fn is_appeal_by_class(el: &Element) -> bool {
    !el.class_id.is_empty() && has_word(el, APPEAL)
}

/// A block dialog by class ([`DIALOG_WORDS`]); the caller spares the wrapper of most of
/// the page's prose (a story shown in a modal).
pub fn is_dialog_by_class(el: &Element) -> bool {
    !el.class_id.is_empty() && has_word(el, DIALOG) && !is_inline(&el.tag)
}

/// Small labels (datelines, bylines, categories) recognised by class/id.
pub fn is_small_junk_by_class(el: &Element) -> bool {
    !el.class_id.is_empty()
        && (has_word(el, SMALL_JUNK)
            || (has_word(el, BLOCK_LABEL) && !is_inline(&el.tag))
            || (has_word(el, TITLE)
                && !matches!(&*el.tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")))
}

/// Elements removed whatever their size: by tag or because the page hides them.
pub fn is_junk_by_tag(el: &Element) -> bool {
    JUNK_TAGS.contains(&&*el.tag) || is_hidden(el)
}

/// Page chrome by ARIA role (`navigation`, `banner`, `complementary`…). The caller spares
/// an element that wraps most of the page: a template that never closes its
/// `<header role="banner">` puts the whole page inside it.
pub fn is_junk_by_role(el: &Element) -> bool {
    el.attr("role").is_some_and(|role| {
        let role = role.trim().to_ascii_lowercase();
        JUNK_ROLES.contains(&role.as_str())
    })
}

/// `hidden`, `aria-hidden="true"`, inline `display:none` / `visibility:hidden`; except an
/// accordion's panel (`role="region"`), which the page folds, not hides: an FAQ's answer
/// under its question, opened by a click.
pub fn is_hidden(el: &Element) -> bool {
    if el
        .attr("role")
        .is_some_and(|role| role.trim().eq_ignore_ascii_case("region"))
    {
        return false;
    }
    if el.attr("hidden").is_some() {
        return true;
    }
    if el
        .attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = el.attr("style") {
        let compact: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        if compact.contains("display:none") || compact.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

/// Readability-style class weight: +25 for content hints, -25 for chrome hints (comment
/// words among them unless `comments` are a thread's posts).
pub fn class_weight(el: &Element, comments: CommentBlocks) -> i32 {
    if el.class_id.is_empty() {
        return 0;
    }
    let mut weight = 0;
    let hints = el.hints;
    if hints & (chrome_bits(comments) | WEAK_JUNK | APPEAL) != 0 {
        weight -= 25;
    } else if hints & NEGATIVE != 0 {
        weight -= 10;
    }
    if hints & POSITIVE != 0 {
        weight += 25;
    }
    if declares_article_body(el) {
        weight += 25;
    }
    weight
}

/// Whether `el` is declared the article's body by schema.org microdata
/// (`itemprop="articleBody"`, also among other properties: `"description articleBody"`).
pub fn declares_article_body(el: &Element) -> bool {
    el.attr("itemprop").is_some_and(|p| {
        p.split_ascii_whitespace()
            .any(|token| token.eq_ignore_ascii_case("articleBody"))
    })
}

/// Labels that open the furniture after a story — contact, sources, further reading, the
/// author — in the languages of the sites we crawl, and the marks that end a press release
/// ("###", "-30-"), after which come its contact and "notes to editors". (A closing "Ends."
/// is a word the release prints and stays, with what follows it.) Compared with a whole
/// short block.
const TAIL_SECTION_LABELS: &[&str] = &[
    "###",
    "# # #",
    "-30-",
    "- 30 -",
    "contact",
    "contacts",
    "media contact",
    "press contact",
    "kontakt",
    "pressekontakt",
    "ansprechpartner",
    "ansprechpartnerin",
    "weitere informationen",
    "mehr informationen",
    "more information",
    "for more information",
    "media contacts",
    "press contacts",
    "further information",
    "plus d'informations",
    "pour en savoir plus",
    "en savoir plus",
    "sources",
    "quellen",
    "quellenangaben",
    "zum weiterlesen",
    "weiterlesen",
    "schon gelesen",
    "das könnte sie auch interessieren",
    "das könnte dich auch interessieren",
    "weitere beiträge",
    "ähnliche beiträge",
    "ähnliche artikel",
    "related articles",
    "related posts",
    "related",
    "related content",
    "related stories",
    "related news",
    "related reading",
    "read more",
    "read also",
    "you may also like",
    "über den autor",
    "über die autorin",
    "about the author",
    "à lire aussi",
    "lire aussi",
    "czytaj także",
    "czytaj też",
    "zobacz także",
    "kontakt dla mediów",
    "media inquiries",
    "media enquiries",
    "press inquiries",
    "press enquiries",
    "контакты для сми",
    "контакт для сми",
    "контакти для змі",
    "media üçün əlaqə",
    "mətbuat üçün əlaqə",
    "lea también",
    "te puede interesar",
    "neueste artikel",
    "neueste beiträge",
    "aktuelle news",
    "aktuelle nachrichten",
    "aktuelle artikel",
    "top themen",
    "meistgelesen",
    "mehr zum thema",
    "auch interessant",
    "empfehlungen der redaktion",
    "latest news",
    "latest articles",
    "latest posts",
    "most read",
    "most popular",
    "more on this topic",
    "more stories",
    "les plus lus",
    "sur le même sujet",
    "dans la même rubrique",
    "najnowsze",
    "najczęściej czytane",
    "lo más leído",
    "últimas noticias",
    "последние новости",
    "популярное",
    "самое читаемое",
    "son xəbərlər",
    "ən çox oxunan",
    "контакты",
    "читайте также",
    "читайте также:",
    "смотрите также",
    "об авторе",
    "источники",
    "əlaqə",
    "oxşar xəbərlər",
    "digər xəbərlər",
    // other stories, in the languages of the sites we crawl: multi-word phrases only, as
    // a lone "Popular" or "Рекомендуем" may head the story's own section or sentence
    "материалы по теме",
    "новости по теме",
    "статьи по теме",
    "ещё по теме",
    "еще по теме",
    "также по теме",
    "также читайте",
    "читайте ещё",
    "читайте еще",
    "похожие новости",
    "похожие материалы",
    "похожие статьи",
    "другие новости",
    "другие материалы",
    "вам также может быть интересно",
    "вам может быть интересно",
    "вас может заинтересовать",
    "рекомендуем прочитать",
    "рекомендуем почитать",
    "новости партнеров",
    "новости партнёров",
    "самое популярное",
    "популярные новости",
    "выбор редакции",
    "читайте також",
    "дивіться також",
    "новини по темі",
    "матеріали по темі",
    "схожі новини",
    "інші новини",
    "останні новини",
    "вас також може зацікавити",
    "mövzu ilə bağlı",
    "mövzu ilə bağlı xəbərlər",
    "bu mövzuda",
    "həmçinin oxuyun",
    "həmçinin baxın",
    "sizə maraqlı ola bilər",
    "bunlar da maraqlı ola bilər",
    "ən çox oxunanlar",
    "populyar xəbərlər",
    "xəbər lenti",
    "ilgili haberler",
    "benzer haberler",
    "diğer haberler",
    "ilginizi çekebilir",
    "bunlar da ilginizi çekebilir",
    "en çok okunanlar",
    "çok okunanlar",
    "ayrıca okuyun",
    "also read",
    "see also",
    "more from this author",
    "recommended for you",
    "recommended reading",
    "you might also like",
    "you may also be interested in",
    "related coverage",
    "editor's picks",
    "lesen sie auch",
    "das könnte sie interessieren",
    "verwandte artikel",
    "noticias relacionadas",
    "artículos relacionados",
    "también te puede interesar",
    "lee también",
    "à voir aussi",
    "voir aussi",
    "articles similaires",
    "sur le même thème",
    // further reading and how to cite the piece
    "further reading",
    "aller plus loin",
    "pour aller plus loin",
    "weiterführende links",
    "suggested citation",
    "cite this article",
    "how to cite",
    "how to cite this article",
    "pour citer cet article",
    "zitiervorschlag",
    "zitierweise",
    "jak cytować",
    "как цитировать",
    "для цитирования",
];

/// Openings of source lines: where the text came from, or whose it is. With the photo
/// credits ([`PHOTO_CREDIT_PREFIXES`]) they make the credit lines that close a story.
const SOURCE_CREDIT_PREFIXES: &[&str] = &[
    "quelle:",
    "source:",
    "source :",
    "credit:",
    "credits:",
    "crédits :",
    "fuente:",
    "источник:",
    "mənbə:",
    "(c) ",
    "©",
];

/// Calls to action that close a page rather than the story: follow us, subscribe, get
/// the app, write to us.
const PROMO_PHRASES: &[&str] = &[
    "follow us",
    // "us on": a story reports what was posted "on Facebook"; a call asks to find,
    // like, follow or join the site there.
    "us on twitter",
    "us on facebook",
    "us on instagram",
    "us on telegram",
    // a channel of the site's own on a messenger
    "our whatsapp channel",
    "our telegram channel",
    "our whatsapp community",
    "наш telegram-канал",
    "наш телеграм-канал",
    "нашем telegram-канале",
    "нашем телеграм-канале",
    "telegram kanalımız",
    "whatsapp kanalımız",
    "newsletter",
    "subscribe",
    "sign up for",
    "download the",
    "download our",
    "app store",
    "google play",
    "letter to the editor",
    "abonnieren",
    "abonniere",
    "folgen sie uns",
    "folge uns",
    "unterstützen sie",
    "unterstütze uns",
    "abonnez-vous",
    "suivez-nous",
    "suscríbete",
    "síguenos",
    "subskryp",
    "obserwuj nas",
    "подписывайтесь",
    "подпишитесь",
    "abunə olun",
    "bizi izləyin",
    "следите за новостями",
    "больше новостей в",
    "delivered to your inbox",
    // a newsletter's promise of the news in the reader's mailbox
    "straight to your inbox",
    "dans votre boîte mail",
    "dans votre boîte e-mail",
    "dans votre boîte aux lettres électronique",
    "in ihr postfach",
    "in dein postfach",
    "en tu bandeja de entrada",
    "na sua caixa de entrada",
    "nella tua casella",
    "в ваш почтовый ящик",
    "на вашу почту",
    "на вашу пошту",
    "in your inbox every",
    // a newsletter's promise to send nothing else
    "no spam",
    "без спама",
    "kein spam",
    "pas de spam",
    "sin spam",
    "spam yok",
    "have a tip",
    "takip edin",
    "haberin devamı için",
    // appeals to fund the site
    "support our work",
    "supporting our work",
    "support our journalism",
    "supporting our journalism",
    "support our independent",
    "supporting our independent",
    "support us",
    "donate now",
    "jetzt spenden",
    "spenden sie",
    "soutenez-nous",
    "wesprzyj nas",
    "поддержите нас",
    "поддержать редакцию",
    "bizi dəstəkləyin",
    "donate",
    "make a donation",
    "any amount helps",
    "любая сумма поможет",
    "istənilən məbləğ",
    "stand with us",
    "join us",
    "sign the petition",
    "sign our petition",
    "become a member",
    "пожертвуйте",
    "пожертвовани",
    "подпишите петицию",
    "присоединяйтесь",
    "помогите нам",
    "ianə",
    "dəstək ol",
    "bizə qoşulun",
    "petisiya",
    // comment forms without their form
    "log in to comment",
    "to leave a comment",
    "to post a comment",
    "nicht eingeloggt",
    "um kommentare",
    "kommentar schreiben",
    "registrieren sie sich",
    "para comentar",
    "pour commenter",
];

/// Words that, beside "cookie", make a block a consent notice: the reader is asked to
/// agree, or told what using the site means (the usage verbs of languages whose notices
/// open with them: "Durch die weitere Nutzung …", "En poursuivant votre navigation …").
const CONSENT_WORDS: &[&str] = &[
    "accept",
    "consent",
    "agree",
    "akzept",
    "zustimm",
    "einverstanden",
    "nutzung",
    "utilis",
    "accepte",
    "navega",
    "acept",
    "korzysta",
    "używa",
    "zgod",
    "согла",
    "kabul",
    "qəbul",
];

/// Phrases in which a site speaks of itself and its cookies ("This website uses cookies",
/// "We use cookies", "Diese Webseite verwendet Cookies", "Ce site utilise …", "Этот сайт
/// использует …"). A site, a browser or privacy named in passing is not one: a story about
/// tracking speaks of websites, browsers and cookies throughout.
const SITE_SELF_PHRASES: &[&str] = &[
    "this site",
    "this website",
    "our site",
    "our website",
    "we use",
    "uses cookies",
    "use cookies",
    "use of cookies",
    "privacy policy",
    "cookie policy",
    "cookie settings",
    "diese seite",
    "diese webseite",
    "diese website",
    "unsere seite",
    "unsere webseite",
    "unsere website",
    "unserer webseite",
    "unserer website",
    "der webseite",
    "der website",
    "wir verwenden",
    "wir nutzen",
    "verwendet cookies",
    "nutzt cookies",
    "datenschutz",
    "ce site",
    "notre site",
    "nous utilisons",
    "este sitio",
    "nuestro sitio",
    "utilizamos",
    "usamos",
    "utiliza cookies",
    "usa cookies",
    "este site",
    "questo sito",
    "utilizza",
    "deze site",
    "deze website",
    "gebruikt cookies",
    "gebruik van cookies",
    "uso de cookies",
    "utilisation de cookies",
    "utilise des cookies",
    "uso dei cookie",
    "använder cookies",
    "bruger cookies",
    "bruker cookies",
    "používá cookies",
    "ta strona",
    "nasz serwis",
    "сайт",
    "sayt",
    "мы используем",
    "используем",
    "ми використовуємо",
    "istifadə edirik",
    "kullanıyoruz",
];

/// A cookie or consent notice: a short block that speaks of cookies and asks to agree, or
/// in which the site speaks of itself and its cookies.
pub fn is_consent_notice(text: &str) -> bool {
    // Long paragraphs are not consent boxes.
    if more_chars_than(text, 600) {
        return false;
    }
    if !mentions_cookies(text) && !mentions_cookies_by_a_local_word(text) {
        return is_privacy_pledge(text);
    }
    let lower = text.to_lowercase();
    CONSENT_WORDS
        .iter()
        .chain(SITE_SELF_PHRASES)
        .any(|w| lower.contains(w))
        || is_cookie_question(&lower)
}

/// Most words of a consent dialog's heading.
const MAX_CONSENT_HEADING_WORDS: usize = 6;

/// Question words that open or close the heading of a consent dialog's explanation.
const COOKIE_QUESTION_WORDS: &[&str] = &[
    "what",
    "which",
    "how",
    "was",
    "welche",
    "wie",
    "что",
    "какие",
    "как",
    "qu'est",
    "quels",
    "qué",
    "cuáles",
    "nədir",
    "nedir",
    "hansı",
];

/// The heading of a consent dialog's explanation ("What are cookies?", "Was sind
/// Cookies?", "Что такое cookie?", "Cookies nədir?"): a short question about cookies.
/// `lower` is lower-cased and mentions cookies.
fn is_cookie_question(lower: &str) -> bool {
    let lower = lower.trim();
    lower.ends_with('?')
        && lower
            .split_whitespace()
            .nth(MAX_CONSENT_HEADING_WORDS)
            .is_none()
        && lower
            .split(|c: char| !c.is_alphanumeric() && c != '\'')
            .any(|w| COOKIE_QUESTION_WORDS.contains(&w))
}

/// Longest privacy pledge, in bytes and in words: a heading of a few words.
const MAX_PRIVACY_PLEDGE_BYTES: usize = 120;
const MAX_PRIVACY_PLEDGE_WORDS: usize = 8;

/// Stems of "privacy" without their first letter, so either case matches before the
/// text is lower-cased: privacy, privacidad, Privatsphäre, vie privée, prywatność,
/// конфиденциальность, приватность, gizlilik, məxfilik (and their inflections:
/// "məxfiliyiniz"), Datenschutz.
const PRIVACY_STEMS: &[&str] = &[
    "rivac",
    "rivat",
    "rivée",
    "rywatn",
    "онфиденциальн",
    "риватн",
    "izlili",
    "əxfili",
    "atenschutz",
];

/// The site speaking of itself: "we", "us", "our" and their kin.
const SITE_WE_WORDS: &[&str] = &[
    "we", "us", "our", "wir", "uns", "unsere", "мы", "нас", "нам", "наш", "biz", "bizim", "bizə",
    "bizi", "nous", "nosotros", "nos", "nós", "noi", "ci",
];

/// The reader's possessive: "your" and its kin.
const READER_POSSESSIVES: &[&str] = &[
    "your",
    "ihre",
    "deine",
    "ihrer",
    "deiner",
    "вашу",
    "ваша",
    "вашей",
    "ваши",
    "вашего",
    "вашим",
    "твою",
    "sizin",
    "votre",
    "vos",
    "tu",
    "su",
    "sua",
    "tua",
    "twoja",
    "twoją",
    "twojej",
    "senin",
];

/// The heading of a consent dialog that does not name cookies ("Your privacy is
/// important to us", "Wir respektieren Ihre Privatsphäre", "Мы уважаем вашу
/// конфиденциальность"): a few words in which the site ("we") speaks of the reader's
/// ("your") privacy. A story's heading about privacy speaks of someone else's.
fn is_privacy_pledge(text: &str) -> bool {
    if text.len() > MAX_PRIVACY_PLEDGE_BYTES || !PRIVACY_STEMS.iter().any(|s| text.contains(s)) {
        return false;
    }
    let lower = text.to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    words.len() <= MAX_PRIVACY_PLEDGE_WORDS
        && words.iter().any(|w| SITE_WE_WORDS.contains(w))
        && words.iter().any(|w| READER_POSSESSIVES.contains(w))
}

/// Whether `text.to_lowercase()` contains "cookie" or "куки", found without lower-casing
/// the text: most blocks never mention cookies, and lower-casing them all was most of
/// the consent test's time. The letters of these words come, in the lower-cased text,
/// only from themselves in either case and from the Kelvin sign (`k`); `İ` gives an `i`
/// followed by a combining dot, never by the `e` of "cookie" (a test checks this against
/// every character). So folding just those characters finds the same words.
/// The words for cookies of languages that do not borrow "cookie": Azerbaijani "kuki" and
/// "çərəz", Turkish "çerez".
const LOCAL_COOKIE_WORDS: &[&str] = &["kuki", "çərəz", "çerez"];

/// [`LOCAL_COOKIE_WORDS`] in one automaton, each also with a capital first letter and in
/// capitals: every short block of every page is asked, before it is lower-cased.
static LOCAL_COOKIE_SEARCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    let forms = LOCAL_COOKIE_WORDS.iter().flat_map(|word| {
        let mut chars = word.chars();
        let capital: String = chars
            .next()
            .into_iter()
            .flat_map(char::to_uppercase)
            .chain(chars)
            .collect();
        [word.to_string(), capital, word.to_uppercase()]
    });
    AhoCorasick::new(forms).expect("cookie words form an automaton")
});

/// Whether `text` names cookies by a word of [`LOCAL_COOKIE_WORDS`].
fn mentions_cookies_by_a_local_word(text: &str) -> bool {
    LOCAL_COOKIE_SEARCHER.is_match(text)
}

fn mentions_cookies(text: &str) -> bool {
    fn fold(c: char) -> char {
        match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            '\u{212a}' => 'k',
            'К' => 'к',
            'У' => 'у',
            'И' => 'и',
            _ => c,
        }
    }
    let continues = |rest: &str, word: &str| {
        let mut rest = rest.chars().map(fold);
        word.chars().all(|w| rest.next() == Some(w))
    };
    // The words start at a `c` or `C` followed by an `o` or `O`, or at a `к` or `К` (D0 BA
    // and D0 9A in UTF-8) followed by a `у` or `У` (D1 83 and D0 A3): no other character
    // folds to these. Chunks of text without such a start are passed over 32 bytes at a
    // time with tests the compiler turns into vector code; only where a chunk has one are
    // characters compared.
    let bytes = text.as_bytes();
    let may_start = |b: &[u8]| {
        ((b[0] | 0x20 == b'c') & (b[1] | 0x20 == b'o'))
            | ((b[0] == 0xd0)
                & ((b[1] == 0xba) | (b[1] == 0x9a))
                & (((b[2] == 0xd1) & (b[3] == 0x83)) | ((b[2] == 0xd0) & (b[3] == 0xa3))))
    };
    const CHUNK: usize = 32;
    let mut from = 0;
    while let Some(window) = bytes.get(from..from + CHUNK + 3) {
        if (0..CHUNK).any(|k| may_start(&window[k..k + 4])) {
            break;
        }
        from += CHUNK;
    }
    bytes.iter().enumerate().skip(from).any(|(i, &b)| match b {
        b'c' | b'C' => text
            .get(i + 1..)
            .is_some_and(|rest| continues(rest, "ookie")),
        0xd0 if matches!(bytes.get(i + 1), Some(0xba | 0x9a)) => {
            text.get(i + 2..).is_some_and(|rest| continues(rest, "уки"))
        }
        _ => false,
    })
}

fn normalised_label(text: &str) -> String {
    lower_for_lists(
        &text
            .trim()
            .trim_end_matches([':', '?', '!', '.', '…', ' ', '\u{a0}'])
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" "),
    )
}

/// `text` lower-cased for comparing with the word lists. Turkish and Azerbaijani "İ"
/// lower-cases to an "i" with a combining dot above ("İlgili Haberler" to "i̇lgili
/// haberler"), which the lists write as a plain "i": the dot goes.
pub(crate) fn lower_for_lists(text: &str) -> String {
    let lower = text.to_lowercase();
    if lower.contains('\u{307}') {
        lower.replace('\u{307}', "")
    } else {
        lower
    }
}

/// A short block that names a section of page furniture ("Kontakt:", "Weitere
/// Informationen", "Читайте также", "Weitere Beiträge aus der Kolumne:"), or opens with
/// such a label and a colon ("Kontakt: Pressestelle, Tel. …"): what follows belongs to it.
pub fn is_tail_section_label(text: &str) -> bool {
    // Paragraphs are not labels.
    if more_chars_than(text, 300) {
        return false;
    }
    let length = text.chars().count();
    if length > 60 {
        // Longer blocks only in the form "Label: …": the label and the spaces after it are
        // what comes before the first colon (no label has a colon inside but "читайте
        // также:", which "читайте также" covers). Only that part is lower-cased.
        let text = text.trim();
        let Some(colon) = text.find(':') else {
            return false;
        };
        let head = lower_for_lists(&text[..colon]);
        let head = head.trim_end();
        return TAIL_SECTION_LABELS.contains(&head);
    }
    if is_listed_label(text, TAIL_SECTION_LABELS) {
        return true;
    }
    // A label that runs on has a colon after it or at the end: without one the prefix
    // tests below cannot hold (most short blocks have none).
    if !text.contains(':') {
        return false;
    }
    let lower = lower_for_lists(text.trim());
    TAIL_SECTION_LABELS.iter().any(|known| {
        lower.strip_prefix(known).is_some_and(|rest| {
            let rest = rest.trim_start();
            // "Kontakt: …" or a label line that runs on and ends in a colon.
            rest.starts_with(':') || (length <= 60 && rest.ends_with(':') && rest.len() > 1)
        })
    })
}

/// Stems of the word "comment" in the languages of the sites we crawl.
pub(crate) const COMMENT_STEMS: &[&str] = &[
    "comment",
    "komment",
    "коммент",
    "комент",
    "komentar",
    "comentar",
    "şərh",
    "yorum",
];

/// A short block that opens a comment section: "3 Kommentare", "Комментарии (12)",
/// "Leave a comment", "So können Sie kommentieren:", or a heading "Leserkommentare". What
/// follows it is readers' talk or the form for it, never the story. A lone word counts
/// only as a heading: in a paragraph or a table cell "Comment" is a column name or a verb.
pub fn is_comments_label(text: &str, heading: bool) -> bool {
    if more_chars_than(text, 60) {
        return false;
    }
    let lower = text.trim().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let names_comments = words
        .iter()
        .any(|w| COMMENT_STEMS.iter().any(|stem| w.contains(stem)));
    let counted = lower.contains(|c: char| c.is_ascii_digit());
    names_comments
        && match words.len() {
            1 => heading || counted || lower.ends_with(':'),
            2 | 3 => true,
            n => n <= 6 && lower.ends_with(':'),
        }
}

/// What a site says where readers' comments would be when a visitor may not write one:
/// the notices comment systems print ("Посетители, находящиеся в группе Гости, не могут
/// оставлять комментарии к данной публикации", "You must be logged in to post a comment",
/// "Comments are closed."). They speak of the form, never of the story's events; phrases
/// that a story also says ("чтобы прокомментировать", "yorum yapmak için": in order to
/// comment) are left out.
const COMMENT_GATE_PHRASES: &[&str] = &[
    // a comment widget's own title ("Комментарии для сайта Cackle")
    "комментарии для сайта",
    "не могут оставлять комментарии",
    "комментарии закрыты",
    "комментирование закрыто",
    "комментарии отключены",
    "чтобы оставить комментарий",
    "чтобы оставлять комментарии",
    "must be logged in to post a comment",
    "must be logged in to comment",
    "must be logged in to leave a comment",
    "log in to leave a comment",
    "log in to post a comment",
    "log in to comment",
    "sign in to comment",
    "sign in to leave a comment",
    "comments are closed",
    "commenting is closed",
    "comments have been disabled",
    "commenting has been disabled",
    "şərh yazmaq üçün",
    "şərh bildirmək üçün",
    "yorum yapabilmek için",
    "kommentare sind geschlossen",
    "kommentarfunktion ist geschlossen",
    "kommentarfunktion ist deaktiviert",
    "um kommentieren zu können",
    "um einen kommentar zu hinterlassen",
    "les commentaires sont fermés",
    "connecté pour publier un commentaire",
    "los comentarios están cerrados",
    "komentarze są wyłączone",
];

/// Longest block read as a comment system's notice.
const COMMENT_GATE_MAX_CHARS: usize = 200;

/// Prefixes forum software writes before a reply's subject, the thread's title: phpBB,
/// SMF and Invision write "Re:" in every language, Discuz "回复：".
const REPLY_PREFIXES: &[&str] = &[
    "re:",
    "re :",
    "aw:",
    "odp:",
    "отв:",
    "ответ:",
    "回复：",
    "回复:",
];

/// Whether a heading is a forum reply's subject ("Re: Fuite sous l'évier …"): the head of
/// a post of the thread, not a teaser's headline.
pub fn is_reply_subject(text: &str) -> bool {
    let text = text.trim_start();
    REPLY_PREFIXES.iter().any(|prefix| {
        text.get(..prefix.len())
            .is_some_and(|head| head.to_lowercase() == *prefix)
    })
}

/// A comment system's notice that a visitor may not comment ([`COMMENT_GATE_PHRASES`]):
/// like [`is_comments_label`], it opens the comment section.
pub fn is_comments_gate(text: &str) -> bool {
    !more_chars_than(text, COMMENT_GATE_MAX_CHARS)
        && COMMENT_GATE_FRAGMENTS.iter().any(|f| text.contains(f))
        && COMMENT_GATE_SEARCHER.is_match(text)
}

/// Pieces of the word "comment" that every one of [`COMMENT_GATE_PHRASES`] holds in any
/// case but all capitals: a block without one is no comment notice, found without the
/// case-insensitive search.
const COMMENT_GATE_FRAGMENTS: &[&str] = &["omment", "оммент", "omentar", "ərh", "orum"];

/// [`COMMENT_GATE_PHRASES`] as one case-insensitive searcher: the test runs on every short
/// block above a story's comment section, and one pass over the block as it is costs less
/// than lower-casing it for thirty searches.
static COMMENT_GATE_SEARCHER: LazyLock<regex::Regex> =
    LazyLock::new(|| phrase_searcher(COMMENT_GATE_PHRASES, true));

/// Longest block read as a bare dateline.
const MAX_DATELINE_BLOCK_CHARS: usize = 60;

/// A block that is only a date, with at most a label or a name beside it ("opublikowano:
/// 7 kwietnia 2021", "Monday, September 2, 2024 14:12", "26-12-2023 [22:31]"): the
/// dateline the page sets above or below the story, not a sentence of it.
pub fn is_dateline_block(text: &str) -> bool {
    if more_chars_than(text, MAX_DATELINE_BLOCK_CHARS) {
        return false;
    }
    let words = |text: &str| {
        text.split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .count()
    };
    if is_time_line(text) || is_date_label_alone(text) {
        return true;
    }
    if words(text) <= 3 {
        return super::dates::parse_dateline(text, None).is_some();
    }
    if is_meta_line(text) {
        return true;
    }
    // A byline with its date ("Posted by Jane Doe on 5 March 2024", "Submitted by admin on
    // Tue, 03/05/2024 - 10:00"): a publication or update label leads to the date, and at
    // most a word ("Uhr", "pm") follows it.
    let context = super::dates::DateContext::with_reference(None);
    super::dates::find_dates(text, &context)
        .next()
        .is_some_and(|found| {
            words(&text[found.end..]) <= 1
                && matches!(
                    super::date_words::cue_of(&text[..found.start]),
                    Some(super::date_words::Cue::Published | super::date_words::Cue::Modified)
                )
        })
}

/// Most words of each part of a story's meta line besides its date.
const META_PART_MAX_WORDS: usize = 4;

/// A story's meta line: short parts set apart by bars or dots, one of them a date
/// ("Политика | 10.10.2006 | Автор: Руслан Алиев", "News · 12 March 2024 · 4 min read").
fn is_meta_line(text: &str) -> bool {
    let parts: Vec<&str> = text
        .split(['|', '·', '•'])
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect();
    if parts.len() < 2 {
        return false;
    }
    let mut dated = false;
    for part in parts {
        let words = part
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .count();
        if !dated && words <= 3 && super::dates::parse_dateline(part, None).is_some() {
            dated = true;
        } else if words > META_PART_MAX_WORDS {
            return false;
        }
    }
    dated
}

/// A publication or update label with nothing after it ("Last Modified:", "Опубликовано:"):
/// its date went to another element, which the page's layout moved away.
fn is_date_label_alone(text: &str) -> bool {
    let Some(label) = text.trim().strip_suffix(':') else {
        return false;
    };
    !label.chars().any(|c| c.is_ascii_digit())
        && label.split_whitespace().count() <= 3
        && matches!(
            super::date_words::cue_of_label_line(label),
            Some(super::date_words::Cue::Published | super::date_words::Cue::Modified)
        )
}

/// A time of day alone or after a publication or update label ("3:45 p.m.", "Updated
/// 3:45 p.m. ET", "Опубликовано в 15:45", "14:03 Uhr"): a dateline of a story from today.
/// A time that ends a sentence has other words before it.
fn is_time_line(text: &str) -> bool {
    let text = text.trim();
    let Some(first_digit) = text.find(|c: char| c.is_ascii_digit()) else {
        return false;
    };
    let (label, time) = text.split_at(first_digit);
    (label.trim().is_empty()
        || matches!(
            super::date_words::cue_of(label),
            Some(super::date_words::Cue::Published | super::date_words::Cue::Modified)
        ))
        && (super::dates::parse_time(time).is_some()
            || time.rsplit_once(' ').is_some_and(|(time, zone)| {
                // A zone the time pattern does not take ("ET", "Uhr").
                zone.chars().count() <= 4
                    && zone.chars().all(char::is_alphabetic)
                    && super::dates::parse_time(time).is_some()
            }))
}

/// Words of the status a legal footnote gives an organisation or a person named in the
/// story ("* внесён в реестр иностранных агентов", "* Meta признана экстремистской и
/// запрещена в России", "*undesirable organisation").
const LEGAL_STATUS_WORDS: &[&str] = &[
    "иностранн",
    "иноагент",
    "нежелательн",
    "экстремист",
    "террорист",
    "запрещен",
    "запрещён",
    "foreign agent",
    "undesirable",
    "extremist",
    "terrorist",
    "xarici agent",
];

/// Openings of the foreign-agent notice, as the statute words it and as publishers
/// shorten it.
const STATUTORY_OPENINGS: &[&str] = &[
    "настоящий материал",
    "данный материал",
    "данное сообщение",
    "этот материал",
];

/// Characters of a block compared with [`STATUTORY_OPENINGS`]: the longest of them.
const STATUTORY_OPENING_CHARS: usize = 18;

/// Longest block read as a statutory label or a legal footnote.
const LEGAL_LABEL_MAX_CHARS: usize = 400;

/// A label the law makes a publisher print, not the story: the Russian foreign-agent
/// notice in its statutory words ("НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН,
/// РАСПРОСТРАНЕН И (ИЛИ) НАПРАВЛЕН ИНОСТРАННЫМ АГЕНТОМ …", "ДАННОЕ СООБЩЕНИЕ (МАТЕРИАЛ)
/// СОЗДАНО И (ИЛИ) РАСПРОСТРАНЕНО …"), or an asterisk's footnote giving a name's legal
/// status ("* Правозащитный центр внесён Минюстом в реестр иностранных агентов"). A
/// sentence of the story about the register or the statute has no asterisk before it and
/// does not open with the notice's words.
pub fn is_legal_label(text: &str) -> bool {
    if more_chars_than(text, LEGAL_LABEL_MAX_CHARS) {
        return false;
    }
    let text = text.trim_start();
    // Most blocks are neither: the asterisk, or the notice's opening words lower-cased
    // from the first characters only, decide before the whole block is lower-cased.
    let footnote = text.starts_with('*');
    let head: String = text
        .trim_start_matches(|c: char| !c.is_alphanumeric())
        .chars()
        .take(STATUTORY_OPENING_CHARS)
        .flat_map(char::to_lowercase)
        .collect();
    let statutory = STATUTORY_OPENINGS.iter().any(|o| head.starts_with(o));
    if !footnote && !statutory {
        return false;
    }
    let lower = text.to_lowercase();
    (statutory && lower.contains("агент"))
        || (footnote && LEGAL_STATUS_WORDS.iter().any(|word| lower.contains(word)))
}

/// Labels of a story's tag, keyword or category line, compared with the text before its
/// colon. Not "Tag", which is German for day ("Tag: Montag, 3. Mai"), nor "Раздел" or
/// "Section", which head parts of documents.
const TAG_LABELS: &[&str] = &[
    "topic",
    "region / country",
    "region",
    "country",
    "countries",
    "categories",
    "category",
    "filed under",
    "posted in",
    "рубрика",
    "рубрики",
    "категория",
    "категории",
    "категорія",
    "категорії",
    "kateqoriya",
    "kateqoriyalar",
    "rubrika",
    "kategori",
    "kategoriler",
    "kategorie",
    "kategorien",
    "rubrik",
    "catégorie",
    "catégories",
    "rubrique",
    "categoría",
    "categorías",
    "kategoria",
    "tags",
    "tagged",
    "tagged with",
    "keywords",
    "topics",
    "теги",
    "тэги",
    "метки",
    "ключевые слова",
    "теми",
    "теги статьи",
    "teqlər",
    "teqler",
    "açar sözlər",
    "etiketler",
    "etiketlər",
    "anahtar kelimeler",
    "schlagwörter",
    "schlagworte",
    "stichwörter",
    "themen",
    "étiquettes",
    "mots-clés",
    "mots clés",
    "etiquetas",
    "palabras clave",
    "tagi",
    "słowa kluczowe",
];

/// Longest tag line, and most words in one of its tags.
const TAG_LINE_MAX_CHARS: usize = 250;
const TAG_MAX_WORDS: usize = 4;

/// A tag or category label alone on its line ("Topic", "Теги:", "Region / Country"): the
/// list it names follows on the next line.
pub fn is_tag_label(text: &str) -> bool {
    !more_chars_than(text, 40) && is_listed_label(text, TAG_LABELS)
}

/// Whether `text`, as [`normalised_label`] gives it, is one of `labels`. Every short block
/// is asked, so when its words are apart by single spaces it is compared letter by letter
/// with the labels of its length, without allocating (lower-casing keeps the length of the
/// letters the labels are written in; "İ" does not, and goes the long way).
fn is_listed_label(text: &str, labels: &[&str]) -> bool {
    let bare = text
        .trim()
        .trim_end_matches([':', '?', '!', '.', '…', ' ', '\u{a0}']);
    if bare.contains("  ") || bare.contains(|c: char| (c.is_whitespace() && c != ' ') || c == 'İ')
    {
        return labels.contains(&normalised_label(text).as_str());
    }
    labels.iter().any(|label| {
        label.len() == bare.len() && bare.chars().flat_map(char::to_lowercase).eq(label.chars())
    })
}

/// A story's tag or category line ("Tags: elections, parliament", "Теги: мост, ремонт",
/// "Teqlər: Gəncə təhsil", "Рубрика: Новости, Выборы"): a label, a colon and a list of
/// short linked or comma-separated topics. It names the site's sections, never a
/// sentence of the story.
pub fn is_tag_line(text: &str, link_chars: usize) -> bool {
    if more_chars_than(text, TAG_LINE_MAX_CHARS) {
        return false;
    }
    let Some((label, tags)) = text.split_once(':') else {
        return false;
    };
    let label = label.trim().to_lowercase();
    let tags = tags.trim();
    !tags.is_empty()
        && TAG_LABELS.contains(&label.as_str())
        && (link_chars > 0
            || tags
                .split([',', ';', '|', '·'])
                .all(|tag| tag.split_whitespace().count() <= TAG_MAX_WORDS))
}

/// Phrases of what a page shows in place of something a script was to load: an embed's
/// consent placeholder ("Mit dem Laden des Beitrags akzeptieren Sie die
/// Datenschutzerklärung von Instagram"), a player's countdown ("Your video will play in
/// 00:25"), a notice that scripts are off ("Adhocracy funktioniert am besten, wenn
/// JavaScript aktiviert ist").
const PLACEHOLDER_PHRASES: &[&str] = &[
    "mit dem laden des beitrags akzeptieren sie",
    "mit dem laden des videos akzeptieren sie",
    "mit dem laden der karte akzeptieren sie",
    "um den inhalt nachzuladen",
    "inhalt jetzt laden",
    "externen inhalt laden",
    "by loading the post, you agree",
    "by loading the video, you agree",
    "by loading the content, you agree",
    "click to load the content",
    "click to load this content",
    "your video will play in",
    "your video will begin in",
    "video will start in",
    "enable javascript",
    "javascript is disabled",
    "javascript must be enabled",
    "javascript is required",
    "requires javascript",
    "wenn javascript aktiviert ist",
    "javascript aktivieren",
    "javascript deaktiviert",
    "включите javascript",
    "javascript отключен",
    // a live page's note that it reloads itself
    "page refreshes automatically",
    "page updates automatically",
    "страница обновляется автоматически",
    "avtomatik yenilənir",
    "otomatik olarak yenilenir",
    "seite wird automatisch aktualisiert",
    // a player's words where its video would be
    "this video can not be played",
    "this video cannot be played",
    "dieses video kann nicht abgespielt werden",
    "это видео не может быть воспроизведено",
];

/// [`PLACEHOLDER_PHRASES`] in one automaton: every short block of every page is asked.
static PLACEHOLDER_SEARCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(PLACEHOLDER_PHRASES).expect("placeholder phrases form an automaton")
});

/// Words a page shows, alone on a line, while a script loads what should stand there.
const LOADING_WORDS: &[&str] = &[
    "loading",
    "загрузка",
    "yüklənir",
    "yükleniyor",
    "wird geladen",
    "lädt",
    "chargement",
    "cargando",
    "carregando",
    "caricamento",
    "ładowanie",
];

/// Longest line read as a placeholder.
const PLACEHOLDER_MAX_CHARS: usize = 200;

/// What a page shows in place of content a script was to load: an embed's consent
/// placeholder, a player's countdown, a notice that scripts are off
/// ([`PLACEHOLDER_PHRASES`]), a bare "Loading…" ([`LOADING_WORDS`]), or a word to the
/// reader about their browser ([`is_browser_notice`]). The reader of the saved page gets
/// none of what it stands for.
pub fn is_script_placeholder(text: &str) -> bool {
    if more_chars_than(text, PLACEHOLDER_MAX_CHARS) {
        return is_browser_notice(text);
    }
    let lower = text.to_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    LOADING_WORDS.contains(&bare)
        || is_running_time(bare)
        || PLACEHOLDER_SEARCHER.is_match(&lower)
        || (is_short_enough_for_notice(text) && names_browser_in_notice(&lower))
}

/// The levels PHP names when it prints a diagnostic into the page it is serving.
const PHP_DIAGNOSTIC_LEVELS: &[&str] = &[
    "warning",
    "notice",
    "deprecated",
    "strict standards",
    "fatal error",
    "parse error",
    "catchable fatal error",
    "recoverable fatal error",
    "user warning",
    "user notice",
    "user deprecated",
];

/// Longest line read as a server's diagnostic.
const DIAGNOSTIC_MAX_CHARS: usize = 600;

/// Whether `text` is a diagnostic that PHP printed into the page instead of logging it
/// ("Warning: mysql_connect(): Access denied for user … in /www/htdocs/wp-content/plugins/
/// tags.php on line 299"): old WordPress and Joomla sites serve dozens above their markup.
/// PHP writes them in English with the file and line last, whatever the site's language.
pub fn is_server_diagnostic(text: &str) -> bool {
    let text = text.trim();
    if more_chars_than(text, DIAGNOSTIC_MAX_CHARS) {
        return false;
    }
    let Some((before_line, line)) = text.rsplit_once(" on line ") else {
        return false;
    };
    let Some((level, message)) = text.split_once(':') else {
        return false;
    };
    !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && before_line.contains(".php")
        && message.contains(" in ")
        && PHP_DIAGNOSTIC_LEVELS.contains(&level.trim().to_ascii_lowercase().as_str())
}

/// Whether `text` is only a clip's running time ("3:12", "1:02:45"), which a player shows
/// over its still.
fn is_running_time(text: &str) -> bool {
    let mut parts = text.split(':');
    let Some(first) = parts.next() else {
        return false;
    };
    let rest: Vec<&str> = parts.collect();
    (1..=2).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && (1..=2).contains(&rest.len())
        && rest
            .iter()
            .all(|part| part.len() == 2 && part.bytes().all(|b| b.is_ascii_digit()))
}

/// Words for the reader's web browser.
const BROWSER_WORDS: &[&str] = &[
    "browser",
    "браузер",
    "brauzer",
    "tarayıcı",
    "navigateur",
    "navegador",
];

/// What a site says of the reader's browser in a notice: that it falls short, or what to
/// do with it ("please use", "bitte aktualisiere", "обновите").
const BROWSER_NOTICE_CUES: &[&str] = &[
    "does not support",
    "doesn't support",
    "is not supported",
    "not fully supported",
    "is outdated",
    "out of date",
    "please use",
    "please update",
    "please upgrade",
    "please switch",
    "please enable",
    "upgrade your",
    "update your",
    "unterstützt kein",
    "unterstützt nicht",
    "nicht unterstützt",
    "veraltet",
    "bitte aktualisiere",
    "bitte verwende",
    "bitte nutze",
    "aktualisieren sie",
    "verwenden sie",
    "не поддерживает",
    "устарел",
    "обновите",
    "используйте",
    "desteklemiyor",
    "güncelleyin",
    "kullanın",
    "dəstəkləmir",
    "yeniləyin",
    "ne prend pas en charge",
    "n'est pas pris en charge",
    "mettez à jour",
    "utilisez",
    "no soporta",
    "no es compatible",
    "actualice",
    "actualiza tu",
    "utilice",
];

/// Most words of a browser notice: a story's sentence about browsers runs longer, or does
/// not speak to the reader about theirs.
const MAX_BROWSER_NOTICE_WORDS: usize = 32;

/// A notice about the reader's browser: "Please use Chrome browser for a more accessible
/// video player", "Your browser does not support the video tag", "Bitte aktualisiere
/// deinen Browser". A line that names the browser and tells the reader to use, update or
/// enable something, or that the browser falls short.
fn is_browser_notice(text: &str) -> bool {
    // Counted before anything is lower-cased: nearly every paragraph is longer.
    is_short_enough_for_notice(text) && names_browser_in_notice(&text.to_lowercase())
}

fn is_short_enough_for_notice(text: &str) -> bool {
    text.split_whitespace()
        .nth(MAX_BROWSER_NOTICE_WORDS)
        .is_none()
}

/// [`is_browser_notice`]'s words, on a lower-cased line already known to be short.
fn names_browser_in_notice(lower: &str) -> bool {
    BROWSER_WORDS.iter().any(|w| lower.contains(w))
        && BROWSER_NOTICE_CUES.iter().any(|c| lower.contains(c))
}

/// Labels, in capitals, that open the line an embedded video or audio player shows in a
/// story ("WATCH: The CEO on demand for chips", "СМОТРИТЕ: …"): the player's title, not
/// the story's text.
const MEDIA_LABELS: &[&str] = &[
    "WATCH",
    "WATCH LIVE",
    "WATCH NOW",
    "LISTEN",
    "VIDEO",
    "AUDIO",
    "СМОТРИТЕ",
    "ВИДЕО",
    "İZLE",
    "VİDEO",
    "İZLƏ",
];

/// Longest line taken for a player's title under a media label.
const MEDIA_LINE_MAX_CHARS: usize = 160;

/// The title line of an embedded player: a short line that opens with a media label in
/// capitals and a colon ("WATCH: Why chip stocks are still the market's hottest trade").
/// A story's sentence does not open with a capitalised label.
pub fn is_media_insert(text: &str) -> bool {
    if more_chars_than(text, MEDIA_LINE_MAX_CHARS) {
        return false;
    }
    let Some((label, rest)) = text.trim_start().split_once(':') else {
        return false;
    };
    MEDIA_LABELS.contains(&label.trim()) && rest.chars().any(char::is_alphabetic)
}

/// Openings of a photo's credit: who took the picture above or below it.
const PHOTO_CREDIT_PREFIXES: &[&str] = &[
    "фото:",
    "фото -",
    "фото —",
    "фото из ",
    "фото с сайта",
    "фото предоставлено",
    "автор фото",
    "фотограф:",
    "фотография:",
    "fotoqraf:",
    "fotoğraf:",
    "photographer:",
    "photo courtesy",
    "foto:",
    "foto :",
    "fotos:",
    "photo:",
    "photo :",
    "photos:",
    "photo by ",
    "photo credit",
    "bild:",
    "bilder:",
    "bildquelle:",
    "titelbild:",
    "titelfoto:",
    "crédit photo",
    "crédits photos",
];

/// Longest line read as a photo's credit.
const PHOTO_CREDIT_MAX_CHARS: usize = 100;

/// A photo's credit on a line of its own ("Фото: Иван Смирнов", "Photo by Jane Doe /
/// Reuters"): the caption of a picture, wherever in the story it stands. Other credit
/// lines ("Источник: …", "Quelle: …") name where the text came from and count only at the
/// story's end ([`is_credit_line`]).
pub fn is_photo_credit(text: &str) -> bool {
    if more_chars_than(text, PHOTO_CREDIT_MAX_CHARS) {
        return false;
    }
    let lower = text.trim().to_lowercase();
    if PHOTO_CREDIT_PREFIXES.iter().any(|p| lower.starts_with(p)) {
        return true;
    }
    // A credit in brackets on its own line is a picture's or a chart's, wherever it
    // stands: "(Credit: Jane Doe / Agency)", "[Image: Reuters]".
    let Some(inner) = lower
        .strip_prefix('(')
        .and_then(|l| l.strip_suffix(')'))
        .or_else(|| lower.strip_prefix('[').and_then(|l| l.strip_suffix(']')))
    else {
        return false;
    };
    BRACKETED_CREDIT_PREFIXES
        .iter()
        .any(|p| inner.trim_start().starts_with(p))
}

/// Openings of a credit that a caption puts in brackets, besides the photo credits.
const BRACKETED_CREDIT_PREFIXES: &[&str] = &[
    "credit:",
    "credits:",
    "image:",
    "image credit",
    "illustration:",
    "graphic:",
    "chart:",
    "фото:",
    "foto:",
    "photo:",
    "bild:",
];

/// A credit, source or byline label alone on its line ("Credit:", "Фото:", "Autoren:"):
/// what it labelled stands elsewhere, or nowhere in the text. A label of the story's own
/// ("Требования:", "Demands:") is not one of these.
pub fn is_bare_label(text: &str) -> bool {
    let text = text.trim();
    let Some(label) = text.strip_suffix(':') else {
        return false;
    };
    if label.len() > 40 {
        return false;
    }
    let label = label.trim_end().to_lowercase();
    super::author::BYLINE_LABELS.contains(&label.as_str())
        || PHOTO_CREDIT_PREFIXES
            .iter()
            .chain(SOURCE_CREDIT_PREFIXES)
            .filter_map(|p| p.strip_suffix(':'))
            .any(|p| p.trim_end() == label)
}

/// A journalist's role, the first or second word after the name in a byline ("Иван
/// Петров, корреспондент", "Jane Roe, staff writer", "Aysel Məmmədova, müxbir").
const BYLINE_ROLES: &[&str] = &[
    "correspondent",
    "reporter",
    "journalist",
    "editor",
    "writer",
    "photographer",
    "columnist",
    "корреспондент",
    "спецкор",
    "журналист",
    "журналистка",
    "редактор",
    "обозреватель",
    "фотограф",
    "кореспондент",
    "журналіст",
    "оглядач",
    "müxbir",
    "jurnalist",
    "redaktor",
    "muhabir",
    "gazeteci",
    "editör",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "journaliste",
    "rédacteur",
    "rédactrice",
    "correspondant",
    "correspondante",
    "periodista",
    "redactor",
    "redactora",
    "corresponsal",
];

/// Most words of a byline's name, and of the role after it.
const MAX_BYLINE_NAME_WORDS: usize = 4;
const MAX_BYLINE_ROLE_WORDS: usize = 4;

/// A byline of a name and the writer's role, alone on its line ("Иван Петров,
/// корреспондент", "Jane Roe, staff writer"): two to four capitalised words, a comma, and
/// a few words that open with a journalist's role (a manager's title is not one). A
/// sentence has more words after its comma.
pub fn is_byline_with_role(text: &str) -> bool {
    let text = text.trim();
    if text.len() > 120 {
        return false;
    }
    let Some((name, role)) = text.split_once(", ") else {
        return false;
    };
    let name_words: Vec<&str> = name.split_whitespace().collect();
    let capitalised = |w: &&str| {
        w.chars().next().is_some_and(char::is_uppercase)
            && w.chars()
                .all(|c| c.is_alphabetic() || matches!(c, '-' | '.' | '\''))
    };
    if !(2..=MAX_BYLINE_NAME_WORDS).contains(&name_words.len())
        || !name_words.iter().all(capitalised)
    {
        return false;
    }
    let role = role.trim_end_matches('.').to_lowercase();
    let role_words: Vec<&str> = role.split_whitespace().collect();
    // The role, or a qualifier and the role ("senior correspondent", "staff writer").
    role_words.len() <= MAX_BYLINE_ROLE_WORDS
        && role_words
            .iter()
            .take(2)
            .any(|word| BYLINE_ROLES.contains(word))
}

/// A photo credit or source line ("Foto: dpa", "Quelle: …", "© Reuters").
pub fn is_credit_line(text: &str) -> bool {
    if more_chars_than(text, 150) {
        return false;
    }
    let lower = text.trim_start().to_lowercase();
    PHOTO_CREDIT_PREFIXES
        .iter()
        .chain(SOURCE_CREDIT_PREFIXES)
        .any(|p| lower.starts_with(p))
}

/// Labels of the links from a story to the one before or after it on the site
/// ("Предыдущая статья: …", "Növbəti xəbər: …", "Next post: …"), at the start of a line,
/// past an arrow.
pub(super) const NEIGHBOUR_LABELS: &[&str] = &[
    "предыдущая статья",
    "следующая статья",
    "предыдущая новость",
    "следующая новость",
    "предыдущая запись",
    "следующая запись",
    "предыдущий материал",
    "следующий материал",
    "попередній матеріал",
    "наступний матеріал",
    "попередня стаття",
    "наступна стаття",
    "попередня новина",
    "наступна новина",
    "попередній запис",
    "наступний запис",
    "əvvəlki xəbər",
    "növbəti xəbər",
    "əvvəlki material",
    "növbəti material",
    "əvvəlki məqalə",
    "növbəti məqalə",
    "önceki haber",
    "sonraki haber",
    "önceki yazı",
    "sonraki yazı",
    "previous post",
    "next post",
    "previous article",
    "next article",
    "previous story",
    "next story",
    "vorheriger artikel",
    "nächster artikel",
    "vorheriger beitrag",
    "nächster beitrag",
    "article précédent",
    "article suivant",
    "artículo anterior",
    "artículo siguiente",
    "poprzedni artykuł",
    "następny artykuł",
];

/// Longest line read as a label of a neighbouring story's link.
const NEIGHBOUR_LABEL_MAX_CHARS: usize = 40;

/// Whether `text` is only a label of the link to the story before or after this one
/// ("Növbəti xəbər", "Next article:", "← Следующая новость").
pub(super) fn is_neighbour_label(text: &str) -> bool {
    if more_chars_than(text, NEIGHBOUR_LABEL_MAX_CHARS) {
        return false;
    }
    let lower = text.to_lowercase();
    let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
    NEIGHBOUR_LABELS.contains(&bare)
}

/// [`PROMO_PHRASES`] as one searcher: the test runs on every block of a story's last third,
/// and one pass finds any of the phrases where a search per phrase made fifty passes.
static PROMO_SEARCHER: LazyLock<regex::Regex> =
    LazyLock::new(|| phrase_searcher(PROMO_PHRASES, false));

/// Imperatives that open a call to action, as a box, a banner or a button puts them first
/// ("Subscribe to our newsletter", "Stand with us", "Поддержите независимое наблюдение!",
/// "Petisiyanı imzalayın: …"). A story's sentence rarely starts with one.
const CALL_OPENERS: &[&str] = &[
    "subscribe",
    "donate",
    "make a donation",
    "make a gift",
    "give now",
    "support us",
    "support our",
    "support independent",
    "stand with us",
    "join us",
    "join our",
    "sign the petition",
    "sign our petition",
    "sign up",
    "follow us",
    "become a member",
    "become a supporter",
    "help us",
    "take action",
    "act now",
    "give now",
    "give today",
    "give monthly",
    "stay informed",
    "stay updated",
    "get our newsletter",
    "get our updates",
    // a tip box ("Got a tip? Contact us securely …")
    "got a tip",
    "got a news tip",
    "got a sensitive tip",
    "have a tip",
    "have a news tip",
    // the appeal at a story's foot ("I hope you appreciated this article. Before you move
    // on, …", "If you value our journalism …")
    "i hope you appreciated",
    "if you value our",
    "if you value what we",
    "подпишитесь",
    "подписывайтесь",
    "подписаться",
    "поддержите",
    "поддержать",
    "пожертвуйте",
    "сделайте пожертвование",
    "сделать пожертвование",
    "помогите нам",
    "присоединяйтесь",
    "подпишите петицию",
    "следите за нами",
    "будьте в курсе",
    "abunə ol",
    "bizi dəstəklə",
    "dəstək ol",
    "ianə et",
    "ianə edin",
    "bizə qoşul",
    "petisiyanı imzala",
    "bizi izləyin",
    "hazte miembro",
    "hazte socio",
    "werde mitglied",
    "werden sie mitglied",
    "devenez membre",
    "faites un don",
    "torne-se membro",
    "diventa socio",
];

/// Words of the second person: a block with a call's phrase and one of these asks the
/// reader ("Ваше пожертвование поможет …"); the same phrase without them reports what
/// someone did or asked ("the coalition urged donors to …", "мы благодарим всех, кто
/// поддержал …" — an NGO speaks of itself as "we" throughout its statements).
const READER_WORDS: &[&str] = &[
    "you",
    "your",
    "yours",
    "вы",
    "вас",
    "вам",
    "ваш",
    "ваша",
    "ваше",
    "ваши",
    "вашей",
    "вашего",
    "вашу",
    "вашим",
    "ваших",
    "ты",
    "тебя",
    "siz",
    "sizin",
    "sizə",
    "sizi",
    "sən",
    "sənin",
];

/// Longest block that a call's phrase alone makes a call to action, in characters.
const SHORT_PROMO_CHARS: usize = 150;

/// Whether `lower` (lower-cased) opens with a call to action, after a bullet, an emoji or
/// a "please".
pub fn opens_with_call(lower: &str) -> bool {
    let start = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    let start = [
        "please ",
        "пожалуйста, ",
        "пожалуйста ",
        "zəhmət olmasa, ",
        "zəhmət olmasa ",
    ]
    .iter()
    .find_map(|p| start.strip_prefix(p))
    .unwrap_or(start);
    CALL_OPENERS.iter().any(|call| start.starts_with(call))
        // "Support Signal's explanatory journalism": the site's own name after the verb.
        // "Support for local journalism grew …" reports.
        || (start.starts_with("support ")
            && (start.contains("'s ") || start.contains("’s "))
            && SUPPORTED_WORK.iter().any(|work| start.contains(work)))
}

/// What an appeal asks the reader to support, after the site's name ("Support The
/// Sentinel's journalism").
const SUPPORTED_WORK: &[&str] = &["journalism", "reporting", "newsroom"];

/// Whether `lower` (lower-cased) speaks to the reader in the second person.
pub fn addresses_reader(lower: &str) -> bool {
    lower
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| READER_WORDS.contains(&w))
}

/// A short paragraph asking the reader to follow, subscribe, download, write in or give:
/// a call's phrase in a block that opens with the call, is short, or speaks to the reader.
/// A longer sentence that reports a call in the third person is the story's.
pub fn is_promo_line(text: &str) -> bool {
    if more_chars_than(text, 300) {
        return false;
    }
    let lower = lower_for_lists(text);
    let short = !more_chars_than(text, SHORT_PROMO_CHARS);
    (has_promo_phrase(&lower) && (short || opens_with_call(&lower) || addresses_reader(&lower)))
        || (short && opens_with_follow(&lower))
}

/// Openings of a call to follow someone on a social network ("Follow The Gleaner on
/// Twitter", "Find her on Instagram", "Like us on Facebook"); a story's sentence that
/// names a network ("The minister wrote on Facebook …") does not open with one. "Like" and
/// "join" count only with "us" or "our": "Like many voters, she …" opens a sentence.
const FOLLOW_OPENERS: &[&str] = &[
    "follow ",
    "find ",
    "like us",
    "like our",
    "join us",
    "join our",
    "connect with ",
];

/// Whether `lower` opens with a call to follow and names a social network.
fn opens_with_follow(lower: &str) -> bool {
    let start = lower.trim_start_matches(|c: char| !c.is_alphanumeric());
    FOLLOW_OPENERS.iter().any(|v| start.starts_with(v))
        && SOCIAL_NETWORKS.iter().any(|n| lower.contains(n))
}

/// Whether `lower` holds one of [`PROMO_PHRASES`] as a call: an English verb's phrase
/// that goes on as another word ("donated", "subscribers", "subscribes") reports what
/// someone did ("1,240 people donated to the fund") and is not one.
fn has_promo_phrase(lower: &str) -> bool {
    PROMO_SEARCHER.find_iter(lower).any(|m| {
        let reported = m.as_str().ends_with('e')
            && lower[m.end()..].starts_with(['d', 'r', 's'])
            && m.as_str().is_ascii();
        !reported
    })
}

/// A searcher for any of `phrases` (literal, lower-case text), in lower-cased text, or in
/// text of any case with `any_case`.
fn phrase_searcher(phrases: &[&str], any_case: bool) -> regex::Regex {
    let alternatives: Vec<String> = phrases.iter().map(|p| regex::escape(p)).collect();
    regex::RegexBuilder::new(&alternatives.join("|"))
        .case_insensitive(any_case)
        .build()
        .expect("escaped literals form a valid regex")
}

/// Whether `text` has more than `n` characters. Its length in bytes often decides without
/// counting (a character is one to four bytes); otherwise the count is std's, which
/// reads the text a word at a time.
pub(crate) fn more_chars_than(text: &str, n: usize) -> bool {
    text.len() > n && (text.len() > n.saturating_mul(4) || text.chars().count() > n)
}

/// Phrases of a disclosure that a post is advertising or earns from its links.
const DISCLOSURE_PHRASES: &[&str] = &[
    "affiliate link",
    "affiliate-link",
    "we may receive compensation",
    "we may earn",
    "may earn a commission",
    "enthält werbung",
    "werbung für",
    "unbezahlte werbung",
    "enthält affiliate",
    "contient des liens",
    "lien affilié",
    "liens affiliés",
    "enlaces de afiliado",
    "linki afiliacyjne",
    "wpis sponsorowany",
    "на правах рекламы",
    "reklam hüququnda",
];

/// Labels that open a breadcrumb trail ("Sie sind hier: Startseite » Artikel » …"),
/// lower-case.
const TRAIL_LABELS: &[&str] = &[
    "you are here",
    "sie sind hier",
    "sie befinden sich hier",
    "vous êtes ici",
    "usted está aquí",
    "estás aquí",
    "sei qui",
    "jesteś tutaj",
    "u bent hier",
    "вы здесь",
    "вы находитесь здесь",
    "ви тут",
    "siz buradasınız",
    "buradasınız",
];

/// Longest breadcrumb trail under its label, in characters.
const TRAIL_MAX_CHARS: usize = 200;

/// Whether `text` is a breadcrumb trail under its label ("You are here: Home » News »
/// …"), whatever the trail ends with.
pub fn is_labelled_trail(text: &str) -> bool {
    !more_chars_than(text, TRAIL_MAX_CHARS)
        && opens_with_label(text, TRAIL_LABELS, &[':', '»', '›', '>', '|'])
}

/// Whether `text` opens with one of `labels` (lower-case, past any leading marks) followed
/// by one of `separators`: "Disclaimer: …", "Sie sind hier: …".
fn opens_with_label(text: &str, labels: &[&str], separators: &[char]) -> bool {
    let text = text.trim_start_matches(|c: char| !c.is_alphanumeric());
    let head = text.chars().take(48).collect::<String>().to_lowercase();
    labels.iter().any(|label| {
        head.strip_prefix(label)
            .is_some_and(|rest| rest.trim_start().starts_with(separators))
    })
}

/// Labels that open a site's disclaimer ("Disclaimer: The views and investment tips
/// expressed by experts are their own …"), lower-case.
const DISCLAIMER_LABELS: &[&str] = &[
    "disclaimer",
    "haftungsausschluss",
    "avertissement",
    "aviso legal",
    "descargo de responsabilidad",
    "отказ от ответственности",
    "дисклеймер",
    "sorumluluk reddi",
    "məsuliyyətdən imtina",
];

/// Phrases of a note on who funds the site or the project behind a page ("This monitoring
/// programme is supported by a grant from …", "Материал подготовлен при финансовой
/// поддержке …", the EU's "… do not necessarily reflect the views of …"), lower-case.
const FUNDING_PHRASES: &[&str] = &[
    "supported by a grant",
    "with the financial support of",
    "with financial support from",
    "do not necessarily reflect the views",
    "does not necessarily reflect the views",
    "при финансовой поддержке",
    "реализуется при поддержке",
    "подготовлен при поддержке",
    "подготовлена при поддержке",
    "не обязательно отражает",
    "qrantı ilə",
    "maliyyə dəstəyi ilə",
    "mit finanzieller unterstützung",
    "avec le soutien financier",
    "con el apoyo financiero",
];

/// Longest disclosure or disclaimer, in characters.
const DISCLOSURE_MAX_CHARS: usize = 400;

/// A short note that the post advertises or earns from its links ("*Werbung. Dieser
/// Beitrag enthält Werbung für …", "We may receive compensation if you …"), a disclaimer
/// under its label, or a note of who funds the work ([`FUNDING_PHRASES`]): furniture above
/// or below the story.
pub fn is_disclosure(text: &str) -> bool {
    if more_chars_than(text, DISCLOSURE_MAX_CHARS) {
        return false;
    }
    let lower = text.to_lowercase();
    DISCLOSURE_PHRASES
        .iter()
        .chain(FUNDING_PHRASES)
        .any(|p| lower.contains(p))
        || opens_with_label(text, DISCLAIMER_LABELS, &[':', '-', '–', '—'])
}

/// Phrases of an editor's note about where a story first ran or who wrote it.
const END_NOTE_PHRASES: &[&str] = &[
    "originally published",
    "first published",
    "originally appeared",
    "first appeared",
    "was published in",
    "republished",
    "is reprinted",
    "erschien zuerst",
    "erschien ursprünglich",
    "zuerst erschienen",
    "publié initialement",
    "publicado originalmente",
    "opublikowany pierwotnie",
    "впервые опубликован",
];

/// Social networks: an emphasised one-liner naming one points the reader away from the
/// story. Only short lines count; a longer closing question to readers that mentions one
/// is often part of the story.
const SOCIAL_NETWORKS: &[&str] = &[
    "youtube",
    "twitter",
    "facebook",
    "instagram",
    "telegram",
    "tiktok",
    "whatsapp",
    "linkedin",
];

/// Longest emphasised line that a social-network name alone marks as a note.
const SOCIAL_LINE_MAX_CHARS: usize = 150;

/// Verbs that join an author's name to what the author does ("Jane Doe is a reporter
/// at …", "Max Muster ist Redakteur …").
const BIO_COPULAS: &[&str] = &[
    "is",
    "was",
    "ist",
    "war",
    "est",
    "es",
    "jest",
    "является",
    "—",
    "-",
    "–",
];

/// A note that closes a page rather than the story, judged on a block the page set
/// entirely in italics or bold: where the story first appeared, an author bio
/// ("Jane Doe is a reporter at …"), a pointer to social media, or an address to write to.
/// The caller decides that the block is emphasised and sits after the story.
pub fn is_end_note(text: &str) -> bool {
    let length = text.chars().count();
    if length == 0 || length > 600 {
        return false;
    }
    let lower = text.to_lowercase();
    if END_NOTE_PHRASES.iter().any(|p| lower.contains(p))
        || has_email(text)
        || (length <= SOCIAL_LINE_MAX_CHARS && SOCIAL_NETWORKS.iter().any(|p| lower.contains(p)))
    {
        return true;
    }
    // A bio: a capitalised name of two to four words, then a copula.
    let words: Vec<&str> = text.split_whitespace().take(6).collect();
    (2..=4).any(|n| {
        words.len() > n
            && words[..n]
                .iter()
                .all(|w| w.chars().next().is_some_and(char::is_uppercase))
            && BIO_COPULAS.contains(&words[n].to_lowercase().as_str())
    })
}

/// Whether the text holds something shaped like an e-mail address.
fn has_email(text: &str) -> bool {
    text.split_whitespace().any(|word| {
        let word = word.trim_matches(|c: char| !c.is_alphanumeric());
        word.split_once('@').is_some_and(|(user, host)| {
            !user.is_empty() && host.contains('.') && !host.starts_with('.') && !host.ends_with('.')
        })
    })
}

/// Inline (phrasing) elements: they continue the current paragraph.
pub fn is_inline(tag: &str) -> bool {
    matches!(
        tag,
        "a" | "abbr"
            | "b"
            | "bdi"
            | "bdo"
            | "big"
            | "cite"
            | "code"
            | "data"
            | "del"
            | "dfn"
            | "em"
            | "font"
            | "i"
            | "img"
            | "ins"
            | "kbd"
            | "mark"
            | "q"
            | "s"
            | "samp"
            | "small"
            | "span"
            | "strike"
            | "strong"
            | "sub"
            | "sup"
            | "time"
            | "tt"
            | "u"
            | "var"
            | "wbr"
            | "br"
            | "label"
            | "nobr"
            | "acronym"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn el(tag: &'static str, class_id: &'static str) -> Element<'static> {
        Element {
            tag: tag.into(),
            class_id: class_id.into(),
            attrs: Box::new([]),
            hints: class_hints(class_id),
        }
    }

    #[test]
    fn layout_sides_in_other_languages_weigh_like_left_and_right() {
        let left = class_hints("left");
        assert_ne!(left, 0);
        for class_id in ["sol", "sag", "rechts", "gauche", "colonne-droite", "td sol"] {
            assert_eq!(class_hints(class_id), left, "{class_id}");
        }
    }

    #[test]
    fn a_drupal_fields_label_placement_hides_nothing() {
        let hidden = class_hints("element-hidden");
        assert_ne!(hidden & WEAK_JUNK, 0);
        for class_id in [
            "field field-name-body field-type-text-with-summary field-label-hidden",
            "field field--name-body field--type-text-with-summary field--label-hidden",
            "field field-name-field-photos field-label-above",
            "field--label-inline",
        ] {
            assert_eq!(class_hints(class_id) & WEAK_JUNK, 0, "{class_id}");
        }
        assert_ne!(
            class_hints("field-label-hidden visually-hidden") & WEAK_JUNK,
            0
        );
    }

    #[test]
    fn a_table_layouts_comment_rows_are_comments() {
        for class_id in ["commenthead", "commenttext", "commentbody", "comment-text"] {
            assert_ne!(class_hints(class_id) & COMMENTS, 0, "{class_id}");
        }
        assert_eq!(class_hints("commentary-text") & COMMENTS, 0);
    }

    #[test]
    fn the_hint_filter_lets_every_listed_word_through() {
        let index = &*HINT_INDEX;
        for (word, bits) in &index.words {
            assert_eq!(index.lookup(word), *bits, "{word}");
            let (head, tail) = word.split_at(word.len() / 2);
            if !head.is_empty() {
                let mut joined = String::new();
                assert_eq!(
                    index.lookup_joined(head, tail, &mut joined),
                    *bits,
                    "{word}"
                );
            }
        }
        assert_eq!(index.lookup("canvas"), 0);
        assert_eq!(index.lookup(""), 0);
    }

    #[test]
    fn ascii_class_names_get_the_hints_of_the_general_path() {
        // The general path, by characters, for every name.
        let general = |class_id: &str| {
            let mut joined = String::new();
            class_id.split_whitespace().fold(0, |bits, name| {
                let name_bits = name_hints(&HINT_INDEX, name, &mut joined);
                if name_bits != 0 && !is_modifier(name) && !is_post_class_term(class_id, name) {
                    bits | name_bits
                } else {
                    bits
                }
            })
        };
        for class_id in [
            "",
            "  ",
            "post-share-bar",
            "bmg-author-box entry-author-info",
            "share\tcomments\x0bsidebar\x0cfooter\rnav\nmenu",
            "-author- __related__posts-- x",
            "has-sidebar no-comments sidebar-left",
            "hentry type-post category-news tag-elections",
            "social-share-buttons-wrapper-for-the-page",
            "entry-content article-body",
            "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s",
            "comment commentlist comment-list comments-area",
            "ad ads advert-box advertisement",
            "cookie-consent gdpr newsletter-signup",
        ] {
            assert_eq!(class_hints(class_id), general(class_id), "{class_id:?}");
        }
        // Every listed word alone, split in two, and inside a longer name.
        for word in HINT_INDEX.words.keys() {
            let (head, tail) = word.split_at(word.len() / 2);
            for class_id in [
                word.to_string(),
                format!("{head}-{tail}"),
                format!("x-{word}-y"),
                format!("pre_{head}_{tail}_post"),
            ] {
                assert_eq!(class_hints(&class_id), general(&class_id), "{class_id:?}");
            }
        }
    }

    #[test]
    fn words_not_substrings() {
        assert!(!is_junk_by_class(&el("div", "canvas-wrapper")));
        assert!(is_junk_by_class(&el("div", "post-share-bar")));
        assert!(is_junk_by_class(&el(
            "div",
            "sharedaddy sd-sharing-enabled"
        )));
        assert!(is_junk_by_class(&el("div", "comment-content")));
        assert!(!is_junk_by_class(&el("div", "entry-content")));
        // A compound inside a longer name.
        assert!(is_junk_by_class(&el(
            "section",
            "bmg-content-box bmg-author-box"
        )));
        assert!(is_junk_by_class(&el("div", "entry-author-info")));
        assert!(!is_junk_by_class(&el("div", "author-name")));
    }

    #[test]
    fn comment_threads_by_their_names() {
        // uCoz's comment (`comEnt`, lower-cased as the page's class names are), Turkish
        // and Russian names of a thread.
        for class in ["coment", "yorumlar", "kommentarii-list", "blog-commenti"] {
            assert!(is_comments_by_class(&el("div", class)), "{class}");
        }
        assert!(!is_comments_by_class(&el("div", "content")));
        // Discuz!'s edit stamp in a post is chrome while small.
        assert!(is_weak_junk_by_class(&el("i", "pstatus")));
    }

    #[test]
    fn a_blogs_post_metadata_goes_longer_than_a_label() {
        // Kubrick's line under a post, which translated themes make longer than a label:
        // chrome while it holds little prose.
        assert!(is_weak_junk_by_class(&el("p", "postmetadata alt")));
        assert!(is_weak_junk_by_class(&el("div", "postmetadata")));
        // The other meta lines are labels: chrome only while small.
        assert!(!is_weak_junk_by_class(&el("div", "postmeta")));
        assert!(is_small_junk_by_class(&el("div", "postmeta")));
    }

    #[test]
    fn elementors_building_blocks_are_no_widgets() {
        for class in [
            "elementor-element elementor-widget elementor-widget-text-editor",
            "elementor-widget-container",
            "elementor-widget elementor-widget-html",
        ] {
            assert!(!is_weak_junk_by_class(&el("div", class)), "{class}");
            assert!(!is_junk_by_class(&el("div", class)), "{class}");
        }
        // What the rest of the name says still holds, and a sidebar's widget is one.
        assert!(is_junk_by_class(&el(
            "div",
            "elementor-widget elementor-widget-nav-menu"
        )));
        assert!(is_junk_by_class(&el(
            "div",
            "elementor-widget-share-buttons"
        )));
        assert!(is_weak_junk_by_class(&el("div", "widget widget_text")));
    }

    #[test]
    fn an_accordions_heads_and_smarteditors_sections_are_no_labels() {
        for class in [
            "accordion-header",
            "card-header",
            "panel-heading",
            "faq__header",
            "accordion-title",
            "faq-question",
        ] {
            assert_eq!(class_hints(class), 0, "{class}");
        }
        assert_ne!(class_hints("site-header"), 0);
        assert_eq!(class_hints("se-section se-section-text se-l-default"), 0);
        assert_ne!(class_hints("article-section"), 0);
        assert_ne!(class_hints("card-title"), 0);
        assert_ne!(class_hints("card-header-nav"), 0);
    }

    #[test]
    fn tail_furniture() {
        assert!(is_tail_section_label("Kontakt:"));
        assert!(is_tail_section_label(
            "Media üçün əlaqə: Leyla Nəsirova, +994 55 781 02 36, media@dst-monitor.az"
        ));
        assert!(is_tail_section_label(
            "Контакты для СМИ: Асель Нурланова, пресс-секретарь, тел. +7 701 552 18 09"
        ));
        assert!(is_tail_section_label("Weitere Informationen"));
        assert!(is_tail_section_label("Читайте также:"));
        assert!(is_tail_section_label("Related content"));
        assert!(is_tail_section_label("RELATED STORIES"));
        assert!(is_tail_section_label(
            "For more information, please contact:"
        ));
        assert!(!is_tail_section_label(
            "Related charges were dropped in May, the court said."
        ));
        assert!(!is_tail_section_label("Kontakt zur Außenwelt verloren"));
        assert!(is_tail_section_label(
            "Kontakt: Pressestelle, Tel. 030 1234"
        ));
        assert!(is_tail_section_label("Weitere Beiträge aus der Kolumne:"));
        assert!(is_tail_section_label("Pour citer cet article :"));
        assert!(is_tail_section_label("Aller plus loin"));
        assert!(is_tail_section_label("###"));
        assert!(is_tail_section_label("- 30 -"));
        for label in [
            "Материалы по теме:",
            "İlgili Haberler",
            "Вам также может быть интересно",
            "Mövzu ilə bağlı xəbərlər",
            "Sizə maraqlı ola bilər",
            "Bunlar da ilginizi çekebilir",
            "Читайте також",
            "Also read",
            "More from this author",
            "Recommended for you",
        ] {
            assert!(is_tail_section_label(label), "{label}");
        }
        for line in [
            "Рекомендуем",
            "Popular",
            "See also the report of the commission, published in May, for the figures of every district.",
            "Bu mövzuda danışan nazir yeni qanun layihəsini təqdim etdi.",
        ] {
            assert!(!is_tail_section_label(line), "{line}");
        }
        assert!(!is_tail_section_label("Ends."));
        assert!(!is_tail_section_label(
            "Quellen zufolge wurde der Vertrag gestern unterschrieben."
        ));
        for label in [
            "3 Kommentare",
            "Комментарии (12)",
            "Leave a comment",
            "So können Sie kommentieren:",
        ] {
            assert!(is_comments_label(label, false), "{label}");
        }
        assert!(is_comments_label("Leserkommentare", true));
        assert!(is_comments_label("Şərhlər", true));
        assert!(!is_comments_label("Comment", false));
        assert!(!is_comments_label("Ein Kommentar von Max Mustermann", true));
        assert!(!is_comments_label(
            "The minister declined to comment on the figures.",
            false
        ));
        for gate in [
            "Информация\nПосетители, находящиеся в группе Гости, не могут оставлять \
             комментарии к данной публикации.",
            "You must be logged in to post a comment.",
            "Comments are closed.",
            "Şərh yazmaq üçün sayta daxil olun.",
            "Комментарии для сайта Cackle",
        ] {
            assert!(is_comments_gate(gate), "{gate}");
        }
        assert!(!is_comments_gate(
            "The ministry closed the public comments on the draft law after a week."
        ));
        // The fragments' filter lets every phrase through, as written and capitalised.
        for phrase in COMMENT_GATE_PHRASES {
            let mut capitalised = phrase.chars();
            let capitalised: String = capitalised
                .next()
                .map(|c| c.to_uppercase().chain(capitalised).collect())
                .unwrap_or_default();
            assert!(is_comments_gate(phrase), "{phrase}");
            assert!(is_comments_gate(&capitalised), "{capitalised}");
        }
        for dateline in [
            "opublikowano: 7 kwietnia 2021",
            "Monday, September 2, 2024 14:12",
            "26-12-2023 [22:31]",
            "3 сентября 2024 г.",
            "Submitted by admin on Tue, 03/05/2024 - 10:00",
            "Posted by Jane Doe on March 5, 2024",
            "Опубликовано admin в Вт, 03/05/2024 - 10:00",
            "Updated 3:45 p.m.",
            "Updated at 3:45 p.m. ET",
            "Обновлено в 15:45",
            "Yenilənib: 15:45",
            "3:45 p.m.",
            "Last Modified:",
            "Опубликовано:",
            "Yayın tarihi:",
            "Last Updated ( Monday, 29 December 2014 10:05 )",
            "Sonuncu yenilənmə ( Bazar ertəsi, 29 Dekabr 2014 10:05 )",
            "Политика | 10.10.2006 | Автор: Руслан Алиев",
            "News · 12 March 2024 · 4 min read",
            "Updated May 18, 2022 12:52 AM EDT",
            "Published May 17, 2022 7:45 PM EDT",
        ] {
            assert!(is_dateline_block(dateline), "{dateline}");
        }
        for text in [
            "The vote was held on 2 September 2024.",
            "The report was published on 2 September 2024 by the mission",
            "Posted by Jane Doe on March 5, 2024 after the count ended",
            "Turnout fell again on 2 September 2024 in the capital",
            "Politics",
            "Polls close at 8 p.m.",
            "Doors open 7:30 p.m.",
            "Chapter 3:45 p.m.",
            "Last Modified",
            "The report was published:",
            "Turnout | 12 March 2024 | The commission counted every ballot twice",
        ] {
            assert!(!is_dateline_block(text), "{text}");
        }
        assert!(is_disclosure(
            "*Werbung. Dieser Beitrag enthält Werbung für eine Modemarke."
        ));
        assert!(is_disclosure(
            "We may receive compensation if you visit partners we recommend."
        ));
        assert!(is_disclosure("На правах рекламы"));
        assert!(is_labelled_trail(
            "Sie sind hier: Startseite » Artikel » Umstieg auf Linux"
        ));
        assert!(is_labelled_trail("You are here: Home > News"));
        assert!(is_labelled_trail("Вы здесь: Главная / Новости"));
        assert!(!is_labelled_trail("While you are here, sign the petition."));
        assert!(!is_labelled_trail(
            "You are here because the court summoned you."
        ));
        assert!(is_disclosure(
            "Disclaimer: The views and investment tips expressed by investment experts on \
             this site are their own and not those of the website or its management."
        ));
        assert!(is_disclosure(
            "*Haftungsausschluss: Die Inhalte dieses Ratgebers ersetzen keine Beratung."
        ));
        assert!(is_disclosure(
            "Отказ от ответственности — материал не является инвестиционной рекомендацией."
        ));
        for funding in [
            "This monitoring programme is supported by a grant from the Foundation for Open \
             Institutions.",
            "Layihə Media Təşəbbüsləri Proqramının kiçik qrantı ilə həyata keçirilir.",
            "Материал подготовлен при финансовой поддержке Фонда президентских грантов.",
            "This publication was produced with the financial support of the European \
             Union. Its contents do not necessarily reflect the views of the European Union.",
        ] {
            assert!(is_disclosure(funding), "{funding}");
        }
        assert!(!is_disclosure(
            "The new bridge is supported by a steel frame, the engineers said."
        ));
        // A story's sentence about a disclaimer, and a disclaimer without its label.
        assert!(!is_disclosure(
            "Disclaimers on the ballot were printed in three languages, the commission said."
        ));
        assert!(!is_disclosure(
            "The disclaimer: a line the court said the paper should have printed."
        ));
        assert!(!is_disclosure(
            "The commission banned political advertising on election day."
        ));
        for label in [
            "НАСТОЯЩИЙ МАТЕРИАЛ (ИНФОРМАЦИЯ) ПРОИЗВЕДЕН, РАСПРОСТРАНЕН И (ИЛИ) НАПРАВЛЕН \
             ИНОСТРАННЫМ АГЕНТОМ «ЦЕНТР» ЛИБО КАСАЕТСЯ ДЕЯТЕЛЬНОСТИ ИНОСТРАННОГО АГЕНТА \
             «ЦЕНТР». 18+",
            "Данное сообщение (материал) создано и (или) распространено иностранным \
             средством массовой информации, выполняющим функции иностранного агента",
            "* Правозащитный центр внесён Минюстом в реестр иностранных агентов.",
            "*Meta признана экстремистской и запрещена в России",
            "* designated an undesirable organisation in Russia",
        ] {
            assert!(is_legal_label(label), "{label}");
        }
        for text in [
            "Минюст внёс Правозащитный центр в реестр иностранных агентов в 2022 году.",
            "* Данные за 2023 год предварительные.",
            "Закон об иностранных агентах ужесточили: теперь материал (информация) должен \
             сопровождаться пометкой, сказал юрист.",
        ] {
            assert!(!is_legal_label(text), "{text}");
        }
        assert!(is_tag_line("Tags: elections, parliament", 0));
        assert!(is_tag_line("Теги: мост, ремонт", 9));
        assert!(is_tag_line("Teqlər: Gəncə təhsil məktəb", 19));
        assert!(!is_tag_line(
            "Themen: Die Kommission hat am Montag beschlossen, die Wahl zu wiederholen.",
            0
        ));
        assert!(!is_tag_line(
            "Keywords matter: search engines rank pages by them.",
            0
        ));
        assert!(!is_tag_line("Tag: Montag, 3. Mai", 0));
        assert!(is_tag_line("Рубрика: Новости, Выборы", 0));
        assert!(is_tag_line("Kateqoriya: Xəbərlər, Seçkilər", 0));
        assert!(is_tag_line("Filed under: Court cases", 0));
        assert!(is_tag_line("Categories: News, Elections", 0));
        assert!(is_tag_label("Topic"));
        assert!(is_tag_label("Теги:"));
        assert!(is_tag_label("Region / Country"));
        assert!(!is_tag_label("Topic of the day: the budget"));
        assert!(is_tag_label("  REGION /\u{a0}Country :"));
        assert!(is_tag_label("КАТЕГОРИЯ"));
        assert!(!is_tag_line(
            "Category: the commission said it would review every complaint",
            0
        ));
        for placeholder in [
            "Mit dem Laden des Beitrags akzeptieren Sie die Datenschutzerklärung von Instagram.",
            "Klicken Sie auf den unteren Button, um den Inhalt nachzuladen.",
            "Your video will play in 00:25",
            "Loading...",
            "Загрузка…",
            "Adhocracy funktioniert am besten, wenn JavaScript aktiviert ist.",
            "Please use Chrome browser for a more accessible video player",
            "Your browser does not support the video tag.",
            "Ваш браузер устарел. Обновите его, чтобы смотреть видео.",
            "Um die Website korrekt anzuzeigen, verwende bitte einen der folgenden Browser:\
             Achtung:Bitte aktualisiere deinen Browser, wenn du mit diesem Browser \
             fortfährst, könnte dein Einkaufserlebnis nicht zufriedenstellend sein!",
            "This video can not be played",
            "Səhifə hər 60 saniyədən bir avtomatik yenilənir",
            "Страница обновляется автоматически каждую минуту",
            "3:12",
            "1:02:45",
        ] {
            assert!(is_script_placeholder(placeholder), "{placeholder}");
        }
        for text in [
            "Loading the ballots took the commission three hours.",
            "Write your own JavaScript loader",
            "The portal stopped loading on election night.",
            "2:1",
            "John 3:16",
            "123:45",
            // A story's sentences about browsers, and an instruction that is no notice.
            "No other browser gives you so much choice and flexibility.",
            "Please open your browser and go to the settings page of the router.",
            "The researchers said the browser does not support the new standard yet, and \
             that its makers had promised a fix for the next release in the spring, \
             after complaints from developers and users who rely on it.",
        ] {
            assert!(!is_script_placeholder(text), "{text}");
        }
        for diagnostic in [
            "Warning: mysql_get_server_info(): Access denied for user ''@'localhost' (using \
             password: NO) in /www/htdocs/w008b8b5/wordpress/wp-content/plugins/tags/tags.php \
             on line 299",
            "Strict Standards: Redefining already defined constructor for class wpdb in \
             /www/htdocs/wp-includes/wp-db.php on line 56",
            "Deprecated:  Assigning the return value of new by reference is deprecated in \
             C:\\inetpub\\wwwroot\\includes\\cache.php on line 36",
            "Fatal error: Allowed memory size of 134217728 bytes exhausted in \
             /var/www/index.php on line 12",
        ] {
            assert!(is_server_diagnostic(diagnostic), "{diagnostic}");
        }
        for text in [
            // A story's sentences that read like one in part.
            "Warning: the storm will reach the coast in the evening, the service said on line 3.",
            "Notice: the meeting in room 4 is moved to index.php on line 12 of the agenda",
            "The site showed a warning in /var/www/index.php on line 12 for hours.",
            "Warning: errors in /var/www/index.php on line twelve",
        ] {
            assert!(!is_server_diagnostic(text), "{text}");
        }
        assert!(is_media_insert(
            "WATCH: Norvex CEO on AI networking demand: Cloud customers are building faster"
        ));
        assert!(is_media_insert("СМОТРИТЕ: Как голосовали в Казани"));
        assert!(is_media_insert("LISTEN: The mayor on the budget"));
        // A label in the story's own words, a sentence, or a label over nothing.
        assert!(!is_media_insert(
            "Watch: the commission will publish its results on Monday."
        ));
        assert!(!is_media_insert("Video: "));
        assert!(!is_media_insert(
            "WATCH: the commission said it would publish the results of the recount in \
             every district on Monday, after observers from both parties asked for it to be \
             done in public."
        ));
        assert!(is_promo_line(
            "Before you move on, we hope you will consider supporting our independent, \
             reader-funded journalism. We have no shareholders and no billionaire owner."
        ));
        assert!(!is_promo_line(
            "The foundation said it had spent years supporting independent journalism in the \
             region, and would go on doing so."
        ));
        // A newsletter's promise of the news in the reader's mailbox.
        for line in [
            "Cet article vous a plu ? Recevez chaque matin l'essentiel de l'actualité du \
             Morbihan dans votre boîte mail.",
            "Die wichtigsten Nachrichten aus der Region jeden Morgen in Ihr Postfach.",
            "Get the day's top stories sent straight to your inbox.",
            "Get the week's most important stories in your inbox every Friday",
            "Мы собираем деньги на аренду грузовой машины и коробки для переезда. Любая сумма \
             поможет.",
            "Получайте главные новости недели на почту — без спама, раз в неделю",
            "Получайте главные новости недели на вашу почту.",
        ] {
            assert!(is_promo_line(line), "{line}");
        }
        assert!(!is_promo_line(
            "Les enquêteurs ont retrouvé des centaines de messages frauduleux arrivés dans les \
             boîtes mail des employés de la mairie entre janvier et mars, selon le parquet."
        ));
        assert!(is_photo_credit("Фото: Иван Смирнов"));
        assert!(is_photo_credit("Photo by Jane Doe / Reuters"));
        assert!(is_photo_credit("Автор фото: Алия Серикова"));
        assert!(is_photo_credit("Фото из архива редакции"));
        assert!(!is_photo_credit(
            "Фотограф Алия Серикова сняла заседание маслихата."
        ));
        assert!(!is_photo_credit("Источник: ЦИК"));
        assert!(is_photo_credit("(Credit: Clayton Smith / Agency)"));
        assert!(is_photo_credit("[Image: Reuters]"));
        assert!(!is_photo_credit("(Credit: the ministry, which denied it)."));
        assert!(!is_photo_credit("Credit: Jane Doe"));
        assert!(!is_photo_credit(
            "Photo: the commission published the scans of every protocol on its site, and \
             observers compared them with their own copies."
        ));
        for label in [
            "Credit:",
            "Фото:",
            "Autoren:",
            "Автор :",
            "Müəllif:",
            "Source:",
        ] {
            assert!(is_bare_label(label), "{label}");
        }
        for line in [
            "Требования:",
            "Demands:",
            "Credit: Jane Doe",
            "Credit",
            "The author said:",
        ] {
            assert!(!is_bare_label(line), "{line}");
        }
        for byline in [
            "Иван Петров, корреспондент",
            "Jane Roe, staff writer",
            "Aysel Məmmədova, müxbir",
            "Max Muster, Redakteur",
            "John A. Smith, senior correspondent.",
        ] {
            assert!(is_byline_with_role(byline), "{byline}");
        }
        for line in [
            "Иван Петров, корреспондент которого задержали, вышел на свободу.",
            "the editor, who resigned",
            "Moscow, correspondent bureau",
            "Jane Roe, who chairs the commission",
            "Election Day, Reporter Notes From The Field And More",
            "Robert Smith, Senior Manager Digital Marketing",
        ] {
            assert!(!is_byline_with_role(line), "{line}");
        }
        assert!(is_credit_line("Foto: Sascha Klahn"));
        assert!(is_credit_line("Quelle: Deutscher Jagdverband (DJV)"));
        assert!(!is_credit_line(
            "Photographers were kept away from the square."
        ));
        assert!(is_promo_line(
            "Follow The Gleaner on Twitter and Instagram @JamaicaGleaner."
        ));
        assert!(!is_promo_line("The minister declined to comment."));
        // Naming a network is not a call; opening with one to follow is.
        assert!(!is_promo_line(
            "Many people are forced to sign up on Facebook's terms and do not like it."
        ));
        assert!(!is_promo_line(
            "The minister announced his resignation on Twitter on Monday."
        ));
        assert!(!is_promo_line(
            "Like many voters, she first read about the recount on Facebook."
        ));
        assert!(is_promo_line("Find us on Facebook."));
        assert!(is_promo_line(
            "Like our page on Facebook for daily updates."
        ));
        assert!(!is_promo_line(
            "This year 1,240 people donated to the observation fund."
        ));
        assert!(!is_promo_line("The channel has 40,000 subscribers."));
        assert!(is_promo_line("Donate today."));
        for line in [
            "Следите за новостями в Google Новостях",
            "Больше новостей в нашем Telegram",
            "Get the latest news delivered to your inbox",
            "Have a tip? Contact us securely.",
            "Bizi Google News'ten takip edin",
            "Haberin devamı için tıklayın",
            "Stay updated on African tech and business news. Join our WhatsApp channel for \
             daily briefings",
            "Самые важные новости — в нашем Telegram-канале",
            "Ən son xəbərlər Telegram kanalımızda",
        ] {
            assert!(is_promo_line(line), "{line}");
        }
        // A story's line about a channel that is not the site's.
        assert!(!is_promo_line(
            "The governor wrote in his Telegram channel that the bridge would reopen."
        ));
        assert!(is_promo_line(
            "If you enjoyed reading this post – would you consider supporting our work?"
        ));
        assert!(is_end_note(
            "This article was originally published on The Conversation."
        ));
        assert!(is_end_note(
            "Jane Doe is a reporter at the Daily Planet covering courts."
        ));
        assert!(is_end_note("Max Muster ist Redakteur im Ressort Politik."));
        assert!(is_end_note("Tips? Write to tips@example.org."));
        assert!(is_end_note("¡Mira lo que tiene nuestro canal de YouTube!"));
        assert!(!is_end_note("The minister said he is tired."));
        assert!(!is_end_note(
            "Voters queued for hours at @ polling stations."
        ));
        assert!(!is_end_note(
            "Correction: an earlier version gave the wrong date."
        ));
        assert!(is_consent_notice(
            "Diese Webseite verwendet Cookies. Durch die weitere Nutzung stimmen Sie zu."
        ));
        assert!(!is_consent_notice(
            "Cookies mit Schokolade: 200 g Butter, 2 Eier."
        ));
        // A story that speaks of a word like one for cookies is no notice.
        assert!(!is_consent_notice(
            "Kukinin qayınanası bazarda çörək satır, qonşular ona kömək edir."
        ));
        for notice in [
            "This website uses cookies to ensure you get the best experience.",
            "We use cookies to improve your experience on our website.",
            "By continuing to browse you accept the use of cookies. Learn more",
            "Ce site utilise des cookies pour améliorer votre expérience.",
            "Этот сайт использует файлы cookies.",
            "Мы используем файлы cookie",
            "Biz cookie fayllarından istifadə edirik",
            "Çerez (cookie) kullanıyoruz.",
            "Bu sayt kukilərdən istifadə edir. Ətraflı məlumat üçün məxfilik siyasətinə baxın.",
            "Sitemizde çerezler kullanılmaktadır. Siteyi kullanarak kabul etmiş olursunuz.",
            "Nieuwsplein maakt gebruik van cookies en vergelijkbare technieken om de site te \
             verbeteren.",
            "Diese Cookies sind immer aktiviert, da sie für Grundfunktionen der Webseite \
             erforderlich sind.",
        ] {
            assert!(is_consent_notice(notice), "{notice}");
        }
        // The headings of a consent dialog, with or without the word.
        for heading in [
            "What are cookies?",
            "Was sind Cookies?",
            "Что такое cookie?",
            "Cookies nədir?",
            "¿Qué son las cookies?",
            "Your privacy is important to us",
            "We value your privacy",
            "Wir respektieren Ihre Privatsphäre",
            "Мы уважаем вашу конфиденциальность",
            "Biz sizin məxfiliyinizə hörmət edirik",
        ] {
            assert!(is_consent_notice(heading), "{heading}");
        }
        // Questions about cookies that are not a dialog's, and headings about privacy in
        // which nobody pledges it to the reader.
        for line in [
            "Who doesn't love cookies?",
            "What are cookies doing to the open web, and who profits from the data?",
            "Privacy is important to us all",
            "Your privacy is at risk, the report says",
            "We need stronger privacy laws",
            "Мы требуем защиты конфиденциальности",
        ] {
            assert!(!is_consent_notice(line), "{line}");
        }
        // A story about tracking: websites, browsers and cookies named in passing.
        for story in [
            "Nearly every website that you visit that has a button is actually telling \
             Facebook about your browsing habits: the request carries any cookies your \
             browser might have collected. This is called a third-party request.",
            "Some web browsers do not send third-party cookies by default; the most \
             privacy-preserving modern browser is one that limits what sites can track.",
            "Рекламные сети используют cookie, чтобы следить за читателями.",
        ] {
            assert!(!is_consent_notice(story), "{story}");
        }
    }

    #[test]
    fn cookies_are_found_as_lower_casing_finds_them() {
        // The characters whose lower case holds a letter of "cookie" or "куки" are the
        // letters themselves, their capitals, the Kelvin sign and `İ` (whose `i` is
        // followed by a combining dot): what `mentions_cookies` relies on.
        for c in (0..=0x10_ffff).filter_map(char::from_u32) {
            let lower: String = c.to_lowercase().collect();
            if lower.contains(['c', 'o', 'k', 'i', 'e', 'к', 'у', 'и']) {
                let folded = c.to_lowercase().next() == Some(c)
                    || matches!(c, 'A'..='Z' | '\u{212a}' | 'К' | 'У' | 'И');
                assert!(folded || (c == 'İ' && lower == "i\u{307}"), "{c:?}");
            }
        }
        for text in [
            "We use COOKIES on this site",
            "Cookie",
            "cooki",
            "COO\u{212a}IE policy",
            "COOKİE",
            "Сайт использует КУКИ-файлы",
            "Куки",
            "кук и",
            "ccookie",
            "кукуки",
            "",
        ] {
            // Alone, and at every offset from the edge of the chunks that are passed over.
            let long =
                (0..80).map(|offset| format!("{}{text}{}", "x".repeat(offset), "y".repeat(90)));
            for text in std::iter::once(text.to_string()).chain(long) {
                let lower = text.to_lowercase();
                assert_eq!(
                    mentions_cookies(&text),
                    lower.contains("cookie") || lower.contains("куки"),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn more_chars_than_counts_characters_not_bytes() {
        for text in [
            "",
            "a",
            "abcd",
            "жжж",
            "中中",
            "🗳🗳🗳",
            "aж中🗳",
            "Выборы 2024",
        ] {
            for repeat in [1, 2, 3, 7, 50] {
                let text = text.repeat(repeat);
                let count = text.chars().count();
                for n in 0..count + 3 {
                    assert_eq!(more_chars_than(&text, n), count > n, "{text:?} {n}");
                }
            }
        }
    }

    /// `is_tail_section_label` as it was written first: the whole block lower-cased, every
    /// label tried as its prefix.
    fn tail_section_label_by_prefixes(text: &str) -> bool {
        let length = text.chars().count();
        if length > 300 {
            return false;
        }
        if length <= 60 && TAIL_SECTION_LABELS.contains(&normalised_label(text).as_str()) {
            return true;
        }
        let lower = text.trim().to_lowercase();
        TAIL_SECTION_LABELS.iter().any(|known| {
            lower.strip_prefix(known).is_some_and(|rest| {
                let rest = rest.trim_start();
                rest.starts_with(':') || (length <= 60 && rest.ends_with(':') && rest.len() > 1)
            })
        })
    }

    #[test]
    fn long_blocks_are_labels_only_before_a_colon() {
        let tails = [
            "",
            ":",
            " :",
            "  : Pressestelle der Stadt, Tel. 0123 456789, presse@example.org",
            ": ",
            " zur Außenwelt verloren",
            "s: Büro",
            " der Redaktion:",
            ":: doppelt",
            " — Fußnote: eins",
        ];
        let fillers = [
            "",
            " und noch etwas mehr Text",
            &" lang".repeat(15),
            &" ж".repeat(40),
        ];
        for label in TAIL_SECTION_LABELS
            .iter()
            .chain(&["KONTAKT", "Читайте Также", "ΣΟΦΊΑ"])
        {
            for tail in tails {
                for filler in fillers {
                    for text in [
                        format!("{label}{tail}{filler}"),
                        format!("  {label}{tail}{filler}  "),
                        format!("{filler}{label}{tail}"),
                    ] {
                        assert_eq!(
                            is_tail_section_label(&text),
                            tail_section_label_by_prefixes(&text),
                            "{text:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn promo_searcher_finds_what_a_search_per_phrase_finds() {
        for phrase in PROMO_PHRASES {
            for text in [
                format!("Please {phrase} today."),
                phrase.to_uppercase(),
                format!(
                    "{}…",
                    phrase
                        .chars()
                        .take(phrase.chars().count() / 2)
                        .collect::<String>()
                ),
            ] {
                let lower = text.to_lowercase();
                assert_eq!(
                    is_promo_line(&text),
                    PROMO_PHRASES.iter().any(|p| lower.contains(p)),
                    "{text:?}"
                );
            }
        }
        assert!(!is_promo_line(&format!("{} subscribe", "word ".repeat(80))));
    }

    #[test]
    fn a_forums_furniture_around_its_posts() {
        // phpBB's poster panel and board statistics, vBulletin's user info: chrome.
        assert!(is_junk_by_class(&el("dl", "postprofile")));
        assert!(is_junk_by_class(&el("div", "stat-block online-list")));
        assert!(is_junk_by_class(&el("td", "alt2 userinfo")));
        // A signature is chrome only as a small box: the word is too plain to say more.
        assert!(!is_junk_by_class(&el("div", "signature")));
        assert!(is_weak_junk_by_class(&el("div", "signature")));
        // The post itself is not.
        assert!(!is_junk_by_class(&el("div", "postbody")));
    }

    #[test]
    fn appeals_to_give_are_named_by_their_class() {
        // Boxes of any language that ask readers to give, join or apply, by their names.
        for class in [
            "svd-support",
            "rn-live__support",
            "dg-epic",
            "kg-card kg-cta-card",
            "membership-box",
            "contribute-banner",
        ] {
            assert!(is_weak_junk_by_class(&el("div", class)), "{class}");
            // Only as a small box: the plain words also name a help centre's article.
            assert!(!is_junk_by_class(&el("div", class)), "{class}");
        }
        for class in ["supporting-text", "epicentre", "contributor"] {
            assert!(!is_weak_junk_by_class(&el("div", class)), "{class}");
        }
        // A box asking for money may hold a few paragraphs of pitch: its own test.
        for class in ["donate-box", "block-donation", "wp-block-donations"] {
            assert!(is_appeal_by_class(&el("section", class)), "{class}");
            assert!(!is_junk_by_class(&el("section", class)), "{class}");
            assert!(class_weight(&el("section", class), CommentBlocks::Chrome) < 0);
        }
        assert!(!is_appeal_by_class(&el("section", "donor-stories")));
    }

    #[test]
    fn a_variant_of_a_block_is_not_a_label() {
        // A tip box in a how-to: the modifier beside its block names a variant.
        assert!(!is_small_junk_by_class(&el("div", "callout callout--info")));
        // The block's own name still counts, and so does `--` without the block beside it
        // (a block's element written with two dashes).
        assert!(is_small_junk_by_class(&el("div", "label label--info")));
        assert!(is_small_junk_by_class(&el("div", "article-detailed--date")));
        // Drupal's field name is the field's own, not a variant.
        assert!(is_small_junk_by_class(&el(
            "div",
            "field field--name-field-caption"
        )));
        assert!(!is_small_junk_by_class(&el(
            "div",
            "field field--name-body field--type-text-with-summary"
        )));
        // Only the label hint goes: a variant still marks chrome.
        assert!(is_junk_by_class(&el("div", "box box--related")));
    }

    #[test]
    fn wordpress_post_terms_are_not_labels() {
        let post = el(
            "div",
            "post-34 post type-post status-publish hentry category-news",
        );
        assert!(!is_small_junk_by_class(&post));
        assert!(is_small_junk_by_class(&el("div", "category-news")));
        // A heading classed as a heading is a heading; a box classed as a title is a label.
        assert!(!is_small_junk_by_class(&el("h2", "wp-block-heading")));
        assert!(is_small_junk_by_class(&el("div", "widget-title")));
    }

    #[test]
    fn hidden_styles() {
        let mut e = el("div", "");
        e.attrs = Box::new([("style", "color:red; display : none")]);
        assert!(is_hidden(&e));
    }

    #[test]
    fn weights() {
        let chrome = CommentBlocks::Chrome;
        assert!(class_weight(&el("div", "entry-content"), chrome) > 0);
        assert!(class_weight(&el("div", "related-posts"), chrome) < 0);
        // A comment weighs against its block, but not as a thread's post.
        let post = el("article", "comment");
        assert!(class_weight(&post, chrome) < 0);
        assert_eq!(class_weight(&post, CommentBlocks::Posts), 0);
    }

    #[test]
    fn comment_words_are_chrome_except_on_a_thread() {
        // Invision Community's thread, which it names `comments`.
        for class in ["comment-content", "ctopic ipsclear comments", "commentlist"] {
            let e = el("div", class);
            assert!(is_junk_by_class(&e), "{class}");
            assert!(is_comments_by_class(&e), "{class}");
            assert!(!is_junk_by_class_where(&e, CommentBlocks::Posts), "{class}");
        }
        // Chrome of any other kind stays chrome on a thread.
        for class in ["post-share-bar", "postprofile", "comments-share"] {
            assert!(
                is_junk_by_class_where(&el("div", class), CommentBlocks::Posts),
                "{class}"
            );
        }
    }

    #[test]
    fn reply_subjects() {
        for subject in [
            "Re: [Résolu] Fuite sous l'évier",
            "RE: Luft-vatten eller luft-luft?",
            "  Aw: Tomaten vorziehen",
            "Odp: Rozrząd w 1.9 TDI",
            "Ответ: Зимняя рыбалка",
            "回复：颜色还是粉的",
        ] {
            assert!(is_reply_subject(subject), "{subject}");
        }
        for heading in [
            "Renters deserve better",
            "Re-election campaign opens",
            "Rezultate",
            "",
        ] {
            assert!(!is_reply_subject(heading), "{heading}");
        }
    }

    #[test]
    fn a_dateline_is_a_label_as_a_block_only() {
        // A meta line's dateline goes; an AP-style dateline opening the first paragraph
        // ("CAIRO —") is part of its sentence.
        assert!(is_small_junk_by_class(&el("p", "content__dateline")));
        assert!(is_small_junk_by_class(&el("div", "grid-item-dateline")));
        assert!(!is_small_junk_by_class(&el("span", "dateline")));
    }
}
