//! aanspraak-core: scores Dutch health-insurance declaration lines against the
//! Zorgverzekeringswet, Besluit zorgverzekering (Bzv 2.7), Regeling zorgverzekering
//! (Rzv 2.31), the eigen risico and an insurer's policy conditions. Pure Rust; the
//! Python binding lives in `aanspraak-py`.

pub mod alloc;
pub mod codes;
pub mod compare;
pub mod dates;
pub mod engine;
pub mod error;
pub mod fingerprint;
pub mod grouped;
pub mod ids;
pub mod input;
pub mod ledger;
pub mod money;
pub mod msz;
pub mod outcome;
pub mod output;
pub mod passes;
pub mod policy;
pub mod provider;
pub mod reason;
pub mod rules;
pub mod strings;
pub mod supplementary;
pub mod vocab;

pub use engine::score;
pub use error::{Error, Result};
pub use policy::{load as load_policy, CompiledPolicy};

pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
