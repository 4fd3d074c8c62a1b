//! An allocator for binaries that embed the engine (the Python extension and the
//! benches register it with `#[global_allocator]`): the system allocator, plus a hint to
//! the kernel to back large blocks (column buffers of millions of rows) with transparent
//! huge pages. On this kind of machine THP is in `madvise` mode, and a 4 KiB page fault (several
//! microseconds here) per 4 KiB of fresh column memory was the largest single cost of
//! scoring (DESIGN.md: every
//! stage ran 1.4-2x faster with huge pages).

use std::alloc::{GlobalAlloc, Layout, System};

pub struct HugePageHint;

/// Blocks from this size on get the hint.
const BIG: usize = 4 << 20;

/// 0 unknown, 1 on, 2 off (AANSPRAAK_HUGEPAGES=0 turns the hint off).
static STATE: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

#[cfg(target_os = "linux")]
fn enabled() -> bool {
    use std::sync::atomic::Ordering;
    match STATE.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            // getenv does not allocate, so it is safe inside the allocator.
            let off = unsafe { !libc::getenv(c"AANSPRAAK_HUGEPAGES".as_ptr()).is_null() && *libc::getenv(c"AANSPRAAK_HUGEPAGES".as_ptr()) == b'0' as libc::c_char };
            STATE.store(if off { 2 } else { 1 }, Ordering::Relaxed);
            !off
        }
    }
}

#[cfg(target_os = "linux")]
fn advise(p: *mut u8, size: usize) {
    if p.is_null() || size < BIG || !enabled() {
        return;
    }
    const PAGE: usize = 4096;
    let start = (p as usize + PAGE - 1) & !(PAGE - 1);
    let end = (p as usize + size) & !(PAGE - 1);
    if end > start {
        // SAFETY: the range lies inside a block we just obtained; madvise only hints.
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
        }
    }
}

#[cfg(not(target_os = "linux"))]
fn advise(_: *mut u8, _: usize) {}

// SAFETY: every call forwards to `System` with the caller's layout; `advise` never
// changes memory contents or ownership.
unsafe impl GlobalAlloc for HugePageHint {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        advise(p, layout.size());
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        advise(p, layout.size());
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        System.dealloc(p, layout)
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let q = System.realloc(p, layout, new_size);
        advise(q, new_size);
        q
    }
}
