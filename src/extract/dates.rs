//! Reading dates: machine-readable metadata values, dates in URL paths, and human datelines.
//!
//! Two kinds of input reach this module. Metadata values (`article:published_time`, JSON-LD
//! `datePublished`, `<time datetime>`) are meant for machines and come in ISO 8601 / RFC 3339,
//! RFC 2822, C `asctime` or Unix-time form, sloppily: missing seconds or offsets, `+0100`,
//! a space instead of `T`, single-digit months, microseconds. Visible datelines ("2 September
//! 2024 14:12", "Monday, September 2, 2024", "3 сентября 2024 г.", "7 fevral 2024", "3 de
//! mayo de 2022", "26-12-2023 [22:31]", "19.10.19, 11:29 Uhr") are meant for people, in the
//! page's language; [`find_dates`] reads them with the month names of
//! [`super::date_words`].
//!
//! Every date is checked for plausibility: nothing before 1995 (news archives on the web
//! start then; earlier years in pages are history, not publication dates) and nothing in the
//! future relative to the reference time the caller provides (the fetch time). The module
//! reads no clock: without a reference, no future check is possible and none is pretended.
//!
//! Numeric dates are ambiguous: `03.09.2024` is the 3rd of September everywhere gleaner's
//! sources are, `09/03/2024` is the 3rd of September in the US. [`DayOrder`] says which to
//! read first; a reading that is impossible (`09/25/2024`) gives way to the other.
//!
//! Output is RFC 3339 when both the time and its UTC offset are known. A dateline's time
//! without a zone ("14:12") is local time at an unknown offset: turning it into an instant
//! would invent information, so such dates are formatted as `YYYY-MM-DD` and the time stays
//! available in [`FoundDate::time`]. A zone the page prints is used ("18:37 CET", "15:30
//! МСК"), except abbreviations that name different zones on different sites (see
//! [`super::date_words::ZONES`]).

use std::fmt;
use std::ops::Range;
use std::sync::LazyLock;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat,
    Timelike, Utc,
};
use regex::Regex;

use super::chars::prefix_bytes;
use super::date_words::{
    month_number, solar_hijri_month, thai_month, weekday_number, zone_alternation, zone_minutes,
};

/// The earliest year accepted as a publication date.
pub const MIN_YEAR: i32 = 1995;

/// The largest UTC offset in use (UTC+14), the slack for "today" in a zone ahead of UTC.
const MAX_OFFSET_HOURS: i64 = 14;

/// Longest text [`parse_dateline`] reads: datelines are short, and a paragraph of history
/// does not cost a scan of the whole article.
const MAX_DATELINE_BYTES: usize = 4096;

/// A date found in a page, with as much precision as the page gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FoundDate {
    pub date: NaiveDate,
    /// The time of day, when the page gave one.
    pub time: Option<NaiveTime>,
    /// The UTC offset of `time`, when the page gave one.
    pub offset: Option<FixedOffset>,
}

impl FoundDate {
    /// A date without a time.
    pub fn day(date: NaiveDate) -> FoundDate {
        FoundDate {
            date,
            time: None,
            offset: None,
        }
    }

    /// Whether a time of day was known (with or without its offset).
    pub fn has_time(&self) -> bool {
        self.time.is_some()
    }

    /// The local date and time, when the time is known.
    pub fn local(&self) -> Option<NaiveDateTime> {
        Some(NaiveDateTime::new(self.date, self.time?))
    }

    /// The instant, when time and offset are both known.
    pub fn instant(&self) -> Option<DateTime<FixedOffset>> {
        self.local()?.and_local_timezone(self.offset?).single()
    }

    /// Whether the page gave this as a UTC time (`Z`, `+00:00`, `GMT`): servers write UTC
    /// where the page's readers live elsewhere, so the day may not be the page's day.
    pub fn is_utc(&self) -> bool {
        self.time.is_some() && self.offset.is_some_and(|o| o.local_minus_utc() == 0)
    }

    /// The same instant at another UTC offset; `None` when the instant is not known.
    pub fn at_offset(&self, offset: FixedOffset) -> Option<FoundDate> {
        let moved = self.instant()?.with_timezone(&offset);
        Some(FoundDate {
            date: moved.date_naive(),
            time: Some(moved.time()),
            offset: Some(offset),
        })
    }

    /// RFC 3339 (`2024-09-02T14:12:00+04:00`, `…Z` for UTC) when the instant is known, else
    /// `YYYY-MM-DD`.
    pub fn format(&self) -> String {
        match self.instant() {
            Some(instant) => instant.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => self.date.format("%Y-%m-%d").to_string(),
        }
    }

    /// True when the date is in the accepted range: not before 1995 and, given a reference
    /// time, not after it. Without an offset the date may be up to UTC+14 ahead of the
    /// reference's UTC day.
    pub fn is_plausible(&self, reference: Option<DateTime<Utc>>) -> bool {
        if self.date.year() < MIN_YEAR {
            return false;
        }
        let Some(reference) = reference else {
            return true;
        };
        match self.instant() {
            // A minute of slack for clocks that disagree slightly.
            Some(instant) => instant.with_timezone(&Utc) <= reference + Duration::minutes(1),
            None => {
                let latest = (reference + Duration::hours(MAX_OFFSET_HOURS)).date_naive();
                self.date <= latest
            }
        }
    }
}

impl fmt::Display for FoundDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format())
    }
}

/// Which number of an all-numeric date comes first when both readings are valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DayOrder {
    /// `03.09.2024`, `03/09/2024`: day, month, year. Everywhere but North America.
    #[default]
    DayFirst,
    /// `09/03/2024`: month, day, year, as US English writes.
    MonthFirst,
}

impl DayOrder {
    /// The order of a declared language tag (`<html lang>`, `og:locale`): month-first for
    /// the English of the United States and the Philippines, day-first otherwise, including
    /// a bare `en` (most English-language news outside the US writes the day first).
    pub fn for_language_tag(tag: &str) -> DayOrder {
        let language = tag.trim().split(['-', '_']).next().unwrap_or_default();
        let region = region_subtag(tag).unwrap_or_default();
        if language.eq_ignore_ascii_case("en")
            && (region.eq_ignore_ascii_case("us") || region.eq_ignore_ascii_case("ph"))
        {
            DayOrder::MonthFirst
        } else {
            DayOrder::DayFirst
        }
    }
}

/// The region of a language tag: `US` of `en-US`, `us` of `en_us`, `GB` of
/// `en-Latn-GB`; none for `en` or `zh-Hans`.
pub fn region_subtag(tag: &str) -> Option<&str> {
    tag.trim().split(['-', '_']).skip(1).find(|p| p.len() == 2)
}

/// How to read dates in a page.
#[derive(Debug, Clone, Copy, Default)]
pub struct DateContext {
    /// The fetch time: later dates are implausible, and relative datelines ("2 hours ago")
    /// count back from it. Without it neither is possible.
    pub reference: Option<DateTime<Utc>>,
    pub order: DayOrder,
    /// Accept two-digit years (`19.10.19`, `am 26/10/13`, `14 Gennaio 20`). Only where the
    /// text is known to be a dateline: in running text they are too often something else.
    pub short_years: bool,
    /// The year and month of the page's address (`/2013/06/`): a dateline that names that
    /// month and a day but no year ("Mardi 18 juin") is read in that year.
    pub url_month: Option<(i32, u32)>,
}

impl DateContext {
    pub fn with_reference(reference: Option<DateTime<Utc>>) -> DateContext {
        DateContext {
            reference,
            ..DateContext::default()
        }
    }
}

/// ISO 8601-like timestamps as found in metadata, anchored at the start. Month and day may
/// have one digit (`2022-5-3T23:57:00`), which some CMSs write.
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*
        ([0-9]{4})(?:-([0-9]{1,2})-([0-9]{1,2})|([0-9]{2})([0-9]{2}))   # date, with or without dashes
        (?:[T\s]+
           ([0-9]{1,2}):?([0-9]{2})(?::?([0-9]{2})(?:[.,][0-9]+)?)?   # time
           \s*(Z|z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)?   # offset
        )?",
    )
    .expect("ISO regex is valid")
});

/// `Fri Feb 18 10:27:24 2022` (C `asctime`) and `Mon Oct 11 14:57:21 CEST 2021` (Java's
/// `Date.toString`).
static ASCTIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[a-z]{3},?\s+)?([a-z]{3})\s+([0-9]{1,2})\s+([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?\s+(?:([a-z]{1,5})\s+)?([0-9]{4})$",
    )
    .expect("asctime regex is valid")
});

/// Parses a machine-readable date (metadata attribute or JSON-LD value).
///
/// Accepts RFC 3339 and common ISO 8601 variations, RFC 2822, `asctime`, Unix times in
/// seconds or milliseconds, plain dates (`20240902`), and falls back to [`find_dates`] for
/// human-style values some CMSs put in metadata. Returns `None` for anything implausible
/// (see [`FoundDate::is_plausible`]).
pub fn parse_machine_date(value: &str, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
    parse_machine_date_in(value, &DateContext::with_reference(reference))
}

/// [`parse_machine_date`] with the page's day order for numeric values such as
/// `01/10/2017`.
pub fn parse_machine_date_in(value: &str, context: &DateContext) -> Option<FoundDate> {
    let value = value.trim();
    if value.is_empty() || value.len() > 200 {
        return None;
    }
    let found = parse_unix_time(value)
        .or_else(|| parse_iso(value))
        .or_else(|| {
            DateTime::parse_from_rfc2822(value)
                .ok()
                .map(|instant| FoundDate {
                    date: instant.date_naive(),
                    time: Some(instant.time()),
                    offset: Some(*instant.offset()),
                })
        })
        .or_else(|| parse_asctime(value))
        .or_else(|| {
            let context = DateContext {
                short_years: false,
                ..*context
            };
            find_dates(value, &context).next().map(|m| m.date)
        })?;
    found.is_plausible(context.reference).then_some(found)
}

/// Seconds (10 digits) or milliseconds (13 digits) since 1970, as some CMSs write
/// `article:published_time`. Shorter or longer digit strings are something else (an id, a
/// `YYYYMMDD` date).
fn parse_unix_time(value: &str) -> Option<FoundDate> {
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let number: i64 = value.parse().ok()?;
    let seconds = match value.len() {
        10 => number,
        13 => number / 1000,
        _ => return None,
    };
    let instant = DateTime::from_timestamp(seconds, 0)?;
    Some(FoundDate {
        date: instant.date_naive(),
        time: Some(instant.time()),
        offset: FixedOffset::east_opt(0),
    })
}

fn parse_iso(value: &str) -> Option<FoundDate> {
    let captures = ISO.captures(value)?;
    let number = |i: usize| captures.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = i32::try_from(number(1)?).ok()?;
    let (month, day) = match (number(2), number(3)) {
        (Some(month), Some(day)) => (month, day),
        _ => (number(4)?, number(5)?),
    };
    let date = NaiveDate::from_ymd_opt(year, month, day)?;
    let mut found = FoundDate::day(date);
    if let (Some(hour), Some(minute)) = (number(6), number(7)) {
        found.time = NaiveTime::from_hms_opt(hour, minute, number(8).unwrap_or(0));
        found.offset = captures.get(9).and_then(|m| parse_offset(m.as_str()));
    }
    Some(found)
}

fn parse_asctime(value: &str) -> Option<FoundDate> {
    let captures = ASCTIME.captures(value)?;
    let text = |i: usize| captures.get(i).map(|m| m.as_str());
    let number = |i: usize| text(i).and_then(|s| s.parse::<u32>().ok());
    let month = month_number(text(1)?)?;
    let year = i32::try_from(number(7)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, number(2)?)?;
    let time = NaiveTime::from_hms_opt(number(3)?, number(4)?, number(5).unwrap_or(0))?;
    let offset = text(6)
        .and_then(zone_minutes)
        .and_then(|minutes| FixedOffset::east_opt(minutes * 60));
    Some(FoundDate {
        date,
        time: Some(time),
        offset,
    })
}

/// `Z`, `UTC`, `GMT`, `+04`, `+0400`, `+04:00`.
fn parse_offset(text: &str) -> Option<FixedOffset> {
    match text {
        "Z" | "z" | "UTC" | "GMT" => return FixedOffset::east_opt(0),
        _ => {}
    }
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits: String = text[1..].chars().filter(char::is_ascii_digit).collect();
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (
            digits[..2].parse::<i32>().ok()?,
            digits[2..].parse::<i32>().ok()?,
        ),
        _ => return None,
    };
    if hours > 14 || minutes > 59 {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// A date in a URL path: `/2024/09/02/`, `/2024-09-02-slug`, `/20240902/`, `/2022/5/3/slug`,
/// and at the end of a slug (`/turnout-record-20240902`, `/turnout_2024_09_02.html`).
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        [/\-_]((?:19|20)[0-9]{2})
        (?:
            [/\-_.](0?[1-9]|1[0-2])[/\-_.](0?[1-9]|[12][0-9]|3[01])
          | (0[1-9]|1[0-2])(0[1-9]|[12][0-9]|3[01])
        )
        (?:[/\-_.]|$|[^0-9])",
    )
    .expect("URL date regex is valid")
});

/// A year and month in a URL path: `/2024/09/slug`, `/2024/9/`.
static URL_MONTH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)[0-9]{2})[/\-_](0?[1-9]|1[0-2])(?:/|$)").expect("URL month regex")
});

/// The day a URL path dates the page to (`/2024/09/02/story`), when it is plausible. Year
/// and month alone (`/2024/09/story`) give no day: see [`month_from_url_path`].
pub fn date_from_url_path(path: &str, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
    // Paths are short; a hostile one is cut rather than scanned whole.
    let path = prefix_bytes(path, 2048);
    URL_DATE.captures_iter(path).find_map(|captures| {
        let number = |i: usize| captures.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let year = i32::try_from(number(1)?).ok()?;
        let (month, day) = match (number(2), number(3)) {
            (Some(month), Some(day)) => (month, day),
            _ => (number(4)?, number(5)?),
        };
        let found = FoundDate::day(NaiveDate::from_ymd_opt(year, month, day)?);
        found.is_plausible(reference).then_some(found)
    })
}

/// The day a page's address dates it to: its path's ([`date_from_url_path`]), else a query
/// parameter named for a date (`news.php?date=2023-06-02&id=4417`, `?pubdate=20230602`).
pub fn date_from_url(url: &url::Url, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
    date_from_url_path(url.path(), reference).or_else(|| {
        url.query_pairs()
            .take(MAX_QUERY_PAIRS)
            .filter(|(key, _)| key.to_ascii_lowercase().contains("date"))
            .find_map(|(_, value)| date_from_url_path(&format!("/{value}"), reference))
    })
}

/// Most query parameters of an address read for its date.
const MAX_QUERY_PAIRS: usize = 16;

/// The year and month of a URL path (`/2024/09/slug`, also given by a full date), which
/// dates the page to that month without giving its day.
pub fn month_from_url_path(path: &str) -> Option<(i32, u32)> {
    let path = prefix_bytes(path, 2048);
    if let Some(found) = date_from_url_path(path, None) {
        return Some((found.date.year(), found.date.month()));
    }
    let captures = URL_MONTH.captures(path)?;
    let year = captures.get(1)?.as_str().parse().ok()?;
    let month = captures.get(2)?.as_str().parse().ok()?;
    (year >= MIN_YEAR).then_some((year, month))
}

/// Time of day: `14:12`, `14:12:05`, `6:01 am`, `9:40 p.m.`, `09h30`, `20H06`, optionally
/// followed by a zone (`Z`, `GMT`, `CET`, `МСК`, `+04:00`, `UTC+4`). (`14.12` is not
/// accepted: it is ambiguous with dates.) Digits are ASCII and word boundaries ASCII-only
/// (`(?-u:\b)`) so that the regex engine's fast DFA can run on Cyrillic text.
static TIME: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"([0-9]{{1,2}})[:hH]([0-9]{{2}})(?::([0-9]{{2}}))?(?:[.,][0-9]{{1,6}})?\s*([ap]\.?\s?m\.?)?(?:\s*((?-i:(?:UTC|GMT)\s?[+-][0-9]{{1,2}}(?::?[0-9]{{2}})?|[+-][0-9]{{2}}:?[0-9]{{2}}|{zones})))?",
        zones = zone_alternation()
    )
});

/// All dateline shapes, as one regex with named groups so the earliest match wins.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    // A month name is any word here, checked against the month table when a match is
    // read: a list of some three hundred names, twice, made the regex large and every
    // match slow to read, and a word that is no month only costs that match.
    // Letters and marks: the vowel signs of Devanagari, Bengali and Thai are marks
    // ("सितम्बर", "กุมภาพันธ์"). Thai abbreviates with a dot inside ("ม.ค.").
    let months = r"[\p{L}\p{M}]{2,12}";
    let thai_abbreviation = r"\p{Thai}{1,3}\.\p{Thai}{1,2}";
    let time = &*TIME;
    let pattern = format!(
        r"(?xi)
        (?:(?P<t1>{time})\s*[,|/\-–—]?\s*)?      # optional time before the date
        (?:
            # 2 September 2024, 3 сентября 2024 г., 2. März 2024, 3 de mayo de 2022,
            # 26, Abril, 2022, 1er août 2021, 14 Gennaio 20, 03-Mar-2021, and in Thai's
            # Buddhist era: 25 ตุลาคม พ.ศ. 2565, 14 ม.ค. 67
            (?-u:\b)(?P<d1>[0-9]{{1,2}})(?:\.|st|nd|rd|th|er|º|°)?(?:,?\s*|-)(?:de\s+)?(?P<m1>{months}|{thai_abbreviation})(?:\.?,?\s*|-)(?:de\s+|del\s+|'\s*|พ\.ศ\.?\s*)?(?P<y1>[0-9]{{4}}|[0-9]{{2}})(?-u:\b)
          | # September 2, 2024, Sep. 2nd 2024, mayo 11, 2022
            (?:^|[^\p{{L}}\p{{M}}])(?P<m2>{months})\.?\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>[0-9]{{4}})(?-u:\b)
          | # 2024-09-02, 2024/09/02, 2024.09.02, 2024. 9. 2. (Korean), 2024-09-02T14:12
            (?-u:\b)(?P<y3>(?:19|20)[0-9]{{2}})(?:[\-/]|\.\s?)(?P<m3>[0-9]{{1,2}})(?:[\-/]|\.\s?)(?P<d3>[0-9]{{1,2}})(?:(?-u:\b)|T)
          | # 2024年9月2日 (Chinese, Japanese), 2024년 9월 2일 (Korean), and in an era's years:
            # 令和6年2月9日 (Japan's Reiwa, from 2019; Heisei, 1989), 民國112年10月5日 (Taiwan),
            # and the era's year in brackets after the Western one: 2021年（令和3年）4月1日
            (?:(?-u:\b)(?P<y5>(?:19|20)[0-9]{{2}})|(?P<era>令和|平成|民國|民国)\s?(?P<ey>[0-9]{{1,3}}|元))\s?[年년]\s?(?:[（(][^（()）]{{1,8}}[）)]\s?)?(?P<m5>[0-9]{{1,2}})\s?[月월]\s?(?P<d5>[0-9]{{1,2}})\s?[日일]?
          | # 2024-yil 15-fevral (Uzbek), 2024 йил 15 феврал, 2024-жылы 15-февралда (Kyrgyz),
            # 2024 жылғы 15 ақпан (Kazakh), 2012. gada 17. aprīlī (Latvian): the year first,
            # with the word for a year (before the Hungarian shape, which would take
            # 2012. gada for a year and a month)
            (?-u:\b)(?P<y7>(?:19|20)[0-9]{{2}})(?:[\s-]?(?:yil|y\.|йил|жыл\p{{L}}{{0,4}})|\.\s?gada),?\s+(?P<d7>[0-9]{{1,2}})\.?(?:-|\s+)(?P<m7>{months})
          | # 2024. szeptember 2. (Hungarian), 2004 m. kovo 14 d. (Lithuanian): the year's dot
            # keeps this shape from being tried after every year in running text, and the
            # two languages' own letters for the month keep the regex small
            (?-u:\b)(?P<y6>(?:19|20)[0-9]{{2}})(?:\.|\s+m\.)\s+(?P<m6>[a-zA-ZáéíóöőúüűÁÉÍÓÖŐÚÜŰąčęėįšųūžĄČĘĖĮŠŲŪŽ]{{3,10}})\.?\s+(?P<d6>[0-9]{{1,2}})(?-u:\b)(?:\.|\s+d\.)?
          | # 發布日期：112-10-05 (Taiwan's Minguo years, 1912 the first, after a date's label)
            (?:日期|時間|时间)\s?[：:]\s?(?P<y8>1[0-4][0-9])(?P<s8>[\-/.])(?P<m8>[0-9]{{1,2}})(?P<s8b>[\-/.])(?P<d8>[0-9]{{1,2}})(?-u:\b)
          | # 03.09.2024, 26-12-2023, 02/09/2024, 4. 2. 2022, 26 | 01 | 2022, 19.10.19
            (?-u:\b)(?P<d4>[0-9]{{1,2}})\s?(?P<s4>[.\-/|])\s?(?P<m4>[0-9]{{1,2}})\s?(?P<s4b>[.\-/|])\s?(?P<y4>(?:19|20)[0-9]{{2}}|[0-9]{{2}})(?-u:\b)
        )
        (?:\s*(?:г\.|года|р\.|року|il|yıl|r\.|roku)?\s*(?:[,|/\-–—]|at|um|à|a\s+las|às|alle|ore|o|в|о|saat|klo)?\s*\[?\s*(?P<t2>{time}))?
        ",
    );
    Regex::new(&pattern).expect("dateline regex is valid")
});

/// A date found in text, with where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DateMatch {
    /// Byte range of the whole match (date and time) in the text searched.
    pub start: usize,
    pub end: usize,
    pub date: FoundDate,
}

impl DateMatch {
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// The plausible dates written in `text`, in order: day-month-year with month names in the
/// languages of [`super::date_words`] ("2 September 2024 14:12", "3 сентября 2024 г.",
/// "7 fevral 2024", "2. März 2024", "3 de mayo de 2022"), month-day-year ("Monday, September
/// 2, 2024"), year first ("2021. március 3.", "2021年3月3日", "2021년 3월 3일", "2021. 3. 3."),
/// numeric forms ("03.09.2024", "26-12-2023 [22:31]", "2024-09-02", "4. 2. 2022")
/// in the context's [`DayOrder`] unless only the other is valid, and a time before or after
/// the date. Dates before 1995 or after the reference are skipped. The caller bounds `text`;
/// the search is linear in it.
pub fn find_dates<'t>(
    text: &'t str,
    context: &'t DateContext,
) -> impl Iterator<Item = DateMatch> + 't {
    // Arabic, Persian, Hindi, Bengali and Thai pages may write their figures with their own
    // digits ("١٤ مايو ٢٠٢٣", "१४ सितम्बर २०२२"): such a text is searched in Western digits,
    // and each match mapped back to its place.
    let eastern = has_eastern_digits(text);
    let mapped: Vec<DateMatch> = if eastern {
        let (western, origin) = western_digits(text);
        western_matches(&western, context)
            .map(|m| DateMatch {
                start: origin[m.start],
                end: origin[m.end],
                date: m.date,
            })
            .collect()
    } else {
        Vec::new()
    };
    (!eastern)
        .then(|| western_matches(text, context))
        .into_iter()
        .flatten()
        .chain(mapped)
}

/// Whether `text` has an Arabic-Indic, Persian, Devanagari, Bengali or Thai digit: their
/// UTF-8 forms are `D9 A0`–`D9 A9`, `DB B0`–`DB B9`, `E0 A5 A6`–`E0 A5 AF`, `E0 A7 A6`–
/// `E0 A7 AF` and `E0 B9 90`–`E0 B9 99`. A scan for their lead bytes, since every text run
/// searched for a date pays for it.
fn has_eastern_digits(text: &str) -> bool {
    let bytes = text.as_bytes();
    memchr::memchr3_iter(0xD9, 0xDB, 0xE0, bytes).any(|at| {
        matches!(
            (bytes[at], bytes.get(at + 1), bytes.get(at + 2)),
            (0xD9, Some(0xA0..=0xA9), _)
                | (0xDB, Some(0xB0..=0xB9), _)
                | (0xE0, Some(0xA5 | 0xA7), Some(0xA6..=0xAF))
                | (0xE0, Some(0xB9), Some(0x90..=0x99))
        )
    })
}

/// The value of an Arabic-Indic (U+0660–0669), Persian (U+06F0–06F9), Devanagari
/// (U+0966–096F), Bengali (U+09E6–09EF) or Thai (U+0E50–0E59) digit.
fn eastern_digit(c: char) -> Option<u8> {
    let zero = match c {
        '\u{0660}'..='\u{0669}' => 0x0660,
        '\u{06F0}'..='\u{06F9}' => 0x06F0,
        '\u{0966}'..='\u{096F}' => 0x0966,
        '\u{09E6}'..='\u{09EF}' => 0x09E6,
        '\u{0E50}'..='\u{0E59}' => 0x0E50,
        _ => return None,
    };
    u8::try_from(c as u32 - zero).ok()
}

/// `text` with its eastern digits written as ASCII ones, and for each byte offset of the
/// result (and its end) the offset in `text` it came from.
fn western_digits(text: &str) -> (String, Vec<usize>) {
    let mut western = String::with_capacity(text.len());
    let mut origin = Vec::with_capacity(text.len() + 1);
    for (at, c) in text.char_indices() {
        let c = eastern_digit(c).map_or(c, |d| char::from(b'0' + d));
        for _ in 0..c.len_utf8() {
            origin.push(at);
        }
        western.push(c);
    }
    origin.push(text.len());
    (western, origin)
}

/// [`find_dates`] in a text whose digits are ASCII.
fn western_matches<'t>(
    text: &'t str,
    context: &'t DateContext,
) -> impl Iterator<Item = DateMatch> + 't {
    // Every shape has at least two runs of ASCII digits with something else between them
    // (day and year around a month name, or three numbers): most text runs have fewer
    // ("5 comments", "© 2024") and cost one byte scan, not a search with the large
    // dateline regex.
    let text = if digit_runs_at_least_two(text) {
        text
    } else {
        ""
    };
    DATELINE.captures_iter(text).filter_map(move |captures| {
        let whole = captures.get(0)?;
        let date = dateline_from_captures(text, &captures, context)?;
        // The character before a month name that `(?:^|[^\p{L}\p{M}])` consumed is not
        // part of the date, and neither is the label before a Minguo date.
        let first = captures.name("m2").or_else(|| captures.name("y8"));
        let start = match (captures.name("t1"), first) {
            (None, Some(first)) => first.start(),
            _ => whole.start(),
        };
        date.is_plausible(context.reference).then_some(DateMatch {
            start,
            end: whole.end(),
            date,
        })
    })
}

/// Whether `text` has two or more maximal runs of ASCII digits, the least any date shape of
/// [`DATELINE`] matches.
fn digit_runs_at_least_two(text: &str) -> bool {
    let mut runs = 0;
    let mut in_run = false;
    for b in text.bytes() {
        let digit = b.is_ascii_digit();
        if digit && !in_run {
            runs += 1;
            if runs == 2 {
                return true;
            }
        }
        in_run = digit;
    }
    false
}

/// Finds the first plausible date in a visible dateline or short text (see [`find_dates`];
/// two-digit years are not read), else a relative one ("2 hours ago") when the reference
/// time is known. Only the first 4 KB of a long text are read.
pub fn parse_dateline(text: &str, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
    parse_dateline_in(text, &DateContext::with_reference(reference))
}

/// [`parse_dateline`] in the page's context.
pub fn parse_dateline_in(text: &str, context: &DateContext) -> Option<FoundDate> {
    let text = prefix_bytes(text, MAX_DATELINE_BYTES);
    find_dates(text, context)
        .next()
        .map(|m| m.date)
        .or_else(|| dateline_without_a_date_shape(text, context))
}

/// The dateline forms [`find_dates`] does not search for, for a line in which it found
/// none: a relative one ("vor 2 Stunden", with the reference time), and a mail archive's
/// `asctime` header ("Thu Nov 14 23:41:07 PST 2002"), whose time and zone stand between
/// the day and the year.
pub fn dateline_without_a_date_shape(text: &str, context: &DateContext) -> Option<FoundDate> {
    let text = prefix_bytes(text, MAX_DATELINE_BYTES);
    context
        .reference
        .and_then(|reference| relative_dateline(text, reference))
        .or_else(|| parse_asctime(text.trim()).filter(|d| d.is_plausible(context.reference)))
}

/// Longest line read as a dateline without its year: a day badge or "Mardi 18 juin, 21:05",
/// not a sentence that mentions a day.
const MAX_YEARLESS_BYTES: usize = 48;

/// A short dateline that names a day of `month` by its name but no year ("Mardi 18 juin,
/// 21:05", "June 18", "18. Juni"), read in `year`: the year and month the page's address
/// gives. A day of any other month is not read, since nothing says its year.
pub fn yearless_dateline(
    text: &str,
    (year, month): (i32, u32),
    reference: Option<DateTime<Utc>>,
) -> Option<FoundDate> {
    if text.len() > MAX_YEARLESS_BYTES {
        return None;
    }
    let words: Vec<&str> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let day_beside_month = |i: usize| -> Option<u32> {
        let day: u32 = words[i]
            .trim_end_matches(|c: char| c.is_alphabetic())
            .parse()
            .ok()
            .filter(|d| (1..=31).contains(d))?;
        // "18th June", "June 18th": an ordinal's letters follow its digits.
        if !words[i].starts_with(|c: char| c.is_ascii_digit()) {
            return None;
        }
        let month_beside = [i.checked_sub(1), Some(i + 1)]
            .into_iter()
            .flatten()
            .filter_map(|j| words.get(j))
            .any(|w| month_number(w) == Some(month));
        month_beside.then_some(day)
    };
    let day = (0..words.len()).find_map(day_beside_month)?;
    let date = FoundDate::day(NaiveDate::from_ymd_opt(year, month, day)?);
    date.is_plausible(reference).then_some(date)
}

/// A two-digit year in a dateline: 95–99 are the 1990s, the rest this century.
fn full_year(year: u32) -> u32 {
    match year {
        0..=94 => 2000 + year,
        95..=99 => 1900 + year,
        _ => year,
    }
}

/// Years of the Solar Hijri calendar at which its 33-year cycles of leap years change
/// (the arithmetic of Borkowski's "The Persian calendar for 3000 years", as the jalaali
/// libraries use it; right for the years 1–3177).
const SOLAR_HIJRI_BREAKS: [i64; 20] = [
    -61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060, 2097, 2192, 2262, 2324,
    2394, 2456, 3178,
];

/// The Gregorian day of a Solar Hijri date: the year's first day (Nowruz) falls on 19–22
/// March of the year 621 later, the first six months have 31 days, the next five 30 and
/// the last 29, or 30 in a leap year (a day the next Nowruz has not reached).
/// Hand-written: no crate in the dependency tree converts it (icu_calendar would, with its
/// calendar data, for these few lines of integer arithmetic).
fn solar_hijri_to_gregorian(year: u32, month: u32, day: u32) -> Option<NaiveDate> {
    let month_days = if month <= 6 { 31 } else { 30 };
    if !(1..=12).contains(&month) || day == 0 || day > month_days {
        return None;
    }
    let (month, day) = (i64::from(month), i64::from(day));
    let offset = (month - 1) * 31 - month / 7 * (month - 7) + day - 1;
    let date = nowruz(year)?.checked_add_signed(Duration::days(offset))?;
    (date < nowruz(year + 1)?).then_some(date)
}

/// The Gregorian day of the first day of a Solar Hijri year.
fn nowruz(year: u32) -> Option<NaiveDate> {
    let jy = i64::from(year);
    let gy = jy + 621;
    let mut leap_j = -14;
    let mut jp = SOLAR_HIJRI_BREAKS[0];
    let mut jump = 0;
    for &jm in &SOLAR_HIJRI_BREAKS[1..] {
        jump = jm - jp;
        if jy < jm {
            break;
        }
        leap_j += jump / 33 * 8 + jump % 33 / 4;
        jp = jm;
    }
    let n = jy - jp;
    leap_j += n / 33 * 8 + (n % 33 + 3) / 4;
    if jump % 33 == 4 && jump - n == 4 {
        leap_j += 1;
    }
    let leap_g = gy / 4 - (gy / 100 + 1) * 3 / 4 - 150;
    NaiveDate::from_ymd_opt(
        i32::try_from(gy).ok()?,
        3,
        u32::try_from(20 + leap_j - leap_g).ok()?,
    )
}

/// The date a [`DATELINE`] match in `haystack` reads as, in the page's context.
/// How far the Buddhist era, which Thai dates count, runs ahead of the Common Era.
const BUDDHIST_ERA_OFFSET: u32 = 543;

/// The first year of Taiwan's Minguo era (民國元年).
const MINGUO_FIRST_YEAR: u32 = 1912;

fn dateline_from_captures(
    haystack: &str,
    captures: &regex::Captures<'_>,
    context: &DateContext,
) -> Option<FoundDate> {
    let text = |name: &str| captures.name(name).map(|m| m.as_str());
    let number = |name: &str| text(name).and_then(|s| s.parse::<u32>().ok());
    let year_of = |name: &str| -> Option<u32> {
        let written = captures.name(name)?;
        let year = written.as_str().parse::<u32>().ok()?;
        match written.len() {
            4 => Some(year),
            // Two digits before a colon are the hour of a time ("3.3. 14:20 Uhr" has no
            // year), not the year of a date.
            2 if context.short_years && !haystack[written.end()..].starts_with(':') => {
                Some(full_year(year))
            }
            _ => None,
        }
    };
    let (year, month, day) = if let Some(month) = text("m1").and_then(thai_month) {
        // The Buddhist era: 2565 is 2022, and "67" is 2567. A year before 2400 is the
        // Common Era's, which some Thai pages write.
        // Two digits are read where `year_of` allows them, as the era's 25th century.
        let year = year_of("y1")?;
        let year = if text("y1")?.len() == 2 {
            2500 + year % 100 - BUDDHIST_ERA_OFFSET
        } else if year >= 2400 {
            year - BUDDHIST_ERA_OFFSET
        } else {
            year
        };
        (year, month, number("d1")?)
    } else if text("y1").is_some() {
        let (year, day) = (year_of("y1")?, number("d1")?);
        // "۱۷ مهر ۱۴۰۳": Iran's calendar, its years 1300–1500 (1921–2121). Only such a
        // year asks for its months: most matches are Gregorian.
        let solar_month = (1300..=1500)
            .contains(&year)
            .then(|| solar_hijri_month(text("m1")?))
            .flatten();
        match solar_month {
            Some(month) => {
                let date = solar_hijri_to_gregorian(year, month, day)?;
                (date.year_ce().1, date.month(), date.day())
            }
            None => (year, month_number(text("m1")?)?, day),
        }
    } else if let Some(year) = number("y2") {
        (year, month_number(text("m2")?)?, number("d2")?)
    } else if let Some(year) = number("y3") {
        (year, number("m3")?, number("d3")?)
    } else if let Some(era) = text("era") {
        let first_year = match era {
            "令和" => 2019,
            "平成" => 1989,
            _ => MINGUO_FIRST_YEAR,
        };
        let year_of_era = match text("ey")? {
            "元" => 1,
            written => written.parse::<u32>().ok()?,
        };
        (first_year + year_of_era - 1, number("m5")?, number("d5")?)
    } else if let Some(year) = number("y5") {
        (year, number("m5")?, number("d5")?)
    } else if let Some(year) = number("y6") {
        (year, month_number(text("m6")?)?, number("d6")?)
    } else if let Some(year) = number("y7") {
        (year, month_number(text("m7")?)?, number("d7")?)
    } else if let Some(year_of_era) = number("y8") {
        if text("s8") != text("s8b") {
            return None;
        }
        (
            MINGUO_FIRST_YEAR + year_of_era - 1,
            number("m8")?,
            number("d8")?,
        )
    } else {
        // The two separators of a numeric date are the same: "4.2/2022" is not a date.
        if text("s4") != text("s4b") {
            return None;
        }
        let year = year_of("y4")?;
        let (first, second) = (number("d4")?, number("m4")?);
        let start = captures.get(0).map_or(0, |m| m.start());
        let month_first = match weekday_before(&haystack[..start]) {
            Some(weekday) if first <= 12 && second <= 12 && first != second => {
                let month_first_fits = weekday_of(year, first, second) == Some(weekday);
                let day_first_fits = weekday_of(year, second, first) == Some(weekday);
                match (month_first_fits, day_first_fits) {
                    (true, false) => true,
                    (false, true) => false,
                    _ => context.order == DayOrder::MonthFirst,
                }
            }
            _ => match context.order {
                DayOrder::DayFirst => second > 12 && first <= 12,
                DayOrder::MonthFirst => !(first > 12 && second <= 12),
            },
        };
        if month_first {
            (year, first, second)
        } else {
            (year, second, first)
        }
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let mut found = FoundDate::day(date);
    let time_text = text("t2").or_else(|| text("t1"));
    if let Some((time, offset)) = time_text.and_then(parse_time) {
        found.time = Some(time);
        found.offset = offset;
    }
    Some(found)
}

/// Most characters between a weekday and the date it names ("Tue, ", "Вт, ").
const WEEKDAY_GAP: usize = 3;

/// The weekday (0 = Monday) written just before a date: the last word of `before`, when
/// only spaces and a comma or dot separate it from the date.
fn weekday_before(before: &str) -> Option<u32> {
    let trimmed = before.trim_end_matches([' ', ',', '.', '\u{a0}']);
    if before.len() - trimmed.len() > WEEKDAY_GAP {
        return None;
    }
    let word_start = trimmed
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '\'' || *c == 'ʼ')
        .last()
        .map(|(i, _)| i)?;
    weekday_number(&trimmed[word_start..])
}

/// The weekday (0 = Monday) of a date, when it exists.
fn weekday_of(year: u32, month: u32, day: u32) -> Option<u32> {
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    Some(date.weekday().num_days_from_monday())
}

static TIME_ALONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i)^{}$", &*TIME)).expect("time regex is valid"));

/// A time of day and its zone, as the [`TIME`] pattern reads them.
pub fn parse_time(text: &str) -> Option<(NaiveTime, Option<FixedOffset>)> {
    let captures = TIME_ALONE.captures(text.trim())?;
    let number = |i: usize| captures.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let mut hour = number(1)?;
    let minute = number(2)?;
    let second = number(3).unwrap_or(0);
    if let Some(meridiem) = captures.get(4) {
        if hour == 0 || hour > 12 {
            return None;
        }
        let pm = meridiem.as_str().to_ascii_lowercase().starts_with('p');
        hour = match (pm, hour) {
            (false, 12) => 0,
            (true, 12) => 12,
            (true, h) => h + 12,
            (false, h) => h,
        };
    }
    let time = NaiveTime::from_hms_opt(hour, minute, second)?;
    let offset = captures.get(5).and_then(|m| zone_offset(m.as_str()));
    Some((time, offset))
}

/// `CET`, `МСК`, `+04:00`, `UTC+4`, `GMT-05:00`.
fn zone_offset(zone: &str) -> Option<FixedOffset> {
    if let Some(minutes) = zone_minutes(zone) {
        return FixedOffset::east_opt(minutes * 60);
    }
    let upper = zone.to_ascii_uppercase();
    let signed = upper
        .strip_prefix("UTC")
        .or_else(|| upper.strip_prefix("GMT"))
        .unwrap_or(&upper)
        .trim();
    parse_offset(signed)
}

/// Longest text read as a relative dateline: "today" and "2 hours ago" are datelines only
/// when they stand (nearly) alone, not as words in a sentence.
const MAX_RELATIVE_DATELINE: usize = 48;

/// "Сегодня, 14:12", "Bugün 09:30", "yesterday", "вчера в 18:05", "ayer": dates relative to
/// the reference day.
static RELATIVE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^\W*(?:(?P<today>today|сегодня|сьогодні|bugün|heute|aujourd'hui|hoy|hoje|oggi|dzisiaj|dziś|vandaag|bu\s+gün|бүгін)|(?P<yesterday>yesterday|вчера|вчора|dünən|dün|gestern|hier|ayer|ontem|ieri|wczoraj|gisteren|кеше))\W*(?:(?:at|в|о|um|à|a\s+las|às|alle|o|om|saat)\s*)?(?P<time>{})?\W*$",
        &*TIME
    ))
    .expect("relative day regex is valid")
});

/// "3 hours ago", "2 часа назад", "5 saat əvvəl", "vor 2 Tagen", "il y a 3 heures",
/// "hace 4 minutos", "há 2 horas", "3 ore fa", "2 godziny temu", "2 години тому".
static RELATIVE_AGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\W*(?:
            (?P<n1>[0-9]{1,3}|an?|one)\s*(?P<u1>min(?:ute)?s?|hours?|hrs?|days?|минут[уы]?|мин|час(?:а|ов)?|дн(?:я|ей)|день|хвилин[уи]?|годин[уи]?|дн(?:і|ів)|dəqiqə|saat|gün|dakika|minut[ya]?|godzin[ya]?|godzinę|dni|dzień|minuti|ore|giorni|minuten|uur|dagen)\s+(?:ago|назад|тому|əvvəl|öncə|önce|temu|fa|geleden)
          | vor\s+(?P<n2>[0-9]{1,3}|einer?|einem)\s+(?P<u2>Minuten?|Stunden?|Tag(?:en)?)
          | il\s+y\s+a\s+(?P<n3>[0-9]{1,3}|une?)\s+(?P<u3>minutes?|heures?|jours?)
          | (?:hace|há|ha)\s+(?P<n4>[0-9]{1,3}|una?|um|uma)\s+(?P<u4>minutos?|horas?|d[ií]as?)
        )\W*$",
    )
    .expect("relative ago regex is valid")
});

fn relative_dateline(text: &str, reference: DateTime<Utc>) -> Option<FoundDate> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_RELATIVE_DATELINE {
        return None;
    }
    relative_time(text, reference)
        .or_else(|| {
            // "di Lorenzo Cappelli · 3 ore fa", "Newsroom | 2 hours ago": a byline or a desk
            // before the time, after a separator.
            let (_, last) = text.rsplit_once(RELATIVE_SEPARATORS)?;
            relative_time(last.trim(), reference)
        })
        .or_else(|| {
            // "Вчера, 14:30 1 847": a view counter (its icon an empty element) after the
            // time of day.
            let counter = VIEW_COUNTER.find(text)?;
            let before = &text[..counter.start()];
            before
                .contains(':')
                .then(|| relative_time(before, reference))
                .flatten()
        })
}

/// A count at the end of a line, digits grouped by spaces, dots or commas ("1 847",
/// "12,301").
static VIEW_COUNTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\s+[0-9]{1,3}(?:[\s.,\u{a0}\u{202f}][0-9]{3})*$")
        .expect("view counter regex is valid")
});

/// Separators between a byline and a relative time on one line.
const RELATIVE_SEPARATORS: [char; 3] = ['·', '•', '|'];

/// A line that is only a relative time.
fn relative_time(text: &str, reference: DateTime<Utc>) -> Option<FoundDate> {
    if let Some(captures) = RELATIVE_DAY.captures(text) {
        let days_back = if captures.name("today").is_some() {
            0
        } else {
            1
        };
        let date = reference.date_naive() - Duration::days(days_back);
        let mut found = FoundDate::day(date);
        if let Some((time, offset)) = captures.name("time").and_then(|m| parse_time(m.as_str())) {
            found.time = Some(time);
            found.offset = offset;
        }
        return Some(found);
    }
    let captures = RELATIVE_AGO.captures(text)?;
    let (number, unit) = [("n1", "u1"), ("n2", "u2"), ("n3", "u3"), ("n4", "u4")]
        .iter()
        .find_map(|(n, u)| Some((captures.name(n)?, captures.name(u)?)))?;
    let number = match number.as_str().parse::<u32>() {
        Ok(n) => i64::from(n),
        // "an hour ago", "vor einer Stunde", "hace una hora", "il y a une heure".
        Err(_) => 1,
    };
    let unit = unit.as_str().to_lowercase();
    let is = |prefixes: &[&str]| prefixes.iter().any(|p| unit.starts_with(p));
    let ago = if is(&["min", "мин", "хвил", "dəq", "dak"]) {
        Duration::minutes(number)
    } else if is(&[
        "h",
        "час",
        "годин",
        "saat",
        "stunde",
        "godzin",
        "ore",
        "uur",
    ]) {
        Duration::hours(number)
    } else {
        Duration::days(number)
    };
    let instant = reference - ago;
    let utc = FixedOffset::east_opt(0)?;
    let found = FoundDate {
        date: instant.date_naive(),
        time: NaiveTime::from_hms_opt(instant.hour(), instant.minute(), 0),
        offset: Some(utc),
    };
    found.is_plausible(Some(reference)).then_some(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference() -> Option<DateTime<Utc>> {
        Some(
            DateTime::parse_from_rfc3339("2025-01-15T12:00:00Z")
                .expect("valid")
                .with_timezone(&Utc),
        )
    }

    fn context(order: DayOrder, short_years: bool) -> DateContext {
        DateContext {
            reference: reference(),
            order,
            short_years,
            url_month: None,
        }
    }

    fn dateline(text: &str) -> Option<String> {
        parse_dateline(text, reference()).map(|d| d.format())
    }

    /// A dateline read with two-digit years allowed, day first.
    fn short(text: &str) -> Option<String> {
        parse_dateline_in(text, &context(DayOrder::DayFirst, true)).map(|d| d.format())
    }

    fn machine(text: &str) -> Option<String> {
        parse_machine_date(text, reference()).map(|d| d.format())
    }

    #[test]
    fn solar_hijri_days_in_the_gregorian_calendar() {
        for (solar, gregorian) in [
            ((1403, 1, 1), "2024-03-20"),
            ((1403, 7, 17), "2024-10-08"),
            ((1403, 12, 30), "2025-03-20"),
            ((1404, 1, 1), "2025-03-21"),
            ((1402, 1, 1), "2023-03-21"),
            ((1401, 10, 1), "2022-12-22"),
            ((1399, 1, 1), "2020-03-20"),
            ((1357, 11, 22), "1979-02-11"),
        ] {
            let (y, m, d) = solar;
            assert_eq!(
                solar_hijri_to_gregorian(y, m, d)
                    .map(|date| date.to_string())
                    .as_deref(),
                Some(gregorian),
                "{solar:?}"
            );
        }
        // 1402 is no leap year: its Esfand has 29 days.
        for (y, m, d) in [(1403, 7, 31), (1403, 13, 1), (1403, 1, 0), (1402, 12, 30)] {
            assert_eq!(solar_hijri_to_gregorian(y, m, d), None, "{y} {m} {d}");
        }
    }

    #[test]
    fn datelines_in_south_and_south_east_asian_scripts() {
        table(
            dateline,
            &[
                // Hindi and Bengali month names, in Western digits and in their own
                ("प्रकाशित: बुध, 23 अगस्त 2023 07:10 PM", Some("2023-08-23")),
                ("दिनांक: १४ सितम्बर २०२२", Some("2022-09-14")),
                ("५ फ़रवरी २०२४", Some("2024-02-05")),
                ("प्रकाश: ১৪ এপ্রিল ২০২৪", Some("2024-04-14")),
                ("৩ জানুয়ারি ২০২৩", Some("2023-01-03")),
                // Thai: the Buddhist era, with and without its abbreviation; a year before
                // 2400 is the Common Era's; Thai digits
                ("วันที่ 25 ตุลาคม พ.ศ. 2565", Some("2022-10-25")),
                ("13 เม.ย. 2566 15:20 น.", Some("2023-04-13")),
                ("3 มี.ค. 2024", Some("2024-03-03")),
                ("๑๓ กุมภาพันธ์ ๒๕๖๗", Some("2024-02-13")),
                // Taiwan: a Minguo year in figures after a date's label, and not without one
                ("發布日期：112-10-05", Some("2023-10-05")),
                ("更新日期:112/10/06", Some("2023-10-06")),
                ("發布日期：112-10/05", None),
                ("電話 112-10-05", None),
            ],
        );
        // Two-digit Buddhist years ("67" for 2567) only where two-digit years are allowed.
        assert_eq!(short("14 ม.ค. 67 21:04:11").as_deref(), Some("2024-01-14"));
        assert_eq!(dateline("14 ม.ค. 67 21:04:11"), None);
        // Where a Minguo date sits: after its label.
        let text = "發布日期：112-10-05";
        let found: Vec<DateMatch> = find_dates(text, &DateContext::default()).collect();
        assert_eq!(found.len(), 1);
        assert_eq!(&text[found[0].range()], "112-10-05");
    }

    /// Table check: every text reads as the expected date (`None`: no date).
    fn table(read: impl Fn(&str) -> Option<String>, cases: &[(&str, Option<&str>)]) {
        let failures: Vec<String> = cases
            .iter()
            .filter_map(|&(text, want)| {
                let got = read(text);
                (got.as_deref() != want).then(|| format!("{text:?}: want {want:?}, got {got:?}"))
            })
            .collect();
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }

    #[test]
    fn english_datelines() {
        table(
            dateline,
            &[
                ("2 September 2024 14:12", Some("2024-09-02")),
                ("Monday, September 2, 2024", Some("2024-09-02")),
                ("Published Sep. 2nd, 2024", Some("2024-09-02")),
                (
                    "April 28, 2019 at 6:01 pm UTC",
                    Some("2019-04-28T18:01:00Z"),
                ),
                ("22 Dec 2016 10:43 GMT", Some("2016-12-22T10:43:00Z")),
                ("Published: 10:00am, 20 Jan, 2020", Some("2020-01-20")),
                ("Posted On May 10, 2022 01:52 PM", Some("2022-05-10")),
                ("Tuesday | April 26, 2022 | 9:52 PM", Some("2022-04-26")),
                ("Nov 8, 2023 / 04:43 PM CST", Some("2023-11-08")),
                (
                    "Nov 8, 2023 / 04:43 PM EST",
                    Some("2023-11-08T16:43:00-05:00"),
                ),
                ("Jun 18th 2018", Some("2018-06-18")),
                ("03-Mar-2021", Some("2021-03-03")),
                ("2021-03-03T10:00", Some("2021-03-03")),
                ("Posted 3-Mar-2021 10:15", Some("2021-03-03")),
                ("Thursday, November 9, 2023 4:41AM", Some("2023-11-09")),
                (
                    "Last updated 04 Jun 2020, originally created 17 Jun 2019",
                    Some("2020-06-04"),
                ),
                // A mail archive's header, with a known zone and with an ambiguous one.
                (
                    "Thu Nov 14 23:41:07 PST 2002",
                    Some("2002-11-14T23:41:07-08:00"),
                ),
                ("Mon Mar  3 09:02:11 CST 2008", Some("2008-03-03")),
                ("Nov 14 23:41 2002", Some("2002-11-14")),
                // A log line's time with no year is no date.
                (
                    "Nov 14 23:41:07 fileserver kernel: nfs: server not responding",
                    None,
                ),
            ],
        );
        let found = parse_dateline("2 September 2024 14:12", None).expect("date");
        assert_eq!(found.time, NaiveTime::from_hms_opt(14, 12, 0));
        let found = parse_dateline("9:40 p.m. - May 3, 2022", None).expect("date");
        assert_eq!(found.time, NaiveTime::from_hms_opt(21, 40, 0));
    }

    #[test]
    fn russian_ukrainian_azerbaijani_turkish_datelines() {
        table(
            dateline,
            &[
                ("3 сентября 2024", Some("2024-09-03")),
                ("3 сентября 2024 г., 14:12", Some("2024-09-03")),
                ("15 августа 2016, 13:43", Some("2016-08-15")),
                ("12 ЯНВАРЯ 2025", Some("2025-01-12")),
                ("03.09.2024", Some("2024-09-03")),
                ("15:30 МСК 03.09.2024", Some("2024-09-03T15:30:00+03:00")),
                ("5 травня 2023 р.", Some("2023-05-05")),
                ("12 грудня 2024 року, 09:15", Some("2024-12-12")),
                ("7 fevral 2024", Some("2024-02-07")),
                ("07 Fevral 2024, 14:12", Some("2024-02-07")),
                ("2024-yil 15-fevral", Some("2024-02-15")),
                ("更新日：令和6年2月9日", Some("2024-02-09")),
                ("۱۷ مهر ۱۴۰۳ - ۱۵:۲۰", Some("2024-10-08")),
                ("۱ فروردین ۱۴۰۳", Some("2024-03-20")),
                ("29 اسفند 1402", Some("2024-03-19")),
                ("22 بهمن 1357", None),
                ("令和元年5月1日", Some("2019-05-01")),
                ("掲載日：2021年（令和3年）4月1日", Some("2021-04-01")),
                ("2021年(令和3年)4月1日", Some("2021-04-01")),
                ("平成31年4月30日", Some("2019-04-30")),
                ("發布日期：民國112年10月5日", Some("2023-10-05")),
                ("令和6年度の予算", None),
                ("2024 y. 4-mart, 10:30", Some("2024-03-04")),
                ("2024 йил 15 феврал", Some("2024-02-15")),
                ("2023 жылғы 5 қыркүйек", Some("2023-09-05")),
                ("2024-yil 15-ta fermer", None),
                ("12 Şubat 2024", Some("2024-02-12")),
                ("12 SUBAT 2024", Some("2024-02-12")),
                ("1 Ağustos 2023 Salı", Some("2023-08-01")),
                ("29 Ekim 2024 saat 10:15", Some("2024-10-29")),
                ("14 Şub 2022", Some("2022-02-14")),
                ("3 Ara 2023 14:35", Some("2023-12-03")),
                ("Anasayfa › Isıtma | 21 Ağu 2022", Some("2022-08-21")),
            ],
        );
        let found = parse_dateline("26-12-2023 [22:31]", None).expect("date");
        assert_eq!(
            found.date,
            NaiveDate::from_ymd_opt(2023, 12, 26).expect("valid")
        );
        assert_eq!(found.time, NaiveTime::from_hms_opt(22, 31, 0));
        let found = parse_dateline("14:12 03.09.2024", None).expect("date");
        assert_eq!(found.time, NaiveTime::from_hms_opt(14, 12, 0));
        let found = parse_dateline("3 сентября 2024 г., 14:12", None).expect("date");
        assert_eq!(found.time, NaiveTime::from_hms_opt(14, 12, 0));
    }

    #[test]
    fn german_french_spanish_portuguese_italian_polish_datelines() {
        table(
            dateline,
            &[
                ("2. März 2024, 10:15 Uhr", Some("2024-03-02")),
                ("31. Jan. 2022", Some("2022-01-31")),
                ("Sa, 19. Okt 2019", Some("2019-10-19")),
                ("4. 2. 2022.", Some("2022-02-04")),
                ("18. 05. 2014 22:38", Some("2014-05-18")),
                ("26 | 01 | 2022", Some("2022-01-26")),
                ("Mittwoch, 02.02.2022, 11:17 Uhr", Some("2022-02-02")),
                ("le 14 juillet 2023 à 09h30", Some("2023-07-14")),
                ("1er août 2021", Some("2021-08-01")),
                ("lundi 9 décembre 2019 à 09h08", Some("2019-12-09")),
                ("19 FEB 2020 - 18:37 CET", Some("2020-02-19T18:37:00+01:00")),
                ("3 de mayo de 2022", Some("2022-05-03")),
                ("Miércoles 04 mayo de 2022 | 01:10", Some("2022-05-04")),
                ("26, Abril, 2022", Some("2022-04-26")),
                ("mayo 11, 2022", Some("2022-05-11")),
                (
                    "miércoles, 11 de mayo de 2022 - 3:40 a.m.",
                    Some("2022-05-11"),
                ),
                ("4 de maio de 2022", Some("2022-05-04")),
                ("Pubblicato il 19 Febbraio 2020", Some("2020-02-19")),
                ("28 kwietnia 2021, 06:29", Some("2021-04-28")),
                ("3 października 2022", Some("2022-10-03")),
                ("Dezember 26, 2019", Some("2019-12-26")),
                ("الجمعة 8 فيفري 2019", Some("2019-02-08")),
            ],
        );
        assert_eq!(
            parse_dateline("le 14 juillet 2023 à 09h30", None).and_then(|d| d.time),
            NaiveTime::from_hms_opt(9, 30, 0)
        );
        assert_eq!(
            parse_dateline("07/05/2022 20H06", None).and_then(|d| d.time),
            NaiveTime::from_hms_opt(20, 6, 0)
        );
    }

    #[test]
    fn more_languages_and_year_first_datelines() {
        table(
            dateline,
            &[
                ("3. března 2021", Some("2021-03-03")),
                ("Publikováno 14. října 2022 15:20", Some("2022-10-14")),
                ("12. septembra 2023", Some("2023-09-12")),
                ("2021. március 3.", Some("2021-03-03")),
                ("2023. szept. 14. 08:15", Some("2023-09-14")),
                ("2004 m. kovo 14 d.", Some("2004-03-14")),
                ("2021 m. rugsėjo 3 d. 10:15", Some("2021-09-03")),
                ("2012. gada 17. aprīlī", Some("2012-04-17")),
                ("Otrdiena, 17 Aprīlis, 2012 - 14:05", Some("2012-04-17")),
                ("28. nóvember 2023", Some("2023-11-28")),
                ("14. märts 2024", Some("2024-03-14")),
                ("12. marca 2024", Some("2024-03-12")),
                ("3 de maig de 2022", Some("2022-05-03")),
                ("5 de xullo de 2021", Some("2021-07-05")),
                ("12 nëntor 2023", Some("2023-11-12")),
                ("3 martie 2021", Some("2021-03-03")),
                ("3. maaliskuuta 2021", Some("2021-03-03")),
                ("3. marts 2021", Some("2021-03-03")),
                ("14 augusti 2022", Some("2022-08-14")),
                ("3 Maret 2021", Some("2021-03-03")),
                ("17 Agustus 2023", Some("2023-08-17")),
                ("5. oktobar 2022.", Some("2022-10-05")),
                ("3 март 2021", Some("2021-03-03")),
                ("12 септември 2023", Some("2023-09-12")),
                ("3 Μαρτίου 2021", Some("2021-03-03")),
                ("2021年3月3日 14:20", Some("2021-03-03")),
                ("公開日：2022年10月5日", Some("2022-10-05")),
                ("2021년 3월 3일", Some("2021-03-03")),
                ("입력 2021.03.03 14:20", Some("2021-03-03")),
                // A year before a month without a day is no date.
                ("2021. March", None),
                ("im Jahr 2021 März", None),
            ],
        );
    }

    #[test]
    fn two_digit_years_only_where_allowed() {
        table(
            short,
            &[
                ("19.10.19, 11:29 Uhr", Some("2019-10-19")),
                ("am 26/10/13, 03:48 pm", Some("2013-10-26")),
                ("31.10.23", Some("2023-10-31")),
                ("( Pescasseroli, 14 Gennaio 20 )", Some("2020-01-14")),
                (
                    "Veröffentlicht am 19.10.19 um 14:34 Uhr",
                    Some("2019-10-19"),
                ),
                ("12.12.99", Some("1999-12-12")),
                // 94 is read as 2094, after the reference.
                ("12.12.94", None),
                ("1.2.3", None),
                // A day and month without a year, then a time: "14" is the hour.
                ("3.3. 14:20 Uhr", None),
                ("2021. 3. 3. 14:20", Some("2021-03-03")),
            ],
        );
        table(
            dateline,
            &[("19.10.19, 11:29 Uhr", None), ("14 Gennaio 20", None)],
        );
    }

    #[test]
    fn numeric_orders() {
        let day_first =
            |t: &str| parse_dateline_in(t, &context(DayOrder::DayFirst, false)).map(|d| d.format());
        let month_first = |t: &str| {
            parse_dateline_in(t, &context(DayOrder::MonthFirst, false)).map(|d| d.format())
        };
        table(
            day_first,
            &[
                ("2024-09-02", Some("2024-09-02")),
                ("2024/9/2", Some("2024-09-02")),
                ("02/09/2024", Some("2024-09-02")),
                ("09/25/2024", Some("2024-09-25")),
                ("03.09.2024", Some("2024-09-03")),
                ("31.02.2024", None),
                ("4.2/2022", None),
            ],
        );
        table(
            month_first,
            &[
                ("02/09/2024", Some("2024-02-09")),
                ("07-29-2008", Some("2008-07-29")),
                ("25/09/2024", Some("2024-09-25")),
                ("2024-09-02", Some("2024-09-02")),
            ],
        );
        // A weekday before the date settles the order either way: the 5th of March 2024 was a
        // Tuesday, the 3rd of May a Friday.
        for parse in [day_first, month_first] {
            table(
                parse,
                &[
                    ("Tue, 03/05/2024 - 10:00", Some("2024-03-05")),
                    ("Fri 03/05/2024", Some("2024-05-03")),
                    ("Опубликовано admin в Вт, 03/05/2024", Some("2024-03-05")),
                    ("Freitag, 03.05.2024", Some("2024-05-03")),
                ],
            );
        }
        // A weekday that fits neither reading leaves the page's order.
        assert_eq!(
            day_first("dimanche 03.05.2024").as_deref(),
            Some("2024-05-03")
        );
        assert_eq!(
            month_first("Sunday 03.05.2024").as_deref(),
            Some("2024-03-05")
        );
        assert_eq!(DayOrder::for_language_tag("en-US"), DayOrder::MonthFirst);
        assert_eq!(DayOrder::for_language_tag("en_us"), DayOrder::MonthFirst);
        assert_eq!(DayOrder::for_language_tag("en-GB"), DayOrder::DayFirst);
        for (tag, region) in [
            ("en-US", Some("US")),
            ("en_us", Some("us")),
            ("en-Latn-GB", Some("GB")),
            ("en", None),
            ("zh-Hans", None),
            ("", None),
        ] {
            assert_eq!(region_subtag(tag), region, "{tag}");
        }
        assert_eq!(DayOrder::for_language_tag("en"), DayOrder::DayFirst);
        assert_eq!(DayOrder::for_language_tag("es-US"), DayOrder::DayFirst);
        assert_eq!(DayOrder::for_language_tag("ru-RU"), DayOrder::DayFirst);
    }

    #[test]
    fn rejects_future_and_ancient_dates() {
        table(
            dateline,
            &[
                ("1 January 2030", None),
                ("12 June 1815", None),
                ("1 May 1994", None),
                ("1 May 1995", Some("1995-05-01")),
                // An implausible date gives way to a later plausible one.
                (
                    "The treaty of 1 May 1989 was signed; updated 3 March 2020",
                    Some("2020-03-03"),
                ),
                // Today is fine; the day after the reference is not.
                ("15 January 2025", Some("2025-01-15")),
                ("17 January 2025", None),
            ],
        );
        // Without a reference there is no future check.
        assert!(parse_dateline("1 January 2030", None).is_some());
    }

    #[test]
    fn no_date_and_garbage() {
        table(
            dateline,
            &[
                ("", None),
                ("no date here", None),
                ("99 Smarch 2024", None),
                ("Call 12 34 56 78", None),
                ("2024", None),
                ("10:30", None),
                ("Firefox 2.0.0.16", None),
                ("192.168.1.10", None),
                ("\u{0}\u{FFFD}", None),
                ("marzo2020", None),
            ],
        );
        let huge = "word ".repeat(1_000_000) + "2 September 2024";
        // Only the beginning of a long text is read as a dateline.
        assert_eq!(dateline(&huge), None);
        // find_dates reads all it is given, in linear time, however hostile.
        let digits = "1".repeat(2_000_000);
        assert_eq!(find_dates(&digits, &DateContext::default()).count(), 0);
        let dots = "12.".repeat(500_000);
        assert_eq!(find_dates(&dots, &DateContext::default()).count(), 0);
    }

    #[test]
    fn eastern_digits_are_read_and_placed_in_the_text() {
        let context = DateContext::default();
        for (text, want, shown) in [
            (
                "نُشر في: ١٤ مايو ٢٠٢٣ - ٠٠:٢٠ |",
                "2023-05-14 00:20:00",
                "١٤ مايو ٢٠٢٣ - ٠٠:٢٠",
            ),
            ("۱۴ مه ۲۰۲۳ / 2023-05-14", "2023-05-14", "2023-05-14"),
        ] {
            let found: Vec<DateMatch> = find_dates(text, &context).collect();
            assert_eq!(found.len(), 1, "{text}");
            let date = found[0].date;
            let read = date
                .local()
                .map_or(date.date.to_string(), |t| t.to_string());
            assert_eq!(read, want, "{text}");
            assert_eq!(text[found[0].range()].trim_end(), shown, "{text}");
        }
        // Arabic-Indic, Persian, Devanagari, Bengali and Thai zeros, and the nine after each.
        for zero in ['\u{0660}', '\u{06F0}', '\u{0966}', '\u{09E6}', '\u{0E50}'] {
            for value in 0..10u8 {
                let c = char::from_u32(zero as u32 + u32::from(value)).expect("a digit");
                assert_eq!(eastern_digit(c), Some(value), "{c}");
                assert!(has_eastern_digits(&format!("a{c}b")), "{c}");
            }
        }
        // Neighbours of the digits: Persian's ۺ, the Arabic percent sign, Devanagari's ॐ
        // and abbreviation sign ॰, Bengali's rupee mark, Thai's baht sign and ๚.
        assert!(!has_eastern_digits("ف 2024 ۺ ٪ ॐ ॰ ৳ ฿ ๚"));
        // A Solar Hijri year is no plausible Gregorian one.
        assert_eq!(find_dates("۱۴۰۲/۰۲/۲۴", &context).count(), 0);
    }

    #[test]
    fn a_dateline_without_its_year_is_read_in_the_address_month() {
        let june = (2013, 6);
        for (text, want) in [
            ("Mardi 18 juin, 21:05", Some("2013-06-18")),
            ("June 18th", Some("2013-06-18")),
            ("18. Juni", Some("2013-06-18")),
            ("18 июня", Some("2013-06-18")),
            // Another month, a line too long to be a dateline, no month at all.
            ("Mardi 18 mai, 21:05", None),
            (
                "Les orages du 18 juin ont touché tous les vignobles du canton",
                None,
            ),
            ("18 commentaires", None),
            ("Juin 2013", None),
        ] {
            assert_eq!(
                yearless_dateline(text, june, None)
                    .map(|d| d.format())
                    .as_deref(),
                want,
                "{text}"
            );
        }
        // Not after the fetch.
        assert_eq!(yearless_dateline("18 juin", (2030, 6), reference()), None);
    }

    #[test]
    fn find_dates_gives_positions() {
        let text = "Updated: 3 March 2020, 10:15. Published 2 March 2020";
        let context = DateContext::default();
        let found: Vec<DateMatch> = find_dates(text, &context).collect();
        assert_eq!(found.len(), 2);
        assert_eq!(&text[..found[0].start], "Updated: ");
        assert_eq!(&text[found[0].range()], "3 March 2020, 10:15");
        assert_eq!(&text[found[1].range()], "2 March 2020");
        // Month-first match starts at the month name, not at the character before it.
        let text = "on September 2, 2024";
        let found: Vec<DateMatch> = find_dates(text, &context).collect();
        assert_eq!(&text[found[0].range()], "September 2, 2024");
    }

    #[test]
    fn relative_datelines_need_a_reference_and_stand_alone() {
        table(
            dateline,
            &[
                ("Сегодня, 14:12", Some("2025-01-15")),
                ("Bugün 09:30", Some("2025-01-15")),
                ("Yesterday", Some("2025-01-14")),
                ("вчера в 18:05", Some("2025-01-14")),
                ("dünən", Some("2025-01-14")),
                ("ayer", Some("2025-01-14")),
                ("3 hours ago", Some("2025-01-15T09:00:00Z")),
                (
                    "di Lorenzo Cappelli · 3 ore fa",
                    Some("2025-01-15T09:00:00Z"),
                ),
                ("Кеше, 14:30", Some("2025-01-14")),
                ("Вчера, 14:30 1 847", Some("2025-01-14")),
                // A count after a relative day with no time is not taken for one.
                ("Вчера 1 847", None),
                ("an hour ago", Some("2025-01-15T11:00:00Z")),
                ("2 часа назад", Some("2025-01-15T10:00:00Z")),
                ("2 години тому", Some("2025-01-15T10:00:00Z")),
                ("5 saat əvvəl", Some("2025-01-15T07:00:00Z")),
                ("2 saat önce", Some("2025-01-15T10:00:00Z")),
                ("vor 2 Tagen", Some("2025-01-13T12:00:00Z")),
                ("vor einer Stunde", Some("2025-01-15T11:00:00Z")),
                ("il y a 3 heures", Some("2025-01-15T09:00:00Z")),
                ("hace 4 minutos", Some("2025-01-15T11:56:00Z")),
                ("hace una hora", Some("2025-01-15T11:00:00Z")),
                ("há 2 horas", Some("2025-01-15T10:00:00Z")),
                ("3 ore fa", Some("2025-01-15T09:00:00Z")),
                ("2 godziny temu", Some("2025-01-15T10:00:00Z")),
                ("10 minutes ago", Some("2025-01-15T11:50:00Z")),
                // In a sentence, "today" is not a dateline.
                ("The parliament voted today on the new election law", None),
                ("today is a good day to vote", None),
            ],
        );
        assert_eq!(
            parse_dateline("Сегодня, 14:12", reference()).and_then(|d| d.time),
            NaiveTime::from_hms_opt(14, 12, 0)
        );
        // Without a reference there is nothing to be relative to.
        assert_eq!(parse_dateline("Сегодня, 14:12", None), None);
        assert_eq!(parse_dateline("3 hours ago", None), None);
    }

    #[test]
    fn machine_dates() {
        table(
            machine,
            &[
                (
                    "2015-07-10T09:53:00-04:00",
                    Some("2015-07-10T09:53:00-04:00"),
                ),
                (
                    "2021-11-01T10:52:50+0100",
                    Some("2021-11-01T10:52:50+01:00"),
                ),
                ("2019-01-03T07:00:02.000Z", Some("2019-01-03T07:00:02Z")),
                ("2017-11-03 03:01:00.000000", Some("2017-11-03")),
                ("2018-04-05T06:00", Some("2018-04-05")),
                ("2024-06-25", Some("2024-06-25")),
                ("20240625", Some("2024-06-25")),
                ("2022-5-3T23:57:00", Some("2022-05-03")),
                ("2022-05-6T12:00:00.000Z", Some("2022-05-06T12:00:00Z")),
                ("2023-11-08 16:43:30", Some("2023-11-08")),
                ("2023-11-08 17:00:35 +00:00", Some("2023-11-08T17:00:35Z")),
                (
                    "Thu, 22 Dec 2016 10:43:37 -0800",
                    Some("2016-12-22T10:43:37-08:00"),
                ),
                (
                    "Tue, 4 May 2021 19:18:00 +0200",
                    Some("2021-05-04T19:18:00+02:00"),
                ),
                (
                    "Wed, 04 May 2022 02:41:00 GMT",
                    Some("2022-05-04T02:41:00Z"),
                ),
                ("Fri Feb 18 10:27:24 2022", Some("2022-02-18")),
                (
                    "Mon Oct 11 14:57:21 CEST 2021",
                    Some("2021-10-11T14:57:21+02:00"),
                ),
                ("1651626439", Some("2022-05-04T01:07:19Z")),
                ("1558442573000", Some("2019-05-21T12:42:53Z")),
                ("December 22, 2016", Some("2016-12-22")),
                ("11.11.2021", Some("2021-11-11")),
                ("2099-01-01T00:00:00Z", None),
                ("0001-01-01T00:00:00Z", None),
                ("1970-01-01T01:00:00+01:00", None),
                ("2024-13-45", None),
                ("123456", None),
                ("", None),
                ("not a date", None),
            ],
        );
        // Numeric values follow the page's order.
        let us = DateContext {
            order: DayOrder::MonthFirst,
            ..DateContext::default()
        };
        assert_eq!(
            parse_machine_date_in("01/10/2017", &us)
                .map(|d| d.format())
                .as_deref(),
            Some("2017-01-10")
        );
        assert_eq!(
            parse_machine_date("01/10/2017", None)
                .map(|d| d.format())
                .as_deref(),
            Some("2017-10-01")
        );
    }

    #[test]
    fn instant_in_the_future_by_minutes_is_rejected() {
        assert_eq!(machine("2025-01-15T12:30:00Z"), None);
        assert_eq!(
            machine("2025-01-15T11:30:00Z").as_deref(),
            Some("2025-01-15T11:30:00Z")
        );
        // 15:00 in UTC+5 is before noon UTC; 23:00 in UTC+5 is after it.
        assert_eq!(
            machine("2025-01-15T15:00:00+05:00").as_deref(),
            Some("2025-01-15T15:00:00+05:00")
        );
        assert_eq!(machine("2025-01-15T23:00:00+05:00"), None);
    }

    #[test]
    fn moving_an_instant_to_the_page_offset() {
        let utc = parse_machine_date("2023-01-17T00:30:41Z", None).expect("date");
        assert!(utc.is_utc());
        let pacific = FixedOffset::west_opt(8 * 3600).expect("valid");
        assert_eq!(
            utc.at_offset(pacific).map(|d| d.format()).as_deref(),
            Some("2023-01-16T16:30:41-08:00")
        );
        let local = parse_dateline("16 January 2023, 16:30", None).expect("date");
        assert!(!local.is_utc());
        assert_eq!(local.at_offset(pacific), None);
    }

    #[test]
    fn url_query_dates() {
        let found = |url: &str| {
            let url = url::Url::parse(url).expect("a URL");
            date_from_url(&url, reference()).map(|d| d.format())
        };
        table(
            found,
            &[
                (
                    "https://oster.example/news.php?date=2023-06-02&id=4417",
                    Some("2023-06-02"),
                ),
                (
                    "https://a.example/item?id=7&pubDate=20230602",
                    Some("2023-06-02"),
                ),
                (
                    "https://a.example/2024/09/02/story?date=2023-06-02",
                    Some("2024-09-02"),
                ),
                ("https://a.example/news.php?id=20230602", None),
                ("https://a.example/calendar?date=2023-13-02", None),
            ],
        );
    }

    #[test]
    fn url_dates() {
        let found = |path: &str| date_from_url_path(path, reference()).map(|d| d.format());
        table(
            found,
            &[
                ("/2024/09/02/some-story", Some("2024-09-02")),
                ("/news/2024-09-02-some-story.html", Some("2024-09-02")),
                ("/archive/20240902/", Some("2024-09-02")),
                ("/seguridad/2022/5/3/policia-anuncia", Some("2022-05-03")),
                ("/Reden/2003/03/20030331_Rede2.html", Some("2003-03-31")),
                ("/news/turnout-record-20240902", Some("2024-09-02")),
                ("/news/turnout_2024_09_02.html", Some("2024-09-02")),
                ("/news/turnout-2024-09-02/", Some("2024-09-02")),
                ("/item/12020240902", None),
                ("/item/a20240902", None),
                ("/2024/09/some-story", None),
                ("/2024/10/123456", None),
                ("/id/1234567890/", None),
                ("/2031/01/01/future", None),
                ("/1994/01/01/old", None),
            ],
        );
        assert_eq!(month_from_url_path("/2024/09/some-story"), Some((2024, 9)));
        assert_eq!(
            month_from_url_path("/ambiente/articulo/2022/5/slug"),
            Some((2022, 5))
        );
        assert_eq!(month_from_url_path("/2024/10/123456"), Some((2024, 10)));
        assert_eq!(month_from_url_path("/2024/09/02/story"), Some((2024, 9)));
        assert_eq!(month_from_url_path("/magazine/2023/keine-panik"), None);
        let hostile = "/2024".repeat(100_000);
        assert_eq!(date_from_url_path(&hostile, None), None);
    }

    #[test]
    fn offsets() {
        assert_eq!(parse_offset("+04:00"), FixedOffset::east_opt(4 * 3600));
        assert_eq!(
            parse_offset("-0530"),
            FixedOffset::west_opt(5 * 3600 + 1800)
        );
        assert_eq!(parse_offset("+03"), FixedOffset::east_opt(3 * 3600));
        assert_eq!(parse_offset("+99:00"), None);
        assert_eq!(zone_offset("UTC+4"), FixedOffset::east_opt(4 * 3600));
        assert_eq!(zone_offset("GMT-05:00"), FixedOffset::west_opt(5 * 3600));
        assert_eq!(zone_offset("CEST"), FixedOffset::east_opt(2 * 3600));
    }
}
