//! gleaner: a polite crawler daemon that collects clean news and NGO articles.
//!
//! The modules follow the pipeline: [`fetch`] pages politely, [`extract`] the article,
//! [`crawl`] a site (frontier, pipeline, store writer), keep it in the [`store`], and run
//! it all unattended under the [`daemon`].

pub mod cli;
pub mod config;
pub mod crawl;
pub mod daemon;
pub mod extract;
pub mod fetch;
pub mod logging;
pub mod store;

/// jemalloc's options for the `gleaner` binary (and the in-process benchmarks, which must
/// measure the allocator the binary runs with; see [`install_jemalloc!`]): a background
/// thread purges unused pages after 100 ms, so memory freed after a crawl round goes back to
/// the system without waiting for the next allocation.
///
/// A crawl frees page-sized buffers at hundreds of pages a second, and what jemalloc keeps
/// dirty until the decay is over was most of a crawl's peak: `bench_crawl_sites web` peaked
/// at 164 MiB RSS with `dirty_decay_ms:0` (but 38 % more CPU per page), 247-258 MiB with
/// 1000 ms, 211-214 MiB with 100 ms (CPU per page 2.46 -> 2.6 ms; same build, same minutes).
pub const JEMALLOC_OPTIONS: &[u8; 59] =
    b"background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0\0";

#[cfg(not(target_env = "msvc"))]
#[doc(hidden)]
pub use tikv_jemallocator;

/// Makes jemalloc, with [`JEMALLOC_OPTIONS`], the program's allocator: the `gleaner`
/// binary's, and that of each in-process benchmark that must measure what the binary runs
/// with. Expands to the `#[global_allocator]` and the `_rjem_malloc_conf` symbol jemalloc
/// reads its options from at its start (the `_rjem_` prefix is tikv-jemallocator's).
#[macro_export]
macro_rules! install_jemalloc {
    () => {
        #[cfg(not(target_env = "msvc"))]
        #[global_allocator]
        static ALLOCATOR: $crate::tikv_jemallocator::Jemalloc = $crate::tikv_jemallocator::Jemalloc;

        #[cfg(all(not(target_env = "msvc"), not(target_os = "macos")))]
        #[unsafe(export_name = "_rjem_malloc_conf")]
        #[allow(non_upper_case_globals)]
        static malloc_conf: &[u8; 59] = $crate::JEMALLOC_OPTIONS;
    };
}
