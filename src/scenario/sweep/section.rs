//! Reading the `[sweep]` section: its keys, the design and its sizes (keys of another
//! design refused), then the `[[sweep.parameter]]`s of a grid or sampled design or the
//! `[[sweep.point]]`s of a list design.

use super::reader::SweepReader;
use super::spec::{DEFAULT_LEVELS, DESIGN_NAMES, Design, SweepSpec, SweptParameter, Values};
use crate::params::{Domain, closest_name, run_spec};
use crate::scenario::checks::to_u64;
use crate::scenario::error::{Pos, ScenarioError};
use crate::scenario::file::{RawKind, RawTable, RawValue, parse_toml};
use crate::scenario::validate::located::{Item, Leaf, find};
use crate::scenario::{Scenario, Value};

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
/// Sample sizes (lhs points, sobol base samples, morris trajectories) are at most this.
const MAX_SAMPLES: f64 = 10_000_000.0;

/// Reads and validates the `[sweep]` section of a scenario (after its overrides); `None` if
/// the file has none.
pub fn parse_sweep(scenario: &Scenario) -> Result<Option<SweepSpec>, ScenarioError> {
    let raw = parse_toml(&scenario.text, &scenario.path)?;
    let Some((key, value)) = raw.entries.iter().find(|(k, _)| k.name == "sweep") else {
        return Ok(None);
    };
    let leaf = Leaf {
        path: key.name.clone(),
        pos: key.pos,
        value,
    };
    SweepReader::new(scenario, true).sweep(&leaf).map(Some)
}

/// The first error of a `[sweep]` section read beside the other errors of its file, so that a
/// user sees it at once rather than after fixing the rest. `partial` is the scenario built from
/// what the file's check accepted; `names_complete` says whether every country and bloc the
/// file gives was accepted. When some were refused, a swept path that names one cannot be
/// resolved for a reason already reported, so a section stopped by such a path adds nothing
/// (`None`) rather than a misleading "unknown country".
pub(crate) fn sweep_error_beside(
    partial: &Scenario,
    leaf: &Leaf<'_>,
    names_complete: bool,
) -> Option<ScenarioError> {
    let reader = SweepReader::new(partial, names_complete);
    let error = reader.sweep(leaf).err()?;
    (!reader.path_unresolved.get()).then_some(error)
}

impl SweepReader<'_> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_domains_exist() {
        assert!(run_spec("replicates").is_some() && run_spec("seed").is_some());
    }
}
