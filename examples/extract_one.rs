//! Extracts one page (gzip or plain) and prints title and text — for looking at
//! what the extractor does with a particular file.
//!
//! ```text
//! cargo run --example extract_one -- PATH [URL]
//! ```

#[path = "../tests/common/scoring.rs"]
mod scoring;

use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(path) = args.next() else {
        eprintln!("usage: extract_one PATH [URL]");
        return ExitCode::from(2);
    };
    let bytes = match scoring::read_maybe_gz(std::path::Path::new(&path)) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let opts = gleaner::extract::ExtractOptions {
        url: args.next().and_then(|u| url::Url::parse(&u).ok()),
        ..Default::default()
    };
    match gleaner::extract::extract(&bytes, &opts) {
        Ok(a) => {
            println!(
                "title: {:?}\nlang: {:?}\npublished: {:?}\n---\n{}",
                a.title, a.lang, a.published, a.text
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(3)
        }
    }
}
