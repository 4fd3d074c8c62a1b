//! The kinds of care provider (`provider_type`), shared by the input and the policy rules.

crate::vocab! {
    /// `provider_type` (docs/rules.md#input); `Unknown` when null or absent. The
    /// discriminants are the bits of a policy's provider sets (`policy::provider_bits`).
    pub enum Provider {
        Unknown,
        Tandarts = "tandarts",
        Mondhygienist = "mondhygienist",
        Tandprotheticus = "tandprotheticus",
        Orthodontist = "orthodontist",
        Kaakchirurg = "kaakchirurg",
        Implantoloog = "implantoloog",
        Cbt = "cbt",
        MedischSpecialist = "medisch_specialist",
    }
}
