//! The headline: which candidate to trust, and how to take the site's name off `<title>`.
//!
//! Pages carry their headline several times: `og:title`, JSON-LD `headline`, `twitter:title`,
//! `<title>` and one or more `<h1>`. The rule (issue #3): og:title / JSON-LD headline / the
//! article's h1 / `<title>` without the site-name suffix.
//!
//! - A metadata title (`og:title`, JSON-LD `headline`, `twitter:title`, Dublin Core…) is the
//!   title the publisher declared for the article and is taken as it is, whitespace
//!   normalised: what follows the headline there ("| Eleanor Ainge Roy", "- Part Two",
//!   "| eHow") was put there by the publisher. Only a metadata title that is nothing but the
//!   site's name (a template default) is passed over.
//! - `<title>` is written for browser tabs and search engines: it is used only when no
//!   metadata title exists, with the site name (" - Site", " | Site", " — Site", or "Site: "
//!   in front) and sections removed. The other candidates serve as hints: when `<title>` is
//!   "Headline | Section | Site" and the `<h1>` is "Headline", the split point is certain.
//! - An `<h1>` is often the headline but just as often the logo: it is used only when nothing
//!   else exists or the others are just the site's name.

use std::borrow::Cow;

use super::author::normalise_space;
use super::dates::{DateContext, FoundDate, parse_dateline_in};

/// Where a title candidate came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TitleSource {
    /// `og:title`, JSON-LD `headline`, `twitter:title`, Dublin Core…
    Metadata,
    /// The `<title>` element.
    TitleTag,
}

/// Separators between a headline and the site or section names around it.
const SEPARATORS: &[&str] = &[
    " | ", " - ", " – ", " — ", " :: ", " · ", " » ", " « ", " • ", " / ", " ~ ", " ｜ ", "｜",
    " || ", "--",
];

/// Chinese portals' and government sites' CMSs write every tab "标题_栏目_站点" (headline,
/// column, site) with underscores: one between two characters of a script without spaces
/// is a separator; elsewhere it belongs to a name (`snake_case`).
const UNSPACED_UNDERSCORE: &str = "_";

/// A title with more separated pieces than this is a list, not a headline with affixes.
const MAX_SEGMENTS: usize = 12;

/// How many site/section pieces may surround the headline on each side.
const AFFIX_SEGMENTS: usize = 3;

/// Picks and cleans the title. `sources` are in order of preference; `h1` are the page's
/// `<h1>` texts; `shown` gives the texts of other elements styled as titles (`<td
/// class="eTitle">`), asked for only when `<title>` is read and the other candidates do not
/// pin its headline, and titles themselves only under a tab that names no more than the
/// site and a section ([`styled_headline_under_a_section_name`]); `site_names` are names the site goes by
/// (og:site_name, publisher, host label).
pub(crate) fn choose_title(
    sources: &[(TitleSource, String)],
    h1: &[String],
    shown: &dyn Fn() -> Vec<String>,
    site_names: &[String],
) -> Option<ChosenTitle> {
    let sites: Vec<String> = site_names
        .iter()
        .map(|name| comparable(name.trim_start_matches('@')))
        .filter(|name| name.chars().count() >= 2)
        .collect();
    let is_site_name = |text: &str| {
        let text = comparable(text);
        text.is_empty() || sites.contains(&text)
    };
    let hints: Vec<&str> = sources
        .iter()
        .map(|(_, text)| text.as_str())
        .chain(h1.iter().map(String::as_str))
        .collect();
    let title_tag = sources
        .iter()
        .find(|(source, _)| *source == TitleSource::TitleTag)
        .map(|(_, text)| normalise_space(text));
    for (source, raw) in sources {
        let cleaned = match source {
            TitleSource::Metadata => {
                let raw = normalise_space(raw);
                let copies_title_tag = title_tag.as_deref() == Some(raw.as_str());
                let declared = metadata_headline(&raw, &sites, h1, copies_title_tag).unwrap_or(raw);
                shown_form(&declared, h1)
                    .or_else(|| without_bracketed_tag(&declared, h1))
                    .or_else(|| {
                        let tab = title_tag.as_deref()?;
                        heading_the_tab_confirms(&declared, h1, tab, &sites, shown).or_else(|| {
                            headline_the_tab_and_page_show(&declared, h1, tab, &sites, shown)
                        })
                    })
                    .unwrap_or(declared)
            }
            TitleSource::TitleTag => {
                let raw = without_trailing_tag(raw).unwrap_or(raw);
                let headline = strip_site_affixes(raw, &sites, &hints, shown);
                heading_over_a_page_name(&headline, h1, &sites)
                    .or_else(|| fuller_heading(&headline, h1))
                    .or_else(|| fuller_heading_of_a_trailing_run(&headline, h1))
                    .or_else(|| unrelated_heading(raw, h1, &sites))
                    .or_else(|| without_bracketed_tag(&headline, h1))
                    .or_else(|| heading_spelling(&headline, h1))
                    .or_else(|| heading_under_a_section_tab(raw, &headline, h1, &sites))
                    .or_else(|| styled_headline_under_a_section_name(raw, &headline, h1, shown))
                    .unwrap_or(headline)
            }
        };
        if !is_site_name(&cleaned) {
            let headline = match source {
                TitleSource::Metadata => heading_over_a_sharing_title(&cleaned, h1, &sites),
                TitleSource::TitleTag => None,
            };
            return Some(ChosenTitle {
                headline: headline.unwrap_or_else(|| cleaned.clone()),
                declared: cleaned,
            });
        }
    }
    h1.iter()
        .map(|h| normalise_space(h))
        .find(|h| !is_site_name(h))
        .map(|heading| ChosenTitle {
            headline: heading.clone(),
            declared: heading,
        })
}

/// A page's title in the two forms the extractor needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ChosenTitle {
    /// The reader's headline: the title the article is given.
    pub headline: String,
    /// The headline as the page's declarations give it, before the page's `<h1>` is taken
    /// over a metadata title written in other words ([`heading_over_a_sharing_title`]).
    /// The story's selection and the text's clean-up look for this one: a heading the
    /// declared title does not name stays in the text, as it did before the `<h1>` was
    /// preferred, so the choice of a title never changes the text.
    pub declared: String,
}

/// Fewest words of an `<h1>` preferred to a `<title>` it has nothing in common with.
const MIN_UNRELATED_HEADING_WORDS: usize = 4;

/// The page's one `<h1>` when `<title>` shares no word with it: a template that writes the
/// site's name into every tab ("Ленинский районный суд города Заречинска - Новости") and the
/// headline into the heading. Words of fewer than three letters do not count as shared;
/// a heading that is a known name of the site (its logo) is never taken.
fn unrelated_heading(title: &str, h1: &[String], sites: &[String]) -> Option<String> {
    let heading = the_one_heading(h1, sites)?;
    if heading.split_whitespace().count() < MIN_UNRELATED_HEADING_WORDS {
        return None;
    }
    let significant = |text: &str| -> Vec<String> {
        comparable_words(text)
            .filter(|word| word.chars().count() >= 3)
            .collect()
    };
    let heading_words = significant(&heading);
    let shares = significant(title)
        .iter()
        .any(|word| heading_words.contains(word));
    (!shares).then_some(heading)
}

/// The page's `<h1>` when it has only one, spaces normalised, unless it is a known name of
/// the site (its logo): the heading the rules that prefer a heading to `<title>` may take.
fn the_one_heading(h1: &[String], sites: &[String]) -> Option<String> {
    let [heading] = h1 else {
        return None;
    };
    let heading = normalise_space(heading);
    (!is_logo(&heading, sites)).then_some(heading)
}

/// Whether a heading is a known name of the site: the name itself, or the name with a word
/// more or less in front ("Le Fournil du Dimanche" on `fournil-du-dimanche.fr`, "The
/// Guardian" for "Guardian"). Not a heading that only opens with the name ("BBC to cut 500
/// jobs"), which [`matches_site`] allows for a tab's piece.
fn is_logo(heading: &str, sites: &[String]) -> bool {
    let heading = comparable(heading);
    let heading = without_accents(&heading);
    sites
        .iter()
        .any(|site| is_form_of_site_name(&heading, &without_accents(site)))
}

/// Whether `name` is the site's name `site` (both [`comparable`], without accents) itself,
/// or with a word more or less in front: "The Guardian" for "Guardian", "Le Fournil du
/// Dimanche" for `fournil-du-dimanche`.
fn is_form_of_site_name(name: &str, site: &str) -> bool {
    let (length, site_length) = (name.chars().count(), site.chars().count());
    name == site
        || ((name.ends_with(site) || site.ends_with(name))
            && length.abs_diff(site_length) <= 4
            && length.min(site_length) >= 4)
}

/// The words of `text` as [`comparable`] makes them, without those it leaves empty (a dash
/// between segments).
pub(super) fn comparable_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split_whitespace()
        .map(comparable)
        .filter(|word| !word.is_empty())
}

/// Fewest words of a `<title>` headline that an `<h1>` may spell out in full.
const MIN_SHORTENED_WORDS: usize = 3;

/// The `<h1>` that spells out a headline `<title>` shortened for the browser tab: every
/// word of the tab's headline, in order, with more between or after them ("Agentliyin
/// mətbuat katibinin açıqlaması" under the heading "Agentliyin mətbuat katibinin Xəzər
/// sahillərində … açıqlaması"). A heading that only puts a one-word label in front of the
/// tab's headline ("Тема: Зимняя рыбалка на Оби …" over a forum thread) adds no words of
/// the headline: the tab's form stands. A longer kicker ("Houbařská sezóna 2023: …") is
/// the heading's own.
fn fuller_heading(headline: &str, h1: &[String]) -> Option<String> {
    let short: Vec<String> = comparable_words(headline).collect();
    if short.len() < MIN_SHORTENED_WORDS {
        return None;
    }
    h1.iter().map(|h| normalise_space(h)).find(|heading| {
        let full: Vec<String> = comparable_words(heading).collect();
        full.len() > short.len() && holds_in_order(&full, &short) && !is_labelled(heading, headline)
    })
}

/// The page's `<h1>` when a metadata title is a form of it made for sharing rather than
/// the headline as the page shows it:
/// - cut short with an ellipsis ("Warum die Gemeinde ihre Fußgängerbrücke…"), where the
///   heading goes on from the same words;
/// - set in capitals, where the heading has the same words in their case;
/// - led by a section's label ("Мнение | …", "Opinion: …") the heading does not carry.
///
/// A heading that only has more words than the declaration is not taken: templates write a
/// kicker into the `<h1>` ("Tunesien Große Aufgaben für die neue Regierung"), and a
/// publisher's shorter title is as likely the one meant.
fn shown_form(declared: &str, h1: &[String]) -> Option<String> {
    let trimmed = declared.trim_end();
    if let Some(cut) = trimmed
        .strip_suffix('…')
        .or_else(|| trimmed.strip_suffix("..."))
    {
        let cut: Vec<String> = comparable_words(cut).collect();
        // The last word before the ellipsis may itself be cut.
        let whole = &cut[..cut.len().saturating_sub(1)];
        if whole.len() >= MIN_SHORTENED_WORDS - 1 {
            let found = h1.iter().map(|h| normalise_space(h)).find(|heading| {
                let words: Vec<String> = comparable_words(heading).collect();
                words.len() > whole.len() && words.starts_with(whole)
            });
            if found.is_some() {
                return found;
            }
        }
    }
    let letters = || declared.chars().filter(|c| c.is_alphabetic());
    if letters().count() >= 3 && letters().all(|c| !c.is_lowercase()) {
        let shown = comparable(declared);
        if let Some(heading) = h1
            .iter()
            .map(|h| normalise_space(h))
            .find(|h| comparable(h) == shown && h.chars().any(char::is_lowercase))
        {
            return Some(heading);
        }
    }
    let parts = segments(declared);
    if parts.len() == 2
        && parts[0].text.split_whitespace().count() <= KICKER_WORDS
        && parts[1].separator.trim() == "|"
        && h1
            .iter()
            .any(|h| comparable(h) == comparable(parts[1].text))
    {
        return Some(parts[1].text.trim().to_owned());
    }
    // A tag in capitals after the headline ("… - VİDEO", "… | ФОТО") that the heading
    // does not carry.
    if parts.len() == 2
        && is_capitals_tag(parts[1].text)
        && h1
            .iter()
            .any(|h| comparable(h) == comparable(parts[0].text))
    {
        return Some(parts[0].text.trim().to_owned());
    }
    let hints: Vec<&str> = h1.iter().map(String::as_str).collect();
    without_kicker(declared, &hints)
}

/// Tags a sharing title sets in capitals after the headline for what the page holds
/// besides text: videos, photos, a live feed (az, tr, ru, uk, en, de, fr, es).
const MEDIA_TAGS: &[&str] = &[
    "video",
    "videolar",
    "видео",
    "відео",
    "foto",
    "fotolar",
    "fotoğraf",
    "fotoğraflar",
    "фото",
    "фоторепортаж",
    "photo",
    "photos",
    "fotos",
    "live",
    "canlı",
    "онлайн",
    "audio",
    "аудио",
];

/// Whether a title's piece is a media tag set in capitals ("VİDEO", "ФОТО", "LIVE"), or
/// two of them ("FOTO, VİDEO").
fn is_capitals_tag(text: &str) -> bool {
    let letters = || text.chars().filter(|c| c.is_alphabetic());
    letters().next().is_some()
        && letters().all(|c| !c.is_lowercase())
        && text
            .split(|c: char| !c.is_alphabetic())
            .filter(|w| !w.is_empty())
            .all(|w| MEDIA_TAGS.contains(&super::clean::lower_for_lists(w).as_str()))
}

/// The `<h1>` that goes on after a shorter metadata title when `<title>` carries the
/// heading's words, not the metadata's: og:title "«Роботи завершимо до жовтня»: у Житомирі
/// відновили ремонт мосту" made for sharing, while the tab and the heading both add "— після
/// дворічної перерви". A heading with more words alone is not enough (see [`shown_form`]);
/// two of the page's own declarations agreeing on it are.
fn heading_the_tab_confirms(
    declared: &str,
    h1: &[String],
    title_tag: &str,
    sites: &[String],
    shown: &dyn Fn() -> Vec<String>,
) -> Option<String> {
    let short: Vec<String> = comparable_words(declared).collect();
    let heading = fuller_heading(declared, h1)?;
    // Only a heading that goes on after the declaration's words: one that adds words in
    // front is a kicker ("Deutschlandtakt: …"), which tabs copy as often as headings.
    if !comparable_words(&heading)
        .take(short.len())
        .eq(short.iter().cloned())
    {
        return None;
    }
    // Split the tab by the heading alone: the metadata title would pin its own shorter run.
    let tab_headline = strip_site_affixes(title_tag, sites, &[heading.as_str()], shown);
    (comparable(&tab_headline) == comparable(&heading)).then_some(heading)
}

/// The headline that `<title>` and the page both show when a metadata title says something
/// else: og:title "Pavlodar heating bills to rise by a third", written for sharing, over a
/// tab and an `<h1>` that both read "Pavlodar heating tariffs to rise 32% as residents
/// question …". Two of the page's own declarations agreeing outweigh the one. The page
/// shows the headline in its `<h1>`, or where there is none that agrees, in an element
/// styled as a title (Tilda's `t-title`). A metadata title that the page shows stands.
fn headline_the_tab_and_page_show(
    declared: &str,
    h1: &[String],
    title_tag: &str,
    sites: &[String],
    shown: &dyn Fn() -> Vec<String>,
) -> Option<String> {
    let declared_words: Vec<String> = comparable_words(declared).collect();
    let same_words = |text: &str| comparable_words(text).eq(declared_words.iter().cloned());
    if h1.iter().any(|h| same_words(h)) {
        return None;
    }
    let hints: Vec<&str> = h1.iter().map(String::as_str).collect();
    let tab_headline = strip_site_affixes(title_tag, sites, &hints, shown);
    let tab_words: Vec<String> = comparable_words(&tab_headline).collect();
    // A tab that only puts a kicker before the metadata title ("Deutschlandtakt: Flixbus
    // attackiert Deutsche Bahn") copies a heading that carries one: the publisher's own
    // title is the headline there.
    let kicker_before = tab_words.len() > declared_words.len()
        && tab_words.len() - declared_words.len() <= KICKER_WORDS
        && tab_words.ends_with(&declared_words);
    // A metadata title that goes on after the headline ("… | Eleanor Ainge Roy") names its
    // author or series by the publisher's choice (see `metadata_title_is_taken_as_declared`).
    let goes_on_after = declared_words.starts_with(&tab_words);
    if kicker_before
        || goes_on_after
        || tab_words.len() < MIN_SHORTENED_WORDS && !has_words_enough(&tab_headline)
        || sites.contains(&comparable(&tab_headline))
    {
        return None;
    }
    let tab_says = |text: &str| comparable_words(text).eq(tab_words.iter().cloned());
    if let Some(heading) = h1.iter().find(|h| tab_says(h)) {
        return Some(normalise_space(heading));
    }
    let styled = shown();
    if styled.iter().any(|t| same_words(t)) {
        return None;
    }
    styled.into_iter().find(|t| tab_says(t))
}

/// Fewest words of an `<h1>` taken over a metadata title that says something else.
const MIN_SHOWN_HEADLINE_WORDS: usize = 4;

/// The page's one `<h1>` over a metadata title written for sharing in other words: og:title
/// "Суд над экоактивистом: заседание 7" over the heading "Дело эколога Руслана Хачатурова:
/// в суде допросили полицейских …". The reader's headline is the one the page shows.
///
/// Not taken:
/// - a heading that is a known name of the site (its logo), or a short label;
/// - a heading that holds all the declaration's words and more, in order: templates glue a
///   kicker or a date into the `<h1>` ("Tunesien Große Aufgaben für die neue Regierung"),
///   and the publisher's title is the headline without it (see [`shown_form`]);
/// - a heading whose words the declaration holds, in order: the declaration names the
///   same story more fully.
fn heading_over_a_sharing_title(declared: &str, h1: &[String], sites: &[String]) -> Option<String> {
    let heading = the_one_heading(h1, sites)?;
    if heading.split_whitespace().count() < MIN_SHOWN_HEADLINE_WORDS {
        return None;
    }
    let heading_words: Vec<String> = comparable_words(&heading).collect();
    let declared_words: Vec<String> = comparable_words(declared).collect();
    let different = !holds_in_order(&heading_words, &declared_words)
        && !holds_in_order(&declared_words, &heading_words);
    different.then_some(heading)
}

/// Whether `longer` holds every word of `shorter`, in order, maybe with others between.
fn holds_in_order(longer: &[String], shorter: &[String]) -> bool {
    let mut rest = longer.iter();
    shorter.iter().all(|word| rest.any(|w| w == word))
}

/// A tab's title without the tag in square brackets that closes it, when the tag has
/// [`BRACKETED_TAG_WORDS`] words or fewer ("Zamek w Bystrzycy Górnej [Wiki Krainy
/// Sudetów]", "navody:voskovanie_bezkiek [Bežkársky klub Trnava – wiki]"): a wiki's or a
/// site's name, read as one piece, whatever separators it holds. A title that is only a
/// bracketed tag stays.
fn without_trailing_tag(title: &str) -> Option<&str> {
    let trimmed = title.trim_end();
    let inner = trimmed.strip_suffix(']')?;
    let open = inner.rfind('[')?;
    let (head, tag) = (inner[..open].trim_end(), &inner[open + 1..]);
    let tag_words = tag
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric));
    (!head.is_empty() && tag_words.count() <= BRACKETED_TAG_WORDS).then_some(head)
}

/// Fewest words of a heading taken over a tab of a section's and the site's names.
const MIN_HEADING_OVER_SECTION_TAB_WORDS: usize = 3;

/// The page's one `<h1>` when the tab is a section's generic name and one other piece
/// ("Notícias - Município de Serra d'Arga"), which was read as the headline: old CMSs title
/// every story of a section so, and that other piece is the site's name, known or not. A
/// heading of a few words that is no piece of the tab is the story's.
fn heading_under_a_section_tab(
    tab: &str,
    headline: &str,
    h1: &[String],
    sites: &[String],
) -> Option<String> {
    let parts = segments(tab);
    let read = comparable(headline);
    if parts.len() != 2 || !is_read_piece_and_sections(&parts, &read) {
        return None;
    }
    the_one_heading(h1, sites).filter(|heading| {
        let words = comparable(heading);
        heading.split_whitespace().count() >= MIN_HEADING_OVER_SECTION_TAB_WORDS
            && words != read
            && parts.iter().all(|part| comparable(part.text) != words)
    })
}

/// Fewest characters of a page's name read as one.
const MIN_PAGE_NAME_CHARS: usize = 3;

/// The page's one `<h1>` when the tab's headline is the name of the page's file rather than
/// a headline: one word of letters joined by underscores or colons, as a wiki writes its
/// page ids into the tab ("navody:voskovanie_bezkiek" over the heading "Voskovanie
/// klasických bežiek").
fn heading_over_a_page_name(headline: &str, h1: &[String], sites: &[String]) -> Option<String> {
    let name = headline.trim();
    let is_page_name = name.chars().count() >= MIN_PAGE_NAME_CHARS
        && !name.contains(char::is_whitespace)
        && name.contains(['_', ':'])
        && name.chars().any(char::is_alphabetic);
    if !is_page_name {
        return None;
    }
    the_one_heading(h1, sites).filter(|heading| heading.contains(' '))
}

/// Most words of a tag in square brackets after a headline (a site's or wiki's name), and
/// in parentheses, which also close a headline's own words ("Bhindi masala (okra stir
/// fry)").
const BRACKETED_TAG_WORDS: usize = 4;
const PARENTHESISED_TAG_WORDS: usize = 2;

/// The `<h1>` when a title is the heading with a tag in brackets after it: a review's
/// "(İnceleme)", a wiki's name as DokuWiki writes every tab ("Zamek w Bystrzycy Górnej
/// [Wiki Krainy Sudetów]"). The heading shows the headline without it.
fn without_bracketed_tag(title: &str, h1: &[String]) -> Option<String> {
    let trimmed = title.trim_end();
    let (open, most_words) = match trimmed.chars().last()? {
        ')' => ('(', PARENTHESISED_TAG_WORDS),
        ']' => ('[', BRACKETED_TAG_WORDS),
        _ => return None,
    };
    let (head, tag) = trimmed.split_at(trimmed.rfind(open)?);
    if tag.split_whitespace().count() > most_words {
        return None;
    }
    let key = comparable(head);
    h1.iter()
        .map(|h| normalise_space(h))
        .find(|h| !key.is_empty() && comparable(h) == key && has_words_enough(h))
}

/// The `<h1>` that is a tab headline in its own typography: curly quotes or guillemets for
/// the tab's straight quotes (single or double), a dash for a hyphen, and nothing else
/// different.
fn heading_spelling(headline: &str, h1: &[String]) -> Option<String> {
    let plain = |c: char| match c {
        '\'' | '‘' | '’' | '‚' | '′' | '"' | '“' | '”' | '„' | '«' | '»' | '″' => {
            '"'
        }
        '‐' | '‑' | '‒' | '–' | '—' | '―' => '-',
        c => c,
    };
    let key: Vec<char> = headline.chars().map(plain).collect();
    h1.iter()
        .map(|h| normalise_space(h))
        .find(|h| *h != headline && h.chars().map(plain).eq(key.iter().copied()))
}

/// [`fuller_heading`] for the trailing segments of a tab title that still has a name in
/// front ("Houbařův zápisník - Hřiby v Brdech a jak je správně sušit" over the heading
/// "Houbařská sezóna 2023: hřiby v Brdech a jak je správně sušit"): when the `<h1>` spells
/// out a trailing run that outweighs what stands before it, the heading is the headline.
fn fuller_heading_of_a_trailing_run(headline: &str, h1: &[String]) -> Option<String> {
    let parts = segments(headline);
    if parts.len() < 2 || parts.len() > MAX_SEGMENTS {
        return None;
    }
    (1..=AFFIX_SEGMENTS.min(parts.len() - 1)).find_map(|start| {
        let run = join(&parts[start..]);
        let before = join(&parts[..start]).split_whitespace().count();
        (run.split_whitespace().count() > before)
            .then(|| fuller_heading(&run, h1))
            .flatten()
    })
}

/// The headline inside a metadata title that carries the site's name ("Headline — Site"
/// in `og:title`): the leading segments when the page's `<h1>` shows exactly them and
/// either the metadata title copies `<title>` or the rest is a known name of the site.
/// Otherwise the publisher's declaration stands whole.
fn metadata_headline(
    title: &str,
    sites: &[String],
    h1: &[String],
    copies_title_tag: bool,
) -> Option<String> {
    let parts = segments(title);
    if parts.len() < 2 || parts.len() > MAX_SEGMENTS {
        return None;
    }
    // An og:title that copies `<title>` (the CMS filled it with the tab's title): the
    // leading segments the `<h1>` shows are the headline, whatever follows them.
    if copies_title_tag
        && let Some(headline) = pinned_headline(&parts, title, sites, h1.iter().map(String::as_str))
    {
        return Some(headline);
    }
    let mut end = parts.len();
    while end > 1 && matches_site(parts[end - 1].text, sites) {
        end -= 1;
    }
    if end == parts.len() {
        return None;
    }
    let headline = join(&parts[..end]);
    let shown = comparable(&headline);
    h1.iter()
        .any(|h| comparable(h) == shown)
        .then_some(headline)
}

/// Most words of a section's name in a tab ("Noticias", "Xəbərlər", "Diary", "Статьи").
const SECTION_NAME_MAX_WORDS: usize = 2;

/// Fewest words of a styled title taken over a tab of the site's and a section's names.
const MIN_STYLED_HEADLINE_WORDS: usize = 3;

/// The headline of an old template's page that has no `<h1>` and whose tab names only the
/// site and a section ("Brackenfold Farm - Diary"), so that what is read from it is the
/// section's name or the site's: the heaviest title-styled element of three words or more that is no
/// piece of the tab (`<p class="title">Lambing is over at last</p>` beside boxes titled
/// "Shop" and "Flock this spring"). The tab's pieces rule out a masthead styled with the
/// site's name. A headline read from a tab is longer than a section's name. A tab read
/// whole whose every piece is as short as a name is the same tab.
fn styled_headline_under_a_section_name(
    tab: &str,
    headline: &str,
    h1: &[String],
    shown: &dyn Fn() -> Vec<String>,
) -> Option<String> {
    let parts = segments(tab);
    if !h1.is_empty() || parts.len() < 2 {
        return None;
    }
    let pieces: Vec<String> = parts.iter().map(|part| comparable(part.text)).collect();
    let read = comparable(headline);
    let a_section_name =
        pieces.contains(&read) && headline.split_whitespace().count() <= SECTION_NAME_MAX_WORDS;
    // Read whole, a tab of names only ("XƏZƏR İNFO - Xəbərlər", "Тамбовские вести ::
    // Новости") says no more than its pieces do.
    let names_only = read == comparable(tab)
        && parts
            .iter()
            .all(|part| part.text.split_whitespace().count() <= SECTION_NAME_MAX_WORDS);
    // Or the tab is the site's name and a section's generic name ("Şəki Diyarşünaslıq
    // Portalı - Xəbərlər"), so that what was read from it is the site's name.
    if !(a_section_name || names_only || is_read_piece_and_sections(&parts, &read)) {
        return None;
    }
    let styled = shown();
    // A short name the page shows in a styled title is its headline ("Briefe" over a blog's
    // post, its time beside it).
    if styled.iter().any(|text| comparable(text).contains(&read)) {
        return None;
    }
    styled
        .into_iter()
        .filter(|text| {
            text.split_whitespace().count() >= MIN_STYLED_HEADLINE_WORDS
                && !pieces.contains(&comparable(text))
        })
        .max_by_key(|text| heft(text))
}

/// Whether the tab's pieces are the one `read` from it (comparable) and generic section
/// names beside it ("Notícias - Município de Serra d'Arga" read as the site's name): the
/// tab names no headline.
fn is_read_piece_and_sections(parts: &[Segment<'_>], read: &str) -> bool {
    let mut sections = 0;
    let mut read_pieces = 0;
    for part in parts {
        if comparable(part.text) == read {
            read_pieces += 1;
        } else if is_section_name(part.text) {
            sections += 1;
        } else {
            return false;
        }
    }
    read_pieces > 0 && sections > 0
}

/// The last piece of a title split at its separators, when it has two or more ("Вход на
/// сайт" of "Берёзовка — наше село - Вход на сайт").
pub(super) fn last_piece(title: &str) -> Option<&str> {
    match segments(title).as_slice() {
        [_, .., last] => Some(last.text),
        _ => None,
    }
}

/// A piece of a title between separators, with the separator that preceded it.
struct Segment<'a> {
    separator: &'a str,
    text: &'a str,
}

/// Splits a title at its separators in one left-to-right pass (at each position the longest
/// separator starting there wins). Stops after `MAX_SEGMENTS + 1` pieces: a title with more
/// is a list and is not split at all.
fn segments(title: &str) -> Vec<Segment<'_>> {
    let mut out = Vec::new();
    let mut separator = "";
    let mut piece_start = 0;
    let mut position = 0;
    while position < title.len() {
        let rest = &title[position..];
        let unspaced_underscore = rest.starts_with(UNSPACED_UNDERSCORE)
            && title[..position]
                .chars()
                .next_back()
                .is_some_and(is_unspaced)
            && rest[1..].chars().next().is_some_and(is_unspaced);
        let found = SEPARATORS
            .iter()
            .filter(|sep| rest.starts_with(**sep))
            .max_by_key(|sep| sep.len())
            .or(unspaced_underscore.then_some(&UNSPACED_UNDERSCORE));
        match found {
            Some(sep) => {
                out.push(Segment {
                    separator,
                    text: &title[piece_start..position],
                });
                if out.len() > MAX_SEGMENTS {
                    return out;
                }
                separator = sep;
                position += sep.len();
                piece_start = position;
            }
            None => {
                position += rest.chars().next().map_or(1, char::len_utf8);
            }
        }
    }
    out.push(Segment {
        separator,
        text: &title[piece_start..],
    });
    out
}

fn join(segments: &[Segment<'_>]) -> String {
    let mut out = String::new();
    for (i, segment) in segments.iter().enumerate() {
        if i > 0 {
            out.push_str(segment.separator);
        }
        out.push_str(segment.text);
    }
    out.trim().to_owned()
}

/// Removes the site name (and sections) before or after the headline in `<title>`: known
/// site names, what another source shows is not part of the headline, and a short trailing
/// segment.
fn strip_site_affixes(
    title: &str,
    sites: &[String],
    hints: &[&str],
    shown: &dyn Fn() -> Vec<String>,
) -> String {
    if let Some(headline) = headline_before_ideographic_space(title, hints) {
        return headline;
    }
    let title = normalise_space(title);
    if let Some(headline) = headline_before_full_stop(&title, hints) {
        return headline;
    }
    let parts = segments(&title);
    if parts.len() < 2 || parts.len() > MAX_SEGMENTS {
        return without_site_label(&title, sites).unwrap_or(title);
    }
    let pinned = pinned_headline(&parts, &title, sites, hints.iter().copied()).or_else(|| {
        // Of the styled titles, a masthead (`<font size=6>` with the paper's name) may pin
        // the tab's name as the headline's does its own piece: the heavier piece is the
        // headline ("The Tri-Valley Sentinel - Old Mill Road bridge to close for repairs").
        shown()
            .iter()
            .filter_map(|text| pinned_headline(&parts, &title, sites, [text.as_str()]))
            .max_by_key(|pinned| heft(pinned))
    });
    if let Some(headline) = pinned {
        return headline;
    }
    if parts[1..]
        .iter()
        .all(|part| part.separator == UNSPACED_UNDERSCORE)
        && parts[1..]
            .iter()
            .all(|part| heft(part.text) < heft(parts[0].text))
    {
        // "标题_栏目_站点": the headline first, then the column and the site.
        return parts[0].text.trim().to_owned();
    }
    let mut start = 0;
    let mut end = parts.len();
    // A generator's credit ends a forum's tabs ("… - Forum - Powered by Discuz!").
    while end > 1 && is_generator_credit(parts[end - 1].text) {
        end -= 1;
    }
    // A date beside the headline is furniture, and so is all that follows it: "Headline -
    // 12 Марта 2024 - Section - Site", as uCoz writes every title.
    if let Some(mut date) = date_segment(&parts) {
        // Its weekday may stand as a piece of its own: "Headline - Thursday | March 18, 2010".
        if date > 0 && is_weekday(parts[date - 1].text) {
            date -= 1;
        }
        if date == 0 {
            start = 1;
        } else {
            end = end.min(date);
        }
    }
    let mut stripped = false;
    while end - start > 1 && matches_site(parts[end - 1].text, sites) {
        end -= 1;
        stripped = true;
    }
    while end - start > 1 && matches_site(parts[start].text, sites) {
        start += 1;
        stripped = true;
    }
    if !stripped && end - start > 1 {
        // "A long headline of several words – My website": a short trailing segment after a
        // much longer headline is a site or section name even when we do not know the site.
        let last_words = parts[end - 1].text.split_whitespace().count();
        let rest_words: usize = parts[start..end - 1]
            .iter()
            .map(|p| p.text.split_whitespace().count())
            .sum();
        // A question ends the headline ("Mietvertrag kündigen: Fristen und Form – was
        // gilt?"); no site is named with one.
        let is_question = parts[end - 1].text.trim_end().ends_with('?');
        if last_words <= 4 && rest_words >= 4 && rest_words >= 2 * last_words && !is_question {
            end -= 1;
        }
    }
    // A section's generic name beside the headline ("Новости - В городе прошли слушания",
    // "Headline | News | Site" once the site is off).
    let words = |parts: &[Segment<'_>]| -> usize {
        parts
            .iter()
            .map(|p| p.text.split_whitespace().count())
            .sum()
    };
    let named_section_first =
        end - start > 1 && is_section_name(parts[start].text) && words(&parts[start + 1..end]) >= 3;
    if named_section_first {
        start += 1;
    }
    if end - start > 1 && is_section_name(parts[end - 1].text) && words(&parts[start..end - 1]) >= 3
    {
        end -= 1;
    }
    // "Site :: Section :: Headline", as old CMSs write every tab: once the site's name is
    // off the front, a word or two before a headline of several words is its section,
    // whatever the section is called; once a section's name is off too, the rest is the
    // headline ("Forum • Thema anzeigen - Tomaten vorziehen – ab wann …?").
    if start > 0
        && !named_section_first
        && end - start == 2
        && words(&parts[start..start + 1]) <= 2
        && words(&parts[start + 1..end]) >= 4
    {
        start += 1;
    }
    let headline = join(&parts[start..end]);
    let headline = without_site_label(&headline, sites).unwrap_or(headline);
    without_kicker(&headline, hints).unwrap_or(headline)
}

/// The headline that another candidate shows, when `<title>` goes on after it with an
/// ideographic space and the site's name ("参加者募集\u{3000}南畑市"), as Japanese sites write
/// their tabs. Such a space also stands between the phrases of a headline, so it separates
/// only where a hint confirms the part before it.
fn headline_before_ideographic_space(title: &str, hints: &[&str]) -> Option<String> {
    let (head, _) = title.trim().split_once('\u{3000}')?;
    let head = normalise_space(head);
    let wanted = comparable(&head);
    (has_words_enough(&head) && hints.iter().any(|hint| comparable(hint) == wanted)).then_some(head)
}

/// The headline that another candidate shows, when `<title>` goes on after it with a full
/// stop and the site's search words ("Headline. Новости Азербайджана, Баку, последние
/// новости"), which no separator sets apart.
fn headline_before_full_stop(title: &str, hints: &[&str]) -> Option<String> {
    hints.iter().find_map(|hint| {
        let hint = normalise_space(hint);
        let rest = title.strip_prefix(hint.as_str())?;
        (hint.split_whitespace().count() >= 2
            && rest.starts_with(". ")
            && rest[2..].split_whitespace().count() >= 2)
            .then_some(hint)
    })
}

/// The headline a hint pins: a hint that equals the leading segments pins it exactly
/// ("Headline | Section | Site" with an h1 "Headline"). A trailing run that equals an h1 is
/// as often the site's logo as the headline, so it pins only when it is the longer part
/// ("Site :: Section :: Headline"). At most a few segments are cut, which keeps this
/// bounded.
fn pinned_headline<'h>(
    parts: &[Segment<'_>],
    title: &str,
    sites: &[String],
    hints: impl IntoIterator<Item = &'h str>,
) -> Option<String> {
    let cut = AFFIX_SEGMENTS.min(parts.len() - 1);
    let whole = comparable(title);
    for hint in hints {
        let hint = comparable(hint);
        // A hint that is the site's name (the logo's `<h1>`) pins nothing.
        if hint.is_empty() || hint == whole || sites.contains(&hint) {
            continue;
        }
        for end in (parts.len() - cut..parts.len()).rev() {
            let candidate = join(&parts[..end]);
            if comparable(&candidate) == hint && has_words_enough(&candidate) {
                return Some(candidate);
            }
        }
        // A trailing run pins the headline only when it outweighs what stands before it
        // ("Site :: Section :: A headline of many words"); a logo's short name after a long
        // headline does not.
        for start in 1..=cut {
            let candidate = join(&parts[start..]);
            let words = heft(&candidate);
            let before = heft(&join(&parts[..start]));
            if comparable(&candidate) == hint && words >= MIN_TRAILING_PIN_WORDS && words > before {
                return Some(candidate);
            }
        }
    }
    None
}

/// Fewest characters of a headline in a script written without spaces (Chinese, Japanese)
/// that stands for the two words a pinned headline needs.
const MIN_UNSPACED_HEADLINE_CHARS: usize = 4;

/// How many words `text` weighs: its space-separated words, and in Chinese and Japanese,
/// which put no spaces between words, one more for each two characters.
fn heft(text: &str) -> usize {
    text.split_whitespace().count() + text.chars().filter(|&c| is_unspaced(c)).count() / 2
}

/// A character of a script written without spaces between words: Chinese, Japanese kana,
/// and Thai, Lao, Khmer and Burmese, which space only between phrases.
fn is_unspaced(c: char) -> bool {
    matches!(
        c,
        '\u{0E00}'..='\u{0EFF}'
            | '\u{1000}'..='\u{109F}'
            | '\u{1780}'..='\u{17FF}'
            | '\u{3040}'..='\u{30FF}'
            | '\u{3400}'..='\u{9FFF}'
            | '\u{F900}'..='\u{FAFF}'
    )
}

/// A software's credit in a tab: "Powered by Discuz!", "powered by phpBB".
fn is_generator_credit(segment: &str) -> bool {
    let segment = segment.trim();
    segment
        .get(..11)
        .is_some_and(|head| head.eq_ignore_ascii_case("powered by "))
}

/// Whether a pinned headline is more than a name: two words or more, or in Chinese and
/// Japanese, which put no spaces between words, a few characters.
fn has_words_enough(candidate: &str) -> bool {
    candidate.split_whitespace().count() >= 2
        || candidate.chars().filter(|&c| is_unspaced(c)).count() >= MIN_UNSPACED_HEADLINE_CHARS
}

/// Fewest words of a headline that a trailing run of `<title>` pins.
const MIN_TRAILING_PIN_WORDS: usize = 3;

/// The segment of a title that is only a date beside the headline, if one is. A date after
/// a number is the end of a range in the headline ("Wochenbericht 14. - 20. Januar 2022").
fn date_segment(parts: &[Segment<'_>]) -> Option<usize> {
    let ends_in_number = |k: usize| {
        parts[k]
            .text
            .trim_end()
            .trim_end_matches('.')
            .ends_with(|c: char| c.is_ascii_digit())
    };
    (0..parts.len()).find(|&k| is_date_segment(parts[k].text) && !(k > 0 && ends_in_number(k - 1)))
}

/// The date a `<title>` sets beside its headline ("Headline - Información - 11/05/2022 -
/// Site", uCoz's "Headline - 12 Марта 2024 - Section - Site"): the site's own statement of
/// the day, read in the page's day order.
pub(crate) fn date_in_title(title: &str, context: &DateContext) -> Option<FoundDate> {
    let title = normalise_space(title);
    let parts = segments(&title);
    if parts.len() < 2 || parts.len() > MAX_SEGMENTS {
        return None;
    }
    parse_dateline_in(parts[date_segment(&parts)?].text, context)
}

/// Whether a title segment is only a date ("12 Марта 2024", "03.05.2024").
/// Whether a title segment is a weekday's name alone ("Thursday", "Четверг").
fn is_weekday(segment: &str) -> bool {
    let segment = segment.trim().trim_end_matches(',');
    !segment.contains(char::is_whitespace) && super::date_words::weekday_number(segment).is_some()
}

fn is_date_segment(segment: &str) -> bool {
    // Every date has a figure (its year or day): the parser is not asked about the rest.
    if !segment.bytes().any(|b| b.is_ascii_digit()) {
        return false;
    }
    let letters = segment
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .count();
    letters <= 2 && super::dates::parse_dateline(segment, None).is_some()
}

/// The headline without the site's name set before or after it with a colon, as blog
/// platforms write titles ("Blog name: Post title", "Post title: journal"). Only a known
/// name of the site: a colon in a headline is more often a speaker's or a topic's.
fn without_site_label(title: &str, sites: &[String]) -> Option<String> {
    let rest_is_headline = |rest: &str| rest.split_whitespace().count() >= 2;
    if let Some((site, rest)) = title.split_once(": ")
        && matches_site(site, sites)
        && rest_is_headline(rest)
    {
        return Some(rest.trim().to_owned());
    }
    let (rest, site) = title.rsplit_once(": ")?;
    (matches_site(site, sites) && rest_is_headline(rest)).then(|| rest.trim().to_owned())
}

/// Generic names of a site's sections that `<title>` puts beside the headline, in the
/// languages of the sites we crawl, lower-case.
const SECTION_NAMES: &[&str] = &[
    "news",
    "latest news",
    "articles",
    "blog",
    "blog archive",
    "archive",
    "archives",
    "press releases",
    "press release",
    "publications",
    "events",
    "home",
    "новости",
    "новость",
    "статьи",
    "блог",
    "архив",
    "пресс-релизы",
    "публикации",
    "события",
    "главная",
    "новини",
    "xəbərlər",
    "xəbər",
    "haberler",
    "haber",
    "nachrichten",
    "aktuelles",
    "meldungen",
    "actualités",
    "noticias",
    "notícias",
    "notizie",
    "nieuws",
    "aktualności",
    "wiadomości",
    "aktuality",
    "novinky",
    "uutiset",
    "nyheter",
    "hírek",
    "știri",
    // a forum's page of one thread, as phpBB and vBulletin name it in the tab ("Board •
    // View topic - Title", "Thema anzeigen - Title")
    "view topic",
    "view thread",
    "thema anzeigen",
    "voir le sujet",
    "ver tema",
    "visualizza argomento",
    "zobacz temat",
    "vezi subiectul",
    "просмотр темы",
    "перегляд теми",
    "forum",
    "forums",
    "форум",
];

/// Whether a title segment is only a section's generic name ("Новости", "News").
fn is_section_name(segment: &str) -> bool {
    let segment = segment.trim().to_lowercase();
    SECTION_NAMES.contains(&segment.as_str())
}

/// Most words of a kicker before a colon.
const KICKER_WORDS: usize = 3;

/// The headline without the kicker `<title>` puts in front of it ("Report: Pressure on
/// observers" where the `<h1>` reads "Pressure on observers"; "Видео: …", "Opinion: …"):
/// the section's label is for the browser tab, the headline is what the page shows. Only
/// when another candidate shows the headline without it: a quoted speaker ("Minister:
/// turnout was low") is part of the headline, and then every candidate has it.
fn without_kicker(title: &str, hints: &[&str]) -> Option<String> {
    let rest = after_label(title, KICKER_WORDS)?;
    let wanted = comparable(rest);
    (rest.split_whitespace().count() >= 3 && hints.iter().any(|hint| comparable(hint) == wanted))
        .then(|| rest.to_owned())
}

/// What follows the label before `text`'s first colon, when that label has one to
/// `most_words` words ("Тема: …", "Report: …").
fn after_label(text: &str, most_words: usize) -> Option<&str> {
    let (label, rest) = text.split_once(':')?;
    (1..=most_words)
        .contains(&label.split_whitespace().count())
        .then(|| rest.trim())
}

/// Whether `heading` is `headline` behind a one-word label and a colon ("Тема: …").
fn is_labelled(heading: &str, headline: &str) -> bool {
    after_label(heading, 1).is_some_and(|rest| comparable(rest) == comparable(headline))
}

/// Whether a title segment is the site's name (or the site's name plus a little, like
/// "BBC News" for the host label "bbc", or "Le Monde" for "Le Monde.fr").
fn matches_site(segment: &str, sites: &[String]) -> bool {
    let segment = comparable(segment);
    let segment = without_accents(&segment);
    let length = segment.chars().count();
    if length == 0 {
        return false;
    }
    sites.iter().any(|site| {
        let site = without_accents(site);
        let site_length = site.chars().count();
        is_form_of_site_name(&segment, &site)
            // "BBC News" for the host label "bbc", "Turan Information Agency" for "Turan".
            || (site_length >= 3
                && length <= site_length + 20
                && segment.starts_with(&*site))
            // "Le Monde" for "Le Monde.fr", "Aktuálně.cz" for a site name with a tagline.
            || (length >= 4 && site.starts_with(&*segment))
    })
}

/// Lower-case letters and digits only: how titles and names are compared. Turkish and
/// Azerbaijani dotless `ı` is folded with `i`, since their capital `I` lower-cases to `i`
/// outside a Turkish locale ("FINDIK" is "fındık"), and the dot that `İ` lower-cases with
/// is dropped.
/// `text` with its letters' accents taken off ("babičky" is "babicky"): a host spells a
/// site's name in ASCII.
fn without_accents(text: &str) -> Cow<'_, str> {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    if text.is_ascii() {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.nfd().filter(|&c| !is_combining_mark(c)).collect())
}

fn comparable(text: &str) -> String {
    text.chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric())
        .map(|c| if c == 'ı' { 'i' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(sources: &[(TitleSource, &str)], h1: &[&str], sites: &[&str]) -> Option<String> {
        let sources: Vec<(TitleSource, String)> =
            sources.iter().map(|(s, t)| (*s, (*t).to_owned())).collect();
        let h1: Vec<String> = h1.iter().map(|h| (*h).to_owned()).collect();
        let sites: Vec<String> = sites.iter().map(|s| (*s).to_owned()).collect();
        choose_title(&sources, &h1, &Vec::new, &sites).map(|title| title.headline)
    }

    use TitleSource::{Metadata, TitleTag};

    #[test]
    fn a_sharing_title_yields_to_the_headline_the_tab_and_page_show() {
        for (og, tab, h1, want) in [
            // A rewritten social title: the tab and the heading agree on the headline.
            (
                "Pavlodar heating bills to rise by a third",
                "Pavlodar heating tariffs to rise 32% as residents question plans | The Irtysh Observer",
                Some("Pavlodar heating tariffs to rise 32% as residents question plans"),
                "Pavlodar heating tariffs to rise 32% as residents question plans",
            ),
            (
                "Silenced Online: prosecutions for social media posts in Central Asia",
                "Silenced Online: 312 prosecutions for social media posts in Central Asia | Rights Monitor",
                Some("Silenced Online: 312 prosecutions for social media posts in Central Asia"),
                "Silenced Online: 312 prosecutions for social media posts in Central Asia",
            ),
            // A kicker that the tab copies from the heading is not the headline's.
            (
                "Flixbus attackiert Deutsche Bahn",
                "Deutschlandtakt: Flixbus attackiert Deutsche Bahn",
                Some("Deutschlandtakt: Flixbus attackiert Deutsche Bahn"),
                "Flixbus attackiert Deutsche Bahn",
            ),
            // The heading shows the social title: it stands.
            (
                "Pavlodar heating bills to rise by a third",
                "Pavlodar heating tariffs to rise 32% as residents question plans | The Irtysh Observer",
                Some("Pavlodar heating bills to rise by a third"),
                "Pavlodar heating bills to rise by a third",
            ),
            // The tab and the heading disagree: the publisher's title stands.
            (
                "Pavlodar heating bills to rise by a third",
                "Pavlodar heating tariffs to rise 32% | The Irtysh Observer",
                Some("Heating in Pavlodar"),
                "Pavlodar heating bills to rise by a third",
            ),
            // A tab that is only the site's name confirms nothing.
            (
                "Pavlodar heating bills to rise by a third",
                "The Irtysh Observer",
                Some("The Irtysh Observer"),
                "Pavlodar heating bills to rise by a third",
            ),
        ] {
            let h1: Vec<&str> = h1.into_iter().collect();
            assert_eq!(
                choose(
                    &[(Metadata, og), (TitleTag, tab)],
                    &h1,
                    &["The Irtysh Observer"]
                )
                .as_deref(),
                Some(want),
                "{og} / {tab}"
            );
        }
    }

    #[test]
    fn of_two_styled_titles_that_pin_a_tab_the_heavier_is_the_headline() {
        let tab = "The Tri-Valley Sentinel - Old Mill Road bridge to close for repairs";
        let sources = [(TitleTag, tab.to_owned())];
        let (masthead, headline) = (
            "The Tri-Valley Sentinel",
            "Old Mill Road bridge to close for repairs",
        );
        // In either order on the page.
        for order in [[masthead, headline], [headline, masthead]] {
            let styled = || order.iter().map(|t| (*t).to_owned()).collect();
            assert_eq!(
                choose_title(&sources, &[], &styled, &[])
                    .map(|title| title.headline)
                    .as_deref(),
                Some(headline),
                "{order:?}"
            );
        }
    }

    #[test]
    fn a_logo_heading_with_a_word_more_than_the_host_is_not_the_headline() {
        let declared = "Pain au levain : ce que trois ans d’échecs m’ont appris";
        let tab = format!("{declared} - Le Fournil du Dimanche");
        // The host's label, a word short of the logo's name.
        let sites = ["fournil du dimanche"];
        let sources = [
            (TitleSource::Metadata, declared),
            (TitleSource::TitleTag, tab.as_str()),
        ];
        assert_eq!(
            choose(&sources, &["Le Fournil du Dimanche"], &sites).as_deref(),
            Some(declared)
        );
        // A headline that only opens with the site's name is a headline.
        let h1 = "Fournil du Dimanche wins the regional bread prize again";
        assert_eq!(
            choose(
                &[(TitleSource::Metadata, "Local bakery honoured")],
                &[h1],
                &sites
            )
            .as_deref(),
            Some(h1)
        );
    }

    #[test]
    fn a_double_hyphen_parts_the_site_from_the_headline() {
        let sources = [(
            TitleSource::TitleTag,
            "南都新聞網--台南老街騎樓整修 還給行人通行空間",
        )];
        assert_eq!(
            choose(&sources, &[], &["南都新聞網"]).as_deref(),
            Some("台南老街騎樓整修 還給行人通行空間")
        );
    }

    #[test]
    fn a_bracketed_tag_after_the_heading_goes() {
        for (sources, h1, want) in [
            (
                vec![
                    (
                        Metadata,
                        "Sessiz Liman: Bir balıkçı kasabasında yas üzerine (İnceleme)",
                    ),
                    (
                        TitleTag,
                        "Sessiz Liman: Bir balıkçı kasabasında yas üzerine (İnceleme) – Perde",
                    ),
                ],
                "Sessiz Liman: Bir balıkçı kasabasında yas üzerine",
                "Sessiz Liman: Bir balıkçı kasabasında yas üzerine",
            ),
            (
                vec![(TitleTag, "Zamek w Bystrzycy Górnej [Wiki Krainy Sudetów]")],
                "Zamek w Bystrzycy Górnej",
                "Zamek w Bystrzycy Górnej",
            ),
            // A heading with the brackets keeps them; so does a title the heading does
            // not show.
            (
                vec![(TitleTag, "Bhindi masala (okra stir fry)")],
                "Bhindi masala",
                "Bhindi masala (okra stir fry)",
            ),
            (
                vec![(TitleTag, "Climate report (2023)")],
                "Climate report (2023)",
                "Climate report (2023)",
            ),
            (
                vec![(TitleTag, "Mayor resigns after audit (Update)")],
                "Mayor resigns after council audit",
                "Mayor resigns after audit (Update)",
            ),
        ] {
            assert_eq!(choose(&sources, &[h1], &[]).as_deref(), Some(want), "{h1}");
        }
    }

    #[test]
    fn a_tab_headline_takes_the_headings_typography() {
        for (tab, h1, want) in [
            (
                "Nurlan Asanov: 'Local newsrooms survive on small grants'",
                "Nurlan Asanov: “Local newsrooms survive on small grants”",
                "Nurlan Asanov: “Local newsrooms survive on small grants”",
            ),
            (
                "Адвокат: \"Людям важно, чтобы их выслушали\" - Неман-Инфо",
                "Адвокат: «Людям важно, чтобы их выслушали»",
                "Адвокат: «Людям важно, чтобы их выслушали»",
            ),
            // A heading with a permalink's pilcrow is not the same words in other type.
            (
                "Evolve: Shared Mutable History",
                "Evolve: Shared Mutable History¶",
                "Evolve: Shared Mutable History",
            ),
        ] {
            assert_eq!(
                choose(&[(TitleTag, tab)], &[h1], &[]).as_deref(),
                Some(want),
                "{tab}"
            );
        }
    }

    #[test]
    fn site_suffixes_and_prefixes_are_removed() {
        for (raw, site) in [
            ("Turnout low in Baku - Turan", "Turan"),
            ("Turnout low in Baku | Turan", "turan"),
            (
                "Turnout low in Baku — Turan Information Agency",
                "Turan Information Agency",
            ),
            ("Turan: Turnout low in Baku", "Turan"),
            ("BBC News - Turnout low in Baku", "bbc"),
            ("Turnout low in Baku | Politics | Turan", "Turan"),
        ] {
            // A colon is part of many headlines; only the site's own name before it goes
            // ("Blog name: Post title", see `without_site_label`).
            let expected = "Turnout low in Baku";
            let got = choose(&[(TitleTag, raw)], &[], &[site]);
            if raw.contains("Politics") {
                assert_eq!(
                    got.as_deref(),
                    Some("Turnout low in Baku | Politics"),
                    "{raw}"
                );
            } else {
                assert_eq!(got.as_deref(), Some(expected), "{raw}");
            }
        }
    }

    #[test]
    fn a_sites_name_with_accents_matches_its_host_and_a_forums_page_label_goes() {
        // The host spells the name without its accents.
        assert_eq!(
            choose(
                &[(TitleTag, "Recepty babičky Marie - Svíčková na smetaně")],
                &[],
                &["receptybabickymarie"]
            )
            .as_deref(),
            Some("Svíčková na smetaně")
        );
        // phpBB and vBulletin name the page of one thread in the tab.
        for (raw, want) in [
            (
                "View topic - Restoring a 1972 Raleigh Twenty frame",
                "Restoring a 1972 Raleigh Twenty frame",
            ),
            (
                "Civic Watch • Thema anzeigen - Restoring a 1972 Raleigh Twenty frame",
                "Restoring a 1972 Raleigh Twenty frame",
            ),
            (
                "Civic Watch • Thema anzeigen - Tomaten vorziehen – ab wann auf die Fensterbank?",
                "Tomaten vorziehen – ab wann auf die Fensterbank?",
            ),
        ] {
            assert_eq!(
                choose(&[(TitleTag, raw)], &[], &["Civic Watch"]).as_deref(),
                Some(want),
                "{raw}"
            );
        }
    }

    #[test]
    fn chinese_underscore_tabs_generator_credits_and_thai_pins() {
        for (raw, h1, want) in [
            // "标题_栏目_站点", with and without the heading.
            (
                "青禾县召开“三夏”生产工作推进会_工作动态_青禾县人民政府",
                None,
                "青禾县召开“三夏”生产工作推进会",
            ),
            (
                "关于开展2023年全市节约用水宣传周活动的通知_通知公告_青屿市人民政府",
                Some("关于开展2023年全市节约用水宣传周活动的通知"),
                "关于开展2023年全市节约用水宣传周活动的通知",
            ),
            // An underscore in a name, and a heavier last piece, stay.
            (
                "Using snake_case in Python APIs",
                None,
                "Using snake_case in Python APIs",
            ),
            (
                "通知_关于开展全市节约用水宣传周活动的通知",
                None,
                "通知_关于开展全市节约用水宣传周活动的通知",
            ),
            // A software's credit goes; then the site's short name.
            (
                "Fuite sous l'évier après changement de siphon - Bricoleurs - Powered by phpBB",
                None,
                "Fuite sous l'évier après changement de siphon",
            ),
            // Thai writes no spaces between words: its heading pins the tab like any other.
            (
                "คณะวิทยาศาสตร์จัดอบรมการเขียนโปรแกรมไพทอน | มหาวิทยาลัยราชภัฏนครเหนือ",
                Some("คณะวิทยาศาสตร์จัดอบรมการเขียนโปรแกรมไพทอน"),
                "คณะวิทยาศาสตร์จัดอบรมการเขียนโปรแกรมไพทอน",
            ),
            // Japanese tabs end with the site after an ideographic space; the heading
            // confirms the part before it. Without one, the space is a headline's own.
            (
                "令和6年度「こどもプログラミング教室」参加者募集\u{3000}南畑市",
                Some("令和6年度「こどもプログラミング教室」参加者募集"),
                "令和6年度「こどもプログラミング教室」参加者募集",
            ),
            (
                "大谷翔平\u{3000}今季50本塁打を達成",
                None,
                "大谷翔平 今季50本塁打を達成",
            ),
            (
                "大谷翔平\u{3000}今季50本塁打を達成",
                Some("大谷翔平　今季50本塁打を達成"),
                "大谷翔平 今季50本塁打を達成",
            ),
        ] {
            let h1: Vec<&str> = h1.into_iter().collect();
            assert_eq!(
                choose(&[(TitleTag, raw)], &h1, &[]).as_deref(),
                Some(want),
                "{raw}"
            );
        }
    }

    #[test]
    fn the_heading_wins_over_a_tab_title_that_hides_or_shortens_it() {
        let headline = "Горсовет передал городскую баню в аренду на 49 лет";
        for (title, h1, want) in [
            // A trailing run that outweighs the site and section before it.
            (
                "Вечерний Заречинск :: Город :: Горсовет передал городскую баню в аренду на 49 лет",
                headline,
                headline,
            ),
            // The tab's headline shortened; the heading spells it out.
            (
                "Agentliyin mətbuat katibinin açıqlaması - Ekologiya Agentliyi",
                "Agentliyin mətbuat katibinin balıq qırılması ilə bağlı açıqlaması",
                "Agentliyin mətbuat katibinin balıq qırılması ilə bağlı açıqlaması",
            ),
            // The tab names only the site and its section.
            (
                "Ленинский районный суд города Заречинска - Новости",
                "Вынесен приговор по делу о хищении средств",
                "Вынесен приговор по делу о хищении средств",
            ),
            // A logo's short name after a long headline pins nothing.
            (
                "Turnout low in the capital, observers say | Daily Star",
                "Daily Star",
                "Turnout low in the capital, observers say",
            ),
            // A heading that shares words with the tab but does not spell it out.
            (
                "Turnout low in the capital, observers say",
                "Observers say turnout was low",
                "Turnout low in the capital, observers say",
            ),
            // A heading of a few words is no headline to prefer.
            (
                "Turnout low in the capital, observers say",
                "Regional news desk",
                "Turnout low in the capital, observers say",
            ),
        ] {
            assert_eq!(
                choose(&[(TitleTag, title)], &[h1], &[]).as_deref(),
                Some(want),
                "{title}"
            );
        }
        // The site's logo in the heading is never the headline.
        assert_eq!(
            choose(
                &[(TitleTag, "Turnout low in Baku")],
                &["Voice of the Caspian Coast"],
                &["Voice of the Caspian Coast"]
            )
            .as_deref(),
            Some("Turnout low in Baku")
        );
    }

    #[test]
    fn h1_hint_pins_the_headline() {
        assert_eq!(
            choose(
                &[(TitleTag, "Turnout low in Baku | Politics | Turan")],
                &["Turnout low in Baku"],
                &[]
            )
            .as_deref(),
            Some("Turnout low in Baku")
        );
        // A tab of a section's and the site's names over the story's one heading.
        let headline = "Município lança programa de apoio a painéis solares";
        assert_eq!(
            choose(
                &[(TitleTag, "Notícias - Município de Serra d'Arga")],
                &[headline],
                &[]
            )
            .as_deref(),
            Some(headline)
        );
        // The site's name as the heading is its logo; a tab that is no section's keeps
        // what it reads.
        assert_ne!(
            choose(
                &[(TitleTag, "Notícias - Município de Serra d'Arga")],
                &["Município de Serra d'Arga"],
                &[]
            )
            .as_deref(),
            Some(headline)
        );
        assert_ne!(
            choose(
                &[(TitleTag, "Painéis solares - Município de Serra d'Arga")],
                &[headline],
                &[]
            )
            .as_deref(),
            Some(headline)
        );
        // A metadata title of its own is the publisher's declaration and is not cut by the
        // h1 alone, even when the h1 is shorter (a copy of `<title>` is: see below).
        assert_eq!(
            choose(
                &[
                    (Metadata, "Getting LEAN with Digital Ad UX | IAB"),
                    (TitleTag, "IAB: Getting LEAN")
                ],
                &["Getting LEAN with Digital Ad UX"],
                &[]
            )
            .as_deref(),
            Some("Getting LEAN with Digital Ad UX | IAB")
        );
    }

    #[test]
    fn a_metadata_title_loses_the_site_name_the_headline_does_not_show() {
        let og = |title: &str, h1: &[&str], sites: &[&str]| {
            choose(&[(Metadata, title), (TitleTag, title)], h1, sites)
        };
        let headline = "Явка в округе достигла рекорда";
        let with_site = format!("{headline} — Кавказский узел");
        assert_eq!(
            og(&with_site, &[headline], &["Кавказский узел"]).as_deref(),
            Some(headline)
        );
        // An og:title that copies `<title>` is cut where the h1 pins the headline, known
        // site or not ("Headline | Espectáculos").
        assert_eq!(og(&with_site, &[headline], &[]).as_deref(), Some(headline));
        // Without the h1 showing the headline alone, or an og:title of its own that names
        // no known site, the publisher's declaration stands whole.
        let declared = |h1: &[&str], sites: &[&str]| {
            choose(
                &[
                    (Metadata, &with_site),
                    (TitleTag, "Другой заголовок вкладки"),
                ],
                h1,
                sites,
            )
        };
        for (h1, sites) in [
            (&[][..], &["Кавказский узел"][..]),
            (&["Явка в округе"][..], &["Кавказский узел"][..]),
            (&[headline][..], &[][..]),
            (&[headline][..], &["Туран"][..]),
        ] {
            assert_eq!(declared(h1, sites), Some(with_site.clone()), "{h1:?}");
        }
        assert_eq!(
            declared(&[headline], &["Кавказский узел"]).as_deref(),
            Some(headline)
        );
        assert_eq!(og(&with_site, &[], &[]), Some(with_site.clone()));
    }

    #[test]
    fn a_title_tag_that_runs_on_after_the_headline_with_a_full_stop() {
        let headline = "Явка в округе достигла рекорда";
        let title = format!("{headline}. Новости Азербайджана, Баку, последние новости");
        assert_eq!(
            choose(&[(TitleTag, &title)], &[headline], &[]).as_deref(),
            Some(headline)
        );
        // Without a candidate showing the headline alone, the title stands.
        assert_eq!(
            choose(&[(TitleTag, &title)], &[], &[]).as_deref(),
            Some(title.as_str())
        );
        // A one-word hint, or one word after the stop, is not enough.
        for (title, hint) in [
            ("Baku. Turnout rose in every district", "Baku"),
            ("Turnout rose in Baku. Updated", "Turnout rose in Baku"),
        ] {
            assert_eq!(
                choose(&[(TitleTag, title)], &[hint], &[]).as_deref(),
                Some(title)
            );
        }
    }

    #[test]
    fn a_section_name_beside_the_headline_is_removed() {
        for (raw, want) in [
            (
                "Новости - В городе прошли публичные слушания по генплану",
                "В городе прошли публичные слушания по генплану",
            ),
            (
                "Observers report queues at polling stations | News | Civic Watch",
                "Observers report queues at polling stations",
            ),
            // WordPress's old default theme: "Blog » Blog Archive » Post".
            (
                "Civic Watch » Blog Archive » Interning of small integers in Python",
                "Interning of small integers in Python",
            ),
            // A headline of two words keeps it: nothing says which part is the section.
            ("News - Budget passed", "News - Budget passed"),
        ] {
            assert_eq!(
                choose(&[(TitleTag, raw)], &[], &["Civic Watch"]).as_deref(),
                Some(want),
                "{raw}"
            );
        }
    }

    #[test]
    fn dates_and_site_labels_beside_the_headline_are_removed() {
        for (raw, want) in [
            // uCoz: "Headline - date - section - site".
            (
                "Выборы в местный совет - 12 Марта 2024 - Новости района - Районный портал",
                "Выборы в местный совет",
            ),
            (
                "03.05.2024 | Turnout was low in the capital",
                "Turnout was low in the capital",
            ),
            // Blog platforms: the blog's name before or after a colon.
            (
                "Civic Watch: Back from the mission",
                "Back from the mission",
            ),
            (
                "Back from the mission: Civic Watch",
                "Back from the mission",
            ),
            // A colon with anything but the site's name is the headline's.
            ("Minister: turnout was low", "Minister: turnout was low"),
            // A year alone is no date, and a date ending a range is the headline's.
            ("Elections - 2024 - Civic Watch", "Elections - 2024"),
            (
                "Weekly report 14 - 20 January 2022",
                "Weekly report 14 - 20 January 2022",
            ),
            // The date's weekday as a piece of its own goes with it; a weekday in the
            // headline stays.
            (
                "Civic Watch - News - Farmers count losses as drought bites - Thursday | \
                 March 18, 2010",
                "Farmers count losses as drought bites",
            ),
            (
                "Black Friday - 26 November 2021 - Civic Watch",
                "Black Friday",
            ),
        ] {
            assert_eq!(
                choose(&[(TitleTag, raw)], &[], &["Civic Watch"]).as_deref(),
                Some(want),
                "{raw}"
            );
        }
    }

    #[test]
    fn the_date_beside_the_headline_is_read() {
        let context = DateContext::default();
        for (title, want) in [
            (
                "Выборы в местный совет - 12 Марта 2024 - Новости района - Портал",
                Some("2024-03-12"),
            ),
            (
                "Gobierno acusa - Información - 11/05/2022 - Diario",
                Some("2022-05-11"),
            ),
            (
                "08.11.2021 | Online-Fachtag zum Intersex Day",
                Some("2021-11-08"),
            ),
            ("Weekly report 14 - 20 January 2022", None),
            ("Elections - 2024 - Civic Watch", None),
            ("12 March 2024", None),
            ("Turnout was low on 12 March 2024 | Civic Watch", None),
        ] {
            assert_eq!(
                date_in_title(title, &context)
                    .map(|d| d.format())
                    .as_deref(),
                want,
                "{title}"
            );
        }
    }

    #[test]
    fn a_kicker_the_headline_does_not_show_is_removed() {
        let title = "Report: Pressure on observers ahead of the vote | Rights Watch";
        assert_eq!(
            choose(
                &[(TitleTag, title)],
                &["Pressure on observers ahead of the vote"],
                &[]
            )
            .as_deref(),
            Some("Pressure on observers ahead of the vote")
        );
        // A speaker quoted in the headline stays: the h1 has it too.
        let title = "Minister: turnout was the lowest since 1995 - Turan";
        assert_eq!(
            choose(
                &[(TitleTag, title)],
                &["Minister: turnout was the lowest since 1995"],
                &["Turan"]
            )
            .as_deref(),
            Some("Minister: turnout was the lowest since 1995")
        );
        // Without a candidate showing the headline alone, nothing is cut.
        assert_eq!(
            choose(
                &[(TitleTag, "Видео: Паводок в Оренбурге — Портал")],
                &[],
                &[]
            )
            .as_deref(),
            Some("Видео: Паводок в Оренбурге")
        );
        // A heading that only puts a label in front of the tab's headline (a forum's
        // "Тема:") does not spell it out: the tab's headline stands. A heading with more
        // words of its own does.
        let tab = "Зимняя рыбалка на Оби под Новосибирском: где сейчас клюёт? - Форум рыбаков";
        assert_eq!(
            choose(
                &[(TitleTag, tab)],
                &["Тема: Зимняя рыбалка на Оби под Новосибирском: где сейчас клюёт?"],
                &[]
            )
            .as_deref(),
            Some("Зимняя рыбалка на Оби под Новосибирском: где сейчас клюёт?")
        );
        assert_eq!(
            choose(
                &[(TitleTag, "Рыбалка на Оби под Новосибирском - Форум рыбаков")],
                &["Зимняя рыбалка на Оби под Новосибирском: где сейчас клюёт?"],
                &[]
            )
            .as_deref(),
            Some("Зимняя рыбалка на Оби под Новосибирском: где сейчас клюёт?")
        );
    }

    #[test]
    fn metadata_title_is_taken_as_declared() {
        // An author or series after the headline in og:title is the publisher's choice.
        for (og, title_tag) in [
            (
                "Whale strandings | Eleanor Ainge Roy",
                "Whale strandings | Eleanor Ainge Roy | Environment | The Guardian",
            ),
            (
                "ONE HUNDRED TWO: What kind of wordchain? - Super Supportive",
                "ONE HUNDRED TWO: What kind of wordchain? - Super Supportive | Royal Road",
            ),
        ] {
            let h1 = og.split(['|', '-']).next().unwrap_or(og).trim();
            assert_eq!(
                choose(
                    &[(Metadata, og), (TitleTag, title_tag)],
                    &[h1],
                    &["Royal Road", "the Guardian"]
                )
                .as_deref(),
                Some(og)
            );
        }
        // So is the site's name, when the publisher put it there.
        assert_eq!(
            choose(
                &[(Metadata, "Neutral fact-checker asks a question - Breitbart")],
                &[],
                &["Breitbart"]
            )
            .as_deref(),
            Some("Neutral fact-checker asks a question - Breitbart")
        );
        // The same suffix in `<title>`, the fallback, is cut.
        assert_eq!(
            choose(
                &[(TitleTag, "Neutral fact-checker asks a question - Breitbart")],
                &[],
                &["Breitbart"]
            )
            .as_deref(),
            Some("Neutral fact-checker asks a question")
        );
    }

    #[test]
    fn a_metadata_title_made_for_sharing_gives_way_to_the_heading() {
        for (og, h1) in [
            // Cut short.
            (
                "Nach dem Hochwasser: Warum die Gemeinde Lindhorst ihre Fußgängerbrücke…",
                "Nach dem Hochwasser: Warum die Gemeinde Lindhorst ihre Fußgängerbrücke nicht \
                 wieder aufbauen will",
            ),
            (
                "Turnout in the capital fell to its lowest lev...",
                "Turnout in the capital fell to its lowest level since 1995",
            ),
            // In capitals.
            (
                "TRABZON'DA FINDIK ÜRETİCİLERİNE DON ZARARI İÇİN İKLİM DESTEĞİ",
                "Trabzon'da fındık üreticilerine don zararı için iklim desteği",
            ),
            // Led by a section's label.
            (
                "Мнение | Почему малому бизнесу на Урале не хватает кредитов",
                "Почему малому бизнесу на Урале не хватает кредитов",
            ),
            (
                "Opinion: Why small firms cannot get loans",
                "Why small firms cannot get loans",
            ),
            // Tagged in capitals.
            (
                "Gəncənin Səməd Vurğun küçəsində sakinlər üç həftədir susuz qalıb - VİDEO",
                "Gəncənin Səməd Vurğun küçəsində sakinlər üç həftədir susuz qalıb",
            ),
            (
                "В Ставрополе открыли новый мост | ФОТО",
                "В Ставрополе открыли новый мост",
            ),
        ] {
            assert_eq!(
                choose(&[(Metadata, og)], &[h1], &[]).as_deref(),
                Some(h1),
                "{og}"
            );
        }
        // A heading in capitals too, and a label the heading carries as well, leave the
        // declaration as it is; so does a heading that only adds words to it.
        for (og, h1) in [
            (
                "NATO SUMMIT OPENS IN VILNIUS",
                "NATO SUMMIT OPENS IN VILNIUS",
            ),
            ("Видео | Как прошёл парад", "Видео | Как прошёл парад"),
            ("Whale strandings | Eleanor Ainge Roy", "Whale strandings"),
            (
                "Córdoba aprueba el plan de sombra para 40 calles del centro",
                "El Ayuntamiento de Córdoba aprueba el plan de sombra para 40 calles del centro",
            ),
        ] {
            assert_eq!(
                choose(&[(Metadata, og)], &[h1], &[]).as_deref(),
                Some(og),
                "{og}"
            );
        }
    }

    #[test]
    fn a_wikis_page_name_in_the_tab_gives_way_to_the_heading() {
        // DokuWiki's tab: the page's id, then the wiki's name in brackets with a dash.
        assert_eq!(
            choose(
                &[(
                    TitleTag,
                    "navody:voskovanie_bezkiek [Bežkársky klub Trnava – wiki]"
                )],
                &["Voskovanie klasických bežiek"],
                &[]
            )
            .as_deref(),
            Some("Voskovanie klasických bežiek")
        );
        // The bracketed tag goes as one piece when the tab names the headline.
        assert_eq!(
            choose(
                &[(
                    TitleTag,
                    "Zamek w Bystrzycy Górnej [Wiki Krainy Sudetów – wiki]"
                )],
                &[],
                &[]
            )
            .as_deref(),
            Some("Zamek w Bystrzycy Górnej")
        );
        // A headline with an underscore or a colon and spaces is a headline; a page name
        // with no heading to give way to stays; a tab that is only a tag stays.
        for (tab, h1, want) in [
            (
                "Wahlen: Ergebnis steht fest",
                &["Wahlbeteiligung sinkt"][..],
                "Wahlen: Ergebnis steht fest",
            ),
            (
                "navody:voskovanie_bezkiek",
                &[][..],
                "navody:voskovanie_bezkiek",
            ),
            ("[Archiv]", &[][..], "[Archiv]"),
        ] {
            assert_eq!(
                choose(&[(TitleTag, tab)], h1, &[]).as_deref(),
                Some(want),
                "{tab}"
            );
        }
        assert_eq!(
            without_trailing_tag("Headline [a tag of far too many words here]"),
            None
        );
    }

    #[test]
    fn a_heading_in_other_words_is_the_readers_headline() {
        let sharing = |og: &str, h1: &[&str], sites: &[&str]| {
            let sources = [(Metadata, og.to_owned())];
            let h1: Vec<String> = h1.iter().map(|h| (*h).to_owned()).collect();
            let sites: Vec<String> = sites.iter().map(|s| (*s).to_owned()).collect();
            choose_title(&sources, &h1, &Vec::new, &sites)
        };
        // The page's one heading says it in other words: the reader's headline is the
        // heading, and the declaration is kept for the text's clean-up.
        for (og, h1) in [
            (
                "Суд над экоактивистом: заседание 7",
                "Дело эколога Руслана Хачатурова: в суде допросили полицейских",
            ),
            (
                "Nach dem Hochwasser: Warum die Gemeinde Lindhorst ihre Fußgängerbrücke…",
                "Nach dem Hochwasser: Was die Gemeinde Lindhorst jetzt plant",
            ),
            (
                "Bakıda velosiped zolaqları: hansı küçələrdə?",
                "Bakıda beş küçədə ayrılmış velosiped zolaqları çəkiləcək",
            ),
        ] {
            assert_eq!(
                sharing(og, &[h1], &[]),
                Some(ChosenTitle {
                    headline: h1.to_owned(),
                    declared: og.to_owned(),
                }),
                "{og}"
            );
        }
        // Not taken: a heading that glues a kicker to the declaration's words, one whose
        // words the declaration holds, a short label, the site's name, or one of two
        // headings.
        for (og, h1, sites) in [
            (
                "Große Aufgaben für die neue Regierung",
                &["Tunesien Große Aufgaben für die neue Regierung"][..],
                &[][..],
            ),
            (
                "20% Rabatt auf EAT SMALL Hundefutter",
                &["20% Rabatt auf EAT SMALL"],
                &[],
            ),
            (
                "Суд над экоактивистом: заседание 7",
                &["Судебная хроника"],
                &[],
            ),
            (
                "Суд над экоактивистом: заседание 7",
                &["Волжская правозащитная сеть Онлайн"],
                &["Волжская правозащитная сеть Онлайн"],
            ),
            (
                "Суд над экоактивистом: заседание 7",
                &[
                    "Дело эколога Руслана Хачатурова: в суде допросили полицейских",
                    "Другие новости нашего региона за неделю",
                ],
                &[],
            ),
        ] {
            let chosen = sharing(og, h1, sites).expect("a title");
            assert_eq!(chosen.headline, og, "{og} / {h1:?}");
            assert_eq!(chosen.declared, og, "{og} / {h1:?}");
        }
        // A tab's title has its own rule for a heading of other words (`unrelated_heading`).
        let tab = choose_title(
            &[(TitleTag, "Заседание 7 - Новости".to_owned())],
            &["Дело эколога Хачатурова: в суде допросили полицейских".to_owned()],
            &Vec::new,
            &[],
        )
        .expect("a title");
        assert_eq!(tab.headline, tab.declared);
    }

    #[test]
    fn a_shorter_metadata_title_gives_way_to_the_heading_the_tab_shows() {
        let heading = "Können Fische Schmerzen spüren / empfinden?";
        let og = "Können Fische Schmerzen spüren?";
        let tab = format!("{heading} - Angelwissen");
        assert_eq!(
            choose(&[(Metadata, og), (TitleTag, &tab)], &[heading], &[]).as_deref(),
            Some(heading)
        );
        // The tab's own dash inside the headline, and other quotation marks.
        let heading = "«Роботи завершимо до жовтня»: у Житомирі відновили ремонт мосту через \
                       Тетерів — після дворічної перерви";
        let og = "\"Роботи завершимо до жовтня\": у Житомирі відновили ремонт мосту через Тетерів";
        let tab = format!("{heading} — Полісся Онлайн");
        assert_eq!(
            choose(&[(Metadata, og), (TitleTag, &tab)], &[heading], &[]).as_deref(),
            Some(heading)
        );
        // A tab that says what og:title says keeps the declaration, however long the
        // heading; so does a heading with words in front, even when the tab has them too.
        let og = "Flixbus attackiert Deutsche Bahn";
        for (heading, tab) in [
            (
                "Flixbus attackiert Deutsche Bahn mit neuen Preisen",
                "Flixbus attackiert Deutsche Bahn | Tagesblatt",
            ),
            (
                "Deutschlandtakt: Flixbus attackiert Deutsche Bahn",
                "Deutschlandtakt: Flixbus attackiert Deutsche Bahn | Tagesblatt",
            ),
            (
                "Heute Flixbus attackiert Deutsche Bahn",
                "Heute Flixbus attackiert Deutsche Bahn",
            ),
        ] {
            assert_eq!(
                choose(&[(Metadata, og), (TitleTag, tab)], &[heading], &[]).as_deref(),
                Some(og),
                "{heading}"
            );
        }
    }

    #[test]
    fn a_heading_spelling_out_the_tabs_headline_behind_a_name_wins() {
        let h1 = "Houbařská sezóna 2023: hřiby v Brdech a jak je správně sušit";
        assert_eq!(
            choose(
                &[(
                    TitleTag,
                    "Houbařův zápisník - Hřiby v Brdech a jak je správně sušit"
                )],
                &[h1],
                &[]
            )
            .as_deref(),
            Some(h1)
        );
        // A heading that does not hold the whole run says nothing of it.
        let title = "Houbařův zápisník - Hřiby v Brdech a jak je správně sušit";
        assert_eq!(
            choose(&[(TitleTag, title)], &["Hřiby v Brdech letos rostou"], &[]).as_deref(),
            Some(title)
        );
    }

    #[test]
    fn a_chinese_heading_pins_the_tab_title() {
        assert_eq!(
            choose(
                &[(
                    TitleTag,
                    "自驾川西小环线七天攻略（附油耗和住宿花费） - 游记攻略 - 驴友之家 - Powered by Discuz!"
                )],
                &["自驾川西小环线七天攻略（附油耗和住宿花费）"],
                &[]
            )
            .as_deref(),
            Some("自驾川西小环线七天攻略（附油耗和住宿花费）")
        );
        assert!(!has_words_enough("新闻"));
        assert!(!has_words_enough("Nachrichten"));
        // A Japanese headline after the site's name outweighs it.
        assert_eq!(
            choose(
                &[(TitleTag, "風の音工房 - バックロードホーン製作記 その1")],
                &["バックロードホーン製作記 その1"],
                &[]
            )
            .as_deref(),
            Some("バックロードホーン製作記 その1")
        );
    }

    #[test]
    fn metadata_title_preferred_over_title_tag() {
        assert_eq!(
            choose(
                &[
                    (Metadata, "The real headline"),
                    (TitleTag, "Something else - Site")
                ],
                &["Logo"],
                &["Site"]
            )
            .as_deref(),
            Some("The real headline")
        );
    }

    #[test]
    fn site_name_only_candidates_fall_through() {
        assert_eq!(
            choose(
                &[
                    (Metadata, "Turan"),
                    (TitleTag, "Turnout low in Baku - Turan")
                ],
                &[],
                &["Turan"]
            )
            .as_deref(),
            Some("Turnout low in Baku")
        );
        assert_eq!(
            choose(
                &[(TitleTag, "Turan")],
                &["Turan", "Turnout low in Baku"],
                &["Turan"]
            )
            .as_deref(),
            Some("Turnout low in Baku")
        );
    }

    #[test]
    fn unknown_site_short_suffix_heuristic_applies_to_title_tag_only() {
        assert_eq!(
            choose(
                &[(TitleTag, "Lorem ipsum dolor sit amet – My website")],
                &[],
                &[]
            )
            .as_deref(),
            Some("Lorem ipsum dolor sit amet")
        );
        assert_eq!(
            choose(
                &[(Metadata, "Lorem ipsum dolor sit amet – My website")],
                &[],
                &[]
            )
            .as_deref(),
            Some("Lorem ipsum dolor sit amet – My website")
        );
        // A dash inside a short headline is not a site separator.
        assert_eq!(
            choose(&[(TitleTag, "Baku - Tbilisi")], &[], &[]).as_deref(),
            Some("Baku - Tbilisi")
        );
        // Nor is one before a question that ends the headline.
        let question = "Mietvertrag kündigen: Fristen und Form – was gilt?";
        assert_eq!(
            choose(&[(TitleTag, question)], &[], &[]).as_deref(),
            Some(question)
        );
    }

    #[test]
    fn no_candidates() {
        assert_eq!(choose(&[], &[], &[]), None);
        assert_eq!(
            choose(&[], &["  Only an h1  "], &[]).as_deref(),
            Some("Only an h1")
        );
        // Nothing but a separator: no title rather than punctuation.
        assert_eq!(choose(&[(TitleTag, " | ")], &[], &[]), None);
    }

    #[test]
    fn jsonld_name_that_is_the_publisher_is_not_the_headline() {
        let page = r#"<html lang=en><head><title>Low turnout in Baku - Turan</title>
            <script type="application/ld+json">{"@type":"NewsArticle","name":"Turan",
            "headline":"Turnout in the capital hits a record low",
            "publisher":{"@type":"Organization","name":"Turan"}}</script></head>
            <body><article><p>Turnout in the capital was lower than at any election since
            1995, officials said on Monday, and observers reported long queues.</p>
            </article></body></html>"#;
        let article =
            crate::extract::extract(page.as_bytes(), &Default::default()).expect("article");
        assert_eq!(
            article.title.as_deref(),
            Some("Turnout in the capital hits a record low")
        );
    }

    #[test]
    fn declared_title_with_suffix_is_kept_and_its_headline_not_repeated_in_the_text() {
        let page = r#"<html lang=en><head><title>Turnout low in Baku - Turan</title>
            <meta property="og:title" content="Turnout low in Baku | Turan | 02.09.2024">
            </head><body><article><p>Turnout low in Baku</p><p>Turnout in the capital was
            lower than at any election since 1995, officials said on Monday, and observers
            reported long queues.</p></article></body></html>"#;
        let article =
            crate::extract::extract(page.as_bytes(), &Default::default()).expect("article");
        assert_eq!(
            article.title.as_deref(),
            Some("Turnout low in Baku | Turan | 02.09.2024")
        );
        assert!(
            article.text.starts_with("Turnout in the capital"),
            "{}",
            article.text
        );
    }

    #[test]
    fn pathological_titles() {
        let many = vec!["word"; 2_000].join(" | ");
        let got = choose(&[(TitleTag, &many)], &["word word"], &["site"]);
        assert_eq!(got, Some(many.clone()));
    }
}
