//! Care outside dental and hospital care (`domain = "overig"`; docs/rules.md#other-care):
//! pharmacy, GGZ, paramedical care, huisartsenzorg ... under the basic insurance (Zvw art.
//! 10), given as its covered amount. The library does not judge it: it is covered, and it
//! is there so that it uses the eigen risico in date order before the dental and hospital
//! lines it competes with (Zvw art. 19), unless the line is exempt from it (Zvw art. 19
//! lid 2, Bzv 2.17; the `eigen_risico_exempt` column).

use super::Verdict;
use crate::policy::Entitlement;
use crate::reason::{Basis, Reason};

/// The verdict on an overig line: covered, Zvw art. 10 (overige zorg), no eigen bijdrage.
/// No dental entitlement (`Entitlement::None`): no frequency limit or insurer rule reads it.
pub fn judge() -> Verdict {
    Verdict {
        covered: true,
        reason: Reason::Covered,
        basis: Basis::ZvwArt10Overig as u16,
        entitlement: Entitlement::None,
        authorization_required: false,
        eigen_bijdrage_bp: 0,
        eigen_bijdrage_max: super::eigen_bijdrage::NO_MAX,
        bijdrage_is_care: false,
    }
}

/// Whether an overig line is charged to the eigen risico: an insured of 18 or over (Zvw
/// art. 19 lid 1; the ledger starts the pot the month after the 18th birthday), unless
/// the line is exempt (Zvw art. 19 lid 2, Bzv 2.17).
pub fn bears_eigen_risico(age: i32, exempt: bool) -> bool {
    age >= 18 && !exempt
}
