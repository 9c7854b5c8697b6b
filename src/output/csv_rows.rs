//! The rows of `timeseries.csv`, `summary.csv` and `routes.csv` as `Serialize` values.
//!
//! A row is a small key struct (which run, which week, which country) followed by the model's
//! own [`WeekCounters`] or [`RunSummary`], serialized by the `csv` crate; so the columns are
//! the structs' field names in declaration order and are never listed a second time here.
//! Floats are written as the `csv` crate writes them: the shortest decimal that reads back to
//! the same `f64` (ryu), which is byte-stable across platforms and thread counts. `None`
//! rates are empty cells.

use serde::Serialize;

use super::number_cells::{NotNumbers, append_number_cells};
use crate::metrics::{RunResult, RunSummary, WeekCounters};
use crate::scenario::Scenario;

/// The `country` cell of the world row (the sum of the country rows of that week).
pub const WORLD: &str = "ALL";

/// The leading columns of a `timeseries.csv` row.
#[derive(Serialize)]
struct TimeseriesKey<'a> {
    scenario: &'a str,
    run: usize,
    replicate: u32,
    seed: u64,
    week: usize,
    country: &'a str,
}

/// The leading columns of a `summary.csv` row; the override columns follow.
#[derive(Serialize)]
struct SummaryKey<'a> {
    scenario: &'a str,
    run: usize,
    replicate: u32,
    seed: u64,
}

/// A `routes.csv` row after the run's key: a route by its countries' names (no transit: a
/// direct route) and the persons recruited onto it.
#[derive(Serialize)]
struct RouteRow<'a> {
    origin: &'a str,
    transit: Option<&'a str>,
    destination: &'a str,
    persons: u64,
}

/// What the writer keeps of a finished run: its summary, and its timeseries and routes rows
/// already formatted (without the headers).
#[derive(Clone, Debug)]
pub struct FinishedRun {
    /// Index of its scenario in the invocation.
    pub scenario: usize,
    pub replicate: u32,
    /// The run's own seed ([`crate::rng::run_seed`] of the scenario seed and replicate).
    pub seed: u64,
    pub summary: RunSummary,
    pub timeseries: Vec<u8>,
    pub routes: Vec<u8>,
}

fn rows_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new())
}

fn into_bytes(w: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The column names a `Serialize` row produces, as the `csv` crate names them.
pub fn column_names<T: Serialize>(row: &T) -> Result<Vec<String>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(row)?;
    let bytes = into_bytes(w)?;
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes.as_slice());
    let header = r.records().next().transpose()?.unwrap_or_default();
    Ok(header.iter().map(str::to_string).collect())
}

fn timeseries_key_example() -> TimeseriesKey<'static> {
    TimeseriesKey {
        scenario: "",
        run: 0,
        replicate: 0,
        seed: 0,
        week: 0,
        country: "",
    }
}

fn summary_key_example() -> SummaryKey<'static> {
    SummaryKey {
        scenario: "",
        run: 0,
        replicate: 0,
        seed: 0,
    }
}

/// The columns of `timeseries.csv`.
pub fn timeseries_columns() -> Result<Vec<String>, csv::Error> {
    column_names(&(timeseries_key_example(), WeekCounters::default()))
}

/// The header line of `timeseries.csv`, with its line end.
pub fn timeseries_header() -> Result<Vec<u8>, csv::Error> {
    header_line(timeseries_columns()?)
}

/// A header line of `columns`, with its line end, written like the rows.
fn header_line(columns: Vec<String>) -> Result<Vec<u8>, csv::Error> {
    let mut w = rows_writer();
    w.write_record(columns)?;
    into_bytes(w)
}

/// The cells of `row` as the `csv` crate writes them in a line, without the line end.
fn csv_cells<T: Serialize>(row: &T) -> Result<Vec<u8>, csv::Error> {
    let mut w = rows_writer();
    // A number after the row: the crate writes a record of one empty field as `""`, and this
    // keeps every cell as it is within a longer line. It is taken off again.
    w.serialize((row, 0u8))?;
    let mut line = into_bytes(w)?;
    line.truncate(line.len() - b",0\n".len());
    Ok(line)
}

/// The `timeseries.csv` rows of one run (no header): for each week, one row per country in
/// scenario order, then the world row.
///
/// The key's cells with text (the scenario's and the countries' names) are written by the
/// `csv` crate once per run, since it knows when text needs quoting; the numbers, most of the
/// file, are appended by `number_cells::append_number_cells`, the same bytes at a fraction
/// of the cost.
pub fn timeseries_rows(
    scenario: &Scenario,
    run: usize,
    result: &RunResult,
) -> Result<Vec<u8>, csv::Error> {
    let not_numbers = |e: NotNumbers| csv::Error::from(std::io::Error::other(e));
    let run_cells = csv_cells(&(&scenario.name, run, result.replicate, result.seed))?;
    let country_cells = scenario
        .countries
        .iter()
        .map(|spec| spec.name.as_str())
        .chain([WORLD])
        .map(|name| csv_cells(&name))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = Vec::new();
    let mut week_cell = itoa::Buffer::new();
    for (week, countries) in result.weeks.iter().enumerate() {
        let world = result.world_week(week);
        let week_cell = week_cell.format(week).as_bytes();
        for (country, counters) in country_cells.iter().zip(countries.iter().chain([&world])) {
            out.extend_from_slice(&run_cells);
            out.push(b',');
            out.extend_from_slice(week_cell);
            out.push(b',');
            out.extend_from_slice(country);
            append_number_cells(&mut out, counters).map_err(not_numbers)?;
            out.push(b'\n');
        }
    }
    Ok(out)
}

/// The columns of `routes.csv`: the run's key as in `summary.csv`, then the route and its
/// persons.
pub fn routes_columns() -> Result<Vec<String>, csv::Error> {
    let route = RouteRow {
        origin: "",
        transit: None,
        destination: "",
        persons: 0,
    };
    column_names(&(summary_key_example(), route))
}

/// The header line of `routes.csv`, with its line end.
pub fn routes_header() -> Result<Vec<u8>, csv::Error> {
    header_line(routes_columns()?)
}

/// The `routes.csv` rows of one run (no header): one per route at least one person was
/// recruited onto in the recorded weeks, by origin, transit (direct first) and destination
/// in scenario order.
pub fn routes_rows(
    scenario: &Scenario,
    run: usize,
    result: &RunResult,
) -> Result<Vec<u8>, csv::Error> {
    let mut w = rows_writer();
    let name = |c: usize| scenario.countries[c].name.as_str();
    for flow in result.routes.used() {
        let key = SummaryKey {
            scenario: &scenario.name,
            run,
            replicate: result.replicate,
            seed: result.seed,
        };
        let route = RouteRow {
            origin: name(flow.origin),
            transit: flow.transit.map(name),
            destination: name(flow.destination),
            persons: flow.persons,
        };
        w.serialize((key, route))?;
    }
    into_bytes(w)
}

/// The override paths of an invocation: every path any scenario overrides, in order of first
/// appearance. Each becomes a column of `summary.csv`.
pub fn override_columns(scenarios: &[Scenario]) -> Vec<&str> {
    let mut paths: Vec<&str> = Vec::new();
    for o in scenarios.iter().flat_map(|s| &s.overrides) {
        if !paths.contains(&o.path.as_str()) {
            paths.push(&o.path);
        }
    }
    paths
}

/// The value a scenario gives an override path (the last one given wins, as when applied);
/// empty if it has none.
pub(crate) fn override_cell<'a>(scenario: &'a Scenario, path: &str) -> &'a str {
    scenario
        .overrides
        .iter()
        .rev()
        .find(|o| o.path == path)
        .map_or("", |o| o.value.as_str())
}

/// The columns of `summary.csv` for these scenarios.
pub fn summary_columns(scenarios: &[Scenario]) -> Result<Vec<String>, csv::Error> {
    let mut columns = column_names(&summary_key_example())?;
    columns.extend(override_columns(scenarios).into_iter().map(str::to_string));
    columns.extend(column_names(&RunSummary::default())?);
    Ok(columns)
}

/// The leading cells of run `run`'s `summary.csv` row.
pub(crate) fn summary_key<'a>(
    scenario: &'a Scenario,
    run: usize,
    finished: &FinishedRun,
) -> impl Serialize + 'a {
    SummaryKey {
        scenario: &scenario.name,
        run,
        replicate: finished.replicate,
        seed: finished.seed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeseries_columns_are_the_key_then_the_counters_in_order() {
        let cols = timeseries_columns().unwrap();
        assert_eq!(
            &cols[..7],
            &[
                "scenario",
                "run",
                "replicate",
                "seed",
                "week",
                "country",
                "at_home"
            ]
        );
        assert_eq!(cols.last().unwrap(), "transit_flow");
        let header = String::from_utf8(timeseries_header().unwrap()).unwrap();
        assert_eq!(header, format!("{}\n", cols.join(",")));
    }

    #[test]
    fn timeseries_rows_are_the_csv_crates_bytes_even_for_names_that_need_quotes() {
        let mut scenario = crate::mechanisms::testkit::scenario();
        scenario.name = "a, \"quoted\" name".into();
        scenario.countries[1].name = "Transit, the".into();
        scenario.run.weeks = 30;
        let result = crate::run::run_replicate(&scenario, 3);
        // What the rows were before they were written directly: every row through the crate.
        let mut w = rows_writer();
        for (week, countries) in result.weeks.iter().enumerate() {
            let key = |country| TimeseriesKey {
                scenario: &scenario.name,
                run: 5,
                replicate: result.replicate,
                seed: result.seed,
                week,
                country,
            };
            for (spec, counters) in scenario.countries.iter().zip(countries) {
                w.serialize((key(&spec.name), counters)).unwrap();
            }
            w.serialize((key(WORLD), result.world_week(week))).unwrap();
        }
        let expected = into_bytes(w).unwrap();
        let actual = timeseries_rows(&scenario, 5, &result).unwrap();
        assert!(actual.starts_with(b"\"a, \"\"quoted\"\" name\",5,3,"));
        assert_eq!(
            String::from_utf8(actual).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn summary_columns_without_overrides() {
        let cols = summary_columns(&[]).unwrap();
        assert_eq!(
            &cols[..5],
            &["scenario", "run", "replicate", "seed", "victims_total"]
        );
        assert_eq!(cols.last().unwrap(), "convictions_per_1000_victims");
    }

    #[test]
    fn floats_are_shortest_round_trip_and_none_is_empty() {
        let s = RunSummary {
            revenue_total: 27_000.0,
            identification_rate: None,
            conviction_rate: Some(0.1 + 0.2),
            prevalence_mean: 1.0 / 3.0,
            ..Default::default()
        };
        let mut w = rows_writer();
        w.serialize(s).unwrap();
        let line = String::from_utf8(into_bytes(w).unwrap()).unwrap();
        let cells: Vec<&str> = line.trim_end().split(',').collect();
        let names = column_names(&s).unwrap();
        let cell = |n: &str| cells[names.iter().position(|x| x == n).unwrap()];
        assert_eq!(cell("revenue_total"), "27000.0");
        assert_eq!(cell("identification_rate"), "");
        assert_eq!(cell("conviction_rate"), "0.30000000000000004");
        assert_eq!(cell("prevalence_mean"), "0.3333333333333333");

        // Very small and very large magnitudes switch to scientific notation (OUTPUTS.md).
        let mut w = rows_writer();
        w.serialize((1e-7, 1.5e17, 123_456.78, 0.0)).unwrap();
        let line = String::from_utf8(into_bytes(w).unwrap()).unwrap();
        assert_eq!(line, "1e-7,1.5e17,123456.78,0.0\n");
    }
}
