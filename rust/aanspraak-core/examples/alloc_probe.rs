use rayon::prelude::*;
use std::time::Instant;
#[derive(Clone, Copy, Default)]
struct R { a: i64, b: i64, c: i64, d: i64, e: i64, f: i64, g: i64, h: i64 }
fn main() {
    let n = 10_000_000;
    let rows = vec![R { a: 5, ..Default::default() }; n];
    for _ in 0..3 {
        let t = Instant::now();
        let v: Vec<i128> = rows.par_iter().map(|r| r.a as i128).collect();
        let t1 = t.elapsed();
        let t = Instant::now();
        let w: Vec<i128> = rows.iter().map(|r| r.a as i128).collect();
        let t2 = t.elapsed();
        let t = Instant::now();
        let mut x = vec![0i128; n];
        x.par_iter_mut().zip(rows.par_iter()).for_each(|(x, r)| *x = r.a as i128);
        let t3 = t.elapsed();
        println!("par collect {:?} seq collect {:?} zeroed+par fill {:?} {}", t1, t2, t3, v.len() + w.len() + x.len());
    }
}
