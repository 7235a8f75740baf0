//! Prints the scorer's view of a page: the top candidates and the outline of
//! boilerplate decisions on the path to them — for tuning the extractor.
//!
//! ```text
//! cargo run --example explain -- PATH [DEPTH]
//! ```

#[path = "../tests/common/scoring.rs"]
mod scoring;

use gleaner::extract::{ExtractOptions, ParsedPage, content, dom};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().unwrap_or_default();
    let depth: usize = args.next().and_then(|d| d.parse().ok()).unwrap_or(6);
    let bytes = match scoring::read_maybe_gz(std::path::Path::new(&path)) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{e}");
            return;
        }
    };
    let page = ParsedPage::parse(&bytes, &ExtractOptions::default());
    let d = page.dom();
    let s = content::compute(&d);
    let mut levels = vec![0usize; d.len()];
    for i in 0..d.len() {
        let p = d.nodes[i].parent;
        levels[i] = if p == dom::NO_PARENT {
            0
        } else {
            levels[p] + 1
        };
        if d.element(i).is_none() || levels[i] > depth || s.text[i] < 50 && !s.junk[i] {
            continue;
        }
        if s.junk[i] && p != dom::NO_PARENT && s.junk[p] {
            continue;
        }
        let el = d
            .element(i)
            .map(|e| (e.tag.to_string(), e.class_id.to_string()))
            .unwrap_or_default();
        println!(
            "{}{} [{}] #{} text={} ld={:.2} score={:.1} final={:.1}{}",
            "  ".repeat(levels[i]),
            el.0,
            el.1.chars().take(60).collect::<String>(),
            i,
            s.text[i],
            s.link_density(i),
            s.score[i],
            content::candidate_score(&d, &s, i),
            if s.junk[i] { " JUNK" } else { "" }
        );
    }
    if let Some(sel) = content::select(&d, &s) {
        println!("selected roots: {:?} score {:.1}", sel.roots, sel.score);
    }
}
