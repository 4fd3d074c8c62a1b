//! The vocabulary of the input columns (docs/rules.md#input): one `#[repr(u8)]` enum per
//! concept, each with its input spelling written once, next to its variant.
//!
//! Every enum is declared with [`vocab!`]: its first variant is the value of a null or
//! absent column (it has no spelling), the others carry the spelling the input uses.
//! The macro gives `NAMES` (the accepted spellings, in variant order), `parse` (a spelling
//! to its variant; `None` for anything else, which the input layer turns into
//! `INVALID_INPUT`) and `as_str` (an exhaustive `match`, so a new variant cannot lack one).
//! One value is one byte, and `Option<E>` is one byte too (the niche of the unused
//! discriminants): the input reads a column into `Option<E>`, `None` for an unknown
//! spelling, so that a row's bad value costs no extra column.
//!
//! `Provider` (provider.rs) is declared the same way. `Tri` (a nullable boolean) has no
//! spellings: it is read from Boolean columns.

/// Declare a vocabulary enum: `null` is the value of a null or absent column, every other
/// variant carries its input spelling.
#[macro_export]
macro_rules! vocab {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(#[$null_meta:meta])* $null:ident,
            $( $(#[$var_meta:meta])* $var:ident = $spelling:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[repr(u8)]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        $vis enum $name {
            $(#[$null_meta])*
            #[default]
            $null = 0,
            $( $(#[$var_meta])* $var ),+
        }

        impl $name {
            /// The accepted input spellings, in variant order (the null value has none).
            pub const NAMES: &'static [&'static str] = &[$($spelling),+];

            /// The variant an input spelling names; `None` for any other text.
            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $( $spelling => Some($name::$var), )+
                    _ => None,
                }
            }

            /// The input spelling ("" for the null value).
            pub fn as_str(self) -> &'static str {
                match self {
                    $name::$null => "",
                    $( $name::$var => $spelling, )+
                }
            }
        }
    };
}

/// A value that may be unknown (null): the Boolean columns `edentulous`, `authorization`,
/// `bt_related`, `referral` (docs/rules.md#input).
#[repr(u8)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tri {
    #[default]
    Null = 0,
    False,
    True,
}

impl Tri {
    pub fn from_opt(v: Option<bool>) -> Tri {
        match v {
            None => Tri::Null,
            Some(false) => Tri::False,
            Some(true) => Tri::True,
        }
    }
}

vocab! {
    /// Which jaw a code (or line) concerns: the code table's `jaw` column and the input's
    /// `jaw` (which accepts `upper` and `lower` only: [`Jaw::parse_input`]).
    pub enum Jaw {
        Unknown,
        Upper = "upper",
        Lower = "lower",
        Both = "both",
    }
}

impl Jaw {
    /// The spellings the input column `jaw` accepts (a line concerns one jaw).
    pub const INPUT_NAMES: &'static [&'static str] = &["upper", "lower"];

    /// The input column `jaw`: `upper` or `lower`; `None` for anything else.
    pub fn parse_input(s: &str) -> Option<Jaw> {
        match Jaw::parse(s)? {
            j @ (Jaw::Upper | Jaw::Lower) => Some(j),
            Jaw::Unknown | Jaw::Both => None,
        }
    }
}

vocab! {
    /// `bt_indication`: the indication for bijzondere tandheelkunde, Bzv 2.7 lid 1 sub a-c.
    pub enum BtIndication {
        None,
        /// Lid 1 sub a: a severe developmental or growth disorder of the teeth, jaw or mouth.
        A = "a",
        /// Lid 1 sub b: a non-dental physical or mental disorder.
        B = "b",
        /// Lid 1 sub c: a medical treatment that without dental care has insufficient result.
        C = "c",
    }
}

vocab! {
    /// `missing_tooth_cause`: why a permanent incisor or canine is missing (Bzv 2.7 lid 6).
    pub enum MissingCause {
        None,
        Agenesis = "agenesis",
        Accident = "accident",
    }
}

vocab! {
    /// `setting`: where hospital care took place (the POK list, docs/rules.md#hospital-care).
    pub enum Setting {
        None,
        Pok = "pok",
        Outpatient = "outpatient",
        Daycare = "daycare",
        Inpatient = "inpatient",
    }
}

vocab! {
    /// `domain`: dental care (Bzv 2.7), medical specialist care (Zvw art. 10 a) or other
    /// basic-insurance care given as its covered amount (Zvw art. 10; docs/rules.md#other-care);
    /// inferred from the code when null (docs/rules.md#input), never as `overig`.
    pub enum Domain {
        Infer,
        Mondzorg = "mondzorg",
        Msz = "msz",
        Overig = "overig",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip_and_values_are_one_byte() {
        for (i, s) in BtIndication::NAMES.iter().enumerate() {
            let v = BtIndication::parse(s).unwrap();
            assert_eq!(v as usize, i + 1);
            assert_eq!(v.as_str(), *s);
        }
        assert_eq!(Setting::parse("daycare"), Some(Setting::Daycare));
        assert_eq!(Setting::parse("Daycare"), None);
        assert_eq!(Domain::parse(""), None);
        assert_eq!(Jaw::parse_input("both"), None);
        assert_eq!(Jaw::parse("both"), Some(Jaw::Both));
        assert_eq!(Jaw::INPUT_NAMES.iter().map(|s| Jaw::parse_input(s).unwrap().as_str()).collect::<Vec<_>>(), Jaw::INPUT_NAMES);
        assert_eq!(std::mem::size_of::<Option<BtIndication>>(), 1);
        assert_eq!(std::mem::size_of::<Option<MissingCause>>(), 1);
        assert_eq!(std::mem::size_of::<Option<Setting>>(), 1);
        assert_eq!(std::mem::size_of::<Option<Domain>>(), 1);
        assert_eq!(std::mem::size_of::<Option<Jaw>>(), 1);
        assert_eq!(std::mem::size_of::<Option<crate::provider::Provider>>(), 1);
    }
}
