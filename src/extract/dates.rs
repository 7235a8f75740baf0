//! Publication and modification dates: machine-readable metadata and human datelines.
//!
//! Two kinds of input reach this module. Metadata values (`article:published_time`, JSON-LD
//! `datePublished`, `<time datetime>`, dates in the URL path) are meant for machines and come
//! in ISO 8601 / RFC 3339 or RFC 2822 form, sloppily: missing seconds or offsets, `+0100`,
//! a space instead of `T`, microseconds. Visible datelines ("2 September 2024 14:12",
//! "Monday, September 2, 2024", "3 сентября 2024", "7 fevral 2024", "26-12-2023 [22:31]")
//! are meant for people, in the page's language; [`parse_dateline`] reads them in English,
//! Russian, Ukrainian, Azerbaijani, Turkish, German, French and Polish.
//!
//! Every date is checked for plausibility: nothing before 1990 (the web's news archives start
//! later; earlier years in pages are history, not publication dates) and nothing in the future
//! relative to the reference time the caller provides (the fetch time). The module reads no
//! clock: without a reference, no future check is possible and none is pretended.
//!
//! Output is RFC 3339 when both the time and its UTC offset are known. A dateline's time
//! without a zone ("14:12") is local time at an unknown offset: turning it into an instant
//! would invent information, so such dates are formatted as `YYYY-MM-DD` and the time stays
//! available in [`FoundDate::time`].

use std::fmt;
use std::sync::LazyLock;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, SecondsFormat,
    Timelike, Utc,
};
use regex::Regex;

/// The earliest year accepted as a publication date.
const MIN_YEAR: i32 = 1990;

/// The largest UTC offset in use (UTC+14), the slack for "today" in a zone ahead of UTC.
const MAX_OFFSET_HOURS: i64 = 14;

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

    /// The instant, when time and offset are both known.
    pub fn instant(&self) -> Option<DateTime<FixedOffset>> {
        let time = self.time?;
        let offset = self.offset?;
        NaiveDateTime::new(self.date, time)
            .and_local_timezone(offset)
            .single()
    }

    /// RFC 3339 (`2024-09-02T14:12:00+04:00`, `…Z` for UTC) when the instant is known, else
    /// `YYYY-MM-DD`.
    pub fn format(&self) -> String {
        match self.instant() {
            Some(instant) => instant.to_rfc3339_opts(SecondsFormat::Secs, true),
            None => self.date.format("%Y-%m-%d").to_string(),
        }
    }

    /// True when the date is in the accepted range: not before 1990 and, given a reference
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

/// ISO 8601-like timestamps as found in metadata, anchored at the start.
static ISO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)^\s*
        ([0-9]{4})-?([0-9]{2})-?([0-9]{2})                    # date, with or without dashes
        (?:[T\s]+
           ([0-9]{1,2}):?([0-9]{2})(?::?([0-9]{2})(?:[.,][0-9]+)?)?   # time
           \s*(Z|z|UTC|GMT|[+-][0-9]{2}(?::?[0-9]{2})?)?   # offset
        )?",
    )
    .expect("ISO regex is valid")
});

/// Parses a machine-readable date (metadata attribute or JSON-LD value).
///
/// Accepts RFC 3339 and common ISO 8601 variations, RFC 2822, Unix-less plain dates
/// (`20240902`), and falls back to [`parse_dateline`] for human-style values some CMSs put in
/// metadata. Returns `None` for anything implausible (see [`FoundDate::is_plausible`]).
pub fn parse_machine_date(value: &str, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
    let value = value.trim();
    if value.is_empty() || value.len() > 200 {
        return None;
    }
    let found = parse_iso(value)
        .or_else(|| {
            DateTime::parse_from_rfc2822(value)
                .ok()
                .map(|instant| FoundDate {
                    date: instant.date_naive(),
                    time: Some(instant.time()),
                    offset: Some(*instant.offset()),
                })
        })
        .or_else(|| parse_dateline(value, reference))?;
    found.is_plausible(reference).then_some(found)
}

fn parse_iso(value: &str) -> Option<FoundDate> {
    let captures = ISO.captures(value)?;
    let number = |i: usize| captures.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = i32::try_from(number(1)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(2)?, number(3)?)?;
    let mut found = FoundDate::day(date);
    if let (Some(hour), Some(minute)) = (number(4), number(5)) {
        found.time = NaiveTime::from_hms_opt(hour, minute, number(6).unwrap_or(0));
        found.offset = captures.get(7).and_then(|m| parse_offset(m.as_str()));
    }
    Some(found)
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
        2 => (digits.parse::<i32>().ok()?, 0),
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

/// A date in a URL path: `/2024/09/02/`, `/2024-09-02-slug`, `/20240902/`.
static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?x)
        /((?:19|20)[0-9]{2})[/\-_.]?(0[1-9]|1[0-2])[/\-_.]?(0[1-9]|[12][0-9]|3[01])(?:[/\-_.]|$|[^0-9])",
    )
    .expect("URL date regex is valid")
});

/// A year and month in a URL path (`/2024/09/slug`), which dates the article to that month
/// without giving its day: not precise enough to be a publication date, but enough to reject
/// datelines that contradict it.
pub fn date_from_url_path(path: &str, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
    for captures in URL_DATE.captures_iter(path) {
        let number = |i: usize| captures.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
        let (Some(year), Some(month), Some(day)) = (number(1), number(2), number(3)) else {
            continue;
        };
        let Ok(year) = i32::try_from(year) else {
            continue;
        };
        if let Some(date) = NaiveDate::from_ymd_opt(year, month, day) {
            let found = FoundDate::day(date);
            if found.is_plausible(reference) {
                return Some(found);
            }
        }
    }
    None
}

/// Month names and abbreviations, lower-case, with their month number. Inflected forms
/// (Russian and Polish genitive, "3 сентября") are listed explicitly.
const MONTHS: &[(&str, u32)] = &[
    // English
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
    // Russian: genitive, nominative, abbreviations
    ("января", 1),
    ("январь", 1),
    ("янв", 1),
    ("февраля", 2),
    ("февраль", 2),
    ("фев", 2),
    ("марта", 3),
    ("март", 3),
    ("мар", 3),
    ("апреля", 4),
    ("апрель", 4),
    ("апр", 4),
    ("мая", 5),
    ("май", 5),
    ("июня", 6),
    ("июнь", 6),
    ("июн", 6),
    ("июля", 7),
    ("июль", 7),
    ("июл", 7),
    ("августа", 8),
    ("август", 8),
    ("авг", 8),
    ("сентября", 9),
    ("сентябрь", 9),
    ("сен", 9),
    ("сент", 9),
    ("октября", 10),
    ("октябрь", 10),
    ("окт", 10),
    ("ноября", 11),
    ("ноябрь", 11),
    ("ноя", 11),
    ("нояб", 11),
    ("декабря", 12),
    ("декабрь", 12),
    ("дек", 12),
    // Ukrainian: genitive, nominative
    ("січня", 1),
    ("січень", 1),
    ("лютого", 2),
    ("лютий", 2),
    ("березня", 3),
    ("березень", 3),
    ("квітня", 4),
    ("квітень", 4),
    ("травня", 5),
    ("травень", 5),
    ("червня", 6),
    ("червень", 6),
    ("липня", 7),
    ("липень", 7),
    ("серпня", 8),
    ("серпень", 8),
    ("вересня", 9),
    ("вересень", 9),
    ("жовтня", 10),
    ("жовтень", 10),
    ("листопада", 11),
    ("листопад", 11),
    ("грудня", 12),
    ("грудень", 12),
    // Azerbaijani
    ("yanvar", 1),
    ("fevral", 2),
    ("mart", 3),
    ("aprel", 4),
    ("may", 5),
    ("iyun", 6),
    ("iyul", 7),
    ("avqust", 8),
    ("sentyabr", 9),
    ("oktyabr", 10),
    ("noyabr", 11),
    ("dekabr", 12),
    // Turkish
    ("ocak", 1),
    ("şubat", 2),
    ("nisan", 4),
    ("mayıs", 5),
    ("haziran", 6),
    ("temmuz", 7),
    ("ağustos", 8),
    ("eylül", 9),
    ("ekim", 10),
    ("kasım", 11),
    ("aralık", 12),
    // German
    ("januar", 1),
    ("jänner", 1),
    ("februar", 2),
    ("märz", 3),
    ("mai", 5),
    ("juni", 6),
    ("juli", 7),
    ("oktober", 10),
    ("dezember", 12),
    ("okt", 10),
    ("dez", 12),
    // French
    ("janvier", 1),
    ("janv", 1),
    ("février", 2),
    ("févr", 2),
    ("fevrier", 2),
    ("mars", 3),
    ("avril", 4),
    ("avr", 4),
    ("juin", 6),
    ("juillet", 7),
    ("juil", 7),
    ("août", 8),
    ("aout", 8),
    ("septembre", 9),
    ("octobre", 10),
    ("novembre", 11),
    ("décembre", 12),
    ("decembre", 12),
    ("déc", 12),
    // Polish: genitive, nominative
    ("stycznia", 1),
    ("styczeń", 1),
    ("lutego", 2),
    ("luty", 2),
    ("marca", 3),
    ("marzec", 3),
    ("kwietnia", 4),
    ("kwiecień", 4),
    ("maja", 5),
    ("maj", 5),
    ("czerwca", 6),
    ("czerwiec", 6),
    ("lipca", 7),
    ("lipiec", 7),
    ("sierpnia", 8),
    ("sierpień", 8),
    ("września", 9),
    ("wrzesień", 9),
    ("października", 10),
    ("październik", 10),
    ("listopada", 11),
    ("listopad", 11),
    ("grudnia", 12),
    ("grudzień", 12),
];

fn month_number(word: &str) -> Option<u32> {
    let lower = word.to_lowercase();
    let lower = lower.trim_end_matches('.');
    MONTHS
        .iter()
        .find(|(name, _)| *name == lower)
        .map(|&(_, number)| number)
}

/// Alternation of all month names, longest first so that "sept" is not cut to "sep".
fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().map(|(name, _)| *name).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    names.dedup();
    names
        .iter()
        .map(|name| regex::escape(name))
        .collect::<Vec<_>>()
        .join("|")
}

/// Time of day: `14:12`, `14:12:05`, `6:01 am`, `09h30`, optionally followed by a zone.
/// (`14.12` is not accepted: it is ambiguous with dates.) Digits are ASCII and word
/// boundaries ASCII-only (`(?-u:\b)`) so that the regex engine's fast DFA can run on
/// Cyrillic text.
const TIME: &str = r"([0-9]{1,2})[:h]([0-9]{2})(?::([0-9]{2}))?\s*([ap]\.?m\.?)?(?:\s*(Z|UTC|GMT|MSK|МСК|[+-][0-9]{2}:?[0-9]{2}))?";

/// All dateline shapes, as one regex with named groups so the earliest match wins.
static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    let months = month_alternation();
    let pattern = format!(
        r"(?xi)
        (?:(?P<t1>{TIME})\s*[,|/\-–—]?\s*)?      # optional time before the date
        (?:
            # 2 September 2024, 3 сентября 2024 г., 2. September 2024, 7 fevral 2024
            (?-u:\b)(?P<d1>[0-9]{{1,2}})(?:\.|st|nd|rd|th|er)?\s+(?P<m1>{months})\.?,?\s+(?P<y1>[0-9]{{4}})
          | # September 2, 2024, Sep. 2nd 2024
            (?:^|[^\p{{L}}])(?P<m2>{months})\.?\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>[0-9]{{4}})
          | # 2024-09-02, 2024/09/02, 2024.09.02
            (?-u:\b)(?P<y3>(?:19|20)[0-9]{{2}})[\-/.](?P<m3>[0-9]{{1,2}})[\-/.](?P<d3>[0-9]{{1,2}})(?-u:\b)
          | # 03.09.2024, 26-12-2023, 02/09/2024
            (?-u:\b)(?P<d4>[0-9]{{1,2}})(?P<s4>[.\-/])(?P<m4>[0-9]{{1,2}})[.\-/](?P<y4>(?:19|20)[0-9]{{2}})(?-u:\b)
        )
        (?:\s*(?:г\.|года|il|yıl|r\.)?\s*(?:[,|/\-–—]|at|um|à|в|o|saat)?\s*\[?\s*(?P<t2>{TIME}))?
        ",
    );
    Regex::new(&pattern).expect("dateline regex is valid")
});

/// Finds the first plausible date in a visible dateline or short text.
///
/// Understands day-month-year with month names in English, Russian, Ukrainian, Azerbaijani,
/// Turkish, German, French and Polish ("2 September 2024 14:12", "3 сентября 2024 г.",
/// "7 fevral 2024", "2. September 2024"), month-day-year ("Monday, September 2, 2024"),
/// numeric forms ("03.09.2024", "26-12-2023 [22:31]", "2024-09-02") read day-first unless
/// only month-first is valid, and a time before or after the date. Dates before 1990 or
/// after `reference` are skipped in favour of a later, plausible one.
pub fn parse_dateline(text: &str, reference: Option<DateTime<Utc>>) -> Option<FoundDate> {
    // Datelines are short; in long text, only the beginning is searched so a paragraph of
    // history does not cost a scan of the whole article.
    let text = prefix_bytes(text, 4096);
    DATELINE
        .captures_iter(text)
        .filter_map(|captures| dateline_from_captures(&captures))
        .find(|found| found.is_plausible(reference))
        .or_else(|| reference.and_then(|reference| relative_dateline(text, reference)))
}

/// Longest text read as a relative dateline: "today" and "2 hours ago" are datelines only
/// when they stand (nearly) alone, not as words in a sentence.
const MAX_RELATIVE_DATELINE: usize = 48;

/// "Сегодня, 14:12", "Bugün 09:30", "yesterday", "3 hours ago", "2 часа назад", "5 saat
/// əvvəl", "vor 2 Tagen": dates relative to the reference time.
static RELATIVE_DAY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)^\W*(?:(?P<today>today|сегодня|сьогодні|bugün|heute|aujourd'hui|dzisiaj|dziś)|(?P<yesterday>yesterday|вчера|вчора|dünən|dün|gestern|hier|wczoraj))\W*(?:(?:at|в|um|à|o|saat)\s*)?(?P<time>{TIME})?\W*$"
    ))
    .expect("relative day regex is valid")
});

static RELATIVE_AGO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\W*(?:
            (?P<n1>[0-9]{1,3})\s*(?P<u1>min(?:ute)?s?|hours?|hrs?|days?|минут[уы]?|мин|час(?:а|ов)?|дн(?:я|ей)|день|dəqiqə|saat|gün|dakika)\s+(?:ago|назад|əvvəl|öncə|önce)
          | vor\s+(?P<n2>[0-9]{1,3})\s+(?P<u2>Minuten?|Stunden?|Tagen?)
          | il\s+y\s+a\s+(?P<n3>[0-9]{1,3})\s+(?P<u3>minutes?|heures?|jours?)
        )\W*$",
    )
    .expect("relative ago regex is valid")
});

fn relative_dateline(text: &str, reference: DateTime<Utc>) -> Option<FoundDate> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_RELATIVE_DATELINE {
        return None;
    }
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
    let (number, unit) = [("n1", "u1"), ("n2", "u2"), ("n3", "u3")]
        .iter()
        .find_map(|(n, u)| Some((captures.name(n)?, captures.name(u)?)))?;
    let number = i64::from(number.as_str().parse::<u32>().ok()?);
    let unit = unit.as_str().to_lowercase();
    let ago = if unit.starts_with("min")
        || unit.starts_with("мин")
        || unit.starts_with("dəq")
        || unit.starts_with("dak")
    {
        Duration::minutes(number)
    } else if unit.starts_with('h')
        || unit.starts_with("час")
        || unit == "saat"
        || unit.starts_with("stunde")
    {
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

fn dateline_from_captures(captures: &regex::Captures<'_>) -> Option<FoundDate> {
    let text = |name: &str| captures.name(name).map(|m| m.as_str());
    let number = |name: &str| text(name).and_then(|s| s.parse::<u32>().ok());
    let (year, month, day) = if let Some(year) = number("y1") {
        (year, month_number(text("m1")?)?, number("d1")?)
    } else if let Some(year) = number("y2") {
        (year, month_number(text("m2")?)?, number("d2")?)
    } else if let Some(year) = number("y3") {
        (year, number("m3")?, number("d3")?)
    } else {
        let year = number("y4")?;
        let (first, second) = (number("d4")?, number("m4")?);
        // Day-first everywhere gleaner's sources are; month-first only when day-first is
        // impossible (09/25/2024).
        if second > 12 && first <= 12 && text("s4") == Some("/") {
            (year, first, second)
        } else {
            (year, second, first)
        }
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let mut found = FoundDate::day(date);
    let time_prefix = if captures.name("t2").is_some() {
        Some(2)
    } else if captures.name("t1").is_some() {
        Some(1)
    } else {
        None
    };
    if let Some(which) = time_prefix {
        // Re-parse the time group with the TIME regex on its own to read its parts.
        let time_text = text(if which == 2 { "t2" } else { "t1" })?;
        if let Some((time, offset)) = parse_time(time_text) {
            found.time = Some(time);
            found.offset = offset;
        }
    }
    Some(found)
}

static TIME_ALONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!("(?i)^{TIME}$")).expect("time regex is valid"));

fn parse_time(text: &str) -> Option<(NaiveTime, Option<FixedOffset>)> {
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
    let offset = captures.get(5).and_then(|m| match m.as_str() {
        // Moscow time has been UTC+3 since 2014; dates this module accepts with MSK are
        // overwhelmingly recent.
        zone if zone.eq_ignore_ascii_case("MSK") || zone.to_lowercase() == "мск" => {
            FixedOffset::east_opt(3 * 3600)
        }
        zone => parse_offset(&zone.to_ascii_uppercase()),
    });
    Some((time, offset))
}

fn prefix_bytes(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
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

    fn dateline(text: &str) -> Option<String> {
        parse_dateline(text, reference()).map(|d| d.format())
    }

    fn machine(text: &str) -> Option<String> {
        parse_machine_date(text, reference()).map(|d| d.format())
    }

    #[test]
    fn english_datelines() {
        assert_eq!(
            dateline("2 September 2024 14:12").as_deref(),
            Some("2024-09-02")
        );
        let found = parse_dateline("2 September 2024 14:12", None).expect("date");
        assert!(found.has_time());
        assert_eq!(found.time, NaiveTime::from_hms_opt(14, 12, 0));
        assert_eq!(
            dateline("Monday, September 2, 2024").as_deref(),
            Some("2024-09-02")
        );
        assert_eq!(
            dateline("Published Sep. 2nd, 2024").as_deref(),
            Some("2024-09-02")
        );
        assert_eq!(
            dateline("April 28, 2019 at 6:01 pm UTC").as_deref(),
            Some("2019-04-28T18:01:00Z")
        );
        assert_eq!(
            dateline("22 Dec 2016 10:43 GMT").as_deref(),
            Some("2016-12-22T10:43:00Z")
        );
    }

    #[test]
    fn russian_and_ukrainian_datelines() {
        assert_eq!(dateline("3 сентября 2024").as_deref(), Some("2024-09-03"));
        assert_eq!(
            dateline("3 сентября 2024 г., 14:12").as_deref(),
            Some("2024-09-03")
        );
        let found = parse_dateline("3 сентября 2024 г., 14:12", None).expect("date");
        assert_eq!(found.time, NaiveTime::from_hms_opt(14, 12, 0));
        assert_eq!(dateline("03.09.2024").as_deref(), Some("2024-09-03"));
        assert_eq!(dateline("14:12, 03.09.2024").map(|_| ()), Some(()));
        let found = parse_dateline("14:12 03.09.2024", None).expect("date");
        assert_eq!(found.time, NaiveTime::from_hms_opt(14, 12, 0));
        assert_eq!(dateline("12 ЯНВАРЯ 2025").as_deref(), Some("2025-01-12"));
        assert_eq!(dateline("5 травня 2023").as_deref(), Some("2023-05-05"));
        assert_eq!(
            dateline("15:30 МСК 03.09.2024").as_deref(),
            Some("2024-09-03T15:30:00+03:00")
        );
    }

    #[test]
    fn azerbaijani_and_turkish_datelines() {
        assert_eq!(dateline("7 fevral 2024").as_deref(), Some("2024-02-07"));
        let found = parse_dateline("26-12-2023 [22:31]", None).expect("date");
        assert_eq!(
            found.date,
            NaiveDate::from_ymd_opt(2023, 12, 26).expect("valid")
        );
        assert_eq!(found.time, NaiveTime::from_hms_opt(22, 31, 0));
        assert_eq!(dateline("12 Şubat 2024").as_deref(), Some("2024-02-12"));
        assert_eq!(
            dateline("1 Ağustos 2023 Salı").as_deref(),
            Some("2023-08-01")
        );
    }

    #[test]
    fn german_french_polish_datelines() {
        assert_eq!(
            dateline("2. März 2024, 10:15 Uhr").as_deref(),
            Some("2024-03-02")
        );
        assert_eq!(
            dateline("le 14 juillet 2023 à 09h30").as_deref(),
            Some("2023-07-14")
        );
        assert_eq!(
            parse_dateline("le 14 juillet 2023 à 09h30", None).and_then(|d| d.time),
            NaiveTime::from_hms_opt(9, 30, 0)
        );
        assert_eq!(
            dateline("3 października 2022").as_deref(),
            Some("2022-10-03")
        );
        assert_eq!(dateline("1er août 2021").as_deref(), Some("2021-08-01"));
        assert_eq!(dateline("le 1 août 2021").as_deref(), Some("2021-08-01"));
    }

    #[test]
    fn numeric_orders() {
        assert_eq!(dateline("2024-09-02").as_deref(), Some("2024-09-02"));
        assert_eq!(dateline("2024/9/2").as_deref(), Some("2024-09-02"));
        assert_eq!(dateline("02/09/2024").as_deref(), Some("2024-09-02"));
        assert_eq!(dateline("09/25/2024").as_deref(), Some("2024-09-25"));
        assert_eq!(dateline("31.02.2024"), None);
    }

    #[test]
    fn rejects_future_and_ancient_dates() {
        assert_eq!(dateline("1 January 2030"), None);
        assert_eq!(dateline("12 June 1815"), None);
        assert_eq!(dateline("1 May 1989"), None);
        // Skips an implausible date in favour of a later plausible one.
        assert_eq!(
            dateline("The treaty of 1 May 1989 was signed; updated 3 March 2020").as_deref(),
            Some("2020-03-03")
        );
        // Today is fine; the day after the reference is not.
        assert_eq!(dateline("15 January 2025").as_deref(), Some("2025-01-15"));
        assert_eq!(dateline("17 January 2025"), None);
        // Without a reference there is no future check.
        assert!(parse_dateline("1 January 2030", None).is_some());
    }

    #[test]
    fn no_date_and_garbage() {
        for text in [
            "",
            "no date here",
            "99 Smarch 2024",
            "Call 12 34 56 78",
            "2024",
            "10:30",
            "\u{0}\u{FFFD}",
        ] {
            assert_eq!(dateline(text), None, "{text:?}");
        }
        let huge = "word ".repeat(1_000_000) + "2 September 2024";
        // Only the beginning of a long text is searched.
        assert_eq!(dateline(&huge), None);
    }

    #[test]
    fn relative_datelines_need_a_reference_and_stand_alone() {
        assert_eq!(dateline("Сегодня, 14:12").as_deref(), Some("2025-01-15"));
        assert_eq!(
            parse_dateline("Сегодня, 14:12", reference()).and_then(|d| d.time),
            NaiveTime::from_hms_opt(14, 12, 0)
        );
        assert_eq!(dateline("Bugün 09:30").as_deref(), Some("2025-01-15"));
        assert_eq!(dateline("Yesterday").as_deref(), Some("2025-01-14"));
        assert_eq!(dateline("dünən").as_deref(), Some("2025-01-14"));
        assert_eq!(
            dateline("3 hours ago").as_deref(),
            Some("2025-01-15T09:00:00Z")
        );
        assert_eq!(
            dateline("2 часа назад").as_deref(),
            Some("2025-01-15T10:00:00Z")
        );
        assert_eq!(
            dateline("5 saat əvvəl").as_deref(),
            Some("2025-01-15T07:00:00Z")
        );
        assert_eq!(
            dateline("vor 2 Tagen").as_deref(),
            Some("2025-01-13T12:00:00Z")
        );
        assert_eq!(
            dateline("10 minutes ago").as_deref(),
            Some("2025-01-15T11:50:00Z")
        );
        // Without a reference there is nothing to be relative to.
        assert_eq!(parse_dateline("Сегодня, 14:12", None), None);
        // In a sentence, "today" is not a dateline.
        assert_eq!(
            dateline("The parliament voted today on the new election law"),
            None
        );
        assert_eq!(dateline("today is a good day to vote"), None);
    }

    #[test]
    fn machine_dates() {
        assert_eq!(
            machine("2015-07-10T09:53:00-04:00").as_deref(),
            Some("2015-07-10T09:53:00-04:00")
        );
        assert_eq!(
            machine("2021-11-01T10:52:50+0100").as_deref(),
            Some("2021-11-01T10:52:50+01:00")
        );
        assert_eq!(
            machine("2019-01-03T07:00:02.000Z").as_deref(),
            Some("2019-01-03T07:00:02Z")
        );
        assert_eq!(
            machine("2017-11-03 03:01:00.000000").as_deref(),
            Some("2017-11-03")
        );
        assert_eq!(machine("2018-04-05T06:00").as_deref(), Some("2018-04-05"));
        assert_eq!(machine("2024-06-25").as_deref(), Some("2024-06-25"));
        assert_eq!(machine("20240625").as_deref(), Some("2024-06-25"));
        assert_eq!(
            machine("Thu, 22 Dec 2016 10:43:37 -0800").as_deref(),
            Some("2016-12-22T10:43:37-08:00")
        );
        assert_eq!(machine("December 22, 2016").as_deref(), Some("2016-12-22"));
        assert_eq!(machine("2099-01-01T00:00:00Z"), None);
        assert_eq!(machine("0001-01-01T00:00:00Z"), None);
        assert_eq!(machine("2024-13-45"), None);
        assert_eq!(machine(""), None);
        assert_eq!(machine("not a date"), None);
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
    fn url_dates() {
        let found = |path: &str| date_from_url_path(path, reference()).map(|d| d.format());
        assert_eq!(
            found("/2024/09/02/some-story").as_deref(),
            Some("2024-09-02")
        );
        assert_eq!(
            found("/news/2024-09-02-some-story.html").as_deref(),
            Some("2024-09-02")
        );
        assert_eq!(found("/archive/20240902/").as_deref(), Some("2024-09-02"));
        assert_eq!(found("/2024/09/some-story"), None);
        assert_eq!(found("/id/1234567890/"), None);
        assert_eq!(found("/2031/01/01/future"), None);
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
        assert_eq!(parse_offset("+1"), None);
    }
}
