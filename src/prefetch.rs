//! A hint to the processor to start fetching memory the program is about to read: for loops that
//! visit a million items in an order unrelated to where they lie (hash table slots, lines in
//! invoice order), where each visit otherwise waits on memory before the next begins.

/// Asks for the cache line holding the start of `item`. Reads nothing into the program, cannot
/// fault, and does nothing on targets without a prefetch instruction we use.
#[inline(always)]
pub fn prefetch<T: ?Sized>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is a hint; the address is of a live value besides.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
            (item as *const T).cast::<i8>(),
        );
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
