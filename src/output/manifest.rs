//! `manifest.json`: what was run, from which text, with which overrides, when and how.
//!
//! With the manifest an output directory explains itself: the palermo version, every
//! scenario's text verbatim with its SHA-256, the overrides applied, the command line, the
//! thread count and the start and end times. `palermo report` reads the scenario and sweep
//! records back (hence `Deserialize`). This is the one place that reads the clock: the
//! times describe the invocation and feed nothing else, so results stay a pure function of
//! the scenarios.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::scenario::Scenario;

/// The contents of `manifest.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Manifest {
    pub palermo_version: &'static str,
    pub command_line: Vec<String>,
    pub threads: usize,
    /// UTC, RFC 3339, to the second.
    pub started: String,
    pub finished: String,
    /// Runs in `timeseries.csv` and `summary.csv` (the `run` column counts from 0).
    pub runs: usize,
    pub scenarios: Vec<ScenarioRecord>,
}

/// The `manifest.json` of a sweep: a run's manifest, plus what the sweep was.
#[derive(Clone, Debug, Serialize)]
pub struct SweepManifest {
    #[serde(flatten)]
    pub manifest: Manifest,
    pub sweep: SweepRecord,
}

/// The sweep part of a sweep's manifest.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SweepRecord {
    /// `grid`, `list`, `lhs`, `sobol` or `morris`.
    pub design: String,
    /// The swept paths, the parameter columns of `points.csv`.
    pub parameters: Vec<String>,
    pub points: usize,
    pub replicates: u32,
    /// The seed of the sampled designs.
    pub design_seed: u64,
    /// Levels of weekly data written: `none`, `world` or `countries`.
    pub timeseries: String,
    pub aggregate: String,
    /// SHA-256 of what decides the runs (see docs/SWEEPS.md); `--resume` checks it.
    pub fingerprint: String,
    /// When the sweep was first started (before any interruption).
    pub first_started: String,
    /// Runs this invocation computed, and runs it read back from the work area.
    pub computed_runs: usize,
    pub resumed_runs: usize,
    /// The shards a merged sweep was assembled from (`palermo merge`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shards: Option<usize>,
}

/// How palermo was invoked: the facts the manifest records besides the scenarios.
#[derive(Clone, Debug)]
pub struct Invocation {
    pub command_line: Vec<String>,
    pub threads: usize,
    pub started: String,
    pub finished: String,
}

/// One scenario of the invocation, as it was run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScenarioRecord {
    pub name: String,
    pub path: String,
    /// SHA-256 of `text`, lowercase hex.
    pub sha256: String,
    pub seed: u64,
    pub replicates: u32,
    pub weeks: u32,
    /// The overrides applied after reading the file, in order (`--set`, then `--seed`,
    /// `--replicates`, `--weeks`).
    pub overrides: Vec<OverrideRecord>,
    /// The file's text, verbatim.
    pub text: String,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OverrideRecord {
    pub path: String,
    pub value: String,
}

impl ScenarioRecord {
    pub fn new(s: &Scenario) -> ScenarioRecord {
        ScenarioRecord {
            name: s.name.clone(),
            path: s.path.clone(),
            sha256: sha256_hex(&s.text),
            seed: s.run.seed,
            replicates: s.run.replicates,
            weeks: s.run.weeks,
            overrides: s
                .overrides
                .iter()
                .map(|o| OverrideRecord {
                    path: o.path.clone(),
                    value: o.value.clone(),
                })
                .collect(),
            text: s.text.clone(),
        }
    }
}

impl Manifest {
    pub fn new(scenarios: &[Scenario], runs: usize, invocation: Invocation) -> Manifest {
        Manifest {
            palermo_version: env!("CARGO_PKG_VERSION"),
            command_line: invocation.command_line,
            threads: invocation.threads,
            started: invocation.started,
            finished: invocation.finished,
            runs,
            scenarios: scenarios.iter().map(ScenarioRecord::new).collect(),
        }
    }
}

/// SHA-256 of a text, lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The current time, UTC, RFC 3339 to the second.
// The only clock read in palermo (clippy.toml bans `SystemTime::now` elsewhere): the time
// goes into the manifest and nowhere near the model.
#[allow(clippy::disallowed_methods)]
pub fn now_rfc3339() -> String {
    let secs = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(before) => -(before.duration().as_secs_f64().ceil() as i64),
    };
    rfc3339_from_unix(secs)
}

/// Formats seconds since 1970-01-01T00:00:00Z as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn rfc3339_from_unix(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rest = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

/// The proleptic Gregorian date of a day count from 1970-01-01.
///
/// Counting from 1 March of year 0 puts the leap day at the end of each year, so a year of
/// the shifted calendar is 365 days plus one every 4, minus one every 100, plus one every
/// 400 years (an "era" of 146,097 days), and months March..February have lengths that
/// follow (153 * m + 2) / 5.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    const ERA_DAYS: i64 = 146_097;
    // Days from 0000-03-01 to 1970-01-01.
    let z = days + 719_468;
    let era = z.div_euclid(ERA_DAYS);
    let day_of_era = z.rem_euclid(ERA_DAYS); // 0..=146_096
    let year_of_era =
        (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / (ERA_DAYS - 1)) / 365; // 0..=399
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153; // 0 = March .. 11 = February
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month as u32, day as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339_from_unix(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339_from_unix(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339_from_unix(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339_from_unix(1_709_210_096), "2024-02-29T12:34:56Z");
        assert_eq!(rfc3339_from_unix(4_102_444_799), "2099-12-31T23:59:59Z");
        assert_eq!(rfc3339_from_unix(253_402_300_799), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn consecutive_days_are_consecutive_dates() {
        let mut prev = civil_from_days(-800_000);
        for day in -799_999..800_000 {
            let next = civil_from_days(day);
            let (y, m, d) = prev;
            let leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
            let month_len = match m {
                2 if leap => 29,
                2 => 28,
                4 | 6 | 9 | 11 => 30,
                _ => 31,
            };
            let expected = if d < month_len {
                (y, m, d + 1)
            } else if m < 12 {
                (y, m + 1, 1)
            } else {
                (y + 1, 1, 1)
            };
            assert_eq!(next, expected, "day {day}");
            prev = next;
        }
    }

    #[test]
    fn sha256_of_known_text() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn now_is_well_formed() {
        let now = now_rfc3339();
        assert_eq!(now.len(), 20, "{now}");
        assert!(now.ends_with('Z') && now.as_bytes()[10] == b'T');
    }
}
