//! Reading a targets file (`docs/VALIDATION.md`) with the scenario reader's located values,
//! so that a mistake is reported as a scenario's is (`FILE:LINE:COL: message`, every
//! independent mistake at once, exit status 2): each key of a `[[target]]` is read by a
//! function of its own here, against what is allowed.

use super::targets::{Expected, Role, Statistic, Target, Targets};
use crate::output::sweep_csv;
use crate::params::Domain;
use crate::scenario::checks::suggest;
use crate::scenario::error::{Pos, ScenarioError};
use crate::scenario::file::parse_toml;
use crate::scenario::validate::located::{Checker, Leaf, find};

/// The version of the targets format this build reads.
pub const TARGETS_SCHEMA: u32 = 1;

/// The keys of a `[[target]]`.
const TARGET_KEYS: &[&str] = &[
    "name",
    "statistic",
    "ratio",
    "scale",
    "countries",
    "weeks",
    "band",
    "value",
    "sd",
    "role",
    "source",
    "year",
    "note",
];

/// Any finite or infinite number: a band may be open on one side (`inf`, `-inf`).
const ANY_REAL: Domain = Domain::Real {
    min: f64::NEG_INFINITY,
    max: f64::INFINITY,
};

impl Targets {
    /// Reads a targets file.
    pub fn load(path: &std::path::Path) -> Result<Targets, ScenarioError> {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            ScenarioError::in_file(&label, format!("cannot read the targets file: {e}"))
        })?;
        Targets::parse(&text, &label)
    }

    /// Parses the text of a targets file named `file` (for messages).
    pub fn parse(text: &str, file: &str) -> Result<Targets, ScenarioError> {
        let raw = parse_toml(text, file)?;
        let c = Checker::new(file);
        let top = c.leaves(
            &raw,
            &["schema", "target", "calibrate"],
            "at the top of a targets file",
        )?;
        let Some(schema) = find(&top, "schema") else {
            return Err(ScenarioError::in_file(
                file,
                format!("missing `schema = {TARGETS_SCHEMA}` (the version of the targets format)"),
            ));
        };
        if c.number(schema, ANY_REAL)? != f64::from(TARGETS_SCHEMA) {
            return Err(c.err(
                schema.pos,
                "schema",
                format!(
                    "schema = {} is not supported: this build reads targets schema = {TARGETS_SCHEMA}",
                    schema.value.text
                ),
            ));
        }
        let Some(list) = find(&top, "target") else {
            return Err(ScenarioError::in_file(file, "no [[target]] is given"));
        };
        let mut targets = Vec::new();
        let mut errors = Vec::new();
        let free = match find(&top, "calibrate") {
            None => Vec::new(),
            Some(leaf) => free(&c, leaf).unwrap_or_else(|e| {
                errors.push(e);
                Vec::new()
            }),
        };
        for item in c.items(list)? {
            match c.leaves(item.table, TARGET_KEYS, "in [[target]]") {
                Ok(leaves) => match read_target(&c, &leaves, item.pos) {
                    Ok(t) => targets.push(t),
                    Err(e) => errors.extend(e),
                },
                Err(e) => errors.push(e),
            }
        }
        for (i, t) in targets.iter().enumerate() {
            if targets[..i].iter().any(|u| u.name == t.name) {
                errors.push(ScenarioError::in_file(
                    file,
                    format!("two targets are named `{}`: names label the rows", t.name),
                ));
            }
        }
        match ScenarioError::all(errors) {
            Some(e) => Err(e),
            None => Ok(Targets {
                file: file.to_string(),
                targets,
                free,
            }),
        }
    }
}

/// Reads one `[[target]]`, or every mistake in it.
fn read_target(
    c: &Checker<'_>,
    leaves: &[Leaf<'_>],
    at: Pos,
) -> Result<Target, Vec<ScenarioError>> {
    let mut errors = Vec::new();
    let text = |key: &str| find(leaves, key).map(|l| c.string(l).map(str::to_string));
    let name = keep(&mut errors, required(c, leaves, at, "name"));
    let statistic = keep(&mut errors, statistic(c, leaves, at));
    let scale = match find(leaves, "scale") {
        None => Some(1.0),
        Some(leaf) => keep(&mut errors, scale(c, leaf)),
    };
    let countries = find(leaves, "countries").and_then(|l| keep(&mut errors, countries(c, l)));
    let weeks = find(leaves, "weeks").and_then(|l| keep(&mut errors, window(c, l)));
    let expected = keep(&mut errors, expected(c, leaves, at));
    let role = keep(&mut errors, role(c, leaves, at));
    let source = keep(&mut errors, required(c, leaves, at, "source"));
    let year = keep(&mut errors, year(c, leaves, at));
    let note = text("note").and_then(|r| keep(&mut errors, r));
    match (
        name, statistic, scale, countries, weeks, expected, role, source, year,
    ) {
        (
            Some(name),
            Some(statistic),
            Some(scale),
            countries,
            weeks,
            Some(expected),
            Some(role),
            Some(source),
            Some(year),
        ) if errors.is_empty() => Ok(Target {
            name,
            statistic,
            scale,
            countries: countries.flatten(),
            weeks,
            expected,
            role,
            source,
            year,
            note,
        }),
        _ => Err(errors),
    }
}

/// The value, or `None` with its error kept.
fn keep<T>(errors: &mut Vec<ScenarioError>, result: Result<T, ScenarioError>) -> Option<T> {
    result.map_err(|e| errors.push(e)).ok()
}

/// A required string key, not blank.
fn required(
    c: &Checker<'_>,
    leaves: &[Leaf<'_>],
    at: Pos,
    key: &str,
) -> Result<String, ScenarioError> {
    let leaf = find(leaves, key)
        .ok_or_else(|| c.err(at, key, format!("[[target]] is missing `{key}`")))?;
    let value = c.string(leaf)?;
    if value.trim().is_empty() {
        return Err(c.err(leaf.pos, key, format!("`{key}` must not be empty")));
    }
    Ok(value.to_string())
}

/// `statistic = "COLUMN"` or `ratio = ["NUMERATOR", "DENOMINATOR"]`, exactly one of them.
fn statistic(c: &Checker<'_>, leaves: &[Leaf<'_>], at: Pos) -> Result<Statistic, ScenarioError> {
    let outcomes = sweep_csv::outcomes();
    let counters = sweep_csv::metrics();
    match (find(leaves, "statistic"), find(leaves, "ratio")) {
        (Some(_), Some(ratio)) => {
            Err(c.err(ratio.pos, "ratio", "give `statistic` or `ratio`, not both"))
        }
        (None, None) => Err(c.err(
            at,
            "statistic",
            "[[target]] is missing `statistic` (a summary.csv column) or `ratio` (two columns)",
        )),
        (Some(leaf), None) => {
            let name = c.string(leaf)?;
            if outcomes.iter().any(|o| o == name) {
                return Ok(Statistic::Column(name.to_string()));
            }
            let allowed: Vec<&str> = outcomes.iter().map(String::as_str).collect();
            Err(c.err(
                leaf.pos,
                "statistic",
                format!(
                    "`{name}` in `statistic` is not a column of summary.csv; {}",
                    suggest(name, &allowed)
                ),
            ))
        }
        (None, Some(leaf)) => {
            let parts = c.string_list(leaf, "a list of two column names")?;
            let [(num, _), (den, _)] = parts.as_slice() else {
                return Err(c.err(
                    leaf.pos,
                    "ratio",
                    format!(
                        "`ratio` must name two columns, [numerator, denominator]; found {}",
                        parts.len()
                    ),
                ));
            };
            let mut allowed: Vec<&str> = outcomes.iter().map(String::as_str).collect();
            allowed.extend(counters.iter().map(String::as_str));
            for (name, pos) in &parts {
                if !allowed.contains(name) {
                    return Err(c.err(
                        *pos,
                        "ratio",
                        format!(
                            "`{name}` in `ratio` is not a column of summary.csv or timeseries.csv; {}",
                            suggest(name, &allowed)
                        ),
                    ));
                }
            }
            Ok(Statistic::Ratio(num.to_string(), den.to_string()))
        }
    }
}

/// `scale`: a positive number.
fn scale(c: &Checker<'_>, leaf: &Leaf<'_>) -> Result<f64, ScenarioError> {
    let x = c.number(
        leaf,
        Domain::Real {
            min: 0.0,
            max: f64::MAX,
        },
    )?;
    if x > 0.0 {
        Ok(x)
    } else {
        Err(c.err(leaf.pos, "scale", "`scale` must be above 0"))
    }
}

/// `countries = "all"` (`None` inside) or a list of names, checked against a scenario later.
fn countries(
    c: &Checker<'_>,
    leaf: &Leaf<'_>,
) -> Result<Option<Vec<(String, Pos)>>, ScenarioError> {
    if leaf.value.as_str() == Some("all") {
        return Ok(None);
    }
    let names = c.string_list(leaf, "\"all\" or a list of country names")?;
    if names.is_empty() {
        return Err(c.err(
            leaf.pos,
            "countries",
            "`countries` must name at least one country (or be \"all\")",
        ));
    }
    for (i, (name, pos)) in names.iter().enumerate() {
        if names[..i].iter().any(|(n, _)| n == name) {
            return Err(c.err(
                *pos,
                "countries",
                format!("country `{name}` is listed twice in `countries`"),
            ));
        }
    }
    Ok(Some(
        names.into_iter().map(|(n, p)| (n.to_string(), p)).collect(),
    ))
}

/// `[calibrate]`: `free = ["PATH=LOW..HIGH", ...]`, the free parameters of `palermo
/// calibrate` as its `--free` flags write them; each is checked against the scenario when
/// a fit starts (`calibration::Free`), and reported at its place here.
fn free(c: &Checker<'_>, leaf: &Leaf<'_>) -> Result<Vec<(String, Pos)>, ScenarioError> {
    let table = c.table(leaf)?;
    let leaves = c.leaves(table, &["free"], "in [calibrate]")?;
    let Some(list) = find(&leaves, "free") else {
        return Err(c.err(
            leaf.pos,
            "calibrate",
            "[calibrate] needs `free = [\"PATH=LOW..HIGH\", ...]`, the parameters to fit",
        ));
    };
    let entries = c.string_list(list, "a list of \"PATH=LOW..HIGH\" strings")?;
    Ok(entries
        .into_iter()
        .map(|(text, pos)| (text.to_string(), pos))
        .collect())
}

/// `weeks = [FIRST, LAST]`: recorded weeks, 1-based and inclusive.
fn window(c: &Checker<'_>, leaf: &Leaf<'_>) -> Result<(u32, u32, Pos), ScenarioError> {
    let bad = || {
        c.err(
            leaf.pos,
            "weeks",
            "`weeks` must be [first, last]: whole numbers of recorded weeks, 1 ≤ first ≤ last",
        )
    };
    let items = leaf.value.as_array().ok_or_else(bad)?;
    let whole: Vec<u32> = items
        .iter()
        .filter_map(|v| v.as_number())
        .filter(|x| x.fract() == 0.0 && *x >= 1.0 && *x <= f64::from(u32::MAX))
        .map(|x| x as u32)
        .collect();
    match (items.len(), whole.as_slice()) {
        (2, &[first, last]) if first <= last => Ok((first, last, leaf.pos)),
        _ => Err(bad()),
    }
}

/// `band = [LOW, HIGH]`, or `value` with `sd`.
fn expected(c: &Checker<'_>, leaves: &[Leaf<'_>], at: Pos) -> Result<Expected, ScenarioError> {
    let (band, value, sd) = (
        find(leaves, "band"),
        find(leaves, "value"),
        find(leaves, "sd"),
    );
    match (band, value, sd) {
        (Some(leaf), None, None) => {
            let bad = |m: &str| {
                c.err(
                    leaf.pos,
                    "band",
                    format!("`band` must be [low, high] with low ≤ high (inf for an open end){m}"),
                )
            };
            let items = leaf.value.as_array().ok_or_else(|| bad(""))?;
            let numbers: Vec<f64> = items.iter().filter_map(|v| v.as_number()).collect();
            match *numbers.as_slice() {
                [low, high]
                    if items.len() == 2
                        && low <= high
                        && low < f64::INFINITY
                        && high > f64::NEG_INFINITY =>
                {
                    Ok(Expected::Band { low, high })
                }
                [low, high] if items.len() == 2 && low > high => {
                    Err(bad(&format!("; found {low} > {high}")))
                }
                _ => Err(bad("")),
            }
        }
        (None, Some(v), Some(s)) => {
            let value = c.number(v, ANY_REAL)?;
            if !value.is_finite() {
                return Err(c.err(v.pos, "value", "`value` must be a finite number"));
            }
            let sd = c.number(
                s,
                Domain::Real {
                    min: 0.0,
                    max: f64::MAX,
                },
            )?;
            if sd <= 0.0 {
                return Err(c.err(
                    s.pos,
                    "sd",
                    "`sd` must be above 0 (give a `band` for an exact range)",
                ));
            }
            Ok(Expected::Value { value, sd })
        }
        (None, Some(v), None) => Err(c.err(
            v.pos,
            "value",
            "`value` needs `sd`, the standard deviation of the estimate",
        )),
        (None, None, Some(s)) => Err(c.err(s.pos, "sd", "`sd` needs `value`")),
        (Some(leaf), _, _) => Err(c.err(
            leaf.pos,
            "band",
            "give `band`, or `value` with `sd`, not both",
        )),
        (None, None, None) => Err(c.err(
            at,
            "band",
            "[[target]] is missing `band = [low, high]` (or `value` with `sd`)",
        )),
    }
}

fn role(c: &Checker<'_>, leaves: &[Leaf<'_>], at: Pos) -> Result<Role, ScenarioError> {
    let leaf = find(leaves, "role").ok_or_else(|| {
        c.err(
            at,
            "role",
            "[[target]] is missing `role` (\"calibrate\" or \"hold_out\")",
        )
    })?;
    match c.string(leaf)? {
        "calibrate" => Ok(Role::Calibrate),
        "hold_out" => Ok(Role::HoldOut),
        other => Err(c.err(
            leaf.pos,
            "role",
            format!(
                "role `{other}` is not known; {}",
                suggest(other, &["calibrate", "hold_out"])
            ),
        )),
    }
}

/// `year`: the year (or years) of the source, a number or text such as "2017-2023".
fn year(c: &Checker<'_>, leaves: &[Leaf<'_>], at: Pos) -> Result<String, ScenarioError> {
    let leaf = find(leaves, "year").ok_or_else(|| {
        c.err(
            at,
            "year",
            "[[target]] is missing `year` (of the source: 2021, or \"2017-2023\")",
        )
    })?;
    match (&leaf.value.as_str(), leaf.value.as_number()) {
        (Some(s), _) if !s.trim().is_empty() => Ok(s.to_string()),
        (None, Some(y)) if y.fract() == 0.0 => Ok(leaf.value.text.clone()),
        _ => Err(c.type_error(leaf, "a year (2021) or a span of years (\"2017-2023\")")),
    }
}
