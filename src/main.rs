//! The `ecm` binary: the allocator and its one setting, then parse, dispatch, map errors to exit
//! status. Nothing else.

use ecm::cli::MemoryUse;

fn main() -> std::process::ExitCode {
    ecm::cli::main(set_purge_delay)
}

// Claims, ingest and reconcile allocate many small, short-lived strings per row; glibc's malloc
// spent a third of `ecm claims`'s time on them (see the README's benchmark notes).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc.h, the same position in
/// its v2 and v3 headers; libmimalloc-sys names no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// When memory freed in one phase goes back to the system (`MIMALLOC_PURGE_DELAY` in the
/// environment still decides when it is set).
///
/// [`MemoryUse::Lean`]: after 10 ms instead of mimalloc v3's default of a second. A run's phases
/// run on different threads, which do not reuse each other's freed pages at once: the
/// duplicate-id table (about 50 MB on 1 M rows) freed after reading was still resident while each
/// payer's thread sorted its lines. 1 M encounters, three runs each: peak RSS of `claims` 295 ->
/// 248 MiB, `reconcile` 310 -> 248 MiB, wall time within the noise.
///
/// [`MemoryUse::Reuse`]: never (-1). `ingest` handed its reading tables back only to fault fresh
/// pages in for the 837 it writes next, and mimalloc purged everything again at exit: 0.4 s of
/// its 3.5 s on 1 M lines went to the kernel, for about 60 MB less peak RSS (of 1 GB allowed).
fn set_purge_delay(memory: MemoryUse) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        let ms = match memory {
            MemoryUse::Lean => 10,
            MemoryUse::Reuse => -1,
        };
        // SAFETY: sets one integer option; called before any other thread exists.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, ms) };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// libmimalloc-sys has no constant for the option, so ours is checked by the default only
    /// `purge_delay` has in the mimalloc v3 the crate builds (options.c: 1000 ms).
    #[test]
    fn the_option_number_is_the_purge_delay() {
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        // SAFETY: reads one integer option.
        let v = unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        assert_eq!(
            v, 1000,
            "option {MI_OPTION_PURGE_DELAY} is not mimalloc v3's purge_delay: look it up in mimalloc.h"
        );
    }
}
