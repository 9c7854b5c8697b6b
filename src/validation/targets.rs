//! The targets file's types (`docs/VALIDATION.md`): one [`Target`] per statistic, naming a
//! statistic (a `summary.csv` column, or the ratio of two columns of `summary.csv` or
//! `timeseries.csv`), the countries and recorded weeks it is taken over, what the real world
//! says (a band, or a value with its standard deviation), where that comes from, and whether
//! it is meant for calibration or held out. Reading the file is `parse.rs`'s; what can only
//! be checked against a scenario (its countries, its number of weeks) is checked here, by
//! [`Targets::resolve`].

use crate::ids::CountryId;
use crate::scenario::Scenario;
use crate::scenario::checks::find_country;
use crate::scenario::error::{Pos, ScenarioError};

/// A parsed targets file.
#[derive(Clone, Debug, PartialEq)]
pub struct Targets {
    /// The file as given, for messages.
    pub file: String,
    pub targets: Vec<Target>,
    /// The `[calibrate]` section's free parameters, as `palermo calibrate --free` writes
    /// them, with their places in the file (empty without the section).
    pub free: Vec<(String, Pos)>,
}

/// What the model's output is compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct Target {
    pub name: String,
    pub statistic: Statistic,
    /// What the statistic is multiplied by (52 turns a weekly ratio into a yearly one).
    pub scale: f64,
    /// The countries the statistic is taken over; `None`: the whole world.
    pub countries: Option<Vec<(String, Pos)>>,
    /// Recorded weeks `first..=last`, 1-based; `None`: all of them.
    pub weeks: Option<(u32, u32, Pos)>,
    pub expected: Expected,
    pub role: Role,
    pub source: String,
    pub year: String,
    pub note: Option<String>,
}

/// Which output a target reads.
#[derive(Clone, Debug, PartialEq)]
pub enum Statistic {
    /// A column of `summary.csv`, recomputed over the target's countries and weeks.
    Column(String),
    /// numerator / denominator, each a column of `summary.csv` (recomputed as above) or the
    /// total of a column of `timeseries.csv` over the countries and weeks.
    Ratio(String, String),
}

/// What the real world says.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Expected {
    /// Inclusive; either end may be infinite (a one-sided target).
    Band { low: f64, high: f64 },
    /// A value with the standard deviation of its estimate.
    Value { value: f64, sd: f64 },
}

/// What a target is for: fitting parameters, or checking a fit with figures it did not see.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Calibrate,
    HoldOut,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Calibrate => "calibrate",
            Role::HoldOut => "hold_out",
        }
    }
}

impl Expected {
    /// The band a model's value must fall in: the band itself, or `value ± 2 sd`.
    pub fn band(&self) -> (f64, f64) {
        match *self {
            Expected::Band { low, high } => (low, high),
            Expected::Value { value, sd } => (value - 2.0 * sd, value + 2.0 * sd),
        }
    }
}

impl Statistic {
    /// As the tables show it: `conviction_rate`, `escaped_total / identified_police_total`.
    pub fn label(&self) -> String {
        match self {
            Statistic::Column(c) => c.clone(),
            Statistic::Ratio(a, b) => format!("{a} / {b}"),
        }
    }
}

/// A target checked against one scenario: its countries as ids and its weeks as indices of
/// the recorded weeks.
#[derive(Clone, Debug, PartialEq)]
pub struct Resolved {
    pub countries: Option<Vec<CountryId>>,
    pub weeks: std::ops::Range<usize>,
}

impl Targets {
    /// Checks every target against `scenario` (its countries, its recorded weeks); every
    /// mistake is returned at once.
    pub fn resolve(&self, scenario: &Scenario) -> Result<Vec<Resolved>, ScenarioError> {
        let names: Vec<&str> = scenario.countries.iter().map(|c| c.name.as_str()).collect();
        let weeks = scenario.run.weeks;
        let mut errors = Vec::new();
        let mut resolved = Vec::new();
        for t in &self.targets {
            let countries = t.countries.as_ref().map(|list| {
                list.iter()
                    .filter_map(|(name, pos)| {
                        find_country(&names, name, &format!(" of {}", scenario.path))
                            .map_err(|m| {
                                errors.push(ScenarioError::at(
                                    &self.file,
                                    *pos,
                                    Some("countries"),
                                    m,
                                ))
                            })
                            .ok()
                    })
                    .collect::<Vec<_>>()
            });
            let window = match t.weeks {
                None => 0..weeks as usize,
                Some((first, last, pos)) => {
                    if last > weeks {
                        errors.push(ScenarioError::at(
                            &self.file,
                            pos,
                            Some("weeks"),
                            format!(
                                "weeks = [{first}, {last}] ends after the {weeks} recorded weeks of {}",
                                scenario.path
                            ),
                        ));
                    }
                    (first - 1) as usize..last as usize
                }
            };
            let needs_start = match &t.statistic {
                Statistic::Column(c) => c == "identification_rate",
                Statistic::Ratio(a, b) => a == "identification_rate" || b == "identification_rate",
            };
            if let (Some(list), true, 0) = (&t.countries, needs_start, window.start) {
                errors.push(ScenarioError::at(
                    &self.file,
                    list[0].1,
                    Some("countries"),
                    "identification_rate over some countries needs `weeks` starting after week 1: \
                     the victims under way when recording begins are kept for the whole world only",
                ));
            }
            resolved.push(Resolved {
                countries,
                weeks: window,
            });
        }
        match ScenarioError::all(errors) {
            Some(e) => Err(e),
            None => Ok(resolved),
        }
    }
}
