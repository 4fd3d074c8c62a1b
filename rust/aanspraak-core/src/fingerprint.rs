//! A stable hash of a text, for telling which parts of a policy changed.

/// A stable hash of a text (std's SipHash with fixed keys).
pub fn fingerprint(text: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}
