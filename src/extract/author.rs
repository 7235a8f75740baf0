//! Author names: from bylines people read and from metadata fields machines read.
//!
//! A byline is a cue plus a name, and the cue depends on the language: "By Jane Doe",
//! "Автор: Иван Петров", "tərəfindən Gozetci" (a WordPress theme's translation of "by") or
//! "Gozetci tərəfindən" (Azerbaijani word order), "Von Max Muster", "Par Jean Dupont". Around
//! the name sit dates, roles, e-mail addresses and separators that are not part of it.
//! [`parse_byline`] needs a cue, so it can be pointed at any short line near an article;
//! [`clean_author`] is for text already known to be an author (a `rel=author` link, a meta
//! field) and only tidies it.

use std::sync::LazyLock;

use regex::Regex;

/// Longest plausible author string (several names joined).
const MAX_AUTHOR_CHARS: usize = 120;

/// Most words in one author string.
const MAX_AUTHOR_WORDS: usize = 12;

/// Words that label an author's name ("Autoren:", "Автор:", "Müəllif:", "Written by"). They
/// stand before the name in a byline, and alone on their line when a template puts the
/// names in an element of their own (what `clean::is_bare_label` recognises).
pub const BYLINE_LABELS: &[&str] = &[
    "author",
    "authors",
    "autor",
    "autoren",
    "autorin",
    "autores",
    "autorzy",
    "auteur",
    "auteurs",
    "автор",
    "авторы",
    "автор текста",
    "müəllif",
    "müəlliflər",
    "yazar",
    "yazarlar",
    "written by",
    "text",
    "текст",
];

/// Cues that only ever lead into a name ("By", "Von", "Posted by", "Подготовила"), as regex
/// alternatives; the labels of [`BYLINE_LABELS`] are the other cues.
const NAME_CUES: &str = r"(?:written|posted|published|reported|story|text|words|photos?)\s+by|by|von|par|por|door|di|od|tərəfindən|подготовил(?:а|и)?|редактор|written";

/// Byline cues before the name: a label joined to a second one and a colon ("Text und
/// Interview:", "Текст и фото:"), a cue, or a label; then an optional colon or dash.
/// Case-insensitive; the longest label is tried first. See [`leading_cue_end`] for the
/// label without a colon.
static LEADING_CUE: LazyLock<Regex> = LazyLock::new(|| {
    let mut labels: Vec<&str> = BYLINE_LABELS.to_vec();
    labels.sort_by_key(|label| std::cmp::Reverse(label.chars().count()));
    let labels: Vec<String> = labels
        .iter()
        .map(|label| regex::escape(label).replace(' ', r"\s+"))
        .collect();
    let labels = labels.join("|");
    Regex::new(&format!(
        r"(?i)^\s*(?:(?:{labels})\s+(?:und|and|&|и|və|ve|et|y)\s+\p{{L}}+\s*:|(?:{NAME_CUES})\s*[:\-–—]?|(?P<label>{labels})\s*(?P<separator>[:\-–—])?)\s+"
    ))
    .expect("byline cue regex is valid")
});

/// Where the byline cue leading `text` ends. A label without a colon ("Автор Мария
/// Иванова") leads into a name only when a capital follows: "Text und Interview …" and
/// "Text messages …" open sentences, not bylines.
fn leading_cue_end(text: &str) -> Option<usize> {
    let cue = LEADING_CUE.captures(text)?;
    let end = cue.get(0)?.end();
    let bare_label = cue.name("label").is_some() && cue.name("separator").is_none();
    let capital_follows = text[end..].chars().next().is_some_and(char::is_uppercase);
    (!bare_label || capital_follows).then_some(end)
}

/// Azerbaijani and Turkish put the postposition after the name: "Gozetci tərəfindən".
static TRAILING_CUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\s+(?:tərəfindən|tarafından)\s*$").expect("trailing cue regex is valid")
});

/// Where a name ends: a date, a time, a separator followed by something else, a role, an
/// e-mail address, "Updated", "on".
static NAME_END: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)
        \s*(?:
            [|•·/]                                   # separators
          | \s[-–—]\s                                # dash separators
          | \s(?:on|am|le|el|от|updated|published|posted|last\ updated)\s
          | \s(?:and\s)?(?:edited|photos?|illustrations?|reviewed)\s+by\s
          | [0-9]{1,2}[./:\-][0-9]{1,2}              # dates and times
          | [0-9]{1,2}\s+\p{L}+\.?\s+[0-9]{4}        # 2 September 2024
          | \p{L}+\.?\s+[0-9]{1,2},?\s+[0-9]{4}      # September 2, 2024
          | \(?[\w.+-]+@[\w-]+\.[\w.]+\)?            # e-mail
          | https?://
          | \n
        )",
    )
    .expect("name end regex is valid")
});

/// Texts that sit in author slots but are not names.
const NOT_NAMES: &[&str] = &[
    "admin",
    "administrator",
    "author",
    "authors",
    "by",
    "editor",
    "follow",
    "follow author",
    "guest",
    "anonymous",
    "unknown",
    "staff",
    "redaktion",
    "редакция",
    "автор",
    "share",
    "comments",
    "read more",
    "more",
    "view all posts",
    "sign in",
    "sign up",
    "log in",
    "login",
    "subscribe",
    "newsletter",
    "menu",
    "search",
];

/// Extracts the author from a visible byline that carries a cue ("By X", "Author: X",
/// "Автор: X", "tərəfindən X", "X tərəfindən", "Von X", "Par X", …). Returns `None` when the
/// text has no cue or what follows it does not look like a name.
pub fn parse_byline(text: &str) -> Option<String> {
    if text.chars().count() > 4 * MAX_AUTHOR_CHARS {
        return None;
    }
    if let Some(end) = leading_cue_end(text) {
        return clean_author(&text[end..]);
    }
    let first_line = first_line(text);
    if let Some(cue) = TRAILING_CUE.find(first_line) {
        return clean_author(&first_line[..cue.start()]);
    }
    None
}

/// The first non-blank line: a name never spans lines, what follows is a role or a date.
fn first_line(text: &str) -> &str {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty())
        .unwrap_or_default()
}

/// Tidies text known to name an author: removes a byline cue, cuts at dates, separators,
/// roles and e-mail addresses, and rejects what is not a name (URLs, placeholders like
/// "admin", long sentences).
pub fn clean_author(text: &str) -> Option<String> {
    let text = normalise_space(first_line(text));
    let mut name = text.as_str();
    if let Some(end) = leading_cue_end(name) {
        name = &name[end..];
    }
    if let Some(cue) = TRAILING_CUE.find(name) {
        name = &name[..cue.start()];
    }
    if name.starts_with("http://") || name.starts_with("https://") || name.starts_with("www.") {
        return None;
    }
    if let Some(end) = NAME_END.find(name) {
        name = &name[..end.start()];
    }
    let name = name
        .trim_matches(|c: char| {
            c.is_whitespace()
                || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '|' | '@' | '(' | ')')
        })
        .trim();
    let chars = name.chars().count();
    if !(2..=MAX_AUTHOR_CHARS).contains(&chars) {
        return None;
    }
    if name.split_whitespace().count() > MAX_AUTHOR_WORDS {
        return None;
    }
    if !name.chars().any(char::is_alphabetic) {
        return None;
    }
    // Sentences are not names.
    if name.ends_with('.') && name.split_whitespace().count() > 4 {
        return None;
    }
    if NOT_NAMES.contains(&name.to_lowercase().as_str()) {
        return None;
    }
    if !looks_capitalised(name) {
        return None;
    }
    Some(name.to_owned())
}

/// Names are capitalised words, apart from particles ("de", "van", "bin"…). Text of three or
/// more words of which most start in lower case is prose that followed a cue by accident
/// ("by the end of the year…"). Scripts without case pass.
fn looks_capitalised(name: &str) -> bool {
    const PARTICLES: &[&str] = &[
        "de", "da", "di", "del", "della", "van", "von", "der", "den", "la", "le", "bin", "al",
        "and", "und", "et", "y", "e", "и", "və", "ve", "i", "du", "dos", "das", "ten", "ter",
    ];
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.len() < 3 {
        return true;
    }
    let lower = words
        .iter()
        .filter(|word| !PARTICLES.contains(&word.to_lowercase().as_str()))
        .filter(|word| word.chars().next().is_some_and(char::is_lowercase))
        .count();
    lower * 2 <= words.len()
}

/// Adds `candidate` to `authors` unless an equal name (ignoring case and spacing) is there.
pub(crate) fn push_unique(authors: &mut Vec<String>, candidate: String) {
    let key = comparable(&candidate);
    if !authors.iter().any(|known| comparable(known) == key) {
        authors.push(candidate);
    }
}

fn comparable(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Collapses all whitespace (including NBSP and zero-width spaces) into single spaces.
/// The zero-width joiners stay inside words, as in the text (see
/// [`super::render::is_joiner`]); at a word's edge they go.
pub(crate) fn normalise_space(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace() || matches!(c, '\u{200B}' | '\u{FEFF}' | '\u{2060}'))
        .map(|w| {
            if w.is_ascii() {
                w
            } else {
                w.trim_matches(super::render::is_joiner)
            }
        })
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_collapse_and_joiners_stay_inside_words() {
        assert_eq!(
            normalise_space(" گروه\u{200c}های \u{200b}پرخطر\u{200c} \n\u{a0}x\u{feff}y "),
            "گروه\u{200c}های پرخطر x y"
        );
        assert_eq!(normalise_space("\u{200d} \u{200c}"), "");
    }

    #[test]
    fn english_bylines() {
        assert_eq!(parse_byline("By Jane Doe").as_deref(), Some("Jane Doe"));
        assert_eq!(
            parse_byline("by\n\t\tScott Cunningham").as_deref(),
            Some("Scott Cunningham")
        );
        assert_eq!(parse_byline("BY: JOE WEE").as_deref(), Some("JOE WEE"));
        assert_eq!(
            parse_byline("Written by Rob Ewaschuk\n Edited by Betsy Beyer").as_deref(),
            Some("Rob Ewaschuk")
        );
        assert_eq!(
            parse_byline("by Lucas Nolan 22 Dec 2016").as_deref(),
            Some("Lucas Nolan")
        );
        assert_eq!(
            parse_byline("By Erin Cunningham | March 19, 2015").as_deref(),
            Some("Erin Cunningham")
        );
        assert_eq!(
            parse_byline("By Alex Perry on 12/03/2016").as_deref(),
            Some("Alex Perry")
        );
        assert_eq!(
            parse_byline("Author: Ana Sandoiu (ana@example.com)").as_deref(),
            Some("Ana Sandoiu")
        );
    }

    #[test]
    fn russian_azerbaijani_and_other_bylines() {
        assert_eq!(
            parse_byline("Автор: Иван Петров").as_deref(),
            Some("Иван Петров")
        );
        assert_eq!(
            parse_byline("Автор Мария Иванова, 03.09.2024").as_deref(),
            Some("Мария Иванова")
        );
        assert_eq!(
            parse_byline("tərəfindən Gozetci").as_deref(),
            Some("Gozetci")
        );
        assert_eq!(
            parse_byline("Gozetci tərəfindən").as_deref(),
            Some("Gozetci")
        );
        assert_eq!(
            parse_byline("Müəllif: Əli Həsənov").as_deref(),
            Some("Əli Həsənov")
        );
        assert_eq!(
            parse_byline("Von Max Mustermann").as_deref(),
            Some("Max Mustermann")
        );
        assert_eq!(
            parse_byline("Par Sébastien Farcis").as_deref(),
            Some("Sébastien Farcis")
        );
        assert_eq!(
            parse_byline("Autor: Jan Kowalski").as_deref(),
            Some("Jan Kowalski")
        );
        assert_eq!(
            parse_byline("Yazar: Ayşe Yılmaz").as_deref(),
            Some("Ayşe Yılmaz")
        );
    }

    #[test]
    fn a_label_joined_to_a_second_one_is_one_cue() {
        for (byline, name) in [
            (
                "Text und Interview: Harald Willenbrock",
                "Harald Willenbrock",
            ),
            ("Текст и фото: Иван Петров", "Иван Петров"),
            ("Text and photos: Jane Roe", "Jane Roe"),
            ("Autorin: Anna Schmidt", "Anna Schmidt"),
        ] {
            assert_eq!(parse_byline(byline).as_deref(), Some(name), "{byline:?}");
        }
        // Without the colon the words after the label may be anything.
        assert_eq!(parse_byline("Text und Interview Harald Willenbrock"), None);
    }

    #[test]
    fn no_cue_no_byline() {
        for text in [
            "",
            "Jane Doe",
            "Byzantine history is long",
            "by",
            "By ",
            "By 12:30",
            "By admin",
            "Parliament voted today",
            "Vonnegut wrote novels",
        ] {
            assert_eq!(parse_byline(text), None, "{text:?}");
        }
    }

    #[test]
    fn sentences_are_not_names() {
        assert_eq!(
            parse_byline(
                "By the end of the year the government will have spent more on interest than on the military."
            ),
            None
        );
        let long = format!("By {}", "word ".repeat(10_000));
        assert_eq!(parse_byline(&long), None);
    }

    #[test]
    fn clean_author_tidies_known_names() {
        assert_eq!(
            clean_author("  Jane\u{a0}Doe ").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            clean_author("By Steven Mufson").as_deref(),
            Some("Steven Mufson")
        );
        assert_eq!(clean_author("https://www.facebook.com/someone"), None);
        assert_eq!(clean_author("admin"), None);
        assert_eq!(clean_author("Follow Author"), None);
        assert_eq!(
            clean_author("Jong, Michiel de").as_deref(),
            Some("Jong, Michiel de")
        );
    }

    #[test]
    fn unique_names() {
        let mut authors = vec!["Jane Doe".to_owned()];
        push_unique(&mut authors, "jane  doe".to_owned());
        push_unique(&mut authors, "John Roe".to_owned());
        assert_eq!(authors, ["Jane Doe", "John Roe"]);
    }
}
