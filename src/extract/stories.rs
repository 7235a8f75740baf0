//! Pages that hold several whole stories: an endless scroll that has appended the next
//! story (and the one after it) to the page, a portal that prints the previous story in
//! full under the current one. Each story sits in an element of its own — an `<article>`,
//! or one marked up as a schema.org article — with its own headline and paragraphs, so the
//! container that gathers the most prose is their common parent and the selection takes
//! them all.
//!
//! Templates without such elements still give each story its `<h1>`, and its date: a
//! story is then the largest element that holds one `<h1>` and no other, and it counts
//! only when it is dated (a `<time>`, or a short dateline), because the `<h1>`s of one
//! long article's sections are not.
//!
//! The page is about the story whose headline is the page's title, or, when none has it,
//! the story whose own address (an endless scroll's `data-url` on the story, the link of
//! its headline) is the page's. When exactly one of the whole stories in the selection is
//! found so, the article is that story alone. A live blog's updates, a blog's front page
//! of full posts and a digest of briefs have no update whose headline is the page's title
//! or whose address is the page's, and are left whole.

use url::Url;

use super::content::{Selection, Stats, is_heading};
use super::dates;
use super::dom::{Dom, NO_PARENT, NodeKind};
use super::tidy::normalized;

/// Least prose of a story, in characters: teaser cards of other stories (a headline and a
/// line) are not whole stories, and are not what this narrows away from.
const MIN_STORY_PROSE: u32 = 200;

/// Fewest paragraphs of a whole story.
const MIN_STORY_PARAGRAPHS: u32 = 2;

/// Most nodes of a story searched for its headline.
const HEADLINE_SCAN_NODES: usize = 2_000;

/// Most story elements looked at in one selection: a page of more is a digest, not one
/// story followed by the next.
const MAX_STORIES: usize = 64;

/// Whether element `i` marks a self-contained story: `<article>`, or an element whose
/// microdata type is an article (`NewsArticle`, `BlogPosting`, `ReportageNewsArticle`).
fn is_story_element(dom: &Dom, i: usize) -> bool {
    dom.element(i).is_some_and(|el| {
        el.is("article")
            || el.attr("itemtype").is_some_and(|t| {
                let t = t.rsplit('/').next().unwrap_or(t);
                t.ends_with("Article") || t == "BlogPosting"
            })
    })
}

/// The outermost story elements within the roots of `selection`, in document order (a
/// root may itself be one). `None` when there are more than [`MAX_STORIES`].
fn stories_in(dom: &Dom, s: &Stats, selection: &Selection) -> Option<Vec<usize>> {
    let mut stories = Vec::new();
    for &root in &selection.roots {
        let mut i = root;
        while i < dom.nodes[root].end {
            if !s.junk[i] && is_story_element(dom, i) {
                if stories.len() == MAX_STORIES {
                    return None;
                }
                stories.push(i);
                i = dom.nodes[i].end;
            } else {
                i += 1;
            }
        }
    }
    Some(stories)
}

/// The stories of the selection marked only by their headlines: for each `<h1>` in a root,
/// the largest element within the root that holds it and no other `<h1>`, when that
/// element is dated. `None` when a root holds more than [`MAX_STORIES`] headlines.
fn headline_boxes(dom: &Dom, s: &Stats, selection: &Selection) -> Option<Vec<usize>> {
    let mut boxes = Vec::new();
    for &root in &selection.roots {
        let end = dom.nodes[root].end;
        let headlines: Vec<usize> = (root..end)
            .filter(|&i| dom.tag(i) == "h1" && !s.junk[i])
            .take(MAX_STORIES + 1)
            .collect();
        if headlines.len() > MAX_STORIES {
            return None;
        }
        if headlines.len() < 2 {
            continue;
        }
        for &headline in &headlines {
            let mut story = headline;
            loop {
                let parent = dom.nodes[story].parent;
                if parent == NO_PARENT || parent == root || !dom.contains(root, parent) {
                    break;
                }
                let parent_end = dom.nodes[parent].end;
                let holds_another = headlines
                    .iter()
                    .any(|&h| h != headline && h >= parent && h < parent_end);
                if holds_another {
                    break;
                }
                story = parent;
            }
            if is_dated(dom, s, story) {
                boxes.push(story);
            }
        }
    }
    Some(boxes)
}

/// Longest text read as a story's own dateline, in bytes.
const MAX_DATELINE_BYTES: usize = 80;

/// Most nodes at the start of a story searched for its date: a story's date stands by its
/// headline, where a date further down is one its text mentions.
const DATELINE_SCAN_NODES: usize = 60;

/// Whether `story` carries a date of its own by its headline: a `<time>`, or a short text
/// that is a dateline, within its first nodes.
fn is_dated(dom: &Dom, s: &Stats, story: usize) -> bool {
    let end = dom.nodes[story].end.min(story + DATELINE_SCAN_NODES);
    (story..end).any(|j| {
        if s.junk[j] {
            return false;
        }
        match &dom.nodes[j].kind {
            NodeKind::Text(text) => {
                text.len() <= MAX_DATELINE_BYTES
                    && text.bytes().any(|b| b.is_ascii_digit())
                    && dates::parse_dateline(text, None).is_some()
            }
            _ => dom.tag(j) == "time",
        }
    })
}

/// Whether `story` is a whole story: paragraphs of prose, not a teaser's line.
fn is_whole_story(s: &Stats, story: usize) -> bool {
    s.prose[story] >= MIN_STORY_PROSE && s.paragraphs[story] >= MIN_STORY_PARAGRAPHS
}

/// The headline element of `story`: its first `<h1>`, else its first `<h2>`.
fn headline_element(dom: &Dom, s: &Stats, story: usize) -> Option<usize> {
    let end = dom.nodes[story].end.min(story + HEADLINE_SCAN_NODES);
    let first = |tag: &str| (story + 1..end).find(|&j| dom.tag(j) == tag && !s.junk[j]);
    first("h1").or_else(|| first("h2"))
}

/// Whether `story` carries on the story before it: a whole story that opens with prose,
/// under no heading of any rank (a teaser card's `<h3>` makes it a card, not a part).
fn is_continuation(dom: &Dom, s: &Stats, story: usize) -> bool {
    if !is_whole_story(s, story) {
        return false;
    }
    let end = dom.nodes[story].end.min(story + HEADLINE_SCAN_NODES);
    let heading = (story + 1..end).find(|&j| is_heading(dom.tag(j)) && !s.junk[j]);
    heading.is_none_or(|heading| prose_between(dom, s, story, heading))
}

/// Whether a paragraph of prose stands in `story` before its node `node`.
fn prose_between(dom: &Dom, s: &Stats, story: usize, node: usize) -> bool {
    (story + 1..node).any(|j| dom.tag(j) == "p" && s.prose[j] > 0)
}

/// The headline of `story` ([`headline_element`]), white space normalised and lower-cased.
fn headline_of(dom: &Dom, s: &Stats, story: usize) -> Option<String> {
    let heading = headline_element(dom, s, story)?;
    let text = normalized(&dom.texts(heading).collect::<Vec<_>>().join(" "));
    (!text.is_empty()).then_some(text)
}

/// Whether a story's `headline` is the page's `title` (both normalised): the same words,
/// or one within the other when the shorter has most of the longer's characters (a title
/// with a kicker, a headline with a trailing section).
fn is_page_headline(headline: &str, title: &str) -> bool {
    if headline == title {
        return true;
    }
    let (short, long) = if headline.len() <= title.len() {
        (headline, title)
    } else {
        (title, headline)
    };
    short.chars().count() * 10 >= long.chars().count() * 6 && long.contains(short)
}

/// Attributes in which an endless scroll gives each story its own address.
const STORY_URL_ATTRIBUTES: &[&str] = &[
    "data-url",
    "data-href",
    "data-permalink",
    "data-link",
    "data-canonical",
    "data-share-url",
];

/// The addresses `story` gives itself: its URL attributes, and the link of its headline
/// (a link inside the `<h1>`/`<h2>`, or around it), resolved against `base`.
fn story_urls(dom: &Dom, s: &Stats, story: usize, base: &Url) -> Vec<Url> {
    let mut urls: Vec<Url> = Vec::new();
    let mut add = |href: &str| {
        if let Ok(url) = base.join(href.trim()) {
            urls.push(url);
        }
    };
    if let Some(el) = dom.element(story) {
        for attr in STORY_URL_ATTRIBUTES {
            if let Some(href) = el.attr(attr) {
                add(href);
            }
        }
    }
    if let Some(heading) = headline_element(dom, s, story) {
        let inside = (heading..dom.nodes[heading].end).find(|&j| dom.is_link(j));
        let around = dom
            .ancestors(heading)
            .take_while(|&a| a > story)
            .find(|&a| dom.is_link(a));
        for link in inside.into_iter().chain(around) {
            if let Some(href) = dom.element(link).and_then(|el| el.attr("href")) {
                add(href);
            }
        }
    }
    urls
}

/// Whether two addresses name the same page: the same but for the scheme, a fragment and
/// a trailing slash.
pub(super) fn same_page(a: &Url, b: &Url) -> bool {
    a.host_str() == b.host_str()
        && a.path().trim_end_matches('/') == b.path().trim_end_matches('/')
        && a.query() == b.query()
}

/// The selection narrowed to the one whole story whose headline is the page's `title`,
/// or else to the one whose own address is the page's (`page_url`, where it was fetched
/// from, else its `canonical_url`), when the selection holds two or more whole stories;
/// otherwise `selection` as it is. The title and the address are read only then: most
/// pages hold one story.
pub fn keep_page_story(
    dom: &Dom,
    s: &Stats,
    selection: Selection,
    title: Option<&str>,
    page_url: Option<&Url>,
    canonical_url: Option<&str>,
) -> Selection {
    if title.is_none() && page_url.is_none() && canonical_url.is_none() {
        return selection;
    }
    let Some(stories) = stories_in(dom, s, &selection) else {
        return selection;
    };
    let mut whole: Vec<usize> = stories
        .iter()
        .copied()
        .filter(|&story| is_whole_story(s, story))
        .collect();
    if whole.len() < 2 {
        let Some(boxes) = headline_boxes(dom, s, &selection) else {
            return selection;
        };
        whole = boxes
            .into_iter()
            .filter(|&story| is_whole_story(s, story))
            .collect();
        if whole.len() < 2 {
            return selection;
        }
    }
    let title = title.map(normalized).filter(|t| !t.is_empty());
    let titled = title.as_deref().and_then(|title| {
        only_one(whole.iter().copied().filter(|&story| {
            headline_of(dom, s, story).is_some_and(|h| is_page_headline(&h, title))
        }))
    });
    let addressed = || {
        let canonical;
        let page_url = match page_url {
            Some(url) => url,
            None => {
                canonical = Url::parse(canonical_url?).ok()?;
                &canonical
            }
        };
        only_one(whole.iter().copied().filter(|&story| {
            story_urls(dom, s, story, page_url)
                .iter()
                .any(|url| same_page(url, page_url))
        }))
    };
    match titled.or_else(addressed) {
        Some(story) => Selection {
            roots: with_continuations(dom, s, &stories, story),
            score: selection.score,
        },
        None => selection,
    }
}

/// `story` and the story elements after it that carry it on ([`is_continuation`]): each a
/// sibling of the part before it, with nothing of prose between them but chrome (the
/// advertisement the template split the story around). Replies in `<article>`s of their
/// own sit in a thread further down, not beside the story.
fn with_continuations(dom: &Dom, s: &Stats, stories: &[usize], story: usize) -> Vec<usize> {
    let mut roots = vec![story];
    for &other in stories.iter().skip_while(|&&other| other <= story) {
        let last = roots[roots.len() - 1];
        if dom.nodes[other].parent != dom.nodes[last].parent
            || !only_chrome_between(dom, s, last, other)
            || !is_continuation(dom, s, other)
        {
            break;
        }
        roots.push(other);
    }
    roots
}

/// Whether the siblings between sibling elements `first` and `later` hold no prose but
/// what is chrome.
fn only_chrome_between(dom: &Dom, s: &Stats, first: usize, later: usize) -> bool {
    let mut j = dom.nodes[first].end;
    while j < later {
        if s.prose[j] > 0 && !s.junk[j] {
            return false;
        }
        j = dom.nodes[j].end;
    }
    true
}

/// The one item of `items`, if there is exactly one.
fn only_one(mut items: impl Iterator<Item = usize>) -> Option<usize> {
    match (items.next(), items.next()) {
        (Some(item), None) => Some(item),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::extract::{ExtractOptions, extract};

    const FIRST: [&str; 3] = [
        "The regional election commission said on Monday that turnout in the district \
         reached its highest level in twenty years, with queues at several stations.",
        "Observers from three independent organisations reported that the count went on \
         late into the night at most polling stations, and protocols were posted on time.",
        "Final results are expected by the end of the week, once the protocols of every \
         precinct commission have been checked against the observers' copies.",
    ];
    const NEXT: [&str; 3] = [
        "The city council voted on Tuesday to close the central market for renovation, a \
         decision that traders say will cost them most of their income for a year.",
        "Traders gathered outside the council building before the vote and asked the \
         deputies to postpone the works until a temporary market is built nearby.",
        "The works are due to begin in March and to last fourteen months, according to the \
         contract published on the council's website on Wednesday.",
    ];

    fn story(open: &str, close: &str, headline: &str, paragraphs: &[&str]) -> String {
        let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
        format!("{open}<h1>{headline}</h1><div class=byline>By Jane Doe</div>{body}{close}")
    }

    fn page(title: &str, main: &str) -> String {
        format!(
            "<html lang=en><head><title>{title} | The Daily</title></head><body>\
             <header><a href=/>Home</a></header><main>{main}</main>\
             <footer>© The Daily</footer></body></html>"
        )
    }

    fn text_of(html: &str) -> String {
        extract(html.as_bytes(), &ExtractOptions::default())
            .expect("an article")
            .text
    }

    #[test]
    fn the_next_story_of_an_endless_scroll_is_left_out() {
        let first = story(
            "<article>",
            "</article>",
            "Turnout reaches a record",
            &FIRST,
        );
        let next = story(
            "<article>",
            "</article>",
            "Council closes the market",
            &NEXT,
        );
        let schema = |headline: &str, paragraphs: &[&str]| {
            story(
                "<div itemscope itemtype='https://schema.org/NewsArticle'>",
                "</div>",
                headline,
                paragraphs,
            )
        };
        for main in [
            format!("{first}{next}"),
            format!("{first}<div class=next-story>{next}</div>"),
            format!("<div class=stream>{first}<div class=up-next>Up next</div>{next}</div>"),
            format!(
                "{}{}",
                schema("Turnout reaches a record", &FIRST),
                schema("Council closes the market", &NEXT)
            ),
        ] {
            let text = text_of(&page("Turnout reaches a record", &main));
            assert!(text.contains("highest level in twenty years"), "{text}");
            assert!(text.contains("checked against the observers"), "{text}");
            assert!(!text.contains("central market"), "{text}");
            assert!(!text.contains("Council closes"), "{text}");
        }
    }

    #[test]
    fn a_story_split_around_an_advertisement_is_kept_whole() {
        // One story in two `<article>`s, the second without a headline of its own.
        let first = story(
            "<article>",
            "</article>",
            "Turnout reaches a record",
            &FIRST[..2],
        );
        let rest = format!(
            "<article class=story-rest><p>{}</p><p>{}</p></article>",
            FIRST[2],
            "Turnout was lowest in the rural precincts of the north, where several stations \
             opened late because ballots had not arrived on time.",
        );
        let ad = "<div class=ad-slot>Advertisement</div>";
        let next = story(
            "<article>",
            "</article>",
            "Council closes the market",
            &NEXT,
        );
        for main in [
            format!("{first}{ad}{rest}"),
            format!("{first}{ad}{rest}{next}"),
        ] {
            let text = text_of(&page("Turnout reaches a record", &main));
            assert!(text.contains("highest level in twenty years"), "{text}");
            assert!(text.contains("checked against the observers"), "{text}");
            assert!(text.contains("rural precincts of the north"), "{text}");
            assert!(!text.contains("central market"), "{text}");
        }
        // Headline-less `<article>`s further down, in a block of their own, are replies.
        let replies = format!("<div class=thread>{rest}</div>")
            .replace("rural precincts", "remote precincts");
        let text = text_of(&page(
            "Turnout reaches a record",
            &format!("{first}{ad}{rest}{replies}{next}"),
        ));
        assert!(text.contains("rural precincts of the north"), "{text}");
        assert!(!text.contains("remote precincts"), "{text}");
        // A later story whose headline is an `<h3>` is a story, not the first one's part.
        let card = story(
            "<article>",
            "</article>",
            "Council closes the market",
            &NEXT,
        )
        .replace("h1>", "h3>");
        let text = text_of(&page(
            "Turnout reaches a record",
            &format!("{first}{ad}{rest}{card}"),
        ));
        assert!(text.contains("rural precincts of the north"), "{text}");
        assert!(!text.contains("central market"), "{text}");
    }

    #[test]
    fn dated_stories_marked_only_by_their_headlines_are_told_apart() {
        // A template of plain `<div>`s: each story has its `<h1>` and its dateline.
        let dated = |headline: &str, date: &str, paragraphs: &[&str]| {
            let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>")).collect();
            format!(
                "<div class=full-story><h1>{headline}</h1><div class=date>{date}</div>{body}</div>"
            )
        };
        let main = format!(
            "<div class=stream>{}<div class=next>Next story</div>{}</div>",
            dated("Turnout reaches a record", "4 March 2019, 15:15", &FIRST),
            dated("Council closes the market", "3 March 2019, 11:00", &NEXT)
        );
        let text = text_of(&page("Turnout reaches a record", &main));
        assert!(text.contains("highest level in twenty years"), "{text}");
        assert!(!text.contains("central market"), "{text}");
        // One long article whose sections have `<h1>`s, the first holding the page's
        // headline: no section is dated, so none is a story of its own.
        let section = |headline: &str, paragraphs: &[&str]| {
            story("<section>", "</section>", headline, paragraphs)
        };
        let main = format!(
            "<div class=post>{}{}</div>",
            section("Turnout reaches a record", &FIRST),
            section("What the council decided", &NEXT)
        );
        let text = text_of(&page("Turnout reaches a record", &main));
        assert!(text.contains("highest level in twenty years"), "{text}");
        assert!(text.contains("central market"), "{text}");
        // The same with a dateline under the first section's headline, and a date that the
        // second section's text mentions far down: neither makes that section a story.
        let long: Vec<&str> = NEXT.iter().copied().cycle().take(33).collect();
        let main = format!(
            "<div class=post>{}{}</div>",
            dated("Turnout reaches a record", "4 March 2019, 15:15", &FIRST)
                .replace("div class=full-story", "section")
                .replace("</p></div>", "</p></section>"),
            section("What the council decided", &long)
                .replace("</section>", "<p><b>3 March 2019</b></p></section>")
        );
        let text = text_of(&page("Turnout reaches a record", &main));
        assert!(text.contains("highest level in twenty years"), "{text}");
        assert!(text.contains("central market"), "{text}");
    }

    #[test]
    fn without_the_title_the_story_whose_address_is_the_page_is_kept() {
        // The `<title>` is written for search engines and matches no headline; the endless
        // scroll gives each story its address, on the story or as its headline's link.
        let first = |open: &str| {
            story(open, "</article>", "Turnout reaches a record", &FIRST).replace(
                "<h1>Turnout reaches a record</h1>",
                "<h1><a href=/news/turnout-record>Turnout reaches a record</a></h1>",
            )
        };
        let next = story(
            "<article data-url='https://daily.example/news/council-market'>",
            "</article>",
            "Council closes the market",
            &NEXT,
        );
        let options = ExtractOptions {
            url: Some(url::Url::parse("https://daily.example/news/turnout-record").unwrap()),
            ..ExtractOptions::default()
        };
        for open in [
            "<article data-url='https://daily.example/news/turnout-record/'>",
            "<article>",
        ] {
            let html = page(
                "Record turnout: what we know",
                &format!("{}{next}", first(open)),
            );
            let text = extract(html.as_bytes(), &options).expect("an article").text;
            assert!(text.contains("highest level in twenty years"), "{text}");
            assert!(!text.contains("central market"), "{text}");
        }
        // Fetched from elsewhere, the page still names its address in its canonical link.
        let html = page(
            "Record turnout: what we know",
            &format!("{}{next}", first("<article>")),
        )
        .replace(
            "</title>",
            "</title><link rel=canonical href='https://daily.example/news/turnout-record'>",
        );
        let text = text_of(&html);
        assert!(text.contains("highest level in twenty years"), "{text}");
        assert!(!text.contains("central market"), "{text}");
        // Without the page's address nothing says which story the page is.
        let html = page(
            "Record turnout: what we know",
            &format!("{}{next}", first("<article>")),
        );
        let text = text_of(&html);
        assert!(text.contains("central market"), "{text}");
    }

    #[test]
    fn the_titled_story_is_kept_wherever_it_stands() {
        // A portal that prints the previous story in full above the current one.
        let previous = story(
            "<article>",
            "</article>",
            "Council closes the market",
            &NEXT,
        );
        let current = story(
            "<article>",
            "</article>",
            "Turnout reaches a record",
            &FIRST,
        );
        let text = text_of(&page(
            "Turnout reaches a record",
            &format!("{previous}{current}"),
        ));
        assert!(text.contains("highest level in twenty years"), "{text}");
        assert!(!text.contains("central market"), "{text}");
    }

    #[test]
    fn stories_none_of_which_is_the_page_headline_stay_whole() {
        // A live blog's updates, or a front page of full posts: no update is the page.
        let updates = format!(
            "{}{}",
            story(
                "<article>",
                "</article>",
                "14:05 Turnout reaches a record",
                &FIRST
            ),
            story(
                "<article>",
                "</article>",
                "13:40 Council closes the market",
                &NEXT
            )
        );
        let text = text_of(&page("Election day, live", &updates));
        assert!(text.contains("highest level in twenty years"), "{text}");
        assert!(text.contains("central market"), "{text}");
    }

    /// The roots the selection has before and after narrowing, for `html`.
    fn roots(html: &str, title: &str) -> (Vec<usize>, Vec<usize>) {
        use crate::extract::content;
        use crate::extract::dom::Dom;
        Dom::parse_with(html, |dom| {
            let stats = content::compute(dom);
            let selection = content::select(dom, &stats).expect("a selection");
            let before = selection.roots.clone();
            let after =
                super::keep_page_story(dom, &stats, selection, Some(title), None, None).roots;
            (before, after)
        })
    }

    #[test]
    fn a_headline_in_an_article_of_its_own_is_not_the_story() {
        // The template wraps only the headline in an `<article>`, the body follows it, and
        // readers' replies are articles with paragraphs: the titled article is no whole
        // story, so nothing is narrowed.
        let body: String = FIRST.iter().map(|p| format!("<p>{p}</p>")).collect();
        let reply = |p: &[&str]| story("<article>", "</article>", "Re:", p);
        let main = format!(
            "<article><h1>Turnout reaches a record</h1></article><div class=text>{body}</div>\
             {}{}",
            reply(&NEXT),
            reply(&NEXT[1..])
        );
        let (before, after) = roots(
            &page("Turnout reaches a record", &main),
            "Turnout reaches a record",
        );
        assert_eq!(before, after);
        // The same page with the body inside the headline's article is narrowed to it.
        let main = format!(
            "<article><h1>Turnout reaches a record</h1>{body}</article>{}{}",
            reply(&NEXT),
            reply(&NEXT[1..])
        );
        let (before, after) = roots(
            &page("Turnout reaches a record", &main),
            "Turnout reaches a record",
        );
        assert_ne!(before, after);
        assert_eq!(after.len(), 1);
    }

    #[test]
    fn two_stories_with_the_page_headline_stay_whole() {
        // A page that repeats one headline (a story and its translation) is not narrowed:
        // which one the page is about is not known.
        let main = format!(
            "{}{}",
            story(
                "<article>",
                "</article>",
                "Turnout reaches a record",
                &FIRST
            ),
            story("<article>", "</article>", "Turnout reaches a record", &NEXT)
        );
        let text = text_of(&page("Turnout reaches a record", &main));
        assert!(text.contains("highest level in twenty years"), "{text}");
        assert!(text.contains("central market"), "{text}");
    }

    #[test]
    fn headlines_match_with_a_kicker_or_a_section_but_not_a_fragment() {
        use super::is_page_headline;
        assert!(is_page_headline(
            "turnout reaches a record",
            "turnout reaches a record"
        ));
        assert!(is_page_headline(
            "turnout reaches a record",
            "election: turnout reaches a record"
        ));
        assert!(!is_page_headline(
            "turnout",
            "turnout reaches a record in the district"
        ));
        assert!(!is_page_headline(
            "council closes the market",
            "turnout reaches a record"
        ));
    }
}
