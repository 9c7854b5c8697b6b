//! The `[sweep]` section of a scenario file: which parameters a sweep varies, over which
//! values, by which design. `docs/SWEEPS.md` documents the format.
//!
//! A run does not run the section but checks it (`palermo run` and `compare` call
//! [`parse_sweep`] on every scenario); `palermo check` and `palermo sweep` read it here, from the
//! scenario's verbatim text, with the same located errors as the rest of the file (the
//! `Checker` of `validate.rs`). Every swept path is resolved with the one path language of
//! `--set` ([`overrides::resolve`]), so a sweep can vary exactly what `--set` can change, and
//! a value is checked against the parameter's [`Domain`] before anything runs. Generating the
//! points from this specification is `crate::sweep::design`'s job.

use super::checks::to_u64;
use super::error::{Pos, ScenarioError};
use super::file::{RawKind, RawTable, RawValue, parse_toml};
use super::overrides::{self, Target};
use super::validate::located::{Checker, Item, Leaf, expected_for, find};
use super::{Scenario, Value};
use crate::params::{Domain, closest_name, run_spec};

/// The keys of `[sweep]`.
const SWEEP_KEYS: &[&str] = &[
    "design",
    "replicates",
    "seed",
    "samples",
    "trajectories",
    "levels",
    "parameter",
    "point",
];
/// The keys of a `[[sweep.parameter]]`.
const PARAMETER_KEYS: &[&str] = &["path", "values", "from", "to", "steps"];

/// The designs, as written in `design = "..."`.
pub const DESIGN_NAMES: &[&str] = &["grid", "list", "lhs", "sobol", "morris"];

/// A grid axis has at most this many steps (so at most one more value).
const MAX_STEPS: f64 = 1_000_000.0;
/// Sample sizes (lhs points, sobol base samples, morris trajectories) are at most this.
const MAX_SAMPLES: f64 = 10_000_000.0;
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

/// Reads and validates the `[sweep]` section of a scenario (after its overrides); `None` if
/// the file has none.
pub fn parse_sweep(scenario: &Scenario) -> Result<Option<SweepSpec>, ScenarioError> {
    let raw = parse_toml(&scenario.text, &scenario.path)?;
    let Some((key, value)) = raw.entries.iter().find(|(k, _)| k.name == "sweep") else {
        return Ok(None);
    };
    let reader = SweepReader {
        checker: Checker::new(&scenario.path),
        scenario,
    };
    let leaf = Leaf {
        path: key.name.clone(),
        pos: key.pos,
        value,
    };
    reader.sweep(&leaf).map(Some)
}

struct SweepReader<'a> {
    checker: Checker<'a>,
    scenario: &'a Scenario,
}

impl SweepReader<'_> {
    fn err(&self, pos: Pos, key: &str, message: impl Into<String>) -> ScenarioError {
        self.checker.err(pos, key, message)
    }

    fn sweep(&self, leaf: &Leaf<'_>) -> Result<SweepSpec, ScenarioError> {
        let c = &self.checker;
        let table = c.table(leaf)?;
        let leaves = c.leaves(table, SWEEP_KEYS, "in [sweep]")?;
        let Some(design_leaf) = find(&leaves, "design") else {
            return Err(self.err(
                leaf.pos,
                "design",
                format!(
                    "[sweep] is missing `design` (one of {})",
                    DESIGN_NAMES.join(", ")
                ),
            ));
        };
        let name = c.string(design_leaf)?;
        if !DESIGN_NAMES.contains(&name) {
            return Err(self.err(
                design_leaf.pos,
                "design",
                format!(
                    "unknown design `{name}`{} (designs: {})",
                    closest_name(name, DESIGN_NAMES.iter().copied())
                        .map(|c| format!("; did you mean `{c}`?"))
                        .unwrap_or_default(),
                    DESIGN_NAMES.join(", ")
                ),
            ));
        }
        // Keys that belong to other designs are refused rather than ignored.
        let allowed: &[&str] = match name {
            "grid" => &["parameter"],
            "list" => &["point"],
            "lhs" | "sobol" => &["parameter", "samples"],
            _ => &["parameter", "trajectories", "levels"],
        };
        for l in &leaves {
            let general = ["design", "replicates", "seed"].contains(&l.path.as_str());
            if !general && !allowed.contains(&l.path.as_str()) {
                let belongs = match l.path.as_str() {
                    "samples" => "lhs and sobol designs",
                    "trajectories" | "levels" => "the morris design",
                    "point" => "the list design",
                    _ => "grid, lhs, sobol and morris designs",
                };
                return Err(self.err(
                    l.pos,
                    &l.path,
                    format!(
                        "`{}` does not apply to a {name} design (it is for {belongs})",
                        l.path
                    ),
                ));
            }
        }

        let replicates = match find(&leaves, "replicates") {
            Some(l) => Some(c.whole_u32(l, run_domain("replicates"))?),
            None => None,
        };
        let seed = match find(&leaves, "seed") {
            Some(l) => {
                let v = c.number(l, run_domain("seed"))?;
                Some(to_u64(v).ok_or_else(|| {
                    self.err(
                        l.pos,
                        "seed",
                        format!("seed = {} is too large", l.value.text),
                    )
                })?)
            }
            None => None,
        };

        let count = |key: &str, min: f64, what: &str| -> Result<u32, ScenarioError> {
            let Some(l) = find(&leaves, key) else {
                return Err(self.err(
                    leaf.pos,
                    key,
                    format!("a {name} design needs `{key}` ({what})"),
                ));
            };
            c.whole_u32(
                l,
                Domain::Count {
                    min,
                    max: MAX_SAMPLES,
                },
            )
        };
        let design = match name {
            "grid" => Design::Grid,
            "list" => Design::List { points: Vec::new() },
            "lhs" => Design::Lhs {
                samples: count("samples", 1.0, "the number of points")?,
            },
            "sobol" => Design::Sobol {
                samples: count("samples", 2.0, "the base sample size N")?,
            },
            _ => {
                let trajectories = count("trajectories", 2.0, "the number of trajectories")?;
                let levels = match find(&leaves, "levels") {
                    Some(l) => {
                        let levels = c.whole_u32(
                            l,
                            Domain::Count {
                                min: 2.0,
                                max: 1000.0,
                            },
                        )?;
                        if levels % 2 != 0 {
                            return Err(self.err(
                                l.pos,
                                "levels",
                                format!(
                                    "levels = {levels} must be even (Morris's step is levels / (2 (levels - 1)) of the range)"
                                ),
                            ));
                        }
                        levels
                    }
                    None => DEFAULT_LEVELS,
                };
                Design::Morris {
                    trajectories,
                    levels,
                }
            }
        };

        let (design, parameters) = match design {
            Design::List { .. } => {
                let Some(points_leaf) = find(&leaves, "point") else {
                    return Err(self.err(
                        leaf.pos,
                        "point",
                        "a list design needs at least one [[sweep.point]] of `\"PATH\" = VALUE`",
                    ));
                };
                self.points(c.items(points_leaf)?, points_leaf.pos)?
            }
            design => {
                let Some(params_leaf) = find(&leaves, "parameter") else {
                    return Err(self.err(
                        leaf.pos,
                        "parameter",
                        format!(
                            "a {name} design needs at least one [[sweep.parameter]] with a `path`"
                        ),
                    ));
                };
                let parameters =
                    self.parameters(c.items(params_leaf)?, params_leaf.pos, &design)?;
                (design, parameters)
            }
        };
        Ok(SweepSpec {
            design,
            replicates,
            seed,
            parameters,
            pos: leaf.pos,
        })
    }

    /// Resolves a swept path with the `--set` path language; run settings are refused.
    fn target(&self, path: &str, pos: Pos, key: &str) -> Result<Target, ScenarioError> {
        let target = overrides::resolve(self.scenario, path)
            .map_err(|e| self.err(pos, key, format!("sweep path `{path}`: {}", e.message)))?;
        if target.is_run_setting() {
            return Err(self.err(
                pos,
                key,
                format!(
                    "sweep path `{path}`: run settings are the same for every point of a sweep; set them in [run] or with --set"
                ),
            ));
        }
        Ok(target)
    }

    fn parameters(
        &self,
        items: Vec<Item<'_>>,
        at: Pos,
        design: &Design,
    ) -> Result<Vec<SweptParameter>, ScenarioError> {
        let c = &self.checker;
        if items.is_empty() {
            return Err(self.err(
                at,
                "parameter",
                format!(
                    "a {} design needs at least one [[sweep.parameter]]",
                    design.name()
                ),
            ));
        }
        let mut parameters: Vec<SweptParameter> = Vec::new();
        for item in &items {
            let leaves = c.leaves(item.table, PARAMETER_KEYS, "in [[sweep.parameter]]")?;
            let Some(path_leaf) = find(&leaves, "path") else {
                return Err(self.err(
                    item.pos,
                    "path",
                    "[[sweep.parameter]] is missing `path` (a --set path such as `all.corruption`)",
                ));
            };
            let path = c.string(path_leaf)?.trim().to_string();
            let target = self.target(&path, path_leaf.pos, "path")?;
            if let Some(first) = parameters.iter().find(|p| p.path == path) {
                return Err(self.err(
                    path_leaf.pos,
                    "path",
                    format!(
                        "sweep path `{path}` is swept twice (first on line {})",
                        first.pos.line
                    ),
                ));
            }
            let values = self.values(item, &leaves, &path, target.domain, design)?;
            parameters.push(SweptParameter {
                path,
                domain: target.domain,
                values,
                pos: path_leaf.pos,
            });
        }
        Ok(parameters)
    }

    /// A parameter's `values`, or `from`/`to` (and `steps` for a grid), as its design needs.
    fn values(
        &self,
        item: &Item<'_>,
        leaves: &[Leaf<'_>],
        path: &str,
        domain: Domain,
        design: &Design,
    ) -> Result<Values, ScenarioError> {
        let c = &self.checker;
        let name = design.name();
        let values = find(leaves, "values");
        let from = find(leaves, "from");
        let to = find(leaves, "to");
        let steps = find(leaves, "steps");
        let is_grid = matches!(design, Design::Grid);

        if let Some(v) = values {
            if !is_grid {
                return Err(self.err(
                    v.pos,
                    "values",
                    format!(
                        "a {name} design samples between `from` and `to`; `values` is for a grid"
                    ),
                ));
            }
            if let Some(other) = from.or(to).or(steps) {
                return Err(self.err(
                    other.pos,
                    &other.path,
                    format!(
                        "give either `values` or `from`, `to` and `steps` for `{path}`, not both"
                    ),
                ));
            }
            return self.value_list(v, path, domain).map(Values::List);
        }
        if domain == Domain::Offences {
            let what = if is_grid {
                "give its sets as `values = [[...], ...]`"
            } else {
                "sweep it in a grid or list design"
            };
            return Err(self.err(
                item.pos,
                path,
                format!("`{path}` is a set of offences, not a number: {what}"),
            ));
        }
        if let (false, Some(s)) = (is_grid, steps) {
            return Err(self.err(
                s.pos,
                "steps",
                format!("`steps` is for a grid; a {name} design samples between `from` and `to`"),
            ));
        }
        let expected = if is_grid {
            "`values`, or `from`, `to` and `steps`"
        } else {
            "`from` and `to`"
        };
        let (Some(from), Some(to)) = (from, to) else {
            return Err(self.err(
                item.pos,
                "from",
                format!("[[sweep.parameter]] `{path}` needs {expected}"),
            ));
        };
        let lo = self.bound(from, path, domain)?;
        let hi = self.bound(to, path, domain)?;
        if hi <= lo {
            return Err(self.err(
                to.pos,
                "to",
                format!(
                    "`{path}`: to = {} must be greater than from = {}",
                    to.value.text, from.value.text
                ),
            ));
        }
        let steps = match (is_grid, steps) {
            (true, Some(s)) => Some(c.whole_u32(
                s,
                Domain::Count {
                    min: 1.0,
                    max: MAX_STEPS,
                },
            )?),
            (true, None) => {
                return Err(self.err(
                    item.pos,
                    "steps",
                    format!(
                        "[[sweep.parameter]] `{path}` has `from` and `to` but no `steps` (equal intervals: steps + 1 values)"
                    ),
                ));
            }
            (false, _) => None,
        };
        if let (Some(steps), Domain::Count { .. }) = (steps, domain)
            && ((hi - lo) / f64::from(steps)).fract() != 0.0
        {
            return Err(self.err(
                to.pos,
                "to",
                format!(
                    "`{path}` is a whole number: with steps = {steps}, to - from must be a multiple of {steps}"
                ),
            ));
        }
        if let (Design::Morris { levels, .. }, Domain::Count { .. }) = (design, domain) {
            // Morris moves a factor between grid levels; a whole-number parameter must land
            // on whole numbers, or rounding would hide the step from the analysis.
            let gaps = f64::from(levels - 1);
            let step = (hi - lo) / gaps;
            if step.fract() != 0.0 {
                return Err(self.err(
                    to.pos,
                    "to",
                    format!(
                        "`{path}` is a whole number: with levels = {levels}, to - from must be a multiple of {}",
                        levels - 1
                    ),
                ));
            }
        }
        Ok(Values::Range {
            from: lo,
            to: hi,
            steps,
        })
    }

    /// `from` or `to`: a number in the parameter's domain, named by the path in messages.
    fn bound(&self, leaf: &Leaf<'_>, path: &str, domain: Domain) -> Result<f64, ScenarioError> {
        let Some(v) = leaf.value.as_number() else {
            return Err(self.checker.type_error(leaf, expected_for(domain)));
        };
        domain.check(v).map_err(|e| {
            self.err(
                leaf.pos,
                &leaf.path,
                format!("`{path}`: {} = {} {e}", leaf.path, leaf.value.text),
            )
        })?;
        Ok(v)
    }

    /// The items of `values = [...]`, each in the domain (an offence set is a list of names).
    fn value_list(
        &self,
        leaf: &Leaf<'_>,
        path: &str,
        domain: Domain,
    ) -> Result<Vec<Value>, ScenarioError> {
        let Some(items) = leaf.value.as_array() else {
            return Err(self.checker.type_error(leaf, "a list of values"));
        };
        if items.is_empty() {
            return Err(self.err(
                leaf.pos,
                "values",
                format!("`values` of `{path}` is empty: the design would have no point"),
            ));
        }
        items
            .iter()
            .map(|item| self.value(item, path, domain))
            .collect()
    }

    /// One value of a path: a number in its domain, or a list of offence names.
    fn value(&self, raw: &RawValue, path: &str, domain: Domain) -> Result<Value, ScenarioError> {
        let leaf = Leaf {
            path: path.to_string(),
            pos: raw.pos,
            value: raw,
        };
        match domain {
            Domain::Offences => Ok(Value::Offences(self.checker.offences(&leaf)?)),
            _ => {
                if raw.as_number().is_none() {
                    return Err(self.checker.type_error(&leaf, expected_for(domain)));
                }
                Ok(Value::Number(self.checker.number(&leaf, domain)?))
            }
        }
    }

    /// The points of a list design, and the paths they set as its parameters.
    fn points(
        &self,
        items: Vec<Item<'_>>,
        at: Pos,
    ) -> Result<(Design, Vec<SweptParameter>), ScenarioError> {
        if items.is_empty() {
            return Err(self.err(
                at,
                "point",
                "a list design needs at least one [[sweep.point]]",
            ));
        }
        let mut parameters: Vec<SweptParameter> = Vec::new();
        let mut points: Vec<Vec<(usize, Value)>> = Vec::new();
        for item in &items {
            let mut entries = Vec::new();
            flatten(item.table, "", None, &mut entries);
            if entries.is_empty() {
                return Err(self.err(
                    item.pos,
                    "point",
                    "this [[sweep.point]] sets nothing: give `\"PATH\" = VALUE` pairs",
                ));
            }
            let mut point: Vec<(usize, Value)> = Vec::new();
            for (path, pos, raw) in entries {
                let path = path.trim().to_string();
                let target = self.target(&path, pos, &path)?;
                let index = match parameters.iter().position(|p| p.path == path) {
                    Some(i) => i,
                    None => {
                        parameters.push(SweptParameter {
                            path: path.clone(),
                            domain: target.domain,
                            values: Values::ByPoint,
                            pos,
                        });
                        parameters.len() - 1
                    }
                };
                if point.iter().any(|(i, _)| *i == index) {
                    return Err(self.err(
                        pos,
                        &path,
                        format!("`{path}` is given twice in this [[sweep.point]]"),
                    ));
                }
                point.push((index, self.value(raw, &path, target.domain)?));
            }
            points.push(point);
        }
        let width = parameters.len();
        let points = points
            .into_iter()
            .map(|point| {
                let mut row = vec![None; width];
                for (i, v) in point {
                    row[i] = Some(v);
                }
                row
            })
            .collect();
        Ok((Design::List { points }, parameters))
    }
}

/// The leaves of a point's table as dotted paths, in file order: `"all.corruption" = 0.2`,
/// `all.corruption = 0.2` and `[sweep.point.all] corruption = 0.2` all give `all.corruption`.
/// A dotted key is placed at its first part, where the user reads it.
fn flatten<'r>(
    table: &'r RawTable,
    prefix: &str,
    dotted_start: Option<Pos>,
    out: &mut Vec<(String, Pos, &'r RawValue)>,
) {
    for (key, value) in &table.entries {
        let (path, pos) = key.path_under(prefix, dotted_start);
        match &value.kind {
            RawKind::Table(sub) => flatten(sub, &path, value.dotted_start(key, pos), out),
            _ => out.push((path, pos, value)),
        }
    }
}

fn run_domain(name: &str) -> Domain {
    // Both names are entries of RUN_PARAMS (checked by a unit test), so this never fails.
    run_spec(name).map_or(Domain::Count { min: 1.0, max: 1.0 }, |s| s.domain)
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
    use crate::scenario::parse;

    const HEAD: &str = r#"schema = 1
[[country]]
name = "Aurelia"
[[country]]
name = "Borealis"
[[bloc]]
name = "North"
members = ["Borealis"]
"#;

    fn spec(sweep: &str) -> Result<Option<SweepSpec>, ScenarioError> {
        let text = format!("{HEAD}{sweep}");
        let s = parse(&text, "s.toml", &[]).unwrap_or_else(|e| panic!("{e}"));
        parse_sweep(&s)
    }

    fn ok(sweep: &str) -> SweepSpec {
        spec(sweep).unwrap_or_else(|e| panic!("{e}")).unwrap()
    }

    fn err(sweep: &str) -> String {
        spec(sweep).expect_err(sweep).to_string()
    }

    #[test]
    fn no_section_is_no_sweep_and_a_run_ignores_one() {
        assert_eq!(spec("").unwrap(), None);
        // `parse` (what `palermo run` uses) accepts a file with a broken [sweep].
        let text = format!("{HEAD}[sweep]\ndesign = \"nope\"\n");
        assert!(parse(&text, "s.toml", &[]).is_ok());
    }

    #[test]
    fn grid_with_values_and_ranges() {
        let s = ok(r#"
[sweep]
design = "grid"
replicates = 3
[[sweep.parameter]]
path = "cooperation.default"
values = [0.0, 0.5, 1]
[[sweep.parameter]]
path = " all.corruption "
from = 0.0
to = 0.6
steps = 4
[[sweep.parameter]]
path = "country.Aurelia.law.offences"
values = [[], ["sexual", "labour"]]
"#);
        assert_eq!(s.design, Design::Grid);
        assert_eq!(s.replicates, Some(3));
        assert_eq!(s.seed, None);
        let paths: Vec<&str> = s.parameters.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "cooperation.default",
                "all.corruption",
                "country.Aurelia.law.offences"
            ]
        );
        assert_eq!(
            s.parameters[0].values,
            Values::List(vec![
                Value::Number(0.0),
                Value::Number(0.5),
                Value::Number(1.0)
            ])
        );
        assert_eq!(
            s.parameters[1].values,
            Values::Range {
                from: 0.0,
                to: 0.6,
                steps: Some(4)
            }
        );
        let sets = OffenceSet::from_names(["sexual", "labour"]).unwrap();
        assert_eq!(
            s.parameters[2].values,
            Values::List(vec![
                Value::Offences(OffenceSet::EMPTY),
                Value::Offences(sets)
            ])
        );
        assert_eq!(s.parameters[2].domain, Domain::Offences);
        assert_eq!(s.parameters[1].pos.line, 17);
    }

    #[test]
    fn list_points_in_any_key_spelling() {
        let s = ok(r#"
[sweep]
design = "list"
[[sweep.point]]
"all.law.offences" = ["sexual"]
[[sweep.point]]
all.law.offences = ["sexual", "child"]
model.deterrence = 2
[[sweep.point]]
[sweep.point.bloc.North]
cooperation = 0.9
"#);
        let paths: Vec<&str> = s.parameters.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "all.law.offences",
                "model.deterrence",
                "bloc.North.cooperation"
            ]
        );
        let Design::List { points } = &s.design else {
            panic!("{:?}", s.design)
        };
        assert_eq!(points.len(), 3);
        assert_eq!(points[0][1], None);
        assert_eq!(points[1][1], Some(Value::Number(2.0)));
        assert_eq!(points[2], [None, None, Some(Value::Number(0.9))]);
        assert!(s.parameters.iter().all(|p| p.values == Values::ByPoint));
    }

    #[test]
    fn sampled_designs_and_their_sizes() {
        let s = ok(
            "[sweep]\ndesign = \"lhs\"\nsamples = 10\nseed = 5\n[[sweep.parameter]]\npath = \"model.deterrence\"\nfrom = 0.5\nto = 4\n",
        );
        assert_eq!(s.design, Design::Lhs { samples: 10 });
        assert_eq!(s.seed, Some(5));
        let s = ok(
            "[sweep]\ndesign = \"sobol\"\nsamples = 8\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n",
        );
        assert_eq!(s.design, Design::Sobol { samples: 8 });
        let s = ok(
            "[sweep]\ndesign = \"morris\"\ntrajectories = 4\n[[sweep.parameter]]\npath = \"model.transit_weeks\"\nfrom = 1\nto = 4\n",
        );
        assert_eq!(
            s.design,
            Design::Morris {
                trajectories: 4,
                levels: 4
            }
        );
        assert!(matches!(s.parameters[0].domain, Domain::Count { .. }));
    }

    #[test]
    fn located_errors() {
        let e = err(
            "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.corruptoin\"\nvalues = [0.1]\n",
        );
        assert_eq!(
            e,
            "s.toml:12:1: sweep path `all.corruptoin`: unknown country parameter `corruptoin`; did you mean `corruption`?"
        );
        let e = err(
            "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.corruption\"\nfrom = 0.2\nto = 1.5\nsteps = 2\n",
        );
        assert_eq!(
            e,
            "s.toml:14:1: `all.corruption`: to = 1.5 is outside [0, 1]"
        );
        let e = err("[sweep]\ndesign = \"sobel\"\n");
        assert_eq!(
            e,
            "s.toml:10:1: unknown design `sobel`; did you mean `sobol`? (designs: grid, list, lhs, sobol, morris)"
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\n").contains("needs at least one [[sweep.parameter]]")
        );
        assert!(err("[sweep]\nreplicates = 2\n").contains("[sweep] is missing `design`"));
        assert!(
            err(
                "[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = []\n"
            )
            .contains("is empty")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\nsteps = 0\n")
                .contains("steps = 0 is outside [1, 1000000]")
        );
        assert!(
            err("[sweep]\ndesign = \"lhs\"\nsamples = 0\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
                .contains("samples = 0 is outside [1, 10000000]")
        );
        assert!(
            err("[sweep]\ndesign = \"sobol\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
                .contains("a sobol design needs `samples`")
        );
        assert!(
            err("[sweep]\ndesign = \"sobol\"\nsamples = 2.5\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
                .contains("must be a whole number")
        );
        assert!(
            err("[sweep]\ndesign = \"morris\"\ntrajectories = 4\nlevels = 5\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0\nto = 1\n")
                .contains("must be even")
        );
        assert!(
            err("[sweep]\ndesign = \"morris\"\ntrajectories = 4\n[[sweep.parameter]]\npath = \"model.transit_weeks\"\nfrom = 1\nto = 5\n")
                .contains("multiple of 3")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"model.transit_weeks\"\nfrom = 1\nto = 4\nsteps = 2\n")
                .contains("multiple of 2")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\nsamples = 4\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n")
                .contains("`samples` does not apply to a grid design")
        );
        assert!(
            err("[sweep]\ndesign = \"lhs\"\nsamples = 4\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n")
                .contains("`values` is for a grid")
        );
        assert!(
            err("[sweep]\ndesign = \"lhs\"\nsamples = 4\n[[sweep.parameter]]\npath = \"all.ngo\"\nfrom = 0.5\nto = 0.5\n")
                .contains("must be greater than from")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"run.weeks\"\nvalues = [5]\n")
                .contains("run settings are the same for every point")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [0]\n")
                .contains("swept twice (first on line 12)")
        );
        assert!(
            err("[sweep]\ndesign = \"lhs\"\nsamples = 3\n[[sweep.parameter]]\npath = \"all.law.offences\"\nfrom = 0\nto = 1\n")
                .contains("is a set of offences")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.law.offences\"\nvalues = [[\"sexual\", \"organs\"]]\n")
                .contains("unknown offence `organs`")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [\"high\"]\n")
                .contains("must be a number, found string")
        );
        assert!(err("[sweep]\ndesign = \"list\"\n").contains("needs at least one [[sweep.point]]"));
        assert!(err("[sweep]\ndesign = \"list\"\n[[sweep.point]]\n").contains("sets nothing"));
        assert!(
            err("[sweep]\ndesign = \"list\"\n[[sweep.point]]\n\"country.Aurela.ngo\" = 0.1\n")
                .contains("unknown country `Aurela`; did you mean `Aurelia`?")
        );
        assert!(
            err("[sweep]\ndesign = \"list\"\n[[sweep.point]]\n\"all.ngo\" = 0.1\nall.ngo = 0.2\n")
                .contains("given twice in this [[sweep.point]]")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\ncolour = 1\n")
                .contains("unknown key `colour` in [sweep]")
        );
        assert!(
            err("[sweep]\ndesign = \"grid\"\nreplicates = 0\n[[sweep.parameter]]\npath = \"all.ngo\"\nvalues = [1]\n")
                .contains("replicates = 0 is outside [1, 1000000]")
        );
    }

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

    #[test]
    fn run_domains_exist() {
        assert!(run_spec("replicates").is_some() && run_spec("seed").is_some());
    }

    /// Each file under tests/fixtures/bad_sweep parses as a scenario (a run would accept it),
    /// and its sweep fails with its expected message.
    #[test]
    fn every_bad_sweep_fixture_fails_with_its_expected_message() {
        let failures = crate::scenario::validate::tests::bad_fixture_failures(
            "bad_sweep",
            8,
            |text, label| {
                let scenario = parse(text, label, &[])
                    .unwrap_or_else(|e| panic!("{label}: the scenario itself must be valid: {e}"));
                parse_sweep(&scenario).map(|_| ())
            },
        );
        assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    }
}
