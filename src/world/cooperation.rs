//! Cooperation between countries (MODEL.md §1): a matrix resolved from the scenario's default,
//! blocs and pairs, and harmonization, which is derived from the laws and never set by hand.

use crate::params::OffenceSet;
use crate::scenario::CooperationSpec;

use super::CountryId;

/// `level(i, j)`: how readily `j` acts on a request from `i` (mutual legal assistance,
/// extradition), and the chance that `i` shares intelligence with `j`. Asymmetric only where
/// a directed pair makes it so.
#[derive(Clone, Debug, PartialEq)]
pub struct Cooperation {
    n: usize,
    level: Vec<f64>,
}

impl Cooperation {
    /// Resolves the written levels: the default everywhere, then each bloc between its members
    /// (in file order, later blocs win), then each pair (in file order).
    pub fn from_spec(spec: &CooperationSpec, n: usize) -> Cooperation {
        let mut c = Cooperation {
            n,
            level: vec![spec.default; n * n],
        };
        for bloc in &spec.blocs {
            if let Some(level) = bloc.cooperation {
                for &a in &bloc.members {
                    for &b in &bloc.members {
                        if a != b {
                            c.set(a, b, level);
                        }
                    }
                }
            }
        }
        for pair in &spec.pairs {
            c.set(pair.a, pair.b, pair.cooperation);
            if !pair.directed {
                c.set(pair.b, pair.a, pair.cooperation);
            }
        }
        c
    }

    /// How readily `to` acts on a request from `from`.
    pub fn level(&self, from: CountryId, to: CountryId) -> f64 {
        if from == to {
            1.0
        } else {
            self.level[from.index() * self.n + to.index()]
        }
    }

    fn set(&mut self, from: CountryId, to: CountryId, level: f64) {
        self.level[from.index() * self.n + to.index()] = level;
    }

    /// The country (other than `from` and `except`) that cooperates least with `from`: where a
    /// suspect investigated by `from` flees (MODEL.md §2 step 7). Ties go to the lower index.
    pub fn weakest_partner(&self, from: CountryId, except: CountryId) -> Option<CountryId> {
        (0..self.n)
            .map(CountryId::new)
            .filter(|&j| j != from && j != except)
            .min_by(|&a, &b| self.level(from, a).total_cmp(&self.level(from, b)))
    }
}

/// Harmonization `H(i, j)`: the Jaccard index of the two countries' offence sets (MODEL.md §1).
pub fn harmonization(a: OffenceSet, b: OffenceSet) -> f64 {
    a.jaccard(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::{Bloc, Pair};

    fn id(i: usize) -> CountryId {
        CountryId::new(i)
    }

    #[test]
    fn default_then_blocs_then_pairs() {
        let spec = CooperationSpec {
            default: 0.1,
            blocs: vec![Bloc {
                name: "North".into(),
                members: vec![id(1), id(2)],
                cooperation: Some(0.8),
            }],
            pairs: vec![
                Pair {
                    a: id(0),
                    b: id(1),
                    cooperation: 0.5,
                    directed: false,
                },
                Pair {
                    a: id(2),
                    b: id(1),
                    cooperation: 0.3,
                    directed: true,
                },
            ],
        };
        let c = Cooperation::from_spec(&spec, 3);
        assert_eq!(c.level(id(0), id(2)), 0.1);
        assert_eq!(c.level(id(1), id(2)), 0.8);
        assert_eq!(c.level(id(2), id(1)), 0.3);
        assert_eq!(c.level(id(0), id(1)), 0.5);
        assert_eq!(c.level(id(1), id(0)), 0.5);
        assert_eq!(c.level(id(1), id(1)), 1.0);
        assert_eq!(c.weakest_partner(id(1), id(0)), Some(id(2)));
        assert_eq!(c.weakest_partner(id(2), id(1)), Some(id(0)));
    }
}
