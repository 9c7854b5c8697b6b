//! The forms of trafficking (MODEL.md §1, `law.offences`) and sets of them: which forms a
//! country criminalizes, their harmonization between two countries (Jaccard) and the classes
//! the exploitation step works by. Below the parameter table, which re-exports them.

use std::fmt;

/// A form of trafficking (MODEL.md §1, `law.offences`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Offence {
    Sexual = 0,
    Labour = 1,
    Child = 2,
    DebtBondage = 3,
    DomesticServitude = 4,
    ForcedCriminality = 5,
    OrganRemoval = 6,
}

impl Offence {
    pub const ALL: [Offence; 7] = [
        Offence::Sexual,
        Offence::Labour,
        Offence::Child,
        Offence::DebtBondage,
        Offence::DomesticServitude,
        Offence::ForcedCriminality,
        Offence::OrganRemoval,
    ];
    pub const ALL_NAMES: &'static str = "sexual, labour, child, debt_bondage, domestic_servitude, forced_criminality, organ_removal";

    pub fn name(self) -> &'static str {
        match self {
            Offence::Sexual => "sexual",
            Offence::Labour => "labour",
            Offence::Child => "child",
            Offence::DebtBondage => "debt_bondage",
            Offence::DomesticServitude => "domestic_servitude",
            Offence::ForcedCriminality => "forced_criminality",
            Offence::OrganRemoval => "organ_removal",
        }
    }

    pub fn from_name(name: &str) -> Option<Offence> {
        Offence::ALL.into_iter().find(|o| o.name() == name)
    }

    /// Forms found by labour inspection (MODEL.md §2 step 5: "labour forms").
    pub fn is_labour_form(self) -> bool {
        matches!(
            self,
            Offence::Labour | Offence::DebtBondage | Offence::DomesticServitude | Offence::Child
        )
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// What exit hazards and revenue depend on besides the country (step 5): sexual
    /// exploitation (0: revenue, police focus), the labour forms (1: inspection), others (2).
    pub fn class(self) -> usize {
        if self == Offence::Sexual {
            0
        } else if self.is_labour_form() {
            1
        } else {
            2
        }
    }

    /// The number of classes of [`Offence::class`].
    pub const CLASSES: usize = 3;
}

impl fmt::Display for Offence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of offence forms, as a bit mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Hash)]
pub struct OffenceSet(u8);

impl OffenceSet {
    pub const EMPTY: OffenceSet = OffenceSet(0);

    /// Every form: the full Palermo Protocol definition.
    pub fn palermo() -> OffenceSet {
        OffenceSet((1 << Offence::ALL.len()) - 1)
    }

    pub fn contains(self, o: Offence) -> bool {
        self.0 & (1 << o as u8) != 0
    }

    pub fn insert(&mut self, o: Offence) {
        self.0 |= 1 << o as u8;
    }

    pub fn len(self) -> u32 {
        self.0.count_ones()
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn intersection(self, other: OffenceSet) -> OffenceSet {
        OffenceSet(self.0 & other.0)
    }

    pub fn union(self, other: OffenceSet) -> OffenceSet {
        OffenceSet(self.0 | other.0)
    }

    /// Harmonization `H(i, j) = |O_i ∩ O_j| / |O_i ∪ O_j|` (Jaccard, MODEL.md §1);
    /// two empty sets are taken as fully harmonized (nothing differs between them).
    pub fn jaccard(self, other: OffenceSet) -> f64 {
        let union = self.union(other).len();
        if union == 0 {
            1.0
        } else {
            self.intersection(other).len() as f64 / union as f64
        }
    }

    pub fn iter(self) -> impl Iterator<Item = Offence> {
        Offence::ALL.into_iter().filter(move |o| self.contains(*o))
    }

    pub fn names(self) -> Vec<&'static str> {
        self.iter().map(Offence::name).collect()
    }

    /// Parses offence names; on an unknown name returns it.
    pub fn from_names<'a>(names: impl IntoIterator<Item = &'a str>) -> Result<OffenceSet, String> {
        let mut set = OffenceSet::EMPTY;
        for n in names {
            set.insert(Offence::from_name(n).ok_or_else(|| n.to_string())?);
        }
        Ok(set)
    }
}

impl FromIterator<Offence> for OffenceSet {
    fn from_iter<T: IntoIterator<Item = Offence>>(iter: T) -> Self {
        let mut s = OffenceSet::EMPTY;
        for o in iter {
            s.insert(o);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_harmonization() {
        let a = OffenceSet::from_names(["sexual", "labour"]).unwrap();
        let b = OffenceSet::from_names(["sexual", "child"]).unwrap();
        assert!((a.jaccard(b) - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(a.jaccard(a), 1.0);
        assert_eq!(OffenceSet::EMPTY.jaccard(a), 0.0);
        assert_eq!(OffenceSet::from_names(["nope"]), Err("nope".to_string()));
    }
}
