//! What some tests need from outside the repository: the evaluation corpus beside the
//! checkout (`../shared/corpus` or `$GLEANER_CORPUS`) and a Python with warcio.
//!
//! A clone of the repository has neither, and `cargo test` must still pass there, so a test
//! that cannot find what it needs skips: it says so on the test output and passes. CI must
//! not pass that way, so `.ci/run` sets the `GLEANER_REQUIRE_*` variables below, which turn
//! the same skips into failures.
//!
//! Shared by integration tests (`#[path = "common/external.rs"]`) and the library's own
//! corpus test in `src/extract/tokenizer.rs`, so the rule and the variables are defined once.

#![allow(dead_code)]

use std::io::Write as _;

/// Set (to anything but `0` or empty) to make tests that need the evaluation corpus fail
/// when it is absent.
pub const REQUIRE_CORPUS: &str = "GLEANER_REQUIRE_CORPUS";

/// Set (to anything but `0` or empty) to make tests that need warcio fail when no Python
/// with warcio is found.
pub const REQUIRE_WARCIO: &str = "GLEANER_REQUIRE_WARCIO";

/// Whether the variable `require` makes a requirement mandatory.
pub fn required(require: &str) -> bool {
    std::env::var_os(require).is_some_and(|v| !v.is_empty() && v != "0")
}

/// Called by a test that cannot run because something outside the repository is missing:
/// fails the test when `require` is set, otherwise prints one `SKIPPED:` line and returns,
/// and the caller returns too.
///
/// The line is written to the process's stderr directly: libtest captures only the print
/// macros, so `cargo test` shows the line although the test passes.
pub fn skip(require: &str, test: &str, reason: &str) {
    if required(require) {
        panic!("{test}: {reason} (and {require} is set: this test is mandatory here)");
    }
    let _ = writeln!(
        std::io::stderr(),
        "SKIPPED: {test}: {reason}; run .ci/run (or set {require}=1) to make it mandatory"
    );
}
