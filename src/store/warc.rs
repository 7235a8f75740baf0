//! A WARC/1.1 writer: `warcinfo`, `response` and `metadata` records.
//!
//! Each stored raw page becomes a `response` record (the HTTP status line, headers and
//! body, with `WARC-Payload-Digest` over the body and `WARC-Block-Digest` over the whole
//! block) followed by a `metadata` record (`application/json`: the article record) that
//! names the response in `WARC-Concurrent-To`. An article without a raw page gets the
//! `metadata` record alone.
//!
//! Every fetched version is a capture of its own: the versions a later one replaced come
//! first, each as a `response` (its kept raw page) and a `metadata` record (the version:
//! text, title, hashes, validators), then the current one as above. A revisit that found
//! a version unchanged is a `revisit` record referring to that version's response: with
//! the standard `server-not-modified` profile for a `304`, and with the profile
//! [`SAME_TEXT_PROFILE`] for a `200` whose extracted text was the same (its bytes may
//! differ, so the standard `identical-payload-digest` profile would claim too much; the
//! new bytes were not kept).
//!
//! The body gleaner keeps is the *decoded* body (gzip/br/deflate already removed), so the
//! `Content-Encoding`, `Transfer-Encoding` and `Content-Length` headers of the original
//! response would misdescribe it; they are replaced by a `Content-Length` that matches
//! and an `X-Gleaner-Original-Content-Encoding` that keeps what was sent.
//!
//! With `gzip`, every record is its own gzip member (the `.warc.gz` convention), so tools
//! can seek to a record.

use std::io::{self, Write};

use chrono::{DateTime, SecondsFormat, Utc};
use flate2::Compression;
use flate2::write::GzEncoder;
use sha2::{Digest, Sha256};

use super::record::{ArticleRecord, RawPage};
use super::roles::{ArticleVersion, RevisitCheck};

/// The WARC profile of a revisit answered `304 Not Modified`.
pub const NOT_MODIFIED_PROFILE: &str =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
/// The WARC profile of a revisit answered `200` with the same extracted text.
pub const SAME_TEXT_PROFILE: &str = "urn:gleaner:revisit:same-extracted-text";

/// An earlier version of an article, as its `metadata` record holds it.
#[derive(serde::Serialize)]
struct VersionMetadata<'a> {
    id: String,
    source: &'a str,
    url: &'a str,
    #[serde(flatten)]
    version: &'a ArticleVersion,
}

/// Writes WARC records to `out`.
pub struct WarcWriter<W: Write> {
    out: W,
    gzip: bool,
}

impl<W: Write> WarcWriter<W> {
    pub fn new(out: W, gzip: bool) -> WarcWriter<W> {
        WarcWriter { out, gzip }
    }

    /// The `warcinfo` record that opens the file.
    pub fn write_warcinfo(&mut self, filename: Option<&str>, now: DateTime<Utc>) -> io::Result<()> {
        let body = format!(
            "software: gleaner/{}\r\nformat: WARC File Format 1.1\r\nconformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\ndescription: articles collected by gleaner, with their extraction as metadata records\r\n",
            env!("CARGO_PKG_VERSION")
        );
        let id = record_id(&["warcinfo", &now.to_rfc3339(), filename.unwrap_or("")]);
        let mut headers = vec![
            ("WARC-Type", "warcinfo".to_string()),
            ("WARC-Record-ID", id),
            ("WARC-Date", warc_date(now)),
        ];
        if let Some(name) = filename {
            headers.push(("WARC-Filename", clean_value(name)));
        }
        headers.push(("Content-Type", "application/warc-fields".to_string()));
        self.write_record(headers, body.as_bytes())
    }

    /// The records of one article: `response` (when a raw page is given) and `metadata`.
    /// Returns the response record's id.
    pub fn write_article(
        &mut self,
        record: &ArticleRecord,
        raw: Option<&RawPage>,
    ) -> io::Result<Option<String>> {
        let target = clean_value(&record.provenance.final_url);
        let date = warc_date(record.provenance.fetched_at);
        let version = record.version.to_string();
        let id = record.id.to_string();
        let response_id = match raw {
            Some(raw) => Some(self.write_response(
                &id,
                &version,
                &target,
                &date,
                record.provenance.http_status,
                raw,
            )?),
            None => None,
        };
        let json = serde_json::to_vec(record).map_err(io::Error::other)?;
        self.write_metadata(&id, &version, &target, &date, response_id.as_deref(), &json)?;
        Ok(response_id)
    }

    /// The records of a version a later one replaced: `response` (its kept raw page, if
    /// any) and `metadata` (the version). Returns the response record's id.
    pub fn write_version(
        &mut self,
        record: &ArticleRecord,
        version: &ArticleVersion,
        raw: Option<&RawPage>,
    ) -> io::Result<Option<String>> {
        let url = version
            .final_url
            .as_deref()
            .unwrap_or(&record.provenance.final_url);
        let target = clean_value(url);
        let date = warc_date(version.fetched_at);
        let number = version.version.to_string();
        let id = record.id.to_string();
        let response_id = match raw {
            Some(raw) => Some(self.write_response(
                &id,
                &number,
                &target,
                &date,
                version.http_status.unwrap_or(200),
                raw,
            )?),
            None => None,
        };
        let json = serde_json::to_vec(&VersionMetadata {
            id: id.clone(),
            source: &record.provenance.source,
            url,
            version,
        })
        .map_err(io::Error::other)?;
        self.write_metadata(&id, &number, &target, &date, response_id.as_deref(), &json)?;
        Ok(response_id)
    }

    /// A `revisit` record: a fetch of `target` that found version `version` (captured
    /// at `captured`, as the response `refers_to` when its raw page was kept) unchanged.
    pub fn write_revisit(
        &mut self,
        record: &ArticleRecord,
        version: &ArticleVersion,
        check: &RevisitCheck,
        refers_to: Option<&str>,
    ) -> io::Result<()> {
        let url = version
            .final_url
            .as_deref()
            .unwrap_or(&record.provenance.final_url);
        let target = clean_value(url);
        let date = warc_date(check.at);
        let id = record.id.to_string();
        let (profile, status_line) = if check.status == 304 {
            (NOT_MODIFIED_PROFILE, "HTTP/1.1 304 Not Modified")
        } else {
            (SAME_TEXT_PROFILE, "HTTP/1.1 200 OK")
        };
        let block = format!("{status_line}\r\n\r\n").into_bytes();
        let mut headers = vec![
            ("WARC-Type", "revisit".to_string()),
            (
                "WARC-Record-ID",
                record_id(&["revisit", &id, &version.version.to_string(), &date]),
            ),
            ("WARC-Date", date),
            ("WARC-Target-URI", target.clone()),
            ("WARC-Profile", profile.to_string()),
            ("WARC-Refers-To-Target-URI", target),
            ("WARC-Refers-To-Date", warc_date(version.fetched_at)),
        ];
        if let Some(response) = refers_to {
            headers.push(("WARC-Refers-To", response.to_string()));
        }
        headers.push((
            "Content-Type",
            "application/http; msgtype=response".to_string(),
        ));
        headers.push(("WARC-Block-Digest", digest(&block)));
        self.write_record(headers, &block)
    }

    fn write_response(
        &mut self,
        id: &str,
        version: &str,
        target: &str,
        date: &str,
        status: u16,
        raw: &RawPage,
    ) -> io::Result<String> {
        let response_id = record_id(&["response", id, version, date]);
        let block = http_response_block(status, raw);
        let payload_digest = digest(&raw.body);
        let block_digest = digest(&block);
        self.write_record(
            vec![
                ("WARC-Type", "response".to_string()),
                ("WARC-Record-ID", response_id.clone()),
                ("WARC-Date", date.to_string()),
                ("WARC-Target-URI", target.to_string()),
                (
                    "Content-Type",
                    "application/http; msgtype=response".to_string(),
                ),
                ("WARC-Payload-Digest", payload_digest),
                ("WARC-Block-Digest", block_digest),
            ],
            &block,
        )?;
        Ok(response_id)
    }

    fn write_metadata(
        &mut self,
        id: &str,
        version: &str,
        target: &str,
        date: &str,
        response_id: Option<&str>,
        json: &[u8],
    ) -> io::Result<()> {
        let target = target.to_string();
        let date = date.to_string();
        let mut headers = vec![
            ("WARC-Type", "metadata".to_string()),
            (
                "WARC-Record-ID",
                record_id(&["metadata", id, version, &date]),
            ),
            ("WARC-Date", date),
            ("WARC-Target-URI", target),
        ];
        if let Some(response_id) = response_id {
            headers.push(("WARC-Concurrent-To", response_id.to_string()));
        }
        headers.push(("Content-Type", "application/json".to_string()));
        headers.push(("WARC-Block-Digest", digest(json)));
        self.write_record(headers, json)
    }

    fn write_record(&mut self, headers: Vec<(&str, String)>, block: &[u8]) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(block.len() + 512);
        bytes.extend_from_slice(b"WARC/1.1\r\n");
        for (name, value) in headers {
            bytes.extend_from_slice(name.as_bytes());
            bytes.extend_from_slice(b": ");
            bytes.extend_from_slice(value.as_bytes());
            bytes.extend_from_slice(b"\r\n");
        }
        bytes.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
        bytes.extend_from_slice(block);
        bytes.extend_from_slice(b"\r\n\r\n");
        if self.gzip {
            let mut gz =
                GzEncoder::new(Vec::with_capacity(bytes.len() / 3), Compression::default());
            gz.write_all(&bytes)?;
            self.out.write_all(&gz.finish()?)
        } else {
            self.out.write_all(&bytes)
        }
    }

    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// The HTTP response as a WARC `response` block: status line, headers, blank line, body.
fn http_response_block(status: u16, raw: &RawPage) -> Vec<u8> {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut block = Vec::with_capacity(raw.body.len() + 1024);
    block.extend_from_slice(format!("HTTP/1.1 {status} {reason}\r\n").as_bytes());
    let mut original_encoding = Vec::new();
    for (name, value) in &raw.headers {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "content-length" | "transfer-encoding" => continue,
            "content-encoding" => {
                original_encoding.push(clean_value(value));
                continue;
            }
            _ => {}
        }
        if name.is_empty() || !name.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            continue;
        }
        block.extend_from_slice(name.as_bytes());
        block.extend_from_slice(b": ");
        block.extend_from_slice(clean_value(value).as_bytes());
        block.extend_from_slice(b"\r\n");
    }
    if !original_encoding.is_empty() {
        block.extend_from_slice(
            format!(
                "X-Gleaner-Original-Content-Encoding: {}\r\n",
                original_encoding.join(", ")
            )
            .as_bytes(),
        );
    }
    block.extend_from_slice(format!("Content-Length: {}\r\n\r\n", raw.body.len()).as_bytes());
    block.extend_from_slice(&raw.body);
    block
}

/// A header value on one line: CR and LF (which would end the header) become spaces.
fn clean_value(value: &str) -> String {
    value.replace(['\r', '\n'], " ")
}

fn warc_date(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// `sha256:` + RFC 4648 base32, the labelled-digest form WARC tools read.
fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", base32(&Sha256::digest(bytes)))
}

/// A stable `urn:uuid:` from the parts that identify a record, so exporting the same
/// database twice gives the same record ids. Version 8 (custom) per RFC 9562.
fn record_id(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    let mut b: [u8; 16] = [0; 16];
    b.copy_from_slice(&hasher.finalize()[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// RFC 4648 base32 with padding.
fn base32(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let symbols = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < symbols {
                let index = (n >> (35 - 5 * i)) & 0x1f;
                out.push(ALPHABET[index as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_matches_rfc_4648_vectors() {
        for (input, expected) in [
            ("", ""),
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            assert_eq!(base32(input.as_bytes()), expected, "{input:?}");
        }
    }

    #[test]
    fn response_block_describes_the_decoded_body() {
        let raw = RawPage {
            headers: vec![
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
                ("Content-Encoding".into(), "gzip".into()),
                ("Content-Length".into(), "12".into()),
                ("X-Evil".into(), "a\r\nInjected: yes".into()),
            ],
            body: b"<p>hello</p> and more".to_vec(),
        };
        let block = String::from_utf8(http_response_block(200, &raw)).expect("utf-8");
        assert!(block.starts_with("HTTP/1.1 200 OK\r\n"), "{block}");
        assert!(block.contains("Content-Length: 21\r\n"), "{block}");
        assert!(!block.contains("Content-Length: 12"), "{block}");
        assert!(block.contains("X-Gleaner-Original-Content-Encoding: gzip\r\n"));
        assert!(!block.contains("\r\nInjected"), "{block}");
        assert!(block.ends_with("\r\n\r\n<p>hello</p> and more"));
    }

    #[test]
    fn record_ids_are_stable_uuids() {
        let a = record_id(&["metadata", "x", "1"]);
        assert_eq!(a, record_id(&["metadata", "x", "1"]));
        assert_ne!(a, record_id(&["metadata", "x", "2"]));
        assert_eq!(a.len(), "<urn:uuid:>".len() + 36);
    }
}
