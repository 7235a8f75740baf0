//! Choosing a page's publication and modification dates from all it says about them.
//!
//! The evidence, gathered elsewhere: dates the markup states ([`super::metadata`]: meta
//! tags of many vocabularies, JSON-LD, microdata, `<time>`), the date in the URL's path,
//! the visible datelines around the headline ([`super::dateline`]), and, as the last resort,
//! a search of the whole text ([`super::date_search`]). The order follows how deliberately
//! each states the publication date:
//!
//! 1. A strong markup date (`article:published_time`, JSON-LD `datePublished` of the
//!    article, `itemprop=datePublished`, `<time pubdate>`, …). When the visible dateline
//!    under the headline names another day and no second source backs the markup, the
//!    dateline wins: a lone template field is the likelier error.
//! 2. The URL's day (`/2024/03/05/`).
//! 3. The visible dateline nearest the headline, unless it is labelled as an update.
//! 4. Weak markup: `dateCreated`, a bare `date` meta, a `<time>` without a hint, and last
//!    the day `<title>` sets beside the headline ("Headline - 11/05/2022 - Site"). Weak
//!    markup of the dateline's own day lends it its time.
//! 5. A modification date, when the page states nothing else (see below) and the search of
//!    the text finds no date labelled as the publication that is not later.
//! 6. The search of the text.
//!
//! **Published and modified stay apart.** A date labelled or marked as a modification
//! ("Updated", "Stand:", `dateModified`) is never taken for the publication date while any
//! publication date is known. When the page states *only* when it was last changed (a wiki's
//! "last edited", a city page's "Stand: 08.05.2019"), that date is reported as `published`
//! too, and `modified` carries the same value: the text in hand existed from then on, so it
//! is the best publication date there is and an upper bound of the first one; a consumer
//! who needs to know sees `published == modified` with the source in [`DateSource`].
//!
//! **Time zones are taken from the page, never invented.** Servers often write
//! `published_time` in UTC while the page shows local time, and a UTC date is then a day off
//! for evenings in the Americas or mornings in Asia. When the page gives the same instant
//! elsewhere with its offset (another meta, a `<time datetime>`), or a local time that
//! differs from the UTC one by a whole number of quarter hours (a naive JSON-LD value, the
//! visible "4:30 p.m."), the instant is expressed at that offset. When the visible dateline
//! has only a day, one day from the UTC day, and some real offset explains it, the visible
//! day is reported (without a time, since the offset stays unknown).

use chrono::{DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, Utc};

use super::content::Selection;
use super::date_words::Cue;
use super::dates::{DateContext, DayOrder, FoundDate};
use super::dom::Dom;
use super::metadata::Metadata;
use super::{date_search, dateline};

/// Where a date came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DateSource {
    /// A schema.org JSON-LD object.
    JsonLd,
    /// A `<meta>` tag (OpenGraph, Dublin Core, Parse.ly, Sailthru, citation_*, …).
    Meta,
    /// Microdata: an element with `itemprop=datePublished|dateModified|dateCreated`.
    Microdata,
    /// A `<time datetime>` element.
    TimeElement,
    /// A date set beside the headline in `<title>`.
    TitleTag,
    /// The page URL's path.
    Url,
    /// A visible dateline around the headline.
    Dateline,
    /// The search of the whole text, the last resort.
    TextSearch,
    /// The state a script-built page's framework holds its story in (`__NEXT_DATA__`, …),
    /// read when the markup has no date.
    ScriptState,
}

impl DateSource {
    pub fn name(self) -> &'static str {
        match self {
            DateSource::JsonLd => "json-ld",
            DateSource::Meta => "meta",
            DateSource::Microdata => "microdata",
            DateSource::TimeElement => "time element",
            DateSource::TitleTag => "title",
            DateSource::Url => "url",
            DateSource::Dateline => "dateline",
            DateSource::TextSearch => "text search",
            DateSource::ScriptState => "script state",
        }
    }
}

/// Which date of the page a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Published,
    Modified,
}

/// How deliberately the markup states a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strength {
    /// A field that names the publication (or modification) of this article.
    Strong,
    /// A field that may mean something else: creation in the CMS, a generic `date`, a
    /// `<time>` without a hint, another JSON-LD object's date.
    Weak,
}

/// A date the markup states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkedDate {
    pub date: FoundDate,
    pub source: DateSource,
    pub role: Role,
    pub strength: Strength,
}

/// Where a visible dateline sits relative to the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Place {
    /// Around the headline: between it and the body, or just above it.
    Headline,
    /// Among the first lines of the body.
    BodyStart,
    /// Right after the body.
    AfterBody,
}

/// A visible date near the story.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dateline {
    pub date: FoundDate,
    /// What its label says it is.
    pub cue: Option<Cue>,
    pub place: Place,
    /// The line is a dateline and nothing else: the date with at most a label, a name or a
    /// place beside it ("Por Ana Ruiz · 9 de marzo de 2022"), not a phrase that mentions a
    /// date ("Enzyklika Deus caritas est, 25. Dezember 2005").
    pub pure: bool,
    /// The other reading of an all-numeric date that is valid both ways (`03/10/2024`).
    pub swapped: Option<NaiveDate>,
}

impl Dateline {
    /// Whether the line names `day`, in either reading.
    fn names(&self, day: NaiveDate) -> bool {
        self.date.date == day || self.swapped == Some(day)
    }
}

/// Everything a page says about its dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DateEvidence {
    /// Markup dates, most deliberate vocabulary first.
    pub markup: Vec<MarkedDate>,
    /// The URL path's day.
    pub url: Option<FoundDate>,
    /// The URL path's year and month.
    pub url_month: Option<(i32, u32)>,
    /// Visible datelines, nearest the headline first.
    pub datelines: Vec<Dateline>,
    /// The days of the events the page announces (`startDate`, `endDate`).
    pub event_days: Vec<NaiveDate>,
}

/// The chosen dates and where each came from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PublicationDates {
    pub published: Option<FoundDate>,
    pub published_source: Option<DateSource>,
    pub modified: Option<FoundDate>,
    pub modified_source: Option<DateSource>,
    /// The publication date is one of several unlabelled days shown by the headline: a
    /// list's (search results, an index of galleries), which dates no one story.
    pub one_of_a_list: bool,
}

/// The dates of a page: the markup's evidence in `meta`, the visible datelines around the
/// story `selection` under the headline `title`, and the search of the text for a labelled
/// date if need be.
pub fn for_page(
    dom: &Dom,
    meta: &Metadata,
    selection: Option<&Selection>,
    title: Option<&str>,
    reference: Option<DateTime<Utc>>,
) -> PublicationDates {
    let context = page_context(meta, reference);
    let evidence = evidence_for_page(dom, meta, selection, title, reference);
    if meta.declares_listing {
        return listing_dates(&evidence);
    }
    let dates = choose(&evidence, || {
        date_search::search(dom, &context).map(|found| (found.date, found.cue))
    });
    // A page re-dated or republished states a modification too (or no publication): the
    // search for its first day is spared the pages that state one day only.
    let first = (dates.published.is_none() || dates.modified.is_some())
        .then(|| {
            let story = selection.map(|selection| selection.roots.as_slice());
            date_search::first_publication(dom, story, &context)
        })
        .flatten();
    with_first_publication(dates, first)
}

/// The dates with the day the page says it was first published ("This essay was originally
/// published on 3 June 2014"; see [`date_search::first_publication`]), when that is earlier
/// than the publication chosen, or none was: the chosen day is then the republication or
/// the last update, and stays as the modification if no other is known.
fn with_first_publication(dates: PublicationDates, first: Option<FoundDate>) -> PublicationDates {
    match first {
        Some(first)
            if dates
                .published
                .is_none_or(|chosen| first.date < chosen.date) =>
        {
            let (modified, modified_source) = match dates.modified {
                Some(_) => (dates.modified, dates.modified_source),
                None => (dates.published, dates.published_source),
            };
            PublicationDates {
                published: Some(first),
                published_source: Some(DateSource::TextSearch),
                modified,
                modified_source,
                ..dates
            }
        }
        _ => dates,
    }
}

/// The dates of a page its publisher calls a list of others (a section's or a tag's page):
/// no publication date, since its teasers' times (under their `<time>`s and in datelines)
/// date other stories and its own `datePublished` is the section's creation; the last
/// change its own metadata declares is kept as the modification.
fn listing_dates(evidence: &DateEvidence) -> PublicationDates {
    let own = DateEvidence {
        markup: evidence
            .markup
            .iter()
            .filter(|marked| marked.source != DateSource::TimeElement)
            .cloned()
            .collect(),
        datelines: Vec::new(),
        ..evidence.clone()
    };
    let (modified, modified_source) = choose_modified(&own).unzip();
    PublicationDates {
        modified,
        modified_source,
        ..PublicationDates::default()
    }
}

/// All the evidence [`for_page`] decides on, for tools that show it.
pub fn evidence_for_page(
    dom: &Dom,
    meta: &Metadata,
    selection: Option<&Selection>,
    title: Option<&str>,
    reference: Option<DateTime<Utc>>,
) -> DateEvidence {
    let context = page_context(meta, reference);
    let markup = &meta.date_evidence;
    let has_strong_modified = marked(markup, Role::Modified, Strength::Strong)
        .next()
        .is_some();
    // The lines by the body and after it only matter when the headline's lines leave the
    // publication (or, without markup for it, the modification) undecided.
    let settled = |datelines: &[Dateline]| {
        let evidence = DateEvidence {
            datelines: datelines.to_vec(),
            ..markup.clone()
        };
        headline_dateline(&evidence).is_some()
            && (has_strong_modified || datelines.iter().any(|d| d.cue == Some(Cue::Modified)))
    };
    let mut datelines = dateline::find_until(dom, selection, title, &context, settled);
    if let Some(url_month) = markup.url_month {
        datelines
            .iter_mut()
            .for_each(|d| read_as_the_url_month(d, url_month));
    } else if context.order == DayOrder::DayFirst
        && meta
            .declared_lang
            .as_deref()
            .is_none_or(|tag| tag.split(['-', '_']).next() == Some("en"))
        && datelines.iter().any(|d| d.swapped.is_some())
        && date_search::page_writes_month_first(dom)
    {
        // An English page that declares no region, whose other numeric dates can only be
        // read month first ("04/11/2015 – 05/10/2015" in its events): its "Posted
        // 04/07/2015" is April's.
        for dateline in &mut datelines {
            if let Some(other) = dateline.swapped {
                dateline.swapped = Some(dateline.date.date);
                dateline.date.date = other;
            }
        }
    }
    DateEvidence {
        datelines,
        ..markup.clone()
    }
}

/// Reads an all-numeric dateline the other way when only that reading falls in the URL's
/// month: "Posted: 6/5/2023" on a page under `/2023/06/` is the 5th of June, whatever the
/// language says of the order (a bare `en` is read day first).
fn read_as_the_url_month(dateline: &mut Dateline, (year, month): (i32, u32)) {
    let in_month = |day: NaiveDate| day.year() == year && day.month() == month;
    if let Some(other) = dateline.swapped
        && in_month(other)
        && !in_month(dateline.date.date)
    {
        dateline.swapped = Some(dateline.date.date);
        dateline.date.date = other;
    }
}

fn page_context(meta: &Metadata, reference: Option<DateTime<Utc>>) -> DateContext {
    DateContext {
        reference,
        order: meta.day_order,
        short_years: false,
        url_month: meta.date_evidence.url_month,
    }
}

/// Chooses the dates from the evidence; `search` is asked only when nothing else dates the
/// page. See the module documentation for the order.
pub fn choose(
    evidence: &DateEvidence,
    search: impl FnOnce() -> Option<(FoundDate, Cue)>,
) -> PublicationDates {
    let (published, published_source, modified_only) = match choose_published(evidence) {
        Some((date, source)) => (Some(date), Some(source), false),
        None => match choose_modified(evidence) {
            // Only a modification by the story ("Stand: 05.03.2021" under the headline):
            // the page may still label its publication elsewhere ("Erstellt am 03.03.2021"
            // at the foot), which is then the publication date, if it is not later.
            Some((date, source)) => match search() {
                Some((first, Cue::Published)) if first.date <= date.date => {
                    (Some(first), Some(DateSource::TextSearch), false)
                }
                _ => (Some(date), Some(source), true),
            },
            None => match search() {
                Some((date, cue)) => (
                    Some(date),
                    Some(DateSource::TextSearch),
                    cue == Cue::Modified,
                ),
                None => (None, None, false),
            },
        },
    };
    let (modified, modified_source) = if modified_only {
        (published, published_source)
    } else {
        match choose_modified(evidence) {
            Some((date, source)) => {
                // The page's zone, once the publication date revealed it, is the
                // modification's too.
                let date = match published.and_then(|p| p.offset) {
                    Some(offset) if date.is_utc() && offset.local_minus_utc() != 0 => {
                        date.at_offset(offset).unwrap_or(date)
                    }
                    _ => date,
                };
                // A modification before the publication is a template error.
                if published.is_none_or(|p| date.date >= p.date) {
                    (Some(date), Some(source))
                } else {
                    (None, None)
                }
            }
            None => (None, None),
        }
    };
    let one_of_a_list = published_source == Some(DateSource::Dateline) && {
        let mut days = evidence
            .datelines
            .iter()
            .filter(|d| d.place == Place::Headline && d.cue.is_none())
            .map(|d| d.date.date);
        days.next()
            .is_some_and(|first| days.any(|day| day != first))
    };
    PublicationDates {
        published,
        published_source,
        modified,
        modified_source,
        one_of_a_list,
    }
}

fn marked(
    evidence: &DateEvidence,
    role: Role,
    strength: Strength,
) -> impl Iterator<Item = &MarkedDate> {
    // A weak field (a plain `<time>`) of an event's day marks the event.
    evidence.markup.iter().filter(move |m| {
        m.role == role
            && m.strength == strength
            && !(strength == Strength::Weak && evidence.event_days.contains(&m.date.date))
    })
}

/// The visible datelines that may date the story, nearest first: not labelled as something
/// else, not contradicting the month in the URL, and not the day the markup gives as the
/// modification (a page that shows its last update under the headline without saying so).
fn publication_datelines(evidence: &DateEvidence) -> impl Iterator<Item = &Dateline> {
    let modified: Vec<NaiveDate> = marked(evidence, Role::Modified, Strength::Strong)
        .map(|m| localize_as(m.date, Role::Modified, evidence).date)
        .collect();
    let published: Vec<NaiveDate> = strong_published(evidence)
        .into_iter()
        .map(|m| m.date.date)
        .collect();
    evidence.datelines.iter().filter(move |d| {
        // An event's day is not the page's, unless a label says it is the publication's.
        (d.cue == Some(Cue::Published) || !evidence.event_days.iter().any(|&day| d.names(day)))
            && d.cue.is_none_or(|cue| cue == Cue::Published)
            && evidence.url_month.is_none_or(|(year, month)| {
                d.date.date.year() == year && d.date.date.month() == month
            })
            && (!modified.contains(&d.date.date) || published.iter().any(|&p| d.names(p)))
    })
}

/// The dateline under (or above) the headline: the nearest one labelled as the publication
/// ("Veröffentlicht: 26.12.2022" below the headline beats a print header's "02.01.23 09:51"
/// above it), else the nearest pure one, else the nearest.
fn headline_dateline(evidence: &DateEvidence) -> Option<&Dateline> {
    let by_headline = || publication_datelines(evidence).filter(|d| d.place == Place::Headline);
    by_headline()
        .find(|d| d.pure && d.cue == Some(Cue::Published))
        .or_else(|| by_headline().find(|d| d.pure))
        .or_else(|| by_headline().next())
}

/// A dateline elsewhere by the story: the body's first lines, or after it; one labelled as
/// the publication before the nearest unlabelled one ("Posted 04/07/2015" under a column
/// of coming events' days).
fn story_dateline(evidence: &DateEvidence) -> Option<&Dateline> {
    let elsewhere = || publication_datelines(evidence).filter(|d| d.place != Place::Headline);
    elsewhere()
        .find(|d| d.pure && d.cue == Some(Cue::Published))
        .or_else(|| elsewhere().find(|d| d.pure))
}

/// The publication date; an event's day (see [`DateEvidence::event_days`]) only when
/// nothing else dates the page: a match report is published on the match's day.
fn choose_published(evidence: &DateEvidence) -> Option<(FoundDate, DateSource)> {
    published_apart_from_events(evidence).or_else(|| {
        if evidence.event_days.is_empty() {
            return None;
        }
        published_apart_from_events(&DateEvidence {
            event_days: Vec::new(),
            ..evidence.clone()
        })
    })
}

fn published_apart_from_events(evidence: &DateEvidence) -> Option<(FoundDate, DateSource)> {
    let dateline = headline_dateline(evidence);
    if let Some(chosen) = strong_markup(evidence, dateline) {
        return Some(chosen);
    }
    // A line by the headline that says it is the publication's ("Опубліковано: 11.02.2024")
    // outweighs a day in the address, which may name what the story announces
    // (".../2024-02-12-viter-ozheledytsia/", a warning for the 12th).
    if let Some(labelled) = dateline.filter(|d| d.pure && d.cue == Some(Cue::Published))
        && evidence
            .url
            .is_some_and(|url| url.date != labelled.date.date)
    {
        return Some((labelled.date, DateSource::Dateline));
    }
    if let Some(url) = evidence.url {
        // The dateline of the same day gives the time the URL lacks.
        let date = dateline
            .filter(|d| d.date.date == url.date)
            .map_or(url, |d| d.date);
        return Some((date, DateSource::Url));
    }
    if let Some(dateline) = dateline {
        // Weak markup of the same day, with a time, is the same statement made precise
        // (midnight is a day written as an instant, no time).
        let same_day = marked(evidence, Role::Published, Strength::Weak).find(|m| {
            !dateline.date.has_time()
                && m.date.time.is_some_and(|t| t != chrono::NaiveTime::MIN)
                && m.date.date == dateline.date.date
        });
        return Some(match same_day {
            Some(m) => (localize(m.date, evidence), m.source),
            None => (dateline.date, DateSource::Dateline),
        });
    }
    if let Some(m) = marked(evidence, Role::Published, Strength::Weak).next() {
        return Some((localize(m.date, evidence), m.source));
    }
    // Unlabelled days after the body are a feed of other stories when they are several
    // different days (a "latest articles" column beside the story); one alone is the
    // story's footer ("8 March 2021" under a story "Updated 14 March 2021").
    let mut days_after = evidence
        .datelines
        .iter()
        .filter(|d| d.place == Place::AfterBody && d.cue.is_none())
        .map(|d| d.date.date);
    let feed_after = days_after
        .next()
        .is_some_and(|first| days_after.any(|day| day != first));
    story_dateline(evidence)
        .filter(|d| !(feed_after && d.place == Place::AfterBody && d.cue.is_none()))
        .map(|d| (d.date, DateSource::Dateline))
}

/// The strong markup publication date, checked against the visible dateline.
fn strong_markup(
    evidence: &DateEvidence,
    dateline: Option<&Dateline>,
) -> Option<(FoundDate, DateSource)> {
    let strong = strong_published(evidence);
    let first = *strong.first()?;
    let Some(dateline) = dateline else {
        return Some(
            publication_under_an_update(evidence, first)
                .unwrap_or_else(|| (localize(first.date, evidence), first.source)),
        );
    };
    // Markup fields sometimes disagree among themselves; the one the reader sees wins.
    let agreeing = strong
        .iter()
        .map(|m| (m, localize(m.date, evidence)))
        .find(|(_, local)| dateline.names(local.date));
    if let Some((m, local)) = agreeing {
        return Some((local, m.source));
    }
    // A lone markup value later than the day the page shows under its headline is taken
    // for a template's modification stamp, and so is one that is the modification's own
    // instant however many fields repeat it (a CMS that stamps both with the last save,
    // the migration to a new system, or the moment it served the page). A visible day later
    // than the markup is more often a re-dating (an update, a re-promoted story) and does
    // not overrule it.
    let local = localize(first.date, evidence);
    if dateline.pure
        && dateline.date.date < local.date
        && (corroboration(evidence, local.date) < 2 || is_modification_stamp(evidence, first))
    {
        return Some((dateline.date, DateSource::Dateline));
    }
    // Markup that exchanged day and month (`2017-08-05` under "8 de mayo de 2017"): the
    // day the reader sees, which no other reading makes the markup's.
    if dateline.pure
        && dateline.swapped.is_none()
        && exchanged(local.date) == Some(dateline.date.date)
    {
        return Some((dateline.date, DateSource::Dateline));
    }
    Some((local, first.source))
}

/// The day a line labels as the publication, when the markup's publication date is the
/// last save and the page says so: `datePublished` is the instant of `dateModified`, the
/// line by the headline labels that day as an update ("Son Güncelleme: 21 Ekim 2021
/// 16:02"), and another line labels an earlier day as the publication ("Haber Giriş
/// Tarihi: 19.10.2021 10:30" under the story). A CMS that re-stamps both fields on every
/// save; a page without the update label keeps its markup.
fn publication_under_an_update(
    evidence: &DateEvidence,
    first: &MarkedDate,
) -> Option<(FoundDate, DateSource)> {
    if !is_modification_stamp(evidence, first) {
        return None;
    }
    let saved = localize(first.date, evidence).date;
    let shown_as_update = evidence
        .datelines
        .iter()
        .any(|d| d.cue == Some(Cue::Modified) && d.place == Place::Headline && d.names(saved));
    if !shown_as_update {
        return None;
    }
    publication_datelines(evidence)
        .find(|d| d.pure && d.cue == Some(Cue::Published) && d.date.date < saved)
        .map(|d| (d.date, DateSource::Dateline))
}

/// `day` with its day and month exchanged, when that is a date and another one.
fn exchanged(day: NaiveDate) -> Option<NaiveDate> {
    let other = NaiveDate::from_ymd_opt(day.year(), day.day(), day.month())?;
    (other != day).then_some(other)
}

/// The strong publication dates, without those that are the modification stamp itself (the
/// same instant as a strong `dateModified`) when an earlier publication date is stated too:
/// some CMSs fill `DC.date.issued` with the last edit.
fn strong_published(evidence: &DateEvidence) -> Vec<&MarkedDate> {
    let all: Vec<&MarkedDate> = marked(evidence, Role::Published, Strength::Strong).collect();
    let earliest = all.iter().map(|m| m.date.date).min();
    let kept: Vec<&MarkedDate> = all
        .iter()
        .copied()
        .filter(|m| {
            !(is_modification_stamp(evidence, m) && earliest.is_some_and(|e| e < m.date.date))
        })
        .collect();
    if kept.is_empty() { all } else { kept }
}

/// Whether markup date `m` is the very instant of a strong modification date: a stamp of
/// the last save (or of a migration, or of serving the page), not a day of its own.
fn is_modification_stamp(evidence: &DateEvidence, m: &MarkedDate) -> bool {
    m.date.instant().is_some_and(|instant| {
        marked(evidence, Role::Modified, Strength::Strong)
            .any(|modified| modified.date.instant() == Some(instant))
    })
}

/// How many different sources (markup vocabularies, the URL) state `day` as the
/// publication day.
fn corroboration(evidence: &DateEvidence, day: chrono::NaiveDate) -> usize {
    let mut sources: Vec<DateSource> = evidence
        .markup
        .iter()
        .filter(|m| m.role == Role::Published && localize(m.date, evidence).date == day)
        .map(|m| m.source)
        .collect();
    if evidence.url.is_some_and(|u| u.date == day) {
        sources.push(DateSource::Url);
    }
    sources.sort();
    sources.dedup();
    sources.len()
}

fn choose_modified(evidence: &DateEvidence) -> Option<(FoundDate, DateSource)> {
    if let Some(m) = marked(evidence, Role::Modified, Strength::Strong).next() {
        return Some((localize_as(m.date, Role::Modified, evidence), m.source));
    }
    if let Some(d) = evidence
        .datelines
        .iter()
        .find(|d| d.cue == Some(Cue::Modified))
    {
        return Some((d.date, DateSource::Dateline));
    }
    marked(evidence, Role::Modified, Strength::Weak)
        .next()
        .map(|m| (localize_as(m.date, Role::Modified, evidence), m.source))
}

/// Offsets in use on Earth span UTC−12 to UTC+14.
const MIN_OFFSET_MINUTES: i64 = -12 * 60;
const MAX_OFFSET_MINUTES: i64 = 14 * 60;

/// The offset that turns `utc` into `local`, when they differ by a real UTC offset: a whole
/// number of quarter hours between −12 and +14 hours (comparing to the minute, since
/// visible times have no seconds).
fn offset_between(
    utc: NaiveDateTime,
    local: NaiveDateTime,
    same_seconds: bool,
) -> Option<FixedOffset> {
    let difference = local - utc;
    if same_seconds && difference.num_seconds() % 60 != 0 {
        return None;
    }
    let minutes = if same_seconds {
        difference.num_minutes()
    } else {
        // A visible time is to the minute: compare minutes, dropping the UTC seconds.
        let utc = utc - Duration::seconds(i64::from(chrono::Timelike::second(&utc)));
        (local - utc).num_minutes()
    };
    if minutes == 0
        || minutes % 15 != 0
        || !(MIN_OFFSET_MINUTES..=MAX_OFFSET_MINUTES).contains(&minutes)
    {
        return None;
    }
    FixedOffset::east_opt(i32::try_from(minutes * 60).ok()?)
}

/// A UTC markup publication date expressed at the page's own offset, when the page reveals
/// it (see the module documentation); other dates unchanged.
fn localize(date: FoundDate, evidence: &DateEvidence) -> FoundDate {
    localize_as(date, Role::Published, evidence)
}

/// [`localize`] for a date of either role. The visible dateline is the publication's, so a
/// modification date is only moved by markup evidence.
fn localize_as(date: FoundDate, role: Role, evidence: &DateEvidence) -> FoundDate {
    if !date.is_utc() {
        return date;
    }
    let (Some(instant), Some(utc)) = (date.instant(), date.local()) else {
        return date;
    };
    // The same instant at a non-zero offset elsewhere in the markup.
    for other in &evidence.markup {
        if let (Some(other_instant), Some(offset)) = (other.date.instant(), other.date.offset)
            && offset.local_minus_utc() != 0
            && other_instant == instant
            && let Some(moved) = date.at_offset(offset)
        {
            return moved;
        }
    }
    // A naive local time of the same instant in the markup (the same field in another
    // vocabulary): same seconds, shifted by an offset.
    for other in &evidence.markup {
        if other.role == role
            && other.date.offset.is_none()
            && let Some(local) = other.date.local()
            && let Some(offset) = offset_between(utc, local, true)
            && let Some(moved) = date.at_offset(offset)
        {
            return moved;
        }
    }
    if role != Role::Published {
        return date;
    }
    // A day shown one off the UTC instant's, within a real offset's reach: the local day.
    let local_day = |shown: NaiveDate| {
        let reachable = |minutes: i64| (utc + Duration::minutes(minutes)).date() == shown;
        shown != utc.date()
            && (shown - utc.date()).num_days().abs() == 1
            && (reachable(MIN_OFFSET_MINUTES) || reachable(MAX_OFFSET_MINUTES))
    };
    // The visible dateline at the headline.
    let Some(dateline) = evidence.datelines.iter().find(|d| {
        d.place == Place::Headline && d.pure && d.cue.is_none_or(|c| c == Cue::Published)
    }) else {
        // Without one, the update's pair: its visible time and its UTC instant in the
        // markup show the page's offset ("Stand: 03.07.2024 09:12 Uhr" over a dateModified
        // of 07:12Z puts a datePublished of 22:30Z on 3 July, 00:30 in Hamburg).
        if let Some(offset) = offset_of_the_update(evidence) {
            return date.at_offset(offset).unwrap_or(date);
        }
        // Else the address's day: CMSs write the local day into it ("/2023/08/18/…" over
        // "2023-08-19T01:40:00Z", 22:40 in São Paulo).
        return match evidence.url {
            Some(url) if local_day(url.date) => FoundDate::day(url.date),
            _ => date,
        };
    };
    // A dateline that names its zone ("10:15 p.m. EST", "00:10 CET") moves the date to
    // that zone when it shows the same instant, to the minute.
    if let Some(offset) = dateline.date.offset {
        return match dateline.date.instant() {
            Some(shown) if (shown - instant).num_seconds().abs() < 60 => {
                date.at_offset(offset).unwrap_or(date)
            }
            _ => date,
        };
    }
    match dateline.date.local() {
        Some(local) => offset_between(utc, local, false)
            .and_then(|offset| date.at_offset(offset))
            .unwrap_or(date),
        None if local_day(dateline.date.date) => FoundDate::day(dateline.date.date),
        None => date,
    }
}

/// The page's UTC offset as its update shows it: a visible modification dateline's local
/// time, to the minute, against the markup's UTC modification instant.
fn offset_of_the_update(evidence: &DateEvidence) -> Option<FixedOffset> {
    let shown = evidence
        .datelines
        .iter()
        .filter(|d| d.cue == Some(Cue::Modified) && d.date.offset.is_none())
        .find_map(|d| d.date.local())?;
    evidence
        .markup
        .iter()
        .filter(|m| m.role == Role::Modified && m.date.is_utc())
        .find_map(|m| offset_between(m.date.local()?, shown, false))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::dates::parse_machine_date;

    fn date(text: &str) -> FoundDate {
        parse_machine_date(text, None).unwrap_or_else(|| panic!("{text} is a date"))
    }

    fn mark(text: &str, source: DateSource, role: Role, strength: Strength) -> MarkedDate {
        MarkedDate {
            date: date(text),
            source,
            role,
            strength,
        }
    }

    fn published(text: &str, source: DateSource) -> MarkedDate {
        mark(text, source, Role::Published, Strength::Strong)
    }

    fn modified(text: &str, source: DateSource) -> MarkedDate {
        mark(text, source, Role::Modified, Strength::Strong)
    }

    fn line(text: &str, cue: Option<Cue>, place: Place) -> Dateline {
        let date = crate::extract::dates::parse_dateline(text, None)
            .unwrap_or_else(|| panic!("{text} is a dateline"));
        Dateline {
            date,
            cue,
            place,
            pure: true,
            swapped: None,
        }
    }

    fn chosen(evidence: &DateEvidence) -> (Option<String>, Option<DateSource>, Option<String>) {
        let dates = choose(evidence, || None);
        (
            dates.published.map(|d| d.format()),
            dates.published_source,
            dates.modified.map(|d| d.format()),
        )
    }

    #[test]
    fn a_first_publication_the_page_states() {
        let dates = |published: Option<&str>, modified: Option<&str>| PublicationDates {
            published: published.map(date),
            published_source: published.map(|_| DateSource::JsonLd),
            modified: modified.map(date),
            modified_source: modified.map(|_| DateSource::Meta),
            one_of_a_list: false,
        };
        let shown = |d: PublicationDates| {
            (
                d.published.map(|d| d.format()),
                d.published_source,
                d.modified.map(|d| d.format()),
            )
        };
        let first = Some(date("2019-12-02"));
        let text = Some(DateSource::TextSearch);
        // (chosen published, chosen modified) -> (published, its source, modified)
        for (before, after) in [
            // Re-stamped: the chosen day becomes, or stays, the modification.
            (
                (Some("2024-01-20"), Some("2024-01-21")),
                (Some("2019-12-02"), text, Some("2024-01-21")),
            ),
            (
                (Some("2024-01-20"), None),
                (Some("2019-12-02"), text, Some("2024-01-20")),
            ),
            ((None, None), (Some("2019-12-02"), text, None)),
            // Not earlier: the statement changes nothing.
            (
                (Some("2019-12-02"), None),
                (Some("2019-12-02"), Some(DateSource::JsonLd), None),
            ),
            (
                (Some("2018-05-01"), None),
                (Some("2018-05-01"), Some(DateSource::JsonLd), None),
            ),
        ] {
            let (published, modified) = before;
            let (p, source, m) = after;
            assert_eq!(
                shown(with_first_publication(dates(published, modified), first)),
                (p.map(str::to_owned), source, m.map(str::to_owned)),
                "{before:?}"
            );
        }
        assert_eq!(
            shown(with_first_publication(
                dates(Some("2024-01-20"), None),
                None
            )),
            (
                Some("2024-01-20".to_owned()),
                Some(DateSource::JsonLd),
                None
            )
        );
    }

    #[test]
    fn a_publication_stamped_with_the_last_save_under_an_update_label() {
        // datePublished and dateModified hold the last save; the byline says "updated"
        // that day, and the story's foot gives the entry's day.
        let stamped = || {
            vec![
                published("2021-10-21T16:02:00+03:00", DateSource::JsonLd),
                modified("2021-10-21T16:02:00+03:00", DateSource::JsonLd),
            ]
        };
        let evidence = DateEvidence {
            markup: stamped(),
            datelines: vec![
                line("21.10.2021 16:02", Some(Cue::Modified), Place::Headline),
                line("19.10.2021 10:30", Some(Cue::Published), Place::AfterBody),
                line("21.10.2021 16:02", Some(Cue::Modified), Place::AfterBody),
            ],
            ..DateEvidence::default()
        };
        let (entered, source, last_save) = chosen(&evidence);
        assert_eq!(entered.as_deref(), Some("2021-10-19"));
        assert_eq!(source, Some(DateSource::Dateline));
        assert_eq!(last_save.as_deref(), Some("2021-10-21T16:02:00+03:00"));
        // Without the update label by the headline, or with markup of its own day, or with
        // only an unlabelled day under the story, the markup stands.
        for datelines in [
            vec![line(
                "19.10.2021 10:30",
                Some(Cue::Published),
                Place::AfterBody,
            )],
            vec![
                line("21.10.2021 16:02", Some(Cue::Modified), Place::Headline),
                line("19.10.2021 10:30", None, Place::AfterBody),
            ],
        ] {
            let evidence = DateEvidence {
                markup: stamped(),
                datelines,
                ..DateEvidence::default()
            };
            assert_eq!(
                chosen(&evidence).0.as_deref(),
                Some("2021-10-21T16:02:00+03:00")
            );
        }
        let evidence = DateEvidence {
            markup: vec![
                published("2021-10-19T10:30:00+03:00", DateSource::JsonLd),
                modified("2021-10-21T16:02:00+03:00", DateSource::JsonLd),
            ],
            datelines: vec![
                line("21.10.2021 16:02", Some(Cue::Modified), Place::Headline),
                line("18.10.2021 09:00", Some(Cue::Published), Place::AfterBody),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&evidence).0.as_deref(),
            Some("2021-10-19T10:30:00+03:00")
        );
    }

    #[test]
    fn a_labelled_line_by_the_body_before_an_unlabelled_one() {
        let evidence = DateEvidence {
            datelines: vec![
                line("04.04.2015", None, Place::BodyStart),
                line("07.04.2015", Some(Cue::Published), Place::BodyStart),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2015-04-07"));
        // Unlabelled only: the nearest.
        let evidence = DateEvidence {
            datelines: vec![
                line("04.04.2015", None, Place::BodyStart),
                line("07.04.2015", None, Place::BodyStart),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2015-04-04"));
    }

    #[test]
    fn a_listing_has_no_publication_date() {
        // A section's page: its own JSON-LD creation and change, its newest teaser's
        // `<time>` and the teasers' datelines.
        let evidence = DateEvidence {
            markup: vec![
                published("2014-03-01T00:00:00+04:00", DateSource::JsonLd),
                modified("2024-02-26T17:10:00+04:00", DateSource::JsonLd),
                mark(
                    "2024-02-27T09:00:00+04:00",
                    DateSource::TimeElement,
                    Role::Modified,
                    Strength::Strong,
                ),
            ],
            datelines: vec![line("26.02.2024", None, Place::Headline)],
            ..DateEvidence::default()
        };
        let dates = listing_dates(&evidence);
        assert_eq!(dates.published, None);
        assert_eq!(
            dates.modified.map(|d| d.format()).as_deref(),
            Some("2024-02-26T17:10:00+04:00")
        );
        assert_eq!(dates.modified_source, Some(DateSource::JsonLd));
        // The same evidence on an article dates it.
        assert!(choose(&evidence, || None).published.is_some());
    }

    #[test]
    fn an_events_day_is_not_the_pages() {
        let event = NaiveDate::from_ymd_opt(2024, 7, 13).expect("a day");
        let weak_time = mark(
            "2024-07-13T15:00:00Z",
            DateSource::TimeElement,
            Role::Published,
            Strength::Weak,
        );
        let evidence = DateEvidence {
            markup: vec![weak_time],
            datelines: vec![
                line("Samstag, 13. Juli 2024", None, Place::Headline),
                line("28.05.2024", None, Place::AfterBody),
            ],
            event_days: vec![event],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2024-05-28"));
        // A label that says the day is the publication's keeps it.
        let evidence = DateEvidence {
            datelines: vec![line("13. Juli 2024", Some(Cue::Published), Place::Headline)],
            event_days: vec![event],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2024-07-13"));
        // An event's day is the page's when nothing else dates it (a match report).
        let evidence = DateEvidence {
            datelines: vec![line("13. Juli 2024", None, Place::Headline)],
            event_days: vec![event],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2024-07-13"));
        // Without an event, the day by the headline is the page's.
        let evidence = DateEvidence {
            markup: vec![weak_time],
            datelines: vec![
                line("Samstag, 13. Juli 2024", None, Place::Headline),
                line("28.05.2024", None, Place::AfterBody),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2024-07-13T15:00:00Z"));
    }

    #[test]
    fn markup_first_and_modified_kept_apart() {
        let evidence = DateEvidence {
            markup: vec![
                modified("2024-09-05T10:00:00+04:00", DateSource::Meta),
                published("2024-09-03T14:12:00+04:00", DateSource::Meta),
            ],
            url: Some(date("2024-09-01")),
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&evidence),
            (
                Some("2024-09-03T14:12:00+04:00".into()),
                Some(DateSource::Meta),
                Some("2024-09-05T10:00:00+04:00".into())
            )
        );
        // A modification before the publication is dropped.
        let evidence = DateEvidence {
            markup: vec![
                published("2024-09-03", DateSource::JsonLd),
                modified("2024-09-01", DateSource::JsonLd),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&evidence),
            (Some("2024-09-03".into()), Some(DateSource::JsonLd), None)
        );
    }

    #[test]
    fn order_of_sources_without_strong_markup() {
        let weak = mark(
            "2019-05-07",
            DateSource::JsonLd,
            Role::Published,
            Strength::Weak,
        );
        let dateline = line("12.10.2015, 19:16 Uhr", None, Place::Headline);
        // The URL's day comes before the dateline; the dateline of that day lends its time.
        let evidence = DateEvidence {
            markup: vec![weak],
            url: Some(date("2015-10-12")),
            url_month: Some((2015, 10)),
            datelines: vec![dateline],
            event_days: Vec::new(),
        };
        let dates = choose(&evidence, || None);
        assert_eq!(dates.published_source, Some(DateSource::Url));
        assert_eq!(dates.published.and_then(|d| d.time), dateline.date.time);
        // Without a URL, the dateline comes before weak markup.
        let evidence = DateEvidence {
            markup: vec![weak],
            datelines: vec![dateline],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).1, Some(DateSource::Dateline));
        // A day-only dateline and weak markup of that day with a time: the markup's instant.
        let day_only = line("7 May 2019", None, Place::Headline);
        for (markup, expected) in [
            (
                "2019-05-07T10:49:24Z",
                ("2019-05-07T10:49:24Z", DateSource::JsonLd),
            ),
            (
                "2019-05-07T00:00:00+02:00",
                ("2019-05-07", DateSource::Dateline),
            ),
            ("2019-05-08T10:49:24Z", ("2019-05-07", DateSource::Dateline)),
        ] {
            let evidence = DateEvidence {
                markup: vec![mark(
                    markup,
                    DateSource::JsonLd,
                    Role::Published,
                    Strength::Weak,
                )],
                datelines: vec![day_only],
                ..DateEvidence::default()
            };
            let (published, source, _) = chosen(&evidence);
            assert_eq!(
                (published.as_deref(), source),
                (Some(expected.0), Some(expected.1)),
                "{markup}"
            );
        }
        // Weak markup before the text search.
        let evidence = DateEvidence {
            markup: vec![weak],
            ..DateEvidence::default()
        };
        let dates = choose(&evidence, || Some((date("2001-01-01"), Cue::Published)));
        assert_eq!(dates.published_source, Some(DateSource::JsonLd));
        // The search only when nothing else dates the page.
        let dates = choose(&DateEvidence::default(), || {
            Some((date("2001-01-01"), Cue::Published))
        });
        assert_eq!(dates.published_source, Some(DateSource::TextSearch));
        assert_eq!(dates.modified, None);
        // A date the search finds labelled as a modification is both.
        let dates = choose(&DateEvidence::default(), || {
            Some((date("2001-01-01"), Cue::Modified))
        });
        assert_eq!(dates.published, dates.modified);
        let mut asked = false;
        choose(&evidence, || {
            asked = true;
            None
        });
        assert!(!asked, "the search runs only as the last resort");
    }

    #[test]
    fn an_ambiguous_dateline_is_read_in_the_url_month() {
        let ambiguous = |day: &str, other: &str| Dateline {
            swapped: Some(NaiveDate::parse_from_str(other, "%Y-%m-%d").unwrap()),
            ..line(day, None, Place::Headline)
        };
        for (dateline, url_month, want) in [
            // "6/5/2023" read day first is 6 May; the URL says June.
            (
                ambiguous("6 May 2023", "2023-06-05"),
                (2023, 6),
                "2023-06-05",
            ),
            // Read as it was when that reading is in the URL's month, or neither is.
            (
                ambiguous("6 May 2023", "2023-06-05"),
                (2023, 5),
                "2023-05-06",
            ),
            (
                ambiguous("6 May 2023", "2023-06-05"),
                (2022, 6),
                "2023-05-06",
            ),
            // A date with its month in words has no other reading.
            (
                line("6 May 2023", None, Place::Headline),
                (2023, 6),
                "2023-05-06",
            ),
        ] {
            let mut dateline = dateline;
            read_as_the_url_month(&mut dateline, url_month);
            assert_eq!(dateline.date.format(), want, "{url_month:?}");
        }
    }

    #[test]
    fn datelines_labelled_as_updates_or_contradicting_the_url_month() {
        let evidence = DateEvidence {
            datelines: vec![
                line(
                    "Updated 14 March 2021",
                    Some(Cue::Modified),
                    Place::Headline,
                ),
                line("Printed 15 March 2021", Some(Cue::Other), Place::Headline),
                line("8 March 2021", None, Place::AfterBody),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&evidence),
            (
                Some("2021-03-08".into()),
                Some(DateSource::Dateline),
                Some("2021-03-14".into())
            )
        );
        let evidence = DateEvidence {
            url_month: Some((2021, 2)),
            datelines: vec![
                line("8 March 2021", None, Place::Headline),
                line("8 February 2021", None, Place::AfterBody),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2021-02-08"));
    }

    #[test]
    fn a_dateline_labelled_as_the_publication_beats_a_nearer_unlabelled_one() {
        let evidence = DateEvidence {
            datelines: vec![
                line("02.01.2023 09:51", None, Place::Headline),
                line(
                    "Veröffentlicht: 26.12.2022",
                    Some(Cue::Published),
                    Place::Headline,
                ),
            ],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2022-12-26"));
    }

    #[test]
    fn only_a_modification_date_is_reported_as_both() {
        let evidence = DateEvidence {
            datelines: vec![line(
                "last edited 2019-11-10 13:28",
                Some(Cue::Modified),
                Place::AfterBody,
            )],
            ..DateEvidence::default()
        };
        // A publication the text labels later than the modification is no publication.
        let dates = choose(&evidence, || Some((date("2020-01-01"), Cue::Published)));
        assert_eq!(
            dates.published.map(|d| d.format()).as_deref(),
            Some("2019-11-10")
        );
        assert_eq!(dates.published, dates.modified);
        assert_eq!(dates.published_source, Some(DateSource::Dateline));
        let dates = choose(&evidence, || Some((date("2019-11-10"), Cue::Modified)));
        assert_eq!(dates.published_source, Some(DateSource::Dateline));
        // One labelled as the publication, not later, is the publication ("Stand:" under
        // the headline, "Erstellt am" at the foot).
        let dates = choose(&evidence, || Some((date("2019-03-01"), Cue::Published)));
        assert_eq!(
            dates.published.map(|d| d.format()).as_deref(),
            Some("2019-03-01")
        );
        assert_eq!(dates.published_source, Some(DateSource::TextSearch));
        assert_eq!(
            dates.modified.map(|d| d.format()).as_deref(),
            Some("2019-11-10")
        );
        // An update by the headline beats unlabelled days after the body that are a feed
        // (several different days), not one labelled as the publication.
        let update = line("19.04.2022", Some(Cue::Modified), Place::Headline);
        let feed = [
            line("13.04.2022", None, Place::AfterBody),
            line("10.04.2022", None, Place::AfterBody),
        ];
        let labelled = line("10.04.2022", Some(Cue::Published), Place::AfterBody);
        for (after, want) in [
            (&feed[..], "2022-04-19"),
            (&[labelled, feed[0]][..], "2022-04-10"),
        ] {
            let evidence = DateEvidence {
                datelines: [&[update][..], after].concat(),
                ..DateEvidence::default()
            };
            assert_eq!(chosen(&evidence).0.as_deref(), Some(want));
        }
        // Without an update by the headline, a feed after the body is still no date of the
        // story's; one unlabelled day there is its footer.
        let alone = DateEvidence {
            datelines: feed.to_vec(),
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&alone).0, None);
        let footer = DateEvidence {
            datelines: vec![feed[0], feed[0]],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&footer).0.as_deref(), Some("2022-04-13"));
        let evidence = DateEvidence {
            markup: vec![modified("2020-04-30T09:17:13+02:00", DateSource::Meta)],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&evidence),
            (
                Some("2020-04-30T09:17:13+02:00".into()),
                Some(DateSource::Meta),
                Some("2020-04-30T09:17:13+02:00".into())
            )
        );
    }

    #[test]
    fn a_lone_markup_date_gives_way_to_the_visible_dateline() {
        let lone = DateEvidence {
            markup: vec![published("2022-11-17T10:33:13Z", DateSource::Meta)],
            datelines: vec![line("09.03.2022", None, Place::Headline)],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&lone).0.as_deref(),
            Some("2022-03-09"),
            "a single template field against the page"
        );
        let backed = DateEvidence {
            markup: vec![
                published("2019-12-09T19:00:49+01:00", DateSource::Meta),
                published("2019-12-09 20:00:49", DateSource::JsonLd),
            ],
            datelines: vec![line("mardi 10.12.2019", None, Place::Headline)],
            url: Some(date("2019-12-09")),
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&backed).0.as_deref(),
            Some("2019-12-09T19:00:49+01:00")
        );
        // Markup fields that disagree: the one the reader sees.
        let split = DateEvidence {
            markup: vec![
                published("2020-02-18T18:12:26+01:00", DateSource::Microdata),
                published("2020-02-19T18:37:32+01:00", DateSource::Meta),
            ],
            datelines: vec![line("19 FEB 2020 - 18:37 CET", None, Place::Headline)],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&split),
            (
                Some("2020-02-19T18:37:32+01:00".into()),
                Some(DateSource::Meta),
                None
            )
        );
        // Markup whose publication is its modification's instant, in every field that
        // states it, is a stamp of the last save or of serving the page: the story's day
        // under the headline wins. A stamp later than a day it does not name, or earlier,
        // is not overruled.
        let stamp = |dateline: &str| DateEvidence {
            markup: vec![
                published("2014-05-20T10:00:00+02:00", DateSource::JsonLd),
                modified("2014-05-20T10:00:00+02:00", DateSource::JsonLd),
                published("2014-05-20T10:00:00+02:00", DateSource::Meta),
                modified("2014-05-20T10:00:00+02:00", DateSource::Meta),
            ],
            datelines: vec![line(dateline, None, Place::Headline)],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&stamp("17.11.1999")).0.as_deref(),
            Some("1999-11-17")
        );
        assert_eq!(
            chosen(&stamp("21.05.2014")).0.as_deref(),
            Some("2014-05-20T10:00:00+02:00")
        );
        let mut edited = stamp("17.11.1999");
        edited.markup[1] = modified("2014-05-21T10:00:00+02:00", DateSource::JsonLd);
        edited.markup[3] = modified("2014-05-21T10:00:00+02:00", DateSource::Meta);
        assert_eq!(
            chosen(&edited).0.as_deref(),
            Some("2014-05-20T10:00:00+02:00"),
            "two fields backing a publication of its own"
        );
        // Markup with day and month exchanged, against the day the page spells out.
        let exchanged = |dateline: &str| DateEvidence {
            markup: vec![
                published("2017-08-05T10:30:00+02:00", DateSource::JsonLd),
                published("2017-08-05T10:30:00+02:00", DateSource::Meta),
            ],
            datelines: vec![line(dateline, None, Place::Headline)],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&exchanged("8 de mayo de 2017")).0.as_deref(),
            Some("2017-05-08")
        );
        assert_eq!(
            chosen(&exchanged("9 de mayo de 2017")).0.as_deref(),
            Some("2017-08-05T10:30:00+02:00")
        );
        // A dateline away from the headline does not overrule markup.
        let far = DateEvidence {
            markup: vec![published("2022-11-17T10:33:13Z", DateSource::Meta)],
            datelines: vec![line("09.03.2022", None, Place::AfterBody)],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&far).0.as_deref(), Some("2022-11-17T10:33:13Z"));
    }

    #[test]
    fn a_day_among_several_by_the_headline_is_a_lists() {
        let list = |lines: &[&str], markup: Vec<MarkedDate>| {
            choose(
                &DateEvidence {
                    markup,
                    datelines: lines
                        .iter()
                        .map(|l| line(l, None, Place::Headline))
                        .collect(),
                    ..DateEvidence::default()
                },
                || None,
            )
        };
        let results = list(&["12.03.2024", "27.02.2024", "19.02.2024"], vec![]);
        assert_eq!(
            results.published.map(|d| d.format()).as_deref(),
            Some("2024-03-12")
        );
        assert!(results.one_of_a_list);
        // One day, however often shown, or a day the markup states, dates the story.
        assert!(!list(&["12.03.2024", "12.03.2024"], vec![]).one_of_a_list);
        assert!(
            !list(
                &["12.03.2024", "27.02.2024"],
                vec![published("2024-03-12T10:00:00+01:00", DateSource::Meta)]
            )
            .one_of_a_list
        );
    }

    #[test]
    fn utc_markup_takes_the_page_offset() {
        let cases: &[(Vec<MarkedDate>, Vec<Dateline>, &str)] = &[
            // The same instant with an offset in a <time> element.
            (
                vec![
                    published("2022-05-04T03:37:37+00:00", DateSource::Meta),
                    mark(
                        "2022-05-03T23:37:37-04:00",
                        DateSource::TimeElement,
                        Role::Published,
                        Strength::Weak,
                    ),
                ],
                vec![],
                "2022-05-03T23:37:37-04:00",
            ),
            // A naive local copy of the instant in JSON-LD.
            (
                vec![
                    published("2023-01-17T00:30:41Z", DateSource::Meta),
                    mark(
                        "2023-01-16 16:30:41",
                        DateSource::JsonLd,
                        Role::Published,
                        Strength::Strong,
                    ),
                ],
                vec![],
                "2023-01-16T16:30:41-08:00",
            ),
            // The visible time under the headline.
            (
                vec![published(
                    "Wed, 04 May 2022 02:41:00 GMT",
                    DateSource::JsonLd,
                )],
                vec![line("3/5/2022 22:41", None, Place::Headline)],
                "2022-05-03T22:41:00-04:00",
            ),
            (
                vec![published("2022-05-04T00:44:52.000Z", DateSource::JsonLd)],
                vec![line("03/05/2022 21:44", None, Place::Headline)],
                "2022-05-03T21:44:52-03:00",
            ),
            // The visible time names its zone: the same instant (to the minute; markup
            // has seconds) is given at that zone, backed by two markup sources or not.
            (
                vec![
                    published("2020-11-18T03:15:04Z", DateSource::JsonLd),
                    published("2020-11-18T03:15:04Z", DateSource::Meta),
                ],
                vec![line(
                    "November 17, 2020 at 10:15 p.m. EST",
                    None,
                    Place::Headline,
                )],
                "2020-11-17T22:15:04-05:00",
            ),
            (
                vec![published("2015-11-14T23:10:00Z", DateSource::Meta)],
                vec![line("15 NOV 2015 - 00:10 CET", None, Place::Headline)],
                "2015-11-15T00:10:00+01:00",
            ),
            // The visible day alone, one day from the UTC day.
            (
                vec![published("2018-12-31T23:11:59+00:00", DateSource::Meta)],
                vec![line("2019-01-01", None, Place::Headline)],
                "2019-01-01",
            ),
            // The visible time is the UTC time: nothing to move.
            (
                vec![published("2022-05-11T03:40:00Z", DateSource::Meta)],
                vec![line(
                    "11 de mayo de 2022 - 3:40 a.m.",
                    None,
                    Place::Headline,
                )],
                "2022-05-11T03:40:00Z",
            ),
            // A visible time that is no offset away (7 minutes): the instant stays UTC, and
            // the lone markup value gives way to the day under the headline.
            (
                vec![published("2022-05-04T00:25:56Z", DateSource::Meta)],
                vec![line("3 de mayo de 2022 21:32", None, Place::Headline)],
                "2022-05-03",
            ),
            (
                vec![
                    published("2022-05-04T00:25:56Z", DateSource::Meta),
                    published("2022-05-04T00:25:56Z", DateSource::JsonLd),
                ],
                vec![line("3 de mayo de 2022 21:32", None, Place::Headline)],
                "2022-05-04T00:25:56Z",
            ),
        ];
        for (markup, datelines, want) in cases {
            let evidence = DateEvidence {
                markup: markup.clone(),
                datelines: datelines.clone(),
                ..DateEvidence::default()
            };
            assert_eq!(
                chosen(&evidence).0.as_deref(),
                Some(*want),
                "{markup:?} {datelines:?}"
            );
        }
        // A zoned dateline of another instant moves nothing.
        let evidence = DateEvidence {
            markup: vec![
                published("2020-11-18T03:15:04Z", DateSource::JsonLd),
                published("2020-11-18T03:15:04Z", DateSource::Meta),
            ],
            datelines: vec![line(
                "November 17, 2020 at 9:15 p.m. EST",
                None,
                Place::Headline,
            )],
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2020-11-18T03:15:04Z"));
        // Non-UTC markup is never moved, whatever clock the dateline shows.
        let evidence = DateEvidence {
            markup: vec![published("2022-05-03T22:46:08-03:00", DateSource::Meta)],
            datelines: vec![line("03/05/2022 20:46", None, Place::Headline)],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&evidence).0.as_deref(),
            Some("2022-05-03T22:46:08-03:00")
        );
    }

    #[test]
    fn a_labelled_publication_by_the_headline_outweighs_the_address() {
        // A warning's address names the day it warns of; the page says when it was out.
        let evidence = |cue: Option<Cue>| DateEvidence {
            url: Some(date("2024-02-12")),
            datelines: vec![line("11.02.2024", cue, Place::Headline)],
            ..DateEvidence::default()
        };
        assert_eq!(
            chosen(&evidence(Some(Cue::Published))).0.as_deref(),
            Some("2024-02-11")
        );
        // An unlabelled line does not.
        assert_eq!(chosen(&evidence(None)).0.as_deref(), Some("2024-02-12"));
    }

    #[test]
    fn utc_markup_a_day_off_the_address_takes_the_addresss_day() {
        let with_url = |url: &str, datelines: Vec<Dateline>| DateEvidence {
            markup: vec![published("2023-08-19T01:40:00.000Z", DateSource::Meta)],
            url: Some(date(url)),
            datelines,
            ..DateEvidence::default()
        };
        // No dateline, or only an update's by the headline: the address's day.
        assert_eq!(
            chosen(&with_url("2023-08-18", vec![])).0.as_deref(),
            Some("2023-08-18")
        );
        let updated = line("18/08/2023", Some(Cue::Modified), Place::Headline);
        assert_eq!(
            chosen(&with_url("2023-08-18", vec![updated])).0.as_deref(),
            Some("2023-08-18")
        );
        // The address on the UTC day, or days away from it, moves nothing.
        for url in ["2023-08-19", "2023-08-16"] {
            assert_eq!(
                chosen(&with_url(url, vec![])).0.as_deref(),
                Some("2023-08-19T01:40:00Z"),
                "{url}"
            );
        }
        // An instant at midday is the same day in every zone.
        let evidence = DateEvidence {
            markup: vec![published("2023-08-19T12:00:00Z", DateSource::Meta)],
            url: Some(date("2023-08-18")),
            ..DateEvidence::default()
        };
        assert_eq!(chosen(&evidence).0.as_deref(), Some("2023-08-19T12:00:00Z"));
    }

    #[test]
    fn utc_markup_takes_the_offset_the_update_shows() {
        let evidence = |shown: &str| DateEvidence {
            markup: vec![
                published("2024-07-02T22:30:00Z", DateSource::JsonLd),
                modified("2024-07-03T07:12:00Z", DateSource::JsonLd),
            ],
            datelines: vec![line(shown, Some(Cue::Modified), Place::Headline)],
            ..DateEvidence::default()
        };
        // "Stand: 03.07.2024 09:12 Uhr" over 07:12Z: the page is at +02:00.
        let (published, _, modified) = chosen(&evidence("03.07.2024 09:12"));
        assert_eq!(published.as_deref(), Some("2024-07-03T00:30:00+02:00"));
        assert_eq!(modified.as_deref(), Some("2024-07-03T09:12:00+02:00"));
        // A visible time that no real offset joins to the instant moves nothing.
        let (published, _, _) = chosen(&evidence("03.07.2024 09:05"));
        assert_eq!(published.as_deref(), Some("2024-07-02T22:30:00Z"));
    }

    #[test]
    fn offsets_between_times() {
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").expect("valid");
        let utc = at("2023-01-17 00:30:41");
        assert_eq!(
            offset_between(utc, at("2023-01-16 16:30:41"), true),
            FixedOffset::west_opt(8 * 3600)
        );
        assert_eq!(offset_between(utc, at("2023-01-16 16:30:00"), true), None);
        assert_eq!(
            offset_between(utc, at("2023-01-16 16:30:00"), false),
            FixedOffset::west_opt(8 * 3600)
        );
        assert_eq!(
            offset_between(utc, at("2023-01-17 06:00:41"), true),
            FixedOffset::east_opt(5 * 3600 + 1800)
        );
        assert_eq!(offset_between(utc, at("2023-01-17 00:30:41"), true), None);
        assert_eq!(offset_between(utc, at("2023-01-18 00:30:41"), true), None);
        assert_eq!(offset_between(utc, at("2023-01-17 00:37:41"), true), None);
    }
}
