//! Bytes to text: which character encoding a page is in, and decoding it.
//!
//! The order follows what browsers do (the HTML standard's "encoding sniffing algorithm"):
//! a byte order mark wins, then the charset of the HTTP `Content-Type`, then a `<meta charset>`
//! or `http-equiv` declaration within the first 1024 bytes, then statistical detection
//! (chardetng, the detector Firefox uses). Browsers stop at the first declaration; we do not
//! quite, because the regional sites gleaner reads often lie: a CMS template says `utf-8` while
//! the bytes are windows-1251, or says `windows-1251` while the database emits UTF-8. A declared
//! encoding is therefore checked against the bytes and overruled only when the bytes cannot be
//! in it ([`decode_html`] documents the exact rules), never on a whim of the detector.
//!
//! Gzip-compressed input (a saved `.html.gz`, or a server that gzips without saying so) is
//! recognised by its magic bytes in [`maybe_gunzip`], with a cap on the decompressed size so
//! that a gzip bomb is cut off instead of exhausting memory.

use std::borrow::Cow;
use std::io::Read;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// How many leading bytes the `<meta>` prescan looks at, as in browsers.
const PRESCAN_LIMIT: usize = 1024;

/// How many bytes the statistical detector is fed at most. Beyond this, more bytes only cost
/// time: a megabyte of non-ASCII text decides any detection that can be decided.
const DETECTION_LIMIT: usize = 1 << 20;

/// A decoded page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The page as text. Invalid byte sequences are replaced with U+FFFD, never dropped silently.
    /// Borrowed from the input when it is valid UTF-8 decoded as UTF-8 (most pages): the
    /// parser copies the text into its own buffer anyway, and a second copy here cost 1 % of
    /// an extraction and a page-sized allocation.
    pub html: Cow<'a, str>,
    /// The WHATWG name of the encoding used, e.g. `"UTF-8"`, `"windows-1251"`, `"KOI8-R"`.
    pub encoding: &'static str,
}

/// Decodes the bytes of an HTML page into text.
///
/// `content_type` is the HTTP `Content-Type` header value, if known (`text/html; charset=koi8-r`).
///
/// Rules, in order:
/// 1. A UTF-8 or UTF-16 byte order mark decides and is removed.
/// 2. UTF-16 without a BOM is recognised by the pattern of zero bytes in ASCII markup.
/// 3. The HTTP charset, else the `<meta>` declaration in the first 1024 bytes, is used unless
///    the bytes contradict it: a page declared UTF-8 whose bytes are mostly invalid UTF-8 is
///    detected instead; a page declared in a legacy encoding whose non-ASCII bytes are all
///    well-formed multi-byte UTF-8 is UTF-8; a page declared in a Latin single-byte encoding
///    whose letters are mostly non-ASCII bytes (which no Latin-script language produces) is
///    detected instead; a page declared in one Cyrillic encoding that the detector confidently
///    places in another Cyrillic encoding is decoded in the detected one.
/// 4. Without a declaration, valid UTF-8 is UTF-8 and anything else goes to chardetng.
pub fn decode_html<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return decode_with(encoding, &bytes[bom_len..]);
    }
    if let Some(encoding) = sniff_utf16(bytes) {
        return decode_with(encoding, bytes);
    }
    let declared = content_type
        .and_then(charset_from_content_type)
        .or_else(|| prescan_meta_charset(bytes));
    // Valid UTF-8 that is declared UTF-8 (or UTF-16, which ASCII-compatible bytes cannot
    // be), or not declared at all, is UTF-8 by the rules below: validated once here, it is
    // borrowed as it is. Most pages are such; counting their multi-byte characters and
    // validating them again while decoding cost 2 % of an extraction.
    if declared.is_none_or(|declared| [UTF_8, UTF_16LE, UTF_16BE].contains(&declared))
        && let Ok(text) = std::str::from_utf8(bytes)
    {
        return Decoded {
            html: Cow::Borrowed(text),
            encoding: UTF_8.name(),
        };
    }
    let encoding = match declared {
        Some(declared) => verify_declared(declared, bytes),
        None => undeclared(bytes),
    };
    decode_with(encoding, bytes)
}

fn decode_with<'a>(encoding: &'static Encoding, bytes: &'a [u8]) -> Decoded<'a> {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        html: text,
        encoding: encoding.name(),
    }
}

/// Checks a declared encoding against the bytes; returns the encoding to use.
fn verify_declared(declared: &'static Encoding, bytes: &[u8]) -> &'static Encoding {
    // UTF-16 declared in ASCII-compatible bytes (we got here, so there is no BOM and no zero
    // byte pattern) cannot be true; browsers treat it as UTF-8, and so do we, subject to the
    // same checks.
    let declared = if declared == UTF_16LE || declared == UTF_16BE {
        UTF_8
    } else {
        declared
    };
    let stats = Utf8Stats::of(bytes);
    if declared == UTF_8 {
        if stats.looks_like_utf8() {
            return UTF_8;
        }
        return detect(bytes, false).0;
    }
    if stats.invalid == 0 && stats.multibyte >= 2 {
        // Legacy single- and double-byte encodings essentially never produce a run of
        // well-formed UTF-8 multi-byte sequences by accident.
        return UTF_8;
    }
    if stats.multibyte + stats.invalid == 0 {
        // Pure ASCII: every ASCII-compatible encoding decodes it the same way.
        return declared;
    }
    if is_latin_single_byte(declared) && mostly_high_bytes(bytes) {
        let (guess, confident) = detect(bytes, false);
        if confident && guess != declared {
            return guess;
        }
    }
    if is_cyrillic_single_byte(declared) {
        let (guess, confident) = detect(bytes, false);
        if confident && is_cyrillic_single_byte(guess) && !same_family(guess, declared) {
            return guess;
        }
    }
    declared
}

fn undeclared(bytes: &[u8]) -> &'static Encoding {
    let stats = Utf8Stats::of(bytes);
    if stats.invalid == 0 {
        return UTF_8;
    }
    if stats.looks_like_utf8() {
        return UTF_8;
    }
    detect(bytes, false).0
}

/// Runs chardetng over (a prefix of) the bytes.
fn detect(bytes: &[u8], allow_utf8: bool) -> (&'static Encoding, bool) {
    let mut detector = chardetng::EncodingDetector::new();
    let sample = &bytes[..bytes.len().min(DETECTION_LIMIT)];
    detector.feed(sample, true);
    detector.guess_assess(None, allow_utf8)
}

/// Counts of well-formed multi-byte UTF-8 sequences and invalid sequences.
#[derive(Debug, Default, Clone, Copy)]
struct Utf8Stats {
    multibyte: usize,
    invalid: usize,
}

impl Utf8Stats {
    fn of(bytes: &[u8]) -> Utf8Stats {
        let mut stats = Utf8Stats::default();
        let mut rest = bytes;
        loop {
            match std::str::from_utf8(rest) {
                Ok(valid) => {
                    stats.multibyte += count_multibyte(valid);
                    return stats;
                }
                Err(error) => {
                    let (valid, after) = rest.split_at(error.valid_up_to());
                    stats.multibyte += std::str::from_utf8(valid).map_or(0, count_multibyte);
                    match error.error_len() {
                        Some(len) => {
                            stats.invalid += 1;
                            rest = &after[len..];
                        }
                        // Truncated sequence at the very end (a page cut off mid-character):
                        // not evidence against UTF-8.
                        None => return stats,
                    }
                }
            }
        }
    }

    /// UTF-8 with a few stray bytes (a pasted windows-1252 quote, a truncated copy) is still
    /// UTF-8: decoding it as anything else would garble every correct character.
    fn looks_like_utf8(&self) -> bool {
        self.invalid == 0 || self.multibyte >= 4 * self.invalid
    }
}

fn count_multibyte(text: &str) -> usize {
    // A character starts at every byte that is not a continuation byte; multi-byte characters
    // are those whose lead byte is >= 0xC0.
    // Summed in chunks into a byte counter, which the compiler turns into vector code: this
    // runs over every byte of every page.
    text.as_bytes()
        .chunks(255)
        .map(|chunk| {
            let leads: u8 = chunk.iter().map(|&b| u8::from(b >= 0xC0)).sum();
            usize::from(leads)
        })
        .sum()
}

/// True when most letter-like bytes outside markup are non-ASCII, which happens in Cyrillic,
/// Greek, Arabic… single-byte encodings but never in a Latin-script language.
fn mostly_high_bytes(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(DETECTION_LIMIT)];
    let mut high = 0usize;
    let mut ascii_letters = 0usize;
    let mut in_tag = false;
    for &b in sample {
        match b {
            b'<' => in_tag = true,
            b'>' => in_tag = false,
            _ if in_tag => {}
            b'a'..=b'z' | b'A'..=b'Z' => ascii_letters += 1,
            0x80.. => high += 1,
            _ => {}
        }
    }
    high >= 64 && high * 2 > ascii_letters
}

fn is_latin_single_byte(encoding: &'static Encoding) -> bool {
    matches!(
        encoding.name(),
        "windows-1252"
            | "ISO-8859-2"
            | "ISO-8859-3"
            | "ISO-8859-4"
            | "ISO-8859-10"
            | "ISO-8859-13"
            | "ISO-8859-14"
            | "ISO-8859-15"
            | "ISO-8859-16"
            | "windows-1250"
            | "windows-1254"
            | "windows-1257"
            | "macintosh"
    )
}

fn is_cyrillic_single_byte(encoding: &'static Encoding) -> bool {
    matches!(
        encoding.name(),
        "windows-1251" | "KOI8-R" | "KOI8-U" | "IBM866" | "ISO-8859-5" | "x-mac-cyrillic"
    )
}

/// KOI8-U is KOI8-R plus Ukrainian letters in box-drawing slots; chardetng reports the
/// superset, which must not overrule a page that says KOI8-R.
fn same_family(a: &'static Encoding, b: &'static Encoding) -> bool {
    let koi8 = |e: &'static Encoding| e.name().starts_with("KOI8");
    a == b || (koi8(a) && koi8(b))
}

/// Recognises BOM-less UTF-16 by its zero bytes: ASCII markup in UTF-16LE has a zero at every
/// odd offset, in UTF-16BE at every even one.
fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(PRESCAN_LIMIT) & !1];
    if sample.len() < 8 {
        return None;
    }
    let pairs = sample.len() / 2;
    let (mut even_zero, mut odd_zero) = (0usize, 0usize);
    for pair in sample.chunks_exact(2) {
        if pair[0] == 0 && pair[1] != 0 {
            even_zero += 1;
        } else if pair[1] == 0 && pair[0] != 0 {
            odd_zero += 1;
        }
    }
    // Non-Latin text has no zero bytes, so require a clear majority of ASCII-in-UTF-16 pairs
    // and near-absence of the opposite pattern.
    if odd_zero * 10 >= pairs * 6 && even_zero * 20 < pairs {
        Some(UTF_16LE)
    } else if even_zero * 10 >= pairs * 6 && odd_zero * 20 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Extracts the `charset` parameter from a `Content-Type` value and resolves it.
fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    extract_charset_from_content(content_type.as_bytes()).and_then(resolve_label)
}

/// Maps a label to an encoding, with the HTML standard's substitutions.
fn resolve_label(label: &[u8]) -> Option<&'static Encoding> {
    let encoding = Encoding::for_label(label)?;
    if encoding.name() == "x-user-defined" {
        return Some(WINDOWS_1252);
    }
    // `replacement` exists to neutralise dangerous encodings in browsers; for text extraction
    // a declaration we cannot use is no declaration.
    if encoding.name() == "replacement" {
        return None;
    }
    Some(encoding)
}

/// The HTML standard's "algorithm for extracting a character encoding from a meta element",
/// also used for `Content-Type` header values: finds `charset`, skips whitespace, expects `=`,
/// and reads a quoted or unquoted value.
fn extract_charset_from_content(content: &[u8]) -> Option<&[u8]> {
    let mut position = 0;
    loop {
        let found = find_ascii_ci(&content[position..], b"charset")?;
        position += found + b"charset".len();
        let mut cursor = position;
        while cursor < content.len() && is_html_space(content[cursor]) {
            cursor += 1;
        }
        if cursor >= content.len() || content[cursor] != b'=' {
            continue;
        }
        cursor += 1;
        while cursor < content.len() && is_html_space(content[cursor]) {
            cursor += 1;
        }
        let rest = &content[cursor..];
        return match rest.first() {
            None => None,
            Some(&quote @ (b'"' | b'\'')) => {
                let end = rest[1..].iter().position(|&b| b == quote)?;
                Some(&rest[1..1 + end])
            }
            Some(_) => {
                let end = rest
                    .iter()
                    .position(|&b| is_html_space(b) || b == b';')
                    .unwrap_or(rest.len());
                Some(&rest[..end])
            }
        };
    }
}

/// The HTML standard's prescan of the first 1024 bytes for a `<meta>` charset declaration.
fn prescan_meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let input = &bytes[..bytes.len().min(PRESCAN_LIMIT)];
    let mut position = 0;
    while position < input.len() {
        let rest = &input[position..];
        if rest.starts_with(b"<!--") {
            // Comments end at the first "-->" (the two dashes may be those of "<!--").
            position += match find(&rest[2..], b"-->") {
                Some(end) => 2 + end + 3,
                None => return None,
            };
        } else if starts_with_ascii_ci(rest, b"<meta")
            && rest.get(5).is_some_and(|&b| is_html_space(b) || b == b'/')
        {
            position += 6;
            if let Some(encoding) = meta_declaration(input, &mut position) {
                return Some(encoding);
            }
        } else if rest.len() >= 2
            && rest[0] == b'<'
            && (rest[1].is_ascii_alphabetic()
                || (rest[1] == b'/' && rest.get(2).is_some_and(u8::is_ascii_alphabetic)))
        {
            // Some other tag: skip its name, then its attributes (an attribute value may
            // contain a '>' that does not end the tag).
            position += 1;
            while position < input.len()
                && !is_html_space(input[position])
                && input[position] != b'>'
            {
                position += 1;
            }
            while next_attribute(input, &mut position).is_some() {}
            position += 1;
        } else if rest.starts_with(b"<!") || rest.starts_with(b"</") || rest.starts_with(b"<?") {
            position += match rest.iter().position(|&b| b == b'>') {
                Some(end) => end + 1,
                None => return None,
            };
        } else {
            position += 1;
        }
    }
    None
}

/// Reads the attributes of a `<meta>` tag and applies the prescan's rules to them.
fn meta_declaration(input: &[u8], position: &mut usize) -> Option<&'static Encoding> {
    let mut seen: Vec<Vec<u8>> = Vec::new();
    let mut got_pragma = false;
    // None: no charset seen; Some(true): from `content`, needs http-equiv; Some(false): `charset`.
    let mut need_pragma: Option<bool> = None;
    let mut charset: Option<Option<&'static Encoding>> = None;
    while let Some((name, value)) = next_attribute(input, position) {
        if seen.contains(&name) {
            continue;
        }
        match name.as_slice() {
            b"http-equiv" if value.eq_ignore_ascii_case(b"content-type") => got_pragma = true,
            b"content" if charset.is_none() => {
                if let Some(label) = extract_charset_from_content(&value) {
                    charset = Some(resolve_label(label));
                    need_pragma = Some(true);
                }
            }
            b"charset" => {
                charset = Some(resolve_label(&value));
                need_pragma = Some(false);
            }
            _ => {}
        }
        seen.push(name);
    }
    let need_pragma = need_pragma?;
    if need_pragma && !got_pragma {
        return None;
    }
    let encoding = charset.flatten()?;
    if encoding == UTF_16BE || encoding == UTF_16LE {
        return Some(UTF_8);
    }
    Some(encoding)
}

/// The prescan's "get an attribute" algorithm. Advances `position`; returns `None` at the end
/// of the tag (leaving `position` on the `>`) or of the input. Names are lower-cased.
fn next_attribute(input: &[u8], position: &mut usize) -> Option<(Vec<u8>, Vec<u8>)> {
    let at = |i: usize| input.get(i).copied();
    while at(*position).is_some_and(|b| is_html_space(b) || b == b'/') {
        *position += 1;
    }
    if at(*position)? == b'>' {
        return None;
    }
    let mut name = Vec::new();
    let mut value = Vec::new();
    // Attribute name.
    loop {
        let b = at(*position)?;
        if b == b'=' && !name.is_empty() {
            *position += 1;
            break;
        }
        if is_html_space(b) {
            while at(*position).is_some_and(is_html_space) {
                *position += 1;
            }
            if at(*position)? != b'=' {
                return Some((name, value));
            }
            *position += 1;
            break;
        }
        if b == b'/' || b == b'>' {
            return Some((name, value));
        }
        name.push(b.to_ascii_lowercase());
        *position += 1;
    }
    // Attribute value.
    while at(*position).is_some_and(is_html_space) {
        *position += 1;
    }
    match at(*position)? {
        quote @ (b'"' | b'\'') => {
            *position += 1;
            loop {
                let b = at(*position)?;
                *position += 1;
                if b == quote {
                    return Some((name, value));
                }
                value.push(b.to_ascii_lowercase());
            }
        }
        b'>' => Some((name, value)),
        _ => loop {
            match at(*position) {
                None => return Some((name, value)),
                Some(b) if is_html_space(b) || b == b'>' => return Some((name, value)),
                Some(b) => {
                    value.push(b.to_ascii_lowercase());
                    *position += 1;
                }
            }
        },
    }
}

fn is_html_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

fn starts_with_ascii_ci(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.len() >= needle.len() && haystack[..needle.len()].eq_ignore_ascii_case(needle)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle))
}

/// Why gzip input could not be decompressed.
#[derive(Debug, thiserror::Error)]
pub enum GunzipError {
    /// The decompressed data exceeds the cap: probably a gzip bomb, possibly just a huge page.
    #[error("gzip data decompresses to more than {limit} bytes")]
    TooLarge { limit: usize },
    /// The data starts like gzip but is not valid gzip (corrupt or truncated).
    #[error("invalid gzip data: {0}")]
    Corrupt(#[from] std::io::Error),
}

/// Decompresses `bytes` if they start with the gzip magic bytes (`1f 8b`), reading at most
/// `limit` decompressed bytes; other input is returned as is. Concatenated gzip members are
/// all read, as `gzip -d` does.
pub fn maybe_gunzip(bytes: &[u8], limit: usize) -> Result<Cow<'_, [u8]>, GunzipError> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return Ok(Cow::Borrowed(bytes));
    }
    let decoder = flate2::read::MultiGzDecoder::new(bytes);
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit));
    // Read one byte past the limit to tell "exactly at the limit" from "over it".
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    decoder.take(cap).read_to_end(&mut out)?;
    if out.len() > limit {
        return Err(GunzipError::TooLarge { limit });
    }
    Ok(Cow::Owned(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const RUSSIAN: &str = "Правозащитники обратились к международным организациям с призывом \
        расследовать случаи пыток. Мы осуждаем аресты и бесчеловечное обращение с гражданами, \
        которые мирно собирались на площади в центре города.";
    const AZERBAIJANI: &str = "Azərbaycan vətəndaş cəmiyyəti fəalları beynəlxalq təşkilatlara \
        müraciət ediblər. Şəhərdə keçirilən dinc aksiyalarda iştirak edən gənclər həbs olunub.";

    fn page(charset_meta: &str, body: &str) -> String {
        format!(
            "<!DOCTYPE html><html><head>{charset_meta}<title>t</title></head>\
             <body><p>{body}</p></body></html>"
        )
    }

    fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding.encode(text);
        assert!(
            !unmappable,
            "test text not representable in {}",
            encoding.name()
        );
        bytes.into_owned()
    }

    #[test]
    fn empty_input_is_utf8_and_empty() {
        let decoded = decode_html(b"", None);
        assert_eq!(decoded.html, "");
        assert_eq!(decoded.encoding, "UTF-8");
    }

    #[test]
    fn utf8_bom_wins_over_declarations_and_is_removed() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(page("<meta charset=windows-1251>", RUSSIAN).as_bytes());
        let decoded = decode_html(&bytes, Some("text/html; charset=koi8-r"));
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.html.starts_with("<!DOCTYPE"));
        assert!(decoded.html.contains(RUSSIAN));
    }

    #[test]
    fn utf16_with_bom_both_endiannesses() {
        let html = page("", RUSSIAN);
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for unit in html.encode_utf16() {
            le.extend_from_slice(&unit.to_le_bytes());
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode_html(&le, None).html, html);
        assert_eq!(decode_html(&le, None).encoding, "UTF-16LE");
        assert_eq!(decode_html(&be, None).html, html);
        assert_eq!(decode_html(&be, None).encoding, "UTF-16BE");
    }

    #[test]
    fn utf16_without_bom_is_sniffed() {
        let html = page(
            "<meta charset=utf-16>",
            "Hello world, this is a page in UTF-16.",
        );
        let le: Vec<u8> = html.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = html.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode_html(&le, None).html, html);
        assert_eq!(
            decode_html(&be, Some("text/html; charset=utf-16")).html,
            html
        );
    }

    #[test]
    fn http_charset_is_used() {
        let bytes = encode(&page("", RUSSIAN), encoding_rs::KOI8_R);
        let decoded = decode_html(&bytes, Some("text/html; charset=\"KOI8-R\""));
        assert_eq!(decoded.encoding, "KOI8-R");
        assert!(decoded.html.contains(RUSSIAN));
    }

    #[test]
    fn meta_charset_is_used() {
        let html = page("<meta charset=\"windows-1251\">", RUSSIAN);
        let encoded = encode(&html, encoding_rs::WINDOWS_1251);
        let decoded = decode_html(&encoded, None);
        assert_eq!(decoded.encoding, "windows-1251");
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn meta_http_equiv_is_used() {
        let html = page(
            "<META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=koi8-r\">",
            RUSSIAN,
        );
        let encoded = encode(&html, encoding_rs::KOI8_R);
        let decoded = decode_html(&encoded, None);
        assert_eq!(decoded.encoding, "KOI8-R");
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn meta_content_without_http_equiv_is_ignored_by_prescan() {
        assert_eq!(
            prescan_meta_charset(b"<meta content=\"text/html; charset=koi8-r\">"),
            None
        );
        assert_eq!(
            prescan_meta_charset(
                b"<meta name=x content='text/html; charset=koi8-r' http-equiv=content-type>"
            ),
            Some(encoding_rs::KOI8_R)
        );
    }

    #[test]
    fn prescan_skips_comments_and_attribute_values_with_angle_brackets() {
        assert_eq!(
            prescan_meta_charset(b"<!-- <meta charset=koi8-r> --><meta charset=iso-8859-2>"),
            Some(encoding_rs::ISO_8859_2)
        );
        assert_eq!(
            prescan_meta_charset(b"<div title='<meta charset=koi8-r>'><meta charset=iso-8859-5>"),
            Some(encoding_rs::ISO_8859_5)
        );
        assert_eq!(
            prescan_meta_charset(b"<meta charset=no-such-encoding>"),
            None
        );
        assert_eq!(
            prescan_meta_charset(b"<meta charset=x-user-defined>"),
            Some(WINDOWS_1252)
        );
    }

    #[test]
    fn prescan_only_looks_at_first_1024_bytes() {
        let mut html = String::from("<html><head>");
        html.push_str(&" ".repeat(1100));
        html.push_str("<meta charset=koi8-r>");
        assert_eq!(prescan_meta_charset(html.as_bytes()), None);
    }

    #[test]
    fn prescan_survives_truncated_tags() {
        for input in [
            &b"<meta charset="[..],
            b"<meta",
            b"<meta ",
            b"<!--",
            b"<div a='",
            b"<meta charset='koi8",
            b"<",
            b"<!",
        ] {
            assert_eq!(prescan_meta_charset(input), None, "{input:?}");
        }
    }

    #[test]
    fn undeclared_windows_1251_is_detected() {
        let bytes = encode(&page("", RUSSIAN), encoding_rs::WINDOWS_1251);
        let decoded = decode_html(&bytes, None);
        assert_eq!(decoded.encoding, "windows-1251");
        assert!(decoded.html.contains(RUSSIAN));
    }

    #[test]
    fn undeclared_koi8_r_is_detected() {
        let bytes = encode(&page("", RUSSIAN), encoding_rs::KOI8_R);
        let decoded = decode_html(&bytes, None);
        assert!(decoded.encoding.starts_with("KOI8"), "{}", decoded.encoding);
        assert!(decoded.html.contains(RUSSIAN));
    }

    #[test]
    fn undeclared_utf8_is_utf8() {
        let html = page("", AZERBAIJANI);
        let decoded = decode_html(html.as_bytes(), None);
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn declared_utf8_but_windows_1251_bytes() {
        let html = page("<meta charset=utf-8>", RUSSIAN);
        let bytes = encode(&html, encoding_rs::WINDOWS_1251);
        let decoded = decode_html(&bytes, Some("text/html; charset=UTF-8"));
        assert_eq!(decoded.encoding, "windows-1251");
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn declared_windows_1251_but_utf8_bytes() {
        let html = page("<meta charset=windows-1251>", RUSSIAN);
        let decoded = decode_html(html.as_bytes(), None);
        assert_eq!(decoded.encoding, "UTF-8");
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn declared_latin1_but_cyrillic_bytes() {
        let html = page("<meta charset=iso-8859-1>", RUSSIAN);
        let encoded = encode(&html, encoding_rs::WINDOWS_1251);
        let decoded = decode_html(&encoded, None);
        assert_eq!(decoded.encoding, "windows-1251");
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn declared_windows_1251_but_koi8_bytes() {
        let long = format!("{RUSSIAN} {RUSSIAN} {RUSSIAN}");
        let html = page("<meta charset=windows-1251>", &long);
        let encoded = encode(&html, encoding_rs::KOI8_R);
        let decoded = decode_html(&encoded, None);
        // chardetng names the KOI8 family by its superset; Russian text decodes identically.
        assert!(decoded.encoding.starts_with("KOI8"), "{}", decoded.encoding);
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn correct_latin_declarations_are_kept() {
        let german =
            "Die Bürgerrechtler äußerten sich über die Lage. Größere Städte wären betroffen.";
        let html = page("<meta charset=iso-8859-1>", german);
        let encoded = encode(&html, WINDOWS_1252);
        let decoded = decode_html(&encoded, None);
        assert_eq!(decoded.encoding, "windows-1252");
        assert_eq!(decoded.html, html);

        let polish = "Zażółć gęślą jaźń. Organizacje pozarządowe apelują do władz o wyjaśnienia.";
        let html = page("<meta charset=iso-8859-2>", polish);
        let encoded = encode(&html, encoding_rs::ISO_8859_2);
        let decoded = decode_html(&encoded, None);
        assert_eq!(decoded.encoding, "ISO-8859-2");
        assert_eq!(decoded.html, html);
    }

    #[test]
    fn utf8_with_a_stray_byte_stays_utf8() {
        let mut bytes = page("<meta charset=utf-8>", RUSSIAN).into_bytes();
        let at = bytes.len() - "</p></body></html>".len();
        bytes.insert(at, 0x96); // a windows-1252 en dash pasted into UTF-8
        let decoded = decode_html(&bytes, None);
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.html.contains(RUSSIAN));
        assert!(decoded.html.contains('\u{FFFD}'));
    }

    #[test]
    fn truncated_utf8_is_still_utf8() {
        let html = page("", RUSSIAN);
        let bytes = &html.as_bytes()[..html.len() - 30];
        // Cut inside a two-byte character, if the cut landed there.
        let decoded = decode_html(bytes, None);
        assert_eq!(decoded.encoding, "UTF-8");
        assert!(decoded.html.starts_with("<!DOCTYPE html>"));
    }

    #[test]
    fn binary_garbage_does_not_panic() {
        let garbage: Vec<u8> = (0..100_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        let decoded = decode_html(&garbage, Some("text/html; charset=utf-8"));
        assert!(!decoded.html.is_empty());
        let decoded = decode_html(&garbage, Some("charset="));
        assert!(!decoded.html.is_empty());
    }

    #[test]
    fn content_type_parsing() {
        assert_eq!(
            charset_from_content_type("text/html;charset=windows-1251"),
            Some(encoding_rs::WINDOWS_1251)
        );
        assert_eq!(
            charset_from_content_type("text/html; Charset = 'utf-8'"),
            Some(UTF_8)
        );
        assert_eq!(charset_from_content_type("text/html"), None);
        assert_eq!(
            charset_from_content_type("text/html; charset=\"unterminated"),
            None
        );
        assert_eq!(charset_from_content_type("text/html; charset=bogus"), None);
    }

    #[test]
    fn gunzip_passes_plain_input_through() {
        let out = maybe_gunzip(b"<html>", 10).expect("plain input");
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(&*out, b"<html>");
    }

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(data).expect("write to Vec");
        encoder.finish().expect("finish gzip")
    }

    #[test]
    fn gunzip_decompresses_within_limit() {
        let data = page("", RUSSIAN).into_bytes();
        let compressed = gzip(&data);
        let out = maybe_gunzip(&compressed, data.len()).expect("within limit");
        assert_eq!(&*out, &data[..]);
    }

    #[test]
    fn gunzip_reads_concatenated_members() {
        let mut both = gzip(b"<html><body>");
        both.extend(gzip(b"</body></html>"));
        let out = maybe_gunzip(&both, 1000).expect("two members");
        assert_eq!(&*out, b"<html><body></body></html>");
    }

    #[test]
    fn gunzip_cuts_off_a_bomb() {
        let bomb = gzip(&vec![0u8; 10 << 20]);
        assert!(bomb.len() < 100_000);
        let error = maybe_gunzip(&bomb, 1 << 20).expect_err("over the cap");
        assert!(matches!(error, GunzipError::TooLarge { limit } if limit == 1 << 20));
    }

    #[test]
    fn gunzip_rejects_truncated_and_corrupt_data() {
        let data = gzip(&page("", RUSSIAN).into_bytes());
        let truncated = &data[..data.len() / 2];
        assert!(matches!(
            maybe_gunzip(truncated, 1 << 20),
            Err(GunzipError::Corrupt(_))
        ));
        assert!(matches!(
            maybe_gunzip(&[0x1f, 0x8b, 0xff, 0xff, 0xff], 1 << 20),
            Err(GunzipError::Corrupt(_))
        ));
    }
}
