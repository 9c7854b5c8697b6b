//! Two hints about the population's memory, where the platform takes them: huge pages under
//! its records, and prefetches of the records a visit will need next. Neither changes a byte
//! the program computes, only how soon memory is at hand; they hold the crate's only
//! `unsafe` code, two calls to the platform.
//!
//! **Huge pages.** The weekly events visit persons scattered over the whole population: at a
//! million persons their records span about 48 MB, and with 4 KiB pages nearly every visit
//! also misses the TLB (a page walk before the cache miss). Linux backs memory with 2 MiB
//! pages when asked (`madvise(MADV_HUGEPAGE)`; many kernels give them only when asked), so
//! that the TLB covers the whole population, and building it takes one page fault per 2 MiB
//! instead of one per 4 KiB. Elsewhere, and where the kernel refuses, nothing happens.
//!
//! **Prefetches.** A visit of persons scattered over the population waits for each record
//! from memory; asking for the records of the persons visited a little later (`prefetch`, an
//! x86-64 instruction that loads a cache line without waiting for it) overlaps those waits
//! with the work of the visits. Elsewhere it is a plain load.

/// The size of a huge page on x86-64 and aarch64 Linux.
const HUGE_PAGE: usize = 2 << 20;

/// The whole huge pages inside the `bytes` bytes from address `start`, as a range of
/// addresses; `None` if none fits (the advice is aligned to them, so that no small
/// allocation is split into several kernel mappings for nothing).
fn whole_huge_pages(start: usize, bytes: usize) -> Option<std::ops::Range<usize>> {
    let first = start.next_multiple_of(HUGE_PAGE);
    let last = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
    (last > first).then_some(first..last)
}

/// Asks for huge pages under the capacity of `buffer`: call it on a freshly reserved, still
/// empty buffer, before it is filled (the kernel chooses the page size when memory is first
/// touched).
pub fn advise<T>(buffer: &Vec<T>) {
    let bytes = buffer.capacity() * std::mem::size_of::<T>();
    if let Some(pages) = whole_huge_pages(buffer.as_ptr() as usize, bytes) {
        advise_range(pages);
    }
}

#[cfg(target_os = "linux")]
fn advise_range(pages: std::ops::Range<usize>) {
    // SAFETY: `pages` lies inside a live allocation of the caller's, and MADV_HUGEPAGE only
    // changes how those pages are backed, never what they hold. A failure (a kernel without
    // transparent huge pages) is harmless, and ignored.
    #[allow(unsafe_code)]
    unsafe {
        libc::madvise(
            pages.start as *mut libc::c_void,
            pages.len(),
            libc::MADV_HUGEPAGE,
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn advise_range(_pages: std::ops::Range<usize>) {}

/// Starts loading the cache line that holds `x`, without waiting for it (elsewhere than on
/// x86-64, a plain load: independent loads still overlap their misses).
#[inline]
pub fn prefetch<T: Copy>(x: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch reads nothing the program sees and cannot fault; `x` is a live
    // reference besides. SSE, which the instruction needs, is part of every x86-64 target.
    #[allow(unsafe_code)]
    unsafe {
        use std::arch::x86_64::{_MM_HINT_T0, _mm_prefetch};
        _mm_prefetch::<_MM_HINT_T0>((x as *const T).cast::<i8>());
    }
    #[cfg(not(target_arch = "x86_64"))]
    std::hint::black_box(*x);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_huge_pages_inside_the_buffer_are_advised() {
        const MIB: usize = 1 << 20;
        // From 1 MiB to 9 MiB: the pages at 2, 4 and 6 MiB (the one at 8 MiB ends past it).
        assert_eq!(whole_huge_pages(MIB, 8 * MIB), Some(2 * MIB..8 * MIB));
        // Aligned at both ends: all of it.
        assert_eq!(whole_huge_pages(4 * MIB, 4 * MIB), Some(4 * MIB..8 * MIB));
        // One whole page in 3 MiB; none in 2 MiB off the boundary, nor in nothing.
        assert_eq!(whole_huge_pages(MIB, 3 * MIB), Some(2 * MIB..4 * MIB));
        assert_eq!(whole_huge_pages(MIB, 2 * MIB), None);
        assert_eq!(whole_huge_pages(4096, 0), None);
    }

    #[test]
    fn advised_buffers_keep_what_is_written() {
        for n in [0, 10, 3 << 20] {
            let mut buffer: Vec<u32> = Vec::with_capacity(n);
            advise(&buffer);
            buffer.extend(0..n as u32);
            assert!(buffer.iter().enumerate().all(|(i, &x)| x == i as u32));
        }
    }
}
