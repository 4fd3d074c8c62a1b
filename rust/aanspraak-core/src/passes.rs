//! What the per-line passes share: the chunk size they split rows by, and the stage timer.

/// Rows per task in the per-line passes.
pub const CHUNK: usize = 1 << 14;

/// Stage timings on stderr when AANSPRAAK_TIMING is set (for profiling, not for tests).
pub struct Timer {
    on: bool,
    last: std::cell::Cell<std::time::Instant>,
}

impl Default for Timer {
    fn default() -> Self {
        Timer::new()
    }
}

impl Timer {
    pub fn new() -> Timer {
        Timer { on: std::env::var_os("AANSPRAAK_TIMING").is_some(), last: std::cell::Cell::new(std::time::Instant::now()) }
    }
    pub fn lap(&self, what: &str) {
        if self.on {
            let now = std::time::Instant::now();
            // Resident memory and the allocator's cache, in MiB, after the stage.
            let rss = std::fs::read_to_string("/proc/self/statm").ok().and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok()).map_or(0, |p| (p * 4096) >> 20);
            let cached = crate::alloc::cached_bytes() >> 20;
            // The peak resident memory so far (VmHWM), which a stage can raise and lower again.
            let peak = std::fs::read_to_string("/proc/self/status")
                .ok()
                .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse::<usize>().ok())
                .map_or(0, |kib| kib >> 10);
            eprintln!("aanspraak timing: {what:<28} {:>8.1} ms  rss {rss:>6} MiB  peak {peak:>6} MiB  cached {cached:>5} MiB", (now - self.last.get()).as_secs_f64() * 1e3);
            self.last.set(now);
        }
    }
}
