//! Output clean-up after rendering: what the blocks of the chosen container still hold
//! that is not the story — the title repeated as the first line, duplicates, link-only
//! lines and breadcrumb trails, copyright and consent notices, photo credits, script
//! placeholders, tag lines and legal labels wherever they stand, datelines and disclosures at the edges, and what
//! trails the story (empty section headings, furniture labels, comment sections and the
//! notices that open them, calls to subscribe, other stories' headlines), and the portal's
//! widgets ([`super::chrome`]).

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;

use super::chrome;
use super::clean;
use super::render::{Block, BlockKind};

/// White space collapsed and lower-cased: how titles and lines are compared.
pub(super) fn normalized(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Whether [`normalized`] `text` may be at most `len` bytes long: each character that is
/// not white space gives at least one byte of it, so more of them than `len` rule it out.
fn may_fit_in(text: &str, len: usize) -> bool {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .nth(len)
        .is_none()
}

/// Whether `line` is the headline part of `title` "Headline | Site | Date", as a publisher's
/// og:title may have it (both normalised).
fn heads_title(title: &str, line: &str) -> bool {
    !line.is_empty()
        && title.strip_prefix(line).is_some_and(|rest| {
            let rest = rest.trim_start();
            rest.starts_with(['|', '-', '–', '—', '·', '•', '/', '»'])
        })
}

/// Separators between the steps of a breadcrumb trail.
const CRUMB_SEPARATORS: &[char] = &['»', '›', '>', '→', '❯', '/', '|'];

/// Most words in one step of a breadcrumb trail.
const CRUMB_STEP_MAX_WORDS: usize = 6;

/// A breadcrumb trail that ends in the story's headline as plain text ("Главная » Общество »
/// В Каменске отремонтируют мост", "Home › News › Observers report …"): linked steps of a
/// few words each, a separator, then the headline. `title` is normalised. A trail of
/// links only goes with the other link-heavy lines; this one is mostly the headline's
/// unlinked words, so it is not link-heavy, and it is not the title either.
fn is_breadcrumb(block: &Block, title: &str) -> bool {
    if block.link_chars == 0
        || title.is_empty()
        || !matches!(
            block.kind,
            BlockKind::Paragraph | BlockKind::ListItem { .. }
        )
        || !may_fit_in(&block.text, title.len() + 200)
    {
        return false;
    }
    let line = normalized(&block.text);
    let Some(trail) = line.strip_suffix(title) else {
        return false;
    };
    let Some(trail) = trail.trim_end().strip_suffix(CRUMB_SEPARATORS) else {
        return false;
    };
    let mut chars = 0;
    for step in trail.split(CRUMB_SEPARATORS) {
        if step.split_whitespace().count() > CRUMB_STEP_MAX_WORDS {
            return false;
        }
        chars += step.chars().filter(|c| !c.is_whitespace()).count();
    }
    // The steps are links: most of their characters are link text.
    chars > 0 && block.link_chars * 10 >= chars * 8
}

/// Output clean-up: the title is not repeated as the first line; duplicates and
/// link-only blocks go.
pub(super) fn tidy_blocks(blocks: &mut Vec<Block>, title: Option<&str>) {
    let normalized_title = title.map(normalized).unwrap_or_default();
    // Link-only blocks and breadcrumb trails (a category or breadcrumb line above the
    // headline) go first, so the headline they precede is seen as the first line; with
    // them the lines that are furniture wherever they stand.
    blocks.retain(|b| {
        // Without link text a block is not link-heavy, whatever its length. Headings were
        // judged by their links in conditional cleaning, which keeps the linked heads of
        // the story's sections; table rows are data.
        let link_heavy = b.link_chars > 0 && {
            let len = b.text.chars().count();
            len > 0
                && b.link_chars * 10 > len * 6
                && !matches!(b.kind, BlockKind::TableRow { .. } | BlockKind::Heading(_))
        };
        !link_heavy
            && !is_notice_line(&b.text)
            && !is_notice_block(&b.text)
            && !clean::is_consent_notice(&b.text)
            // A table's cell may be a label with its value in the next cell.
            && (matches!(b.kind, BlockKind::TableRow { .. }) || !clean::is_bare_label(&b.text))
            && !is_breadcrumb(b, &normalized_title)
            && !(matches!(b.kind, BlockKind::Paragraph)
                && (is_rule_line(&b.text)
                    || is_forum_signature(&b.text)
                    || clean::is_photo_credit(&b.text)
                    || clean::is_byline_with_role(&b.text)
                    || clean::is_script_placeholder(&b.text)
                    || clean::is_server_diagnostic(&b.text)
                    || clean::is_neighbour_label(&b.text)
                    || clean::is_labelled_trail(&b.text)
                    || clean::is_media_insert(&b.text)
                    || clean::is_legal_label(&b.text)
                    || clean::is_tag_line(&b.text, b.link_chars)))
    });
    strip_tag_lists(blocks);
    chrome::strip_widgets(blocks);
    chrome::strip_calls_to_action(blocks);
    chrome::strip_feed_runs(blocks);
    chrome::strip_read_also(blocks);
    if title.is_some() {
        let t = normalized_title;
        while let Some(first) = blocks.first() {
            // Every test below needs the line no longer than the title: a paragraph of the
            // story is passed over without being normalised.
            if !may_fit_in(&first.text, t.len()) {
                break;
            }
            let f = normalized(&first.text);
            let is_title = f == t
                || (matches!(first.kind, BlockKind::Heading(_)) && !f.is_empty() && t.contains(&f))
                || heads_title(&t, &f);
            if is_title {
                blocks.remove(0);
            } else {
                break;
            }
        }
        // The headline a line or two down, under a kicker or a dateline.
        if let Some(k) = blocks.iter().take(3).position(|b| {
            if !may_fit_in(&b.text, t.len()) {
                return false;
            }
            let b = normalized(&b.text);
            b == t || heads_title(&t, &b)
        }) {
            blocks.remove(k);
        }
    }
    blocks.dedup_by(|b, a| a.text == b.text && a.kind == b.kind);
    // A dateline, an advertising disclosure or (on top) a call to write in or follow the
    // site, right above or below the story. Datelines come in runs ("Published …" over
    // "Updated …"): one that follows a dateline taken from the edge is at the edge too.
    let count = blocks.len();
    let mut k = 0;
    let mut after_dateline = false;
    blocks.retain(|b| {
        k += 1;
        let edge = k <= 2 || k + 2 > count || after_dateline;
        let dateline = edge && count > 1 && is_dateline_paragraph(b);
        after_dateline = dateline;
        !(dateline
            || (edge
                && count > 1
                && matches!(b.kind, BlockKind::Paragraph)
                && (clean::is_disclosure(&b.text) || (k == 1 && clean::is_promo_line(&b.text)))))
    });
    trim_tail(blocks);
    // What trailed the story is gone now: a dateline it kept from the edge goes too
    // (Joomla's "Last Updated ( … )" over a side column's modules).
    while blocks.len() > 1 && blocks.last().is_some_and(is_dateline_paragraph) {
        blocks.pop();
    }
}

/// Whether a block is a paragraph that is only a dateline ([`clean::is_dateline_block`]).
fn is_dateline_paragraph(block: &Block) -> bool {
    matches!(block.kind, BlockKind::Paragraph) && clean::is_dateline_block(&block.text)
}

/// Removes a tag or category label on a line of its own with the list under it ("Topic" /
/// "Free Speech, Media Freedom", "Теги:" / "выборы, ЦИК"): the two lines make the tag line
/// that [`clean::is_tag_line`] takes when it is one line.
fn strip_tag_lists(blocks: &mut Vec<Block>) {
    let mut drop = vec![false; blocks.len()];
    for k in 1..blocks.len() {
        let (label, list) = (&blocks[k - 1], &blocks[k]);
        if matches!(label.kind, BlockKind::Paragraph | BlockKind::Heading(_))
            && matches!(list.kind, BlockKind::Paragraph)
            && clean::is_tag_label(&label.text)
        {
            let label = label.text.trim().trim_end_matches(':');
            let line = format!("{label}: {}", list.text);
            if clean::is_tag_line(&line, list.link_chars) {
                drop[k - 1] = true;
                drop[k] = true;
            }
        }
    }
    chrome::remove_marked(blocks, &drop);
}

/// Headings at least this long read as prose (a standfirst set in heading type).
const LONG_HEADING_CHARS: usize = 150;

/// Whether `block` is a section's title: a heading, short of a standfirst set in heading type.
fn is_section_title(block: &Block) -> bool {
    matches!(block.kind, BlockKind::Heading(_)) && block.text.chars().count() < LONG_HEADING_CHARS
}

/// Text above a comment section's label, in characters, enough to call it the story.
const COMMENTS_MIN_ABOVE: usize = 500;

/// Drops what trails the story: headings with nothing under them ("Related
/// articles" whose list was removed) and short labels ("Kontakt:", "Credit:").
fn trim_tail(blocks: &mut Vec<Block>) {
    if let Some(start) = chrome::other_stories_start(blocks) {
        blocks.truncate(start);
    }
    // A heading followed by a heading of the same or a higher rank heads nothing.
    let mut keep = vec![true; blocks.len()];
    let mut next_level: Option<u8> = None;
    for (k, b) in blocks.iter().enumerate().rev() {
        if let BlockKind::Heading(level) = b.kind {
            if is_section_title(b) && next_level.is_none_or(|n| n <= level) {
                keep[k] = false;
            }
            next_level = Some(level);
        } else {
            next_level = Some(u8::MAX);
        }
    }
    let mut k = 0;
    blocks.retain(|_| {
        k += 1;
        keep[k - 1]
    });
    // A furniture label in the last third ("Kontakt:", "Weitere Informationen", "Читайте
    // также") opens what follows the story: cut there. The last third of the blocks, or of
    // the text: a short story of long paragraphs has its contact lines and teasers in many
    // short blocks after it.
    let total: usize = blocks.iter().map(|b| b.text_len).sum();
    let tail_start = (blocks.len() * 2 / 3).max(1);
    let mut above = 0;
    let mut tail_label = None;
    let mut comments_label = None;
    for (k, b) in blocks.iter().enumerate() {
        let heading = match b.kind {
            BlockKind::Paragraph => false,
            BlockKind::Heading(_) => true,
            _ => {
                above += b.text_len;
                continue;
            }
        };
        if (k >= tail_start || (above > 0 && above * 3 >= total * 2))
            && clean::is_tail_section_label(&b.text)
        {
            tail_label = Some(k);
            break;
        }
        // A comment section's label ("3 Kommentare"), or its notice that guests may not
        // comment, may sit higher, since readers' comments can outweigh the story: it
        // counts below a few paragraphs of text (a comment counter beside the byline does
        // not).
        if comments_label.is_none()
            && above >= COMMENTS_MIN_ABOVE.min(total / 3).max(1)
            && (clean::is_comments_label(&b.text, heading) || clean::is_comments_gate(&b.text))
        {
            comments_label = Some(k);
        }
        above += b.text_len;
    }
    if let Some(label) = tail_label.into_iter().chain(comments_label).min() {
        blocks.truncate(label);
    }
    // Calls to subscribe, follow or support the site among the story's last blocks.
    let total: usize = blocks.iter().map(|b| b.text_len).sum();
    let tail_start = (blocks.len() * 2 / 3).max(1);
    let mut above = 0;
    let mut k = 0;
    blocks.retain(|b| {
        let in_tail = k >= tail_start || (above > 0 && above * 3 >= total * 2);
        k += 1;
        above += b.text_len;
        !(in_tail && matches!(b.kind, BlockKind::Paragraph) && clean::is_promo_line(&b.text))
    });
    while let Some(last) = blocks.last() {
        let len = last.text.chars().count();
        let text = last.text.trim_end();
        // A label introduces what was removed after it. A short last line without a colon
        // is as often the story's own (a signature, the name of the organisation that
        // signs a statement), so it stays.
        let label = matches!(last.kind, BlockKind::Paragraph) && len < 50 && text.ends_with(':');
        let furniture = matches!(last.kind, BlockKind::Paragraph)
            && (clean::is_credit_line(text) || clean::is_promo_line(text));
        // An italic or bold note after the story's last ordinary paragraph: where it
        // first ran, who wrote it, where to follow the site. Emphasised blocks in the
        // middle, a pull quote or an emphasised standfirst never reach here.
        let end_note = last.emphasised
            && matches!(last.kind, BlockKind::Paragraph)
            && clean::is_end_note(text)
            && blocks
                .iter()
                .rev()
                .skip(1)
                .any(|b| !b.emphasised && matches!(b.kind, BlockKind::Paragraph));
        // A section title whose section went above heads nothing ("Before you move on …"
        // over a donation appeal).
        let heading = is_section_title(last);
        if (label || furniture || end_note || heading) && blocks.len() > 1 {
            blocks.pop();
        } else {
            break;
        }
    }
}

/// Phrases of copyright notices, in the languages of the sites we crawl.
const RIGHTS_PHRASES: &[&str] = &[
    "all rights reserved",
    "все права защищены",
    "все права сохранены",
    "bütün hüquqlar",
    "alle rechte vorbehalten",
    "tous droits réservés",
    "wszelkie prawa zastrzeżone",
    "tüm hakları saklıdır",
    // the terms of reuse ("При использовании материалов ссылка обязательна", "Перепечатка
    // … без разрешения автора запрещена", "[ⓒ 한내일보 · 무단전재 및 재배포 금지]", "未經
    // 同意，請勿轉載或重製")
    "ссылка обязательна",
    "ссылка на источник обязательна",
    "гиперссылка обязательна",
    "без разрешения автора запрещ",
    "без письменного разрешения",
    "перепечатка материалов",
    // a print version's foot ("Распечатано с сайта «…»")
    "распечатано с сайта",
    "посилання обов'язкове",
    "посилання обов’язкове",
    "istinad mütləqdir",
    "istinad zəruridir",
    "무단전재",
    "무단 전재",
    "재배포 금지",
    "請勿轉載",
    "请勿转载",
    "版權所有",
    "版权所有",
];

/// [`RIGHTS_PHRASES`] as one searcher: every short line of every story is asked.
static RIGHTS_SEARCHER: LazyLock<AhoCorasick> =
    LazyLock::new(|| AhoCorasick::new(RIGHTS_PHRASES).expect("rights phrases build an automaton"));

/// Short lines that are page furniture wherever they appear: copyright notices, bare
/// phone numbers and age ratings (share buttons are [`chrome`]'s).
fn is_notice_line(text: &str) -> bool {
    // Long blocks are never notices.
    if text.is_empty() || clean::more_chars_than(text, 200) {
        return false;
    }
    let lower = text.to_lowercase();
    if text.contains(['©', 'ⓒ'])
        || lower.starts_with("copyright")
        || RIGHTS_SEARCHER.is_match(&lower)
    {
        return true;
    }
    if is_age_mark(text) {
        return true;
    }
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    digits >= 7
        && letters <= 8
        && text
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "+()-./:,;".contains(c))
}

/// Longest block of notice lines, in characters.
const NOTICE_BLOCK_MAX_CHARS: usize = 600;

/// A footer's block of lines that are each a notice: the copyright line, the publisher's
/// notices ([`chrome::is_publisher_notice`]), a phone number or the age mark, one under the
/// other ("© 2016–2022 АНО «…». Владивосток, …" over the foreign-agent label and "18+"),
/// with the details of the imprint beside them ([`is_imprint_detail`]), as a print
/// version's foot has them. One line of the story among them keeps the block, and so does
/// a block of details without a notice (a story's list of sources).
fn is_notice_block(text: &str) -> bool {
    if !text.contains('\n') || clean::more_chars_than(text, NOTICE_BLOCK_MAX_CHARS) {
        return false;
    }
    let mut notices = 0;
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let lower = line.to_lowercase();
        if is_notice_line(line)
            || chrome::is_publisher_notice(line, &lower)
            || names_a_registration(line, &lower)
        {
            notices += 1;
        } else if !is_imprint_detail(line, &lower) {
            return false;
        }
    }
    notices > 0
}

/// Most words of a label beside the page's address in a print version's foot ("Printed
/// from caspiancourier.az —", "Адрес материала:").
const ADDRESS_LABEL_MAX_WORDS: usize = 5;

/// Titles of the editor-in-chief, whom an imprint names: en, ru, uk, az, tr, de, fr, es.
const EDITOR_IN_CHIEF: &[&str] = &[
    "editor-in-chief",
    "editor in chief",
    "главный редактор",
    "головний редактор",
    "baş redaktor",
    "genel yayın yönetmeni",
    "chefredakteur",
    "rédacteur en chef",
    "rédactrice en chef",
    "redactor jefe",
    "directora editorial",
];

/// Labels of an organisation's registration numbers that imprints print: Russian tax and
/// state registration numbers, Azerbaijan's tax number, Germany's VAT id, France's SIRET,
/// the United Kingdom's company and charity numbers, the US employer number.
const REGISTRATION_LABELS: &[&str] = &[
    "инн",
    "огрн",
    "кпп",
    "vöen",
    "ust-idnr",
    "siret",
    "company number",
    "registered charity",
    "charity number",
    "ein",
];

/// Fewest digits of a registration number.
const REGISTRATION_MIN_DIGITS: usize = 6;

/// Whether a short line (`lower` lower-cased) gives an organisation's registration number
/// with its label ("АНО «Волонтёрский центр …», ИНН 2901234567"): the imprint of the
/// organisation's site.
fn names_a_registration(line: &str, lower: &str) -> bool {
    if clean::more_chars_than(line, 200) {
        return false;
    }
    let words: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| !w.is_empty())
        .collect();
    let labelled = REGISTRATION_LABELS.iter().any(|label| {
        let label_words: Vec<&str> = label.split(' ').collect();
        words
            .windows(label_words.len())
            .any(|w| w == label_words.as_slice())
    });
    labelled
        && words
            .iter()
            .any(|w| w.bytes().filter(u8::is_ascii_digit).count() >= REGISTRATION_MIN_DIGITS)
}

/// Whether a short line is a detail of the publisher's imprint: an address of a page with a
/// short label ("Адрес материала: http://…/article.php?id=4471"), a phone or contact line
/// ("Телефон редакции: (87240) 4-33-12, e-mail: …"), or the editor-in-chief's name
/// (`lower` is the line lower-cased).
fn is_imprint_detail(line: &str, lower: &str) -> bool {
    if clean::more_chars_than(line, 200) {
        return false;
    }
    let is_address = |w: &&str| w.contains("://") || w.starts_with("www.");
    let addressed = line.split_whitespace().any(|w| is_address(&w))
        && line
            .split_whitespace()
            .filter(|w| !is_address(w) && w.chars().any(char::is_alphabetic))
            .count()
            <= ADDRESS_LABEL_MAX_WORDS;
    if addressed || chrome::is_phone_line(line) {
        return true;
    }
    EDITOR_IN_CHIEF.iter().any(|title| lower.contains(title))
}

/// Whether a paragraph is a rule drawn with characters ("___", "* * *", "-----") between a
/// wire story and its contributors' line, or a scene break: three or more of them and
/// nothing else. (A lone "." or "—" may stand for something in the text around it.)
fn is_rule_line(text: &str) -> bool {
    let mut marks = 0;
    for c in text.chars() {
        if "_*-=~#•·".contains(c) {
            marks += 1;
        } else if !c.is_whitespace() {
            return false;
        }
    }
    marks >= 3
}

/// Fewest underscores of the rule a forum draws above a poster's signature.
const SIGNATURE_RULE_MARKS: usize = 10;
/// Longest signature under such a rule, in characters.
const SIGNATURE_MAX_CHARS: usize = 400;

/// Whether a paragraph is a forum poster's signature: a rule of underscores on its own
/// first line ("__________________", as vBulletin draws it) and a short text under it
/// ("Panda 1.2 Dynamic 2010 - Punto 1.3 MJ 2007"). A wire story's three-mark rule before
/// its contributors' line is shorter.
fn is_forum_signature(text: &str) -> bool {
    let Some((rule, rest)) = text.trim_start().split_once('\n') else {
        return false;
    };
    let rule = rule.trim();
    rule.len() >= SIGNATURE_RULE_MARKS
        && rule.bytes().all(|b| b == b'_')
        && !rest.trim().is_empty()
        && !clean::more_chars_than(rest, SIGNATURE_MAX_CHARS)
}

/// Whether a line is only an age rating ("18+", "16+"), which Russian law has sites print.
fn is_age_mark(text: &str) -> bool {
    text.trim()
        .strip_suffix('+')
        .is_some_and(|age| (1..=2).contains(&age.len()) && age.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paragraph(text: &str, link_chars: usize) -> Block {
        Block {
            link_chars,
            ..Block::new(BlockKind::Paragraph, text.to_string(), text.to_string())
        }
    }

    #[test]
    fn a_tag_label_goes_with_the_list_under_it() {
        let story = "The journalists face up to twelve years in prison if convicted.";
        let texts = |blocks: &[Block]| blocks.iter().map(|b| b.text.clone()).collect::<Vec<_>>();
        let mut blocks = vec![
            paragraph(story, 0),
            paragraph("Region / Country", 0),
            paragraph("Europe/Central Asia, Azerbaijan", 0),
            paragraph("Topic", 0),
            paragraph("Free Speech, Media Freedom", 0),
        ];
        strip_tag_lists(&mut blocks);
        assert_eq!(texts(&blocks), [story]);
        // A label over a sentence is a heading of the story's.
        let kept = vec![
            paragraph(story, 0),
            paragraph("Region", 0),
            paragraph(
                "The region has had no independent newspaper since 2014, the group said.",
                0,
            ),
        ];
        let mut blocks = kept.clone();
        strip_tag_lists(&mut blocks);
        assert_eq!(texts(&blocks), texts(&kept));
    }

    #[test]
    fn a_run_of_datelines_at_the_top_goes_whole() {
        let story = [
            "With about 94% of the expected vote counted, the challenger leads by 612 votes.",
            "Officials said they would resume counting at 9 a.m. with 2,100 ballots left.",
            "Turnout was the highest for a primary in the district since 1994.",
            "Both campaigns said they expected the result to be known by the afternoon.",
        ];
        let dek = "Our reporters are following the results across the state.";
        let mut blocks = vec![
            paragraph(dek, 0),
            paragraph("Published May 17, 2022 7:45 PM EDT", 0),
            paragraph("Updated May 18, 2022 12:52 AM EDT", 0),
        ];
        blocks.extend(story.iter().map(|t| paragraph(t, 0)));
        tidy_blocks(&mut blocks, None);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts[0], dek);
        assert_eq!(texts[1..], story);
        // A date in the story's third paragraph is the story's, not a dateline run.
        let mut blocks: Vec<Block> = story.iter().map(|t| paragraph(t, 0)).collect();
        blocks.insert(2, paragraph("May 18, 2022", 0));
        tidy_blocks(&mut blocks, None);
        assert_eq!(blocks.len(), story.len() + 1);
    }

    #[test]
    fn an_appeal_after_the_story_goes_with_its_heading() {
        let story = [
            "Salmon farms in the west lost a record number of fish to disease and warm water \
             last year, figures published on Tuesday show.",
            "The industry body said it was investing in deeper pens and new vaccines, and that \
             the losses had been concentrated in a few sites.",
            "Scientists said warmer seas would make bad years more common unless farms moved \
             to cooler water or stocked their pens less densely.",
        ];
        let mut blocks: Vec<Block> = story.iter().map(|t| paragraph(t, 0)).collect();
        blocks.push(Block::new(
            BlockKind::Heading(2),
            "Before you move on …".into(),
            "Before you move on …".into(),
        ));
        blocks.push(paragraph(
            "Before you move on, we hope you will consider supporting our independent, \
             reader-funded journalism.",
            0,
        ));
        trim_tail(&mut blocks);
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, story);
    }

    #[test]
    fn a_footers_block_of_notices_goes() {
        assert!(is_notice_block(
            "© 2016–2022 АНО «Открытая дверь». Владивосток, ул. Светланская, 83, оф. 7.\n\
             Материал (информация) произведён и (или) распространён иностранным агентом или \
             касается деятельности иностранного агента. 18+"
        ));
        assert!(is_notice_block("© 2024 Портал\n+994 12 555 55 55\n18+"));
        // One line of the story keeps the block; one line is a notice line's to judge.
        assert!(!is_notice_block(
            "© 2024 Портал\nНаблюдатели зафиксировали 412 нарушений в день голосования."
        ));
        assert!(!is_notice_block("© 2024 Портал"));
        // A print version's foot: the page's address, the notices, the imprint.
        assert!(is_notice_block(
            "Printed from caspiancourier.az — https://caspiancourier.az/en/news/18842.html\n\
             © 2023 Caspian Courier. When using materials, a hyperlink is required.\n\
             Caspian Courier is an independent news agency. Editor-in-chief: Tural Nasirov."
        ));
        assert!(is_notice_block(
            "Адрес материала: http://www.vesti-prikaspiya.ru/article.php?id=4471\n\
             © 2001-2006 Газета «Вести Прикаспия». Перепечатка только с разрешения редакции.\n\
             Телефон редакции: (87240) 4-33-12, e-mail: vesti@vesti-prikaspiya.ru"
        ));
        // An organisation's registration number over its address and phone.
        assert!(is_notice_block(
            "АНО «Волонтёрский центр „Северный берег“», ИНН 2901234567\n\
             г. Северодвинск, ул. Портовая, 11, телефон +7 (8184) 50-22-31"
        ));
        assert!(!is_notice_block(
            "Фонд получил ИНН только в марте.\nг. Северодвинск, телефон +7 (8184) 50-22-31"
        ));
        // Details without a notice are the story's: its sources, its contact.
        assert!(!is_notice_block(
            "Source: https://www.cec.gov.az/report-2024.pdf\n\
             Hotline of the commission: +994 12 555 55 55"
        ));
        // A sentence that cites an address is no detail of an imprint.
        assert!(!is_notice_block(
            "© 2024 Портал\nПолный текст доклада наблюдателей о нарушениях на участках \
             опубликован на сайте https://example.org/report вчера вечером."
        ));
    }

    #[test]
    fn furniture_lines() {
        for line in [
            "© 2024 Портал",
            "+994 12 555 55 55",
            "18+",
            " 16+ ",
            "[ⓒ 한내일보 · 무단전재 및 재배포 금지]",
            "Перепечатка текстов и фотографий без разрешения автора запрещена.",
            "Перепечатка материалов возможна только с письменного разрешения редакции.",
            "Распечатано с сайта «Вестник Северогорска» (severogorsk-vestnik.example)",
            "При использовании материалов ссылка обязательна",
            "本網站所刊載之新聞內容，未經南都新聞網同意，請勿轉載或重製。",
        ] {
            assert!(is_notice_line(line), "{line}");
        }
        for line in [
            "Участники смогут поделиться опытом.",
            "Share prices fell on Monday.",
            "18+ voters only",
            "2024+",
            "Politics",
        ] {
            assert!(!is_notice_line(line), "{line}");
        }
        for (line, rule) in [
            ("___", true),
            ("* * *", true),
            ("-----", true),
            (".", false),
            ("—", false),
            ("** Note", false),
        ] {
            assert_eq!(is_rule_line(line), rule, "{line}");
        }
        for (block, signature) in [
            (
                "__________________\nPanda 1.2 Dynamic 2010 - Punto 1.3 MJ 2007",
                true,
            ),
            // A wire story's rule and its contributors' line.
            ("___\nAssociated Press writer Jane Roe contributed.", false),
            // A rule with nothing under it is a rule line, judged above.
            ("__________________", false),
            (
                &format!("__________________\n{}", "A story goes on. ".repeat(30)),
                false,
            ),
        ] {
            assert_eq!(is_forum_signature(block), signature, "{block}");
        }
    }

    #[test]
    fn breadcrumb_trails_that_end_in_the_headline() {
        let title = normalized("В Каменске отремонтируют мост через Исеть");
        // "Главная" and "Общество" are the links: 15 characters.
        let trail = "Главная » Общество » В Каменске отремонтируют мост через Исеть";
        assert!(is_breadcrumb(&paragraph(trail, 15), &title));
        let trail = "Главная / Общество / В Каменске отремонтируют мост через Исеть";
        assert!(is_breadcrumb(&paragraph(trail, 15), &title));
        // The same words without links, or with a sentence for a step, are not a trail.
        assert!(!is_breadcrumb(&paragraph(trail, 0), &title));
        let said = "Глава города сообщил журналистам на совещании во вторник / В Каменске \
                    отремонтируют мост через Исеть";
        assert!(!is_breadcrumb(&paragraph(said, 15), &title));
        // A paragraph that only ends with the headline's words, with no separator before.
        let sentence = "Читайте: В Каменске отремонтируют мост через Исеть";
        assert!(!is_breadcrumb(&paragraph(sentence, 8), &title));
        // A headline with a slash of its own is matched whole.
        let title = normalized("A/B tests of ballot design");
        let trail = "Home › Research › A/B tests of ballot design";
        assert!(is_breadcrumb(&paragraph(trail, 12), &title));
    }

    #[test]
    fn a_breadcrumb_above_the_story_goes_with_the_headline() {
        let title = "Observers report pressure on polling staff";
        let story = "Independent observers recorded 41 cases of pressure on members of \
                     precinct commissions ahead of the vote.";
        let mut blocks = vec![
            paragraph(
                "Home › News › Observers report pressure on polling staff",
                8,
            ),
            paragraph(story, 0),
        ];
        tidy_blocks(&mut blocks, Some(title));
        let texts: Vec<&str> = blocks.iter().map(|b| b.text.as_str()).collect();
        assert_eq!(texts, [story]);
    }
}
