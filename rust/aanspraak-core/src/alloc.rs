//! An allocator for binaries that embed the engine (the Python extension and the
//! benches register it with `#[global_allocator]`): the system allocator, plus two things
//! for large blocks (column buffers of millions of rows):
//!
//! - a hint to the kernel to back them with transparent huge pages. On this kind of machine
//!   THP is in `madvise` mode, and a 4 KiB page fault per 4 KiB of fresh column memory was
//!   the largest single cost of scoring (measured: every stage ran 1.4-2x faster with
//!   huge pages);
//! - a cache of freed large blocks, reused for the next request of the same (rounded) size
//!   instead of being unmapped. Fresh memory is zeroed by the kernel page by page: `perf`
//!   put 44 % of a warm 10M-line `score` in `clear_page_erms` before the cache. A request
//!   the cache cannot serve first returns cached blocks to the system until the large
//!   blocks in use plus the cached ones are within the most ever in use: the cache keeps
//!   only memory the process has needed before.
//!
//! The cache holds at most `AANSPRAAK_CACHE_MB` MiB (default 4096; 0 turns it off) and is
//! emptied by [`release_cached`]. `AANSPRAAK_HUGEPAGES=0` turns the hint off.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicUsize, Ordering};

pub struct HugePageHint;

/// Blocks from this size on get the huge-page hint.
const BIG: usize = 4 << 20;
/// Blocks from this size on go through the cache (glibc maps blocks this large afresh
/// each time: per-chunk buffers of 16k rows are 0.5-2 MiB).
const CACHED: usize = 256 << 10;

/// 0 unknown, 1 on, 2 off (AANSPRAAK_HUGEPAGES=0 turns the hint off).
static STATE: AtomicU8 = AtomicU8::new(0);

/// `name` from the environment; getenv does not allocate, so it is safe inside the allocator.
#[cfg(target_os = "linux")]
fn env_bytes(name: &std::ffi::CStr) -> Option<&'static [u8]> {
    // SAFETY: getenv returns a NUL-terminated string owned by the environment, or null.
    unsafe {
        let p = libc::getenv(name.as_ptr());
        (!p.is_null()).then(|| std::ffi::CStr::from_ptr(p).to_bytes())
    }
}

#[cfg(target_os = "linux")]
fn enabled() -> bool {
    match STATE.load(Ordering::Relaxed) {
        1 => true,
        2 => false,
        _ => {
            let off = env_bytes(c"AANSPRAAK_HUGEPAGES").is_some_and(|v| v.first() == Some(&b'0'));
            STATE.store(if off { 2 } else { 1 }, Ordering::Relaxed);
            !off
        }
    }
}

/// `madvise(advice)` over the whole 4 KiB pages inside `[p, p + size)`; an error is
/// ignored (the calls are hints, or drop pages the caller no longer needs).
///
/// # Safety
/// The range must lie inside memory the caller owns, and with `MADV_DONTNEED` hold no
/// value it still needs (those pages read as zeros afterwards).
#[cfg(target_os = "linux")]
unsafe fn advise_pages(p: *mut u8, size: usize, advice: libc::c_int) {
    const PAGE: usize = 4096;
    let start = (p as usize + PAGE - 1) & !(PAGE - 1);
    let end = (p as usize + size) & !(PAGE - 1);
    if end > start {
        // SAFETY: the range lies inside the caller's memory (this function's contract).
        unsafe {
            libc::madvise(start as *mut libc::c_void, end - start, advice);
        }
    }
}

#[cfg(target_os = "linux")]
fn advise(p: *mut u8, size: usize) {
    if p.is_null() || size < BIG || !enabled() {
        return;
    }
    // SAFETY: the range is a block we just obtained; MADV_HUGEPAGE only hints.
    unsafe { advise_pages(p, size, libc::MADV_HUGEPAGE) };
}

#[cfg(not(target_os = "linux"))]
fn advise(_: *mut u8, _: usize) {}

#[cfg(not(target_os = "linux"))]
fn env_bytes(_: &std::ffi::CStr) -> Option<&'static [u8]> {
    None
}

/// The size a cached block really gets: rounded up to 1/16 of the next power of two (at
/// least 64 KiB), so that buffers of nearly the same length share a size class.
fn rounded(size: usize) -> usize {
    let grain = (size.next_power_of_two() / 16).max(64 << 10);
    size.div_ceil(grain) * grain
}

/// Free large blocks kept for reuse: (rounded size, align, address); a fixed table, since
/// the allocator cannot allocate for itself.
struct Cache {
    slots: [(usize, usize, usize); SLOTS],
    len: usize,
    /// Bytes of the cached blocks.
    bytes: usize,
    /// Bytes of the large blocks in use, and their high-water mark.
    live: usize,
    peak: usize,
}
const SLOTS: usize = 4096;

static LOCK: AtomicBool = AtomicBool::new(false);
static mut CACHE: Cache = Cache { slots: [(0, 0, 0); SLOTS], len: 0, bytes: 0, live: 0, peak: 0 };
/// The budget in bytes; usize::MAX = not read yet.
static BUDGET: AtomicUsize = AtomicUsize::new(usize::MAX);

fn budget() -> usize {
    let b = BUDGET.load(Ordering::Relaxed);
    if b != usize::MAX {
        return b;
    }
    let mb = env_bytes(c"AANSPRAAK_CACHE_MB")
        .and_then(|v| std::str::from_utf8(v).ok()?.trim().parse::<usize>().ok())
        .unwrap_or(4096);
    let b = mb.saturating_mul(1 << 20);
    BUDGET.store(b, Ordering::Relaxed);
    b
}

/// Runs `f` on the cache under a spin lock (held for a table scan only).
fn with_cache<R>(f: impl FnOnce(&mut Cache) -> R) -> R {
    while LOCK.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        std::hint::spin_loop();
    }
    // SAFETY: LOCK gives this thread exclusive access to CACHE until it is released below.
    let r = f(unsafe { &mut *std::ptr::addr_of_mut!(CACHE) });
    LOCK.store(false, Ordering::Release);
    r
}

impl Cache {
    /// Takes slot `i` out of the table.
    fn remove(&mut self, i: usize) -> (usize, usize, usize) {
        let b = self.slots[i];
        self.slots.copy_within(i + 1..self.len, i);
        self.len -= 1;
        self.bytes -= b.0;
        b
    }

    /// A cached block of exactly this size and alignment, the newest first.
    fn take(&mut self, size: usize, align: usize) -> Option<*mut u8> {
        let i = (0..self.len).rev().find(|&i| self.slots[i].0 == size && self.slots[i].1 == align)?;
        Some(self.remove(i).2 as *mut u8)
    }

    /// Removes a block to make room for one of `size`: the oldest of at most 4 × `size`,
    /// else the oldest.
    fn evict_for(&mut self, size: usize) -> Option<(usize, usize, usize)> {
        if self.len == 0 {
            return None;
        }
        let i = (0..self.len).find(|&i| self.slots[i].0 <= size.saturating_mul(4)).unwrap_or(0);
        Some(self.remove(i))
    }

    /// Keeps a block, evicting the oldest blocks (moved to `evicted`, for freeing) to stay
    /// within the budget; false when it cannot be kept.
    fn put(&mut self, size: usize, align: usize, p: *mut u8, evicted: &mut [(usize, usize, usize); 4]) -> (bool, usize) {
        let budget = budget();
        if size > budget {
            return (false, 0);
        }
        let mut n = 0;
        while (self.bytes + size > budget || self.len == SLOTS) && n < evicted.len() && self.len > 0 {
            evicted[n] = self.remove(0);
            n += 1;
        }
        if self.bytes + size > budget || self.len == SLOTS {
            return (false, n);
        }
        self.slots[self.len] = (size, align, p as usize);
        self.len += 1;
        self.bytes += size;
        (true, n)
    }
}

/// Returns every cached block to the operating system; the bytes released.
pub fn release_cached() -> usize {
    let mut freed = 0;
    loop {
        let Some((size, align, p)) = with_cache(|c| (c.len > 0).then(|| c.remove(c.len - 1))) else {
            return freed;
        };
        // SAFETY: cached blocks came from System.alloc with exactly this layout.
        unsafe { System.dealloc(p as *mut u8, Layout::from_size_align_unchecked(size, align)) };
        freed += size;
    }
}

/// Asks for small (4 KiB) pages under `buf`: for a buffer written sparsely (a region
/// per chunk, each filled from its start), so that only the pages written become
/// resident; with huge pages every touched 2 MiB would.
pub fn small_pages<T>(buf: &mut [T]) {
    // SAFETY: the range is `buf`; MADV_NOHUGEPAGE only hints.
    #[cfg(target_os = "linux")]
    unsafe {
        advise_pages(buf.as_mut_ptr() as *mut u8, std::mem::size_of_val(buf), libc::MADV_NOHUGEPAGE)
    };
}

/// Returns the whole pages under `buf` to the kernel (`MADV_DONTNEED`): for the unused
/// tail of a buffer whose contents there are garbage. They read as zeros afterwards and
/// become resident again only when written.
pub fn forget_pages<T>(buf: &mut [std::mem::MaybeUninit<T>]) {
    // SAFETY: the range is `buf`, whose slots hold no initialised values.
    #[cfg(target_os = "linux")]
    unsafe {
        advise_pages(buf.as_mut_ptr() as *mut u8, std::mem::size_of_val(buf), libc::MADV_DONTNEED)
    };
}

/// Bytes now held in the cache.
pub fn cached_bytes() -> usize {
    with_cache(|c| c.bytes)
}

unsafe fn big_alloc(layout: Layout, zeroed: bool) -> *mut u8 {
    let size = rounded(layout.size());
    let align = layout.align();
    let hit = with_cache(|c| {
        c.live += size;
        c.take(size, align)
    });
    if let Some(p) = hit {
        advise(p, size);
        if zeroed {
            std::ptr::write_bytes(p, 0, layout.size());
        }
        return p;
    }
    // A miss: return cached blocks to the system while the large blocks in use plus the
    // cached ones would exceed the most ever in use, so that the cache only keeps memory
    // the process has needed before. Blocks near the size asked for go first, so that
    // small misses do not throw out the big buffers the next call will want again.
    while let Some((s, a, q)) = with_cache(|c| if c.live + c.bytes > c.peak { c.evict_for(size) } else { None }) {
        System.dealloc(q as *mut u8, Layout::from_size_align_unchecked(s, a));
    }
    let real = Layout::from_size_align_unchecked(size, align);
    let p = if zeroed { System.alloc_zeroed(real) } else { System.alloc(real) };
    with_cache(|c| {
        if p.is_null() {
            c.live = c.live.saturating_sub(size);
        }
        c.peak = c.peak.max(c.live);
    });
    advise(p, size);
    p
}

unsafe fn big_dealloc(p: *mut u8, layout: Layout) {
    let size = rounded(layout.size());
    let align = layout.align();
    let mut evicted = [(0, 0, 0); 4];
    let (kept, n) = with_cache(|c| {
        c.live = c.live.saturating_sub(size);
        c.put(size, align, p, &mut evicted)
    });
    for &(s, a, q) in &evicted[..n] {
        System.dealloc(q as *mut u8, Layout::from_size_align_unchecked(s, a));
    }
    if !kept {
        System.dealloc(p, Layout::from_size_align_unchecked(size, align));
    }
}

// SAFETY: small blocks go to `System` with the caller's layout. A large block is always
// obtained from and returned to `System` with the layout (rounded(size), align), a pure
// function of the caller's layout, so alloc, realloc and dealloc agree on it; a cached
// block is handed out again only for a request with that same rounded size and alignment.
unsafe impl GlobalAlloc for HugePageHint {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= CACHED {
            return big_alloc(layout, false);
        }
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= CACHED {
            return big_alloc(layout, true);
        }
        System.alloc_zeroed(layout)
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        if layout.size() >= CACHED {
            return big_dealloc(p, layout);
        }
        System.dealloc(p, layout)
    }
    unsafe fn realloc(&self, p: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let align = layout.align();
        match (layout.size() >= CACHED, new_size >= CACHED) {
            (false, false) => System.realloc(p, layout, new_size),
            (true, true) => {
                let (old, new) = (rounded(layout.size()), rounded(new_size));
                if old == new {
                    return p;
                }
                let q = System.realloc(p, Layout::from_size_align_unchecked(old, align), new);
                if !q.is_null() {
                    with_cache(|c| {
                        c.live = c.live + new - old;
                        c.peak = c.peak.max(c.live);
                    });
                }
                advise(q, new);
                q
            }
            _ => {
                let q = self.alloc(Layout::from_size_align_unchecked(new_size, align));
                if !q.is_null() {
                    std::ptr::copy_nonoverlapping(p, q, layout.size().min(new_size));
                    self.dealloc(p, layout);
                }
                q
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_a_size_class_at_least_the_request() {
        assert_eq!(rounded(BIG), 4 << 20);
        assert_eq!(rounded(BIG + 1), (4 << 20) + (512 << 10));
        assert_eq!(rounded(80_000_000), 80 << 20);
        assert_eq!(rounded(CACHED), CACHED);
        for s in [CACHED, 300_001, BIG, 5_000_001, 33 << 20, 80_000_001, 1 << 33] {
            assert!(rounded(s) >= s && rounded(s) - s <= s / 8, "{s}");
        }
    }

    #[test]
    fn a_freed_block_is_reused_and_released() {
        let a = HugePageHint;
        let l = Layout::from_size_align(9 << 20, 64).unwrap();
        unsafe {
            let p = a.alloc(l);
            p.write(7);
            a.dealloc(p, l);
            let q = a.alloc_zeroed(Layout::from_size_align((9 << 20) - 5, 64).unwrap());
            assert_eq!(p, q);
            assert_eq!(q.read(), 0);
            a.dealloc(q, Layout::from_size_align((9 << 20) - 5, 64).unwrap());
        }
        assert!(cached_bytes() >= 9 << 20);
        assert!(release_cached() >= 9 << 20);
    }
}
