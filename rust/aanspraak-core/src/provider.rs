//! The kinds of care provider (`provider_type`), shared by the input and the policy rules.

/// `provider_type` (docs/rules.md#input).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Provider {
    #[default]
    Unknown = 0,
    Tandarts,
    Mondhygienist,
    Tandprotheticus,
    Orthodontist,
    Kaakchirurg,
    Implantoloog,
    Cbt,
    MedischSpecialist,
}

impl Provider {
    pub const NAMES: [&'static str; 8] =
        ["tandarts", "mondhygienist", "tandprotheticus", "orthodontist", "kaakchirurg", "implantoloog", "cbt", "medisch_specialist"];
    pub fn parse(s: &str) -> Option<Provider> {
        let i = Self::NAMES.iter().position(|n| *n == s)?;
        Some(match i {
            0 => Provider::Tandarts,
            1 => Provider::Mondhygienist,
            2 => Provider::Tandprotheticus,
            3 => Provider::Orthodontist,
            4 => Provider::Kaakchirurg,
            5 => Provider::Implantoloog,
            6 => Provider::Cbt,
            _ => Provider::MedischSpecialist,
        })
    }
}
