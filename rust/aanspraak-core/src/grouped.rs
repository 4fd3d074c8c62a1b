//! Walks over an insured's lines in processing order (docs/rules.md#order-of-charging): items sorted by
//! (insured, treatment date, line_id, row), split at insured boundaries into chunks for
//! rayon. Insured ids longer than 12 bytes are keyed by a 128-bit hash; the walk checks
//! that items grouped under one key share the id, and regroups by exact ids if not.

use crate::passes::CHUNK;
use crate::strings::RowStrings;
use rayon::prelude::*;

/// An item of a per-insured walk.
pub trait Grouped: Send + Sync {
    /// (insured, treatment date, line_id order key, row).
    fn order(&self) -> (u128, i32, i64, u32);
    fn set_insured(&mut self, key: u128);
    fn insured(&self) -> u128 {
        self.order().0
    }
    fn row(&self) -> u32 {
        self.order().3
    }
}

/// Sort `items` into processing order and run `walk` over whole insureds in parallel;
/// returns one effect per item, aligned with the sorted `items`.
pub fn walk<T: Grouped, E: Default + Clone + Send>(
    items: &mut [T],
    strings: Option<&RowStrings>,
    walk: impl Fn(&[T], &mut [E]) + Sync,
) -> Vec<E> {
    let timer = crate::passes::Timer::new();
    let strings = strings.filter(|_| items.iter().any(|it| RowStrings::is_hashed(it.insured())));
    sort(items);
    timer.lap("    walk: sort");
    if let Some(s) = strings {
        if collides(items, s) {
            // Two long insured ids hashed alike (about 1 in 10^25): regroup by exact ids.
            let mut dense: foldhash::HashMap<&[u8], u128> = Default::default();
            for it in items.iter_mut() {
                let next = dense.len() as u128;
                it.set_insured(*dense.entry(s.get(it.row() as usize)).or_insert(next));
            }
            sort(items);
        }
    }
    let mut effects = vec![E::default(); items.len()];
    let bounds = bounds(items);
    let mut item_chunks: Vec<&[T]> = Vec::new();
    let mut effect_chunks: Vec<&mut [E]> = Vec::new();
    let mut rest: &mut [E] = &mut effects;
    for w in bounds.windows(2) {
        item_chunks.push(&items[w[0]..w[1]]);
        let (a, b) = rest.split_at_mut(w[1] - w[0]);
        effect_chunks.push(a);
        rest = b;
    }
    item_chunks.into_par_iter().zip(effect_chunks).for_each(|(its, effs)| walk(its, effs));
    timer.lap("    walk: walk");
    effects
}

/// Sort the items unless they already are in processing order.
fn sort<T: Grouped>(items: &mut [T]) {
    if !items.par_windows(2).all(|w| w[0].order() <= w[1].order()) {
        items.par_sort_unstable_by_key(|it| it.order());
    }
}

/// True when two different insured ids share a key among the (sorted) items.
pub fn collides<T: Grouped>(items: &[T], strings: &RowStrings) -> bool {
    items.par_windows(2).any(|w| {
        w[0].insured() == w[1].insured()
            && RowStrings::is_hashed(w[0].insured())
            && strings.get(w[0].row() as usize) != strings.get(w[1].row() as usize)
    })
}

/// Chunk bounds at insured boundaries, about 64 chunks per thread.
fn bounds<T: Grouped>(items: &[T]) -> Vec<usize> {
    let target = (items.len() / (rayon::current_num_threads() * 64)).max(4096);
    let mut bounds = vec![0usize];
    let mut next = target;
    while next < items.len() {
        let ins = items[next - 1].insured();
        while next < items.len() && items[next].insured() == ins {
            next += 1;
        }
        if next < items.len() {
            bounds.push(next);
        }
        next += target;
    }
    bounds.push(items.len());
    bounds
}

/// Collects the items of `n` rows into `out` in row order, in parallel chunks of
/// `CHUNK` rows, without holding them twice: chunk c calls `produce(c, side_c, push)`,
/// which writes its items at the start of the chunk's own region of `out` (one slot per
/// row), and the regions are then moved together. `side` (n entries; a `Vec<()>` costs
/// nothing) is handed out per chunk for per-row results written in the same pass.
/// The buffer gets small pages, so that only the slots written become resident.
pub fn collect_by_chunk<T, U>(out: &mut Vec<T>, side: &mut [U], produce: impl Fn(usize, &mut [U], &mut dyn FnMut(T)) + Sync)
where
    T: Copy + Send,
    U: Send,
{
    let n = side.len();
    out.clear();
    out.reserve(n);
    crate::alloc::small_pages(out.spare_capacity_mut());
    let counts: Vec<usize> = out.spare_capacity_mut()[..n]
        .par_chunks_mut(CHUNK)
        .zip(side.par_chunks_mut(CHUNK))
        .enumerate()
        .map(|(c, (region, side))| {
            let mut count = 0;
            produce(c, side, &mut |item| {
                region[count].write(item);
                count += 1;
            });
            count
        })
        .collect();
    let mut len = 0;
    for (c, &count) in counts.iter().enumerate() {
        // SAFETY: region c starts at slot c * CHUNK and its first `count` slots were
        // written; the destination [len, len + count) starts at or before it (len ≤
        // c * CHUNK), and `copy` allows the overlap.
        unsafe {
            let base = out.as_mut_ptr();
            std::ptr::copy(base.add(c * CHUNK), base.add(len), count);
        }
        len += count;
    }
    // SAFETY: the first `len` slots now hold initialised items (T is Copy).
    unsafe { out.set_len(len) };
    // The regions' slots past `len` were written and moved down: hand their pages back.
    crate::alloc::forget_pages(out.spare_capacity_mut());
}

#[cfg(test)]
mod tests {
    #[test]
    fn collect_by_chunk_keeps_row_order_and_fills_the_side() {
        let n = 3 * super::CHUNK + 17;
        let mut side = vec![0u8; n];
        let mut out: Vec<u32> = Vec::new();
        super::collect_by_chunk(&mut out, &mut side, |c, side, push| {
            for (k, s) in side.iter_mut().enumerate() {
                let row = (c * super::CHUNK + k) as u32;
                *s = 1;
                if row % 3 == 0 || c == 2 {
                    push(row);
                }
            }
        });
        let want: Vec<u32> = (0..n as u32).filter(|&r| r % 3 == 0 || r as usize / super::CHUNK == 2).collect();
        assert_eq!(out, want);
        assert!(side.iter().all(|&s| s == 1));
        let mut none: Vec<u32> = Vec::new();
        super::collect_by_chunk(&mut none, &mut vec![(); 10], |_, _, _| {});
        assert!(none.is_empty());
    }
}
