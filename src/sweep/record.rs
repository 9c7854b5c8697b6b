//! A run's record: what a sweep keeps of one finished run, as one small text file in the work
//! area (`DIR/.runs/runs/RUN.run`), and the unit of work of resume and of shards.
//!
//! ```text
//! palermo-sweep-run 2
//! fingerprint 3f1c...            the sweep's fingerprint (workdir.rs)
//! run 14 point 4 replicate 2 seed 1234567890
//! summary 812,3,0.0036...,...    the RunSummary cells, as summary.csv writes them
//! weeks 520 1                    weeks, and rows per week (0, 1 world, or countries + 1)
//! 85291,1569,130,...             the WeekCounters cells of each row: the countries in
//! ...                            scenario order, then the world, week after week
//! end 9b04...                    SHA-256 of every line above
//! ```
//!
//! The checksum catches what the atomic write cannot: a record damaged afterwards (a bad disk,
//! a shard copied between machines and cut short or altered) is refused, and computed again
//! by `--resume`, even where it would still parse.
//!
//! The cells are written exactly as `palermo run` writes them (the `csv` crate's formatting,
//! shortest round-trip floats), so assembling outputs copies them and parsing them back gives
//! the same `f64`s. A fresh run is encoded and decoded again before it is used, so a sweep
//! assembles the same bytes whether a run was computed now or read from disk.

use crate::metrics::{RunResult, RunSummary, WeekCounters, world_total};
use crate::output::csv_rows::column_names;
use crate::output::manifest::sha256_hex;

use super::level::Level;
use super::plan::Plan;

/// The first line of every record: the format and its version.
pub const HEADER: &str = "palermo-sweep-run 2";
/// The last line: `end` and the SHA-256 of the lines before it.
const END: &str = "end ";

/// A decoded record.
#[derive(Clone, Debug, PartialEq)]
pub struct RunRecord {
    pub run: usize,
    pub point: usize,
    pub replicate: u32,
    pub seed: u64,
    /// The `RunSummary` cells, as `summary.csv` writes them (empty: an undefined rate).
    pub summary: Vec<String>,
    /// The same as numbers.
    pub summary_values: Vec<Option<f64>>,
    pub weeks: usize,
    /// Rows per week: 0, 1 (the world) or the countries and then the world.
    pub rows_per_week: usize,
    /// The cells of each weekly row, comma-separated: `weeks × rows_per_week` rows.
    pub week_rows: Vec<String>,
    /// The same as numbers, row after row (`WeekCounters` columns each).
    pub week_values: Vec<f64>,
}

/// Which record a reader expects: anything else is not this run's.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expected<'a> {
    pub fingerprint: &'a str,
    pub run: usize,
    pub point: usize,
    pub replicate: u32,
    pub weeks: usize,
    pub rows_per_week: usize,
}

/// Which record a reader of `run` expects.
pub fn expected<'a>(
    plan: &Plan,
    fingerprint: &'a str,
    rows_per_week: usize,
    run: usize,
) -> Expected<'a> {
    Expected {
        fingerprint,
        run,
        point: plan.point_of(run),
        replicate: plan.replicate_of(run),
        weeks: plan.base.run.weeks as usize,
        rows_per_week,
    }
}

/// The rows per week kept at a level, for a world of `countries` countries.
pub fn rows_per_week(level: Level, countries: usize) -> usize {
    match level {
        Level::None => 0,
        Level::World => 1,
        Level::Countries => countries + 1,
    }
}

/// The number of `WeekCounters` columns.
pub fn counter_columns() -> usize {
    column_names(&WeekCounters::default()).map_or(0, |c| c.len())
}

/// The number of `RunSummary` columns.
pub fn summary_columns() -> usize {
    column_names(&RunSummary::default()).map_or(0, |c| c.len())
}

fn csv_line<T: serde::Serialize>(row: &T) -> Result<String, csv::Error> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    w.serialize(row)?;
    let bytes = w
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))?;
    let text = String::from_utf8(bytes)
        .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))?;
    Ok(text.trim_end_matches('\n').to_string())
}

/// Encodes a finished run, keeping its weekly rows at `level`.
pub fn encode(
    fingerprint: &str,
    run: usize,
    point: usize,
    result: &RunResult,
    level: Level,
) -> Result<String, csv::Error> {
    let countries = result.weeks.first().map_or(0, Vec::len);
    let per_week = rows_per_week(level, countries);
    let mut out = String::new();
    out.push_str(HEADER);
    out.push('\n');
    out.push_str(&format!("fingerprint {fingerprint}\n"));
    out.push_str(&format!(
        "run {run} point {point} replicate {} seed {}\n",
        result.replicate, result.seed
    ));
    out.push_str(&format!("summary {}\n", csv_line(&result.summary)?));
    out.push_str(&format!("weeks {} {per_week}\n", result.weeks.len()));
    for week in &result.weeks {
        if level == Level::Countries {
            for counters in week {
                out.push_str(&csv_line(counters)?);
                out.push('\n');
            }
        }
        if level != Level::None {
            out.push_str(&csv_line(&world_total(week))?);
            out.push('\n');
        }
    }
    let checksum = sha256_hex(&out);
    out.push_str(END);
    out.push_str(&checksum);
    out.push('\n');
    Ok(out)
}

/// Decodes a record, checking that it is complete and is the expected run of this sweep.
pub fn decode(text: &str, expected: &Expected<'_>) -> Result<RunRecord, String> {
    // The last line holds the checksum of everything before it.
    let Some(text) = text.strip_suffix('\n') else {
        return Err("ends before `end`".to_string());
    };
    let last_line = text.rfind('\n').map_or(0, |i| i + 1);
    let (body, last) = text.split_at(last_line);
    let Some(checksum) = last.strip_prefix(END) else {
        return Err("ends before `end`".to_string());
    };
    if sha256_hex(body) != checksum {
        return Err("is damaged (its checksum does not match its contents)".to_string());
    }
    let mut lines = body.lines();
    let mut next = |what: &str| lines.next().ok_or_else(|| format!("ends before {what}"));
    if next("the header")? != HEADER {
        return Err(format!("does not start with `{HEADER}`"));
    }
    let fingerprint = next("the fingerprint")?;
    if fingerprint.strip_prefix("fingerprint ") != Some(expected.fingerprint) {
        return Err("belongs to another sweep (its fingerprint differs)".to_string());
    }
    let ids: Vec<&str> = next("the run line")?.split(' ').collect();
    let [
        "run",
        run,
        "point",
        point,
        "replicate",
        replicate,
        "seed",
        seed,
    ] = ids.as_slice()
    else {
        return Err("has a malformed run line".to_string());
    };
    let run: usize = parse(run)?;
    let point: usize = parse(point)?;
    let replicate: u32 = parse(replicate)?;
    let seed: u64 = parse(seed)?;
    if (run, point, replicate) != (expected.run, expected.point, expected.replicate) {
        return Err(format!(
            "holds run {run} (point {point}, replicate {replicate}), not run {}",
            expected.run
        ));
    }
    let summary_line = next("the summary")?;
    let cells = summary_line
        .strip_prefix("summary ")
        .ok_or("has no summary line")?;
    let summary: Vec<String> = cells.split(',').map(str::to_string).collect();
    if summary.len() != summary_columns() {
        return Err(format!("has {} summary cells", summary.len()));
    }
    let summary_values = summary
        .iter()
        .map(|c| {
            if c.is_empty() {
                Ok(None)
            } else {
                parse::<f64>(c).map(Some)
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let shape: Vec<&str> = next("the weeks line")?.split(' ').collect();
    let ["weeks", weeks, per_week] = shape.as_slice() else {
        return Err("has a malformed weeks line".to_string());
    };
    let weeks: usize = parse(weeks)?;
    let rows_per_week: usize = parse(per_week)?;
    if (weeks, rows_per_week) != (expected.weeks, expected.rows_per_week) {
        return Err(format!(
            "has {weeks} weeks of {rows_per_week} rows, not {} of {}",
            expected.weeks, expected.rows_per_week
        ));
    }
    let columns = counter_columns();
    let rows = weeks * rows_per_week;
    let mut week_rows = Vec::with_capacity(rows);
    let mut week_values = Vec::with_capacity(rows * columns);
    for _ in 0..rows {
        let row = next("its last weekly row")?;
        let before = week_values.len();
        for cell in row.split(',') {
            week_values.push(parse::<f64>(cell)?);
        }
        if week_values.len() - before != columns {
            return Err(format!(
                "has a weekly row of {} cells",
                week_values.len() - before
            ));
        }
        week_rows.push(row.to_string());
    }
    if lines.next().is_some() {
        return Err("has more rows than it announces".to_string());
    }
    Ok(RunRecord {
        run,
        point,
        replicate,
        seed,
        summary,
        summary_values,
        weeks,
        rows_per_week,
        week_rows,
        week_values,
    })
}

fn parse<T: std::str::FromStr>(text: &str) -> Result<T, String> {
    text.parse()
        .map_err(|_| format!("has `{text}` where a number belongs"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result() -> RunResult {
        let a = WeekCounters {
            at_home: 10,
            revenue: 1.0 / 3.0,
            ..Default::default()
        };
        let b = WeekCounters {
            at_home: 5,
            exploited: 2,
            revenue: 27_000.5,
            ..Default::default()
        };
        let weeks = vec![vec![a, b], vec![b, a], vec![a, a]];
        let world: Vec<WeekCounters> = weeks.iter().map(|w| world_total(w)).collect();
        RunResult {
            seed: u64::MAX,
            replicate: 1,
            summary: RunSummary::from_world_weeks(&world, 15, 0),
            weeks,
            routes: Default::default(),
        }
    }

    fn expected(fingerprint: &str, rows_per_week: usize) -> Expected<'_> {
        Expected {
            fingerprint,
            run: 7,
            point: 3,
            replicate: 1,
            weeks: 3,
            rows_per_week,
        }
    }

    #[test]
    fn round_trip_at_every_level() {
        let r = result();
        for (level, per_week) in [(Level::None, 0), (Level::World, 1), (Level::Countries, 3)] {
            let text = encode("abc", 7, 3, &r, level).unwrap();
            let rec = decode(&text, &expected("abc", per_week)).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((rec.run, rec.point, rec.replicate), (7, 3, 1));
            assert_eq!(rec.seed, u64::MAX);
            assert_eq!(rec.week_rows.len(), 3 * per_week);
            assert_eq!(rec.week_values.len(), 3 * per_week * counter_columns());
            assert_eq!(rec.summary.len(), summary_columns());
            assert_eq!(rec.summary_values[0], Some(r.summary.victims_total as f64));
            assert_eq!(
                rec.summary_values[2], None,
                "an undefined rate stays undefined"
            );
            if level == Level::Countries {
                // Week 0: Aurelia-like, Borealis-like, then the world.
                assert!(rec.week_rows[0].starts_with("10,"));
                assert!(rec.week_rows[2].starts_with("15,"));
                let revenue = column_names(&WeekCounters::default())
                    .unwrap()
                    .iter()
                    .position(|c| c == "revenue")
                    .unwrap();
                let cols = counter_columns();
                assert_eq!(rec.week_values[revenue], 1.0 / 3.0, "floats round-trip");
                assert_eq!(rec.week_values[2 * cols + revenue], 1.0 / 3.0 + 27_000.5);
            }
        }
    }

    #[test]
    fn damaged_or_foreign_records_are_refused() {
        let text = encode("abc", 7, 3, &result(), Level::World).unwrap();
        let ok = expected("abc", 1);
        assert!(decode(&text, &ok).is_ok());
        assert!(
            decode(&text, &expected("abd", 1))
                .unwrap_err()
                .contains("another sweep")
        );
        let other = Expected { run: 8, ..ok };
        assert!(decode(&text, &other).unwrap_err().contains("not run 8"));
        assert!(
            decode(&text, &expected("abc", 3))
                .unwrap_err()
                .contains("rows")
        );
        // Truncated anywhere: refused.
        for cut in [0, 10, text.len() / 2, text.len() - 4] {
            assert!(decode(&text[..cut], &ok).is_err(), "cut at {cut}");
        }
        let garbled = text.replacen("summary ", "summary x", 1);
        assert!(decode(&garbled, &ok).is_err());
        // Damage that still parses: one digit changed, a row added.
        let changed = text.replacen("summary ", "summary 9", 1);
        assert!(
            decode(&changed, &ok).unwrap_err().contains("checksum"),
            "a changed digit is caught"
        );
        let extra = text.replacen("\nend ", "\n1,2\nend ", 1);
        assert!(decode(&extra, &ok).unwrap_err().contains("checksum"));
        // Rebuilt with a valid checksum, an extra row is still refused.
        let (body, _) = extra.rsplit_once("end ").unwrap();
        let resealed = format!("{body}end {}\n", sha256_hex(body));
        assert!(decode(&resealed, &ok).is_err());
    }
}
