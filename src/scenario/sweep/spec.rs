//! A validated `[sweep]` section: the design and its sizes, and the swept paths with where
//! their values come from. What `crate::sweep::design` generates the points from.

use crate::params::Domain;
use crate::scenario::Value;
use crate::scenario::error::Pos;

/// The designs, as written in `design = "..."`.
pub const DESIGN_NAMES: &[&str] = &["grid", "list", "lhs", "sobol", "morris"];

/// The default number of morris levels, as in SALib.
pub const DEFAULT_LEVELS: u32 = 4;

/// A validated `[sweep]` section.
#[derive(Clone, Debug, PartialEq)]
pub struct SweepSpec {
    pub design: Design,
    /// Replicates of every point; `None`: the scenario's `run.replicates`.
    pub replicates: Option<u32>,
    /// Seed of the sampled designs (lhs, sobol, morris); `None`: the scenario's `run.seed`.
    pub seed: Option<u64>,
    /// The swept paths in order: the `[[sweep.parameter]]`s, or for a list design every path
    /// its points set, in order of first appearance.
    pub parameters: Vec<SweptParameter>,
    /// Where `[sweep]` begins, for errors about the whole sweep.
    pub pos: Pos,
}

/// The design and its sizes.
#[derive(Clone, Debug, PartialEq)]
pub enum Design {
    /// The cross product of every parameter's values.
    Grid,
    /// Explicit points: for each point, the value of each parameter it sets (`None`: the
    /// scenario's own value).
    List { points: Vec<Vec<Option<Value>>> },
    /// A Latin hypercube of `samples` points.
    Lhs { samples: u32 },
    /// Saltelli's scheme from a base sample of `samples` rows: `samples × (2D + 2)` points.
    Sobol { samples: u32 },
    /// Morris trajectories on a grid of `levels` levels: `trajectories × (D + 1)` points.
    Morris { trajectories: u32, levels: u32 },
}

impl Design {
    /// The name as written in the file.
    pub fn name(&self) -> &'static str {
        match self {
            Design::Grid => "grid",
            Design::List { .. } => "list",
            Design::Lhs { .. } => "lhs",
            Design::Sobol { .. } => "sobol",
            Design::Morris { .. } => "morris",
        }
    }

    /// Whether the design samples ranges (and so is written for SALib).
    pub fn is_sampled(&self) -> bool {
        matches!(
            self,
            Design::Lhs { .. } | Design::Sobol { .. } | Design::Morris { .. }
        )
    }
}

/// One swept path.
#[derive(Clone, Debug, PartialEq)]
pub struct SweptParameter {
    /// The path as written (trimmed): `all.corruption`, `pair.A.B.cooperation`.
    pub path: String,
    /// The parameter's domain: sampled values of a whole-number parameter are rounded.
    pub domain: Domain,
    pub values: Values,
    /// Where the path is written.
    pub pos: Pos,
}

/// Where a parameter's values come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Values {
    /// `values = [...]` of a grid.
    List(Vec<Value>),
    /// `from` and `to`, and for a grid `steps` (equal intervals: `steps + 1` values).
    Range {
        from: f64,
        to: f64,
        steps: Option<u32>,
    },
    /// Set by the points of a list design.
    ByPoint,
}

/// The text of a value as an override takes it: a number in its shortest exact decimal form,
/// an offence set as comma-separated names (empty: no offence).
pub fn value_text(value: &Value) -> String {
    match value {
        Value::Number(x) => format!("{x}"),
        Value::Offences(set) => set.names().join(","),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::OffenceSet;

    #[test]
    fn value_text_round_trips() {
        for x in [0.0, 0.5, 1.0, 0.1 + 0.2, 1e-7, 12345.678, 3.0] {
            let text = value_text(&Value::Number(x));
            assert_eq!(text.parse::<f64>().unwrap(), x, "{text}");
        }
        assert_eq!(value_text(&Value::Number(3.0)), "3");
        let set = OffenceSet::from_names(["labour", "sexual"]).unwrap();
        assert_eq!(value_text(&Value::Offences(set)), "sexual,labour");
        assert_eq!(value_text(&Value::Offences(OffenceSet::EMPTY)), "");
    }
}
