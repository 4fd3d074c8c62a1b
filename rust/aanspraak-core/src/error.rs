//! Errors that stop a whole call (bad schema, bad policy). Per-row problems are not
//! errors: they become `INVALID_INPUT` rows.

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A required column is missing or has a type the engine cannot use.
    #[error("column `{column}`: found {found}, expected {expected}")]
    Schema { column: String, found: String, expected: String },
    /// A policy file or reference table is invalid.
    #[error("{file}: key `{key}`: expected {expected}")]
    Policy { file: String, key: String, expected: String },
    /// The opening balances name something the policy set lacks, or an unusable row
    /// (docs/rules.md#opening-balances).
    #[error("{0}")]
    Opening(String),
    #[error("{0}")]
    Other(String),
}

pub type Result<T> = std::result::Result<T, Error>;
