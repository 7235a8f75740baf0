//! Speed and memory of the extractor: the dev corpus, large pages, and pathological inputs.
//!
//! ```text
//! cargo run --release --example bench_extract [-- --rounds N] [--peer]
//! ```
//!
//! `--peer` runs only the side-by-side comparison with dom_smoothie (a Rust port of
//! Mozilla's Readability, a dev-dependency for this alone): on each corpus page in turn,
//! gleaner's `extract()` and dom_smoothie's `Readability::new` + `parse` on the page's bytes
//! read as UTF-8 (dom_smoothie has no charset detection; gleaner's time includes its own),
//! best of `--rounds` per page for each, wall time and the thread's CPU time. The issue's
//! yardstick is the ratio of the summed per-page wall times. `--only gleaner` (or
//! `dom_smoothie`, or `none`) runs the same loop with one side alone, for counters that
//! are robust to a loaded machine (`perf stat -e instructions:u`): the difference with
//! `--only none` is that side's work, and a `--peer` run of another build minus
//! `--only dom_smoothie` is that build's gleaner work.
//!
//! Everything runs on one thread. Pages are decompressed into memory before timing, so the
//! figures are the extractor's alone. Reported:
//! * per-page time over the trafilatura-dev corpus (median, p90, max) and pages per second,
//!   for the whole `extract()`, for decoding and parsing alone (`ParsedPage::parse`: the
//!   floor the extractor's own passes add to) and for the metadata path alone (decode,
//!   markers, parse, metadata, language);
//! * the largest corpus page, and a 5 MB article built from corpus paragraphs;
//! * pathological inputs at several sizes (100k links, 10 MB of nested divs, 100k-level
//!   nesting, 100k levels hidden as `<div/>` and `<div></section>`, 100k levels inside a
//!   JSON-LD `articleBody` and inside metadata strings, 1M `<br>`, 1M paragraphs that each
//!   reopen a dozen formatting elements), whose times must
//!   grow linearly, run on a thread with a 2 MiB stack (what a
//!   tokio blocking thread gets) so a recursive walk would overflow;
//! * peak heap memory relative to the input size, measured by a counting allocator that
//!   exists only in this example.
//!
//! Targets (issue 3): median ≤ 2 ms/page, ≥ 400 pages/s, 5 MB page ≤ 100 ms, linear growth,
//! no stack overflow, peak memory ≤ 20× the input; for the hostile inputs (issue 15) linear
//! growth and peak memory ≤ 30× the input.
//!
//! The corpus is looked up as the eval harness does: `$GLEANER_CORPUS`, else
//! `../shared/corpus` relative to the crate.

#[path = "../tests/common/counting_alloc.rs"]
mod counting_alloc;
#[path = "../tests/common/scoring.rs"]
mod scoring;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use gleaner::extract::decode::maybe_gunzip;
use gleaner::extract::lang::detect_language;
use gleaner::extract::metadata::extract_metadata;
use gleaner::extract::{ExtractOptions, ParsedPage, extract};

#[global_allocator]
static ALLOCATOR: counting_alloc::CountingAllocator = counting_alloc::CountingAllocator;

/// Runs `work` and returns its result, its duration and the heap it needed at its peak beyond
/// what was live when it started.
fn measure<T>(work: impl FnOnce() -> T) -> (T, Duration, usize) {
    let start = Instant::now();
    let (result, peak) = counting_alloc::peak_above_start(work);
    (result, start.elapsed(), peak)
}

fn load_pages(dir: &Path) -> Result<Vec<(String, Vec<u8>)>, String> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("listing {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".html.gz"))
        .collect();
    paths.sort();
    let mut pages = Vec::with_capacity(paths.len());
    for path in paths {
        let bytes = fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        let html = maybe_gunzip(&bytes, 64 << 20)
            .map_err(|e| format!("decompressing {}: {e}", path.display()))?
            .into_owned();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        pages.push((name, html));
    }
    Ok(pages)
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

fn summary(label: &str, mut times: Vec<Duration>) {
    times.sort();
    let total: Duration = times.iter().sum();
    println!(
        "{label:<28} median {:>7.3} ms   p90 {:>7.3} ms   max {:>8.3} ms   {:>6.0} pages/s",
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.9)),
        ms(times.last().copied().unwrap_or_default()),
        times.len() as f64 / total.as_secs_f64().max(f64::EPSILON)
    );
}

/// The metadata path: what `extract_metadata` and `detect_language` cost on top of parsing.
fn metadata_path(bytes: &[u8]) -> usize {
    let page = ParsedPage::parse(bytes, &ExtractOptions::default());
    let dom = page.dom();
    let meta = extract_metadata(&dom, None, None);
    let text: String = dom.texts(0).take(2_000).collect();
    let lang = detect_language(&text, meta.declared_lang.as_deref());
    meta.title.map_or(0, |t| t.len()) + lang.map_or(0, |l| l.len())
}

/// A long article: the paragraphs of real pages repeated up to `size` bytes.
fn big_article(size: usize, paragraphs: &[String]) -> Vec<u8> {
    let mut html = String::from(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Long report</title></head>\
         <body><nav><a href=/>Home</a></nav><article><h1>Long report</h1>",
    );
    let mut i = 0;
    while html.len() < size && !paragraphs.is_empty() {
        html.push_str("<p>");
        html.push_str(&paragraphs[i % paragraphs.len()]);
        html.push_str("</p>\n");
        i += 1;
    }
    html.push_str("</article><footer>© site</footer></body></html>");
    html.into_bytes()
}

fn many_links(count: usize) -> Vec<u8> {
    let mut html = String::from("<html><body><div class=content><p>Intro text of the page.</p>");
    for i in 0..count {
        html.push_str(&format!("<a href=\"/item/{i}\">Link number {i}</a> "));
    }
    html.push_str("</div></body></html>");
    html.into_bytes()
}

/// `size` bytes of nested divs: blocks of 50 nested levels with text at every level.
fn nested_divs(size: usize) -> Vec<u8> {
    let open = "<div class=\"wrap\"><p>Some text in a nested block, with words.</p>";
    let block_len = 50 * (open.len() + "</div>".len());
    let blocks = (size / block_len).max(1);
    let mut html = String::with_capacity(size + 64);
    html.push_str("<html><body>");
    for _ in 0..blocks {
        for _ in 0..50 {
            html.push_str(open);
        }
        for _ in 0..50 {
            html.push_str("</div>");
        }
    }
    html.push_str("</body></html>");
    html.into_bytes()
}

/// `levels` nested divs (the tree builder's worst case) with a sentence at the bottom.
/// `levels` of nesting that the tags do not show: `<div/>` (which opens a `<div>` in HTML)
/// and `<div>` followed by a stray `</section>` (which closes nothing), alternately.
fn hidden_nesting(levels: usize) -> Vec<u8> {
    let mut html = String::from("<html><body>");
    for k in 0..levels {
        html.push_str(if k % 2 == 0 {
            "<div/>"
        } else {
            "<div></section>"
        });
    }
    html.push_str("A sentence at the bottom of a very deep tree, long enough to be text.");
    html.push_str("</body></html>");
    html.into_bytes()
}

fn deep_nesting(levels: usize) -> Vec<u8> {
    let mut html = String::from("<html><body>");
    for _ in 0..levels {
        html.push_str("<div>");
    }
    html.push_str("A sentence at the bottom of a very deep tree, long enough to be text.");
    for _ in 0..levels {
        html.push_str("</div>");
    }
    html.push_str("</body></html>");
    html.into_bytes()
}

/// A script-rendered story: next to no text in the markup, the story in the JSON-LD
/// `articleBody` as markup, with `levels` nested `<div>`s in it.
fn jsonld_nested_divs(levels: usize) -> Vec<u8> {
    let mut body =
        String::from("<p>The story of a script-rendered page lives in its JSON-LD, as markup.</p>");
    body.push_str(&"<div>".repeat(levels));
    body.push_str("A sentence at the bottom of a very deep tree, long enough to be text.");
    body.push_str(&"</div>".repeat(levels));
    format!(
        "<html><head><script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
         \"headline\":\"Deep\",\"articleBody\":\"{body}\"}}</script></head>\
         <body><div id=app></div></body></html>"
    )
    .into_bytes()
}

/// A description and a JSON-LD headline with entities to decode and `levels` nested
/// `<div>`s beside them: metadata strings that a fragment parser would have to build.
fn metadata_markup(levels: usize) -> Vec<u8> {
    let deep = "<div>".repeat(levels);
    let story = "<p>Turnout in the capital was lower than at any election since 1995, \
                 officials said on Monday, and observers reported long queues.</p>";
    format!(
        "<html><head><meta name=description content=\"Tom &amp;amp; Jerry {deep}\">\
         <script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
         \"headline\":\"Tom &amp; Jerry {deep}\"}}</script></head>\
         <body><article><h1>Tom &amp; Jerry</h1>{story}{story}</article></body></html>"
    )
    .into_bytes()
}

/// An article with `count` line breaks in one paragraph: a node per four bytes of input.
fn many_breaks(count: usize) -> Vec<u8> {
    let mut html = String::from(
        "<html><body><article><h1>Breaks</h1><p>Turnout in the capital was lower than at \
         any election since 1995, officials said on Monday.",
    );
    html.push_str(&"<br>".repeat(count));
    html.push_str("Observers reported long queues.</p></article></body></html>");
    html.into_bytes()
}

/// One block of `count` lines with a link each, split by `<br><br>`, as portals write:
/// every paragraph of the block takes its share of the block's link runs.
fn linked_break_paragraphs(count: usize) -> Vec<u8> {
    let mut html = String::from(
        "<html><body><article><h1>Lines</h1><div>Turnout in the capital was lower than at \
         any election since 1995, officials said on Monday.<br><br>",
    );
    html.push_str(
        &"Voters in <a href=\"/n\">this district</a> queued for an hour before noon.<br><br>"
            .repeat(count),
    );
    html.push_str("Observers reported long queues.</div></article></body></html>");
    html.into_bytes()
}

/// `count` paragraphs of one letter, each reopening the dozen formatting elements that the
/// paragraph before it closed: the tree builder makes a dozen nodes per four bytes.
fn reopened_formatting(count: usize) -> Vec<u8> {
    let formatting: String = [
        "b", "i", "u", "s", "em", "strong", "big", "small", "tt", "strike", "code", "font",
    ]
    .iter()
    .map(|tag| format!("<{tag}>"))
    .collect();
    format!(
        "<html><body><p>{formatting}Turnout in the capital was lower than at any election \
         since 1995, officials said on Monday.{}</body></html>",
        "<p>x".repeat(count)
    )
    .into_bytes()
}

/// Extracts `html` on a thread with a 2 MiB stack; returns wall time, CPU time, peak heap
/// and the outcome.
fn run_small_stack(html: Vec<u8>) -> Result<(Duration, Duration, usize, String), String> {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(move || {
            let opts = ExtractOptions::default();
            let cpu = thread_cpu_time();
            let (result, elapsed, peak) = measure(|| extract(&html, &opts));
            let cpu = thread_cpu_time().saturating_sub(cpu);
            let outcome = match result {
                Ok(article) => format!("article, {} chars", article.text.chars().count()),
                Err(error) => format!("error: {error}"),
            };
            (elapsed, cpu, peak, outcome)
        })
        .map_err(|e| format!("spawning: {e}"))?
        .join()
        .map_err(|_| "the extractor panicked".to_owned())
}

fn pathological(label: &str, make: &dyn Fn(usize) -> Vec<u8>, sizes: &[usize]) {
    let mut first: Option<(usize, Duration)> = None;
    for &size in sizes {
        let html = make(size);
        let bytes = html.len();
        match run_small_stack(html) {
            Ok((elapsed, cpu, peak, outcome)) => {
                // Growth by CPU time: on a shared machine the wall clock also counts waits.
                let growth = first.map_or(String::new(), |(size0, cpu0)| {
                    format!(
                        "  ×{:.1} cpu time for ×{:.0} input",
                        cpu.as_secs_f64() / cpu0.as_secs_f64().max(1e-9),
                        size as f64 / size0 as f64
                    )
                });
                first.get_or_insert((size, cpu));
                println!(
                    "{label:<16} n={size:<9} {:>6.1} MB  {:>9.1} ms (cpu {:>9.1} ms)  peak heap {:>5.1}× input  {outcome}{growth}",
                    bytes as f64 / 1e6,
                    ms(elapsed),
                    ms(cpu),
                    peak as f64 / bytes as f64
                );
            }
            Err(error) => println!("{label:<16} n={size:<9} FAILED: {error}"),
        }
    }
}

/// CPU time the calling thread has used so far (the machine is shared: wall time alone
/// also counts what other processes take from this one).
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec; the clock id is a constant the kernel knows.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    if status != 0 {
        return Duration::ZERO;
    }
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Wall and CPU time of `work`, on this thread.
fn timed<T>(work: impl FnOnce() -> T) -> (T, Duration, Duration) {
    let cpu = thread_cpu_time();
    let start = Instant::now();
    let result = work();
    (
        result,
        start.elapsed(),
        thread_cpu_time().saturating_sub(cpu),
    )
}

/// dom_smoothie on one page: readable text, or `None` when it finds no article.
fn dom_smoothie_text(html: &[u8]) -> Option<usize> {
    let html = String::from_utf8_lossy(html);
    let mut readability = dom_smoothie::Readability::new(html.as_ref(), None, None).ok()?;
    readability
        .parse()
        .ok()
        .map(|article| article.text_content.len())
}

/// gleaner and dom_smoothie side by side on the same pages, interleaved page by page.
/// Which extractors the side-by-side loop runs: both, or one alone (so that a counter such
/// as `perf stat -e instructions:u` sees one side's work; `None` runs neither and measures
/// what loading the pages costs).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sides {
    Both,
    Gleaner,
    DomSmoothie,
    None,
}

fn peer_comparison(pages: &[(String, Vec<u8>)], rounds: usize, sides: Sides) {
    let opts = ExtractOptions::default();
    let n = pages.len();
    let (mut ours_wall, mut ours_cpu) = (vec![Duration::MAX; n], vec![Duration::MAX; n]);
    let (mut peer_wall, mut peer_cpu) = (vec![Duration::MAX; n], vec![Duration::MAX; n]);
    let (mut ours_articles, mut peer_articles) = (0usize, 0usize);
    for round in 0..rounds {
        for (i, (_, html)) in pages.iter().enumerate() {
            let run_ours = matches!(sides, Sides::Both | Sides::Gleaner);
            let (ours, wall, cpu) = timed(|| run_ours && extract(html, &opts).is_ok());
            ours_wall[i] = ours_wall[i].min(wall);
            ours_cpu[i] = ours_cpu[i].min(cpu);
            let run_peer = matches!(sides, Sides::Both | Sides::DomSmoothie);
            let (peer, wall, cpu) = timed(|| run_peer && dom_smoothie_text(html).is_some());
            peer_wall[i] = peer_wall[i].min(wall);
            peer_cpu[i] = peer_cpu[i].min(cpu);
            if round == 0 {
                ours_articles += usize::from(ours);
                peer_articles += usize::from(peer);
            }
        }
    }
    println!("side by side, best of {rounds} per page, one thread, interleaved page by page");
    println!(
        "gleaner: {ours_articles} of {n} pages gave an article; dom_smoothie: {peer_articles}"
    );
    let total = |times: &[Duration]| times.iter().sum::<Duration>();
    let median = |times: &[Duration]| {
        let mut sorted = times.to_vec();
        sorted.sort();
        percentile(&sorted, 0.5)
    };
    summary("gleaner extract() wall", ours_wall.clone());
    summary("gleaner extract() cpu", ours_cpu.clone());
    summary("dom_smoothie parse wall", peer_wall.clone());
    summary("dom_smoothie parse cpu", peer_cpu.clone());
    println!(
        "gleaner / dom_smoothie       summed wall {:.2}× ({:.2} s / {:.2} s)   summed cpu {:.2}×   median wall {:.2}×   median cpu {:.2}×",
        total(&ours_wall).as_secs_f64() / total(&peer_wall).as_secs_f64().max(1e-9),
        total(&ours_wall).as_secs_f64(),
        total(&peer_wall).as_secs_f64(),
        total(&ours_cpu).as_secs_f64() / total(&peer_cpu).as_secs_f64().max(1e-9),
        median(&ours_wall).as_secs_f64() / median(&peer_wall).as_secs_f64().max(1e-9),
        median(&ours_cpu).as_secs_f64() / median(&peer_cpu).as_secs_f64().max(1e-9),
    );
}

fn main() -> ExitCode {
    let mut rounds = 3usize;
    let mut peer = false;
    let mut sides = Sides::Both;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--rounds" => rounds = args.next().and_then(|n| n.parse().ok()).unwrap_or(3).max(1),
            "--peer" => peer = true,
            "--only" => {
                peer = true;
                sides = match args.next().as_deref() {
                    Some("gleaner") => Sides::Gleaner,
                    Some("dom_smoothie") => Sides::DomSmoothie,
                    Some("none") => Sides::None,
                    other => {
                        eprintln!(
                            "bench_extract: --only takes gleaner, dom_smoothie or none, not {other:?}"
                        );
                        return ExitCode::from(2);
                    }
                };
            }
            "-h" | "--help" => {
                println!(
                    "usage: bench_extract [--rounds N] [--peer | --only gleaner|dom_smoothie|none]"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("bench_extract: unknown argument {other:?}");
                return ExitCode::from(2);
            }
        }
    }
    if cfg!(debug_assertions) {
        eprintln!("bench_extract: debug build; run with --release for meaningful figures");
    }
    let corpus = match scoring::corpus_dir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("bench_extract: {e}");
            return ExitCode::from(2);
        }
    };
    let pages = match load_pages(&corpus.join("trafilatura-dev/html")) {
        Ok(pages) if !pages.is_empty() => pages,
        Ok(_) => {
            eprintln!("bench_extract: no pages in {}", corpus.display());
            return ExitCode::from(2);
        }
        Err(error) => {
            eprintln!("bench_extract: {error}");
            return ExitCode::from(2);
        }
    };
    let total_bytes: usize = pages.iter().map(|(_, html)| html.len()).sum();
    println!(
        "trafilatura-dev: {} pages, {:.1} MB decompressed, {rounds} rounds, one thread",
        pages.len(),
        total_bytes as f64 / 1e6
    );
    if peer {
        peer_comparison(&pages, rounds, sides);
        return ExitCode::SUCCESS;
    }

    // Corpus: best of `rounds` per page, so that a scheduling hiccup on a shared machine
    // does not count as the extractor's time.
    let opts = ExtractOptions::default();
    let mut extract_times = vec![Duration::MAX; pages.len()];
    let mut metadata_times = vec![Duration::MAX; pages.len()];
    let mut parse_times = vec![Duration::MAX; pages.len()];
    // Peak heap per page, the least over the rounds: the first extraction of a process
    // also builds lazily compiled tables (date patterns and the like) once for all pages.
    let mut peaks = vec![usize::MAX; pages.len()];
    let mut articles = 0usize;
    for round in 0..rounds {
        for (i, (_, html)) in pages.iter().enumerate() {
            let (result, elapsed, peak) = measure(|| extract(html, &opts));
            extract_times[i] = extract_times[i].min(elapsed);
            peaks[i] = peaks[i].min(peak);
            if round == 0 {
                articles += usize::from(result.is_ok());
            }
            let (_, elapsed, _) = measure(|| metadata_path(html));
            metadata_times[i] = metadata_times[i].min(elapsed);
            let (_, elapsed, _) = measure(|| ParsedPage::parse(html, &opts).encoding().len());
            parse_times[i] = parse_times[i].min(elapsed);
        }
    }
    println!("{articles} of {} pages gave an article", pages.len());
    summary("extract()", extract_times.clone());
    summary("decode + parse alone", parse_times);
    summary("metadata path alone", metadata_times);
    let mut ratios: Vec<(f64, &str)> = pages
        .iter()
        .zip(&peaks)
        .map(|((name, html), peak)| (*peak as f64 / html.len().max(1) as f64, name.as_str()))
        .collect();
    ratios.sort_by(|a, b| a.0.total_cmp(&b.0));
    println!(
        "peak heap / input size       median {:.1}×   p90 {:.1}×   max {:.1}× ({})",
        ratios[ratios.len() / 2].0,
        ratios[(ratios.len() - 1) * 9 / 10].0,
        ratios.last().map_or(0.0, |r| r.0),
        ratios.last().map_or("", |r| r.1)
    );

    let (largest_name, largest) = pages
        .iter()
        .max_by_key(|(_, html)| html.len())
        .map(|(name, html)| (name.clone(), html.clone()))
        .unwrap_or_default();
    let (_, elapsed, peak) = measure(|| extract(&largest, &opts));
    println!(
        "largest corpus page          {largest_name}: {:.2} MB in {:.1} ms, peak heap {:.1}× input",
        largest.len() as f64 / 1e6,
        ms(elapsed),
        peak as f64 / largest.len() as f64
    );

    // Paragraph texts of the corpus, for a realistic long article.
    let paragraphs: Vec<String> = pages
        .iter()
        .take(50)
        .flat_map(|(_, html)| {
            let doc = scraper::Html::parse_document(&String::from_utf8_lossy(html));
            let selector = scraper::Selector::parse("p").expect("valid selector");
            doc.select(&selector)
                .map(|p| p.text().collect::<String>())
                .filter(|t| t.len() > 200)
                .map(|t| t.replace(['<', '>', '&'], " "))
                .collect::<Vec<_>>()
        })
        .collect();
    let big = big_article(5_000_000, &paragraphs);
    let mut best = Duration::MAX;
    let mut peak_big = 0;
    for _ in 0..rounds {
        let (_, elapsed, peak) = measure(|| extract(&big, &opts));
        best = best.min(elapsed);
        peak_big = peak;
    }
    println!(
        "5 MB article                 {:.2} MB in {:.1} ms, peak heap {:.1}× input",
        big.len() as f64 / 1e6,
        ms(best),
        peak_big as f64 / big.len() as f64
    );

    println!("pathological inputs (2 MiB stack):");
    pathological("links", &many_links, &[25_000, 50_000, 100_000]);
    pathological(
        "nested divs",
        &nested_divs,
        &[2_500_000, 5_000_000, 10_000_000],
    );
    pathological("deep nesting", &deep_nesting, &[25_000, 50_000, 100_000]);
    pathological(
        "hidden nesting",
        &hidden_nesting,
        &[25_000, 50_000, 100_000],
    );
    pathological(
        "JSON-LD nesting",
        &jsonld_nested_divs,
        &[25_000, 50_000, 100_000],
    );
    pathological(
        "metadata markup",
        &metadata_markup,
        &[25_000, 50_000, 100_000],
    );
    pathological("line breaks", &many_breaks, &[250_000, 500_000, 1_000_000]);
    pathological(
        "reopened format",
        &reopened_formatting,
        &[250_000, 500_000, 1_000_000],
    );
    pathological(
        "linked br lines",
        &linked_break_paragraphs,
        &[25_000, 50_000, 100_000],
    );
    ExitCode::SUCCESS
}
