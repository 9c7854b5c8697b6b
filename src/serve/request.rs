//! A request to run two worlds, checked before anything runs: the scenario must be one the
//! catalog lists, each side's overrides are applied by the scenario library exactly as
//! `palermo run SCENARIO --set ...` applies them (so a refused value gets the message
//! `palermo check` gives), and the work asked for (persons × weeks × replicates × 2 sides)
//! must fit under the server's caps of time (person-weeks) and memory. Every refusal is an
//! [`ApiError`] with a 4xx status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::catalog::Catalog;
use super::worlds;
use crate::budget::RunSize;
use crate::scenario::{Override, Scenario};

/// Replicates a request may ask for.
pub const MAX_REPLICATES: u32 = 20;
/// The most work one request may ask for, in person-weeks (persons at risk × (burn-in +
/// recorded weeks) × replicates × 2 sides): twenty replicates of the baseline fit.
pub const MAX_PERSON_WEEKS: f64 = 1.0e10;

/// The most memory one request's worlds may take (both sides, every replicate, held at
/// once), by the cost model of [`crate::budget`]: twenty replicates of the baseline need
/// about 360 MiB; a world of 10⁸ persons for one week, within the person-weeks cap, would
/// need tens of GiB.
pub const MAX_REQUEST_BYTES: u64 = 1 << 30;

/// A refused request: its status and the message the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            message: message.into(),
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError {
            status: StatusCode::NOT_FOUND,
            message: message.into(),
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                error: &self.message,
            }),
        )
            .into_response()
    }
}

/// The body of `POST /api/run` and `POST /api/check`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunRequest {
    pub scenario: String,
    #[serde(default = "one")]
    pub replicates: u32,
    pub seed: Option<u64>,
    pub weeks: Option<u32>,
    #[serde(default)]
    pub a: Vec<String>,
    #[serde(default)]
    pub b: Vec<String>,
    /// `WeekCounters` columns reported per country; `transit_flow` when absent.
    pub look_at: Option<Vec<String>>,
}

fn one() -> u32 {
    1
}

/// A checked request, ready to run.
#[derive(Debug)]
pub struct Prepared {
    pub a: Scenario,
    pub b: Scenario,
    pub replicates: u32,
    pub look_at: Vec<String>,
}

/// Parses a body (malformed JSON, a value of the wrong type or out of range, unknown fields:
/// 400 with serde's message, after the field's name when there is one). JSON nested past
/// serde_json's recursion limit (128) is refused, not followed.
pub fn parse(body: &str) -> Result<RunRequest, ApiError> {
    let bad = |e: &dyn std::fmt::Display| ApiError::bad(format!("bad request body: {e}"));
    let mut json = serde_json::Deserializer::from_str(body);
    let request = serde_path_to_error::deserialize(&mut json).map_err(|e| bad(&e))?;
    json.end().map_err(|e| bad(&e))?;
    Ok(request)
}

/// Checks a request against the catalog and the caps and loads both sides.
pub fn prepare(catalog: &Catalog, request: &RunRequest) -> Result<Prepared, ApiError> {
    let entry = catalog.find(&request.scenario).ok_or_else(|| {
        ApiError::not_found(format!(
            "unknown scenario `{}`: GET /api/scenarios lists those this server offers",
            request.scenario
        ))
    })?;
    if !(1..=MAX_REPLICATES).contains(&request.replicates) {
        return Err(ApiError::bad(format!(
            "replicates = {}: the page runs 1 to {MAX_REPLICATES} replicates (use `palermo run` or `palermo compare` for more)",
            request.replicates
        )));
    }
    let look_at = request
        .look_at
        .clone()
        .unwrap_or_else(|| vec!["transit_flow".to_string()]);
    if let Some(bad) = look_at.iter().find(|m| !worlds::is_metric(m)) {
        return Err(ApiError::bad(format!(
            "look_at: `{bad}` is not a column of timeseries.csv"
        )));
    }
    // The run settings go last, as `palermo run`'s flags do after its `--set`s; the
    // replicates too, so that a side's command line reruns what the page ran.
    let settings: Vec<String> = [
        Some(format!("run.replicates={}", request.replicates)),
        request.seed.map(|s| format!("run.seed={s}")),
        request.weeks.map(|w| format!("run.weeks={w}")),
    ]
    .into_iter()
    .flatten()
    .collect();
    let side = |sets: &[String]| -> Result<Scenario, ApiError> {
        let overrides = sets
            .iter()
            .chain(&settings)
            .map(|t| Override::parse(t))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ApiError::bad(e.to_string()))?;
        catalog.load(entry, &overrides).map_err(|e| {
            // Named by its file, as `palermo check` and `palermo run` name it.
            let message = e.to_string();
            if message.contains(&entry.path) {
                ApiError::bad(message)
            } else {
                ApiError::bad(format!("{}: {message}", entry.path))
            }
        })
    };
    let a = side(&request.a).map_err(|e| labelled("A", e))?;
    let b = side(&request.b).map_err(|e| labelled("B", e))?;
    if a.countries.len() != b.countries.len() {
        return Err(ApiError::bad("the two sides have different countries"));
    }
    // Both sides run the same weeks from the same seed (common random numbers), as the
    // stream's `start` tells and the paired differences assume: the run settings are the
    // request's (`weeks`, `seed`), not a side's own `run.` overrides.
    let run_of = |s: &Scenario| (s.run.weeks, s.run.burn_in, s.run.seed);
    let ((wa, ba, sa), (wb, bb, sb)) = (run_of(&a), run_of(&b));
    if (wa, ba, sa) != (wb, bb, sb) {
        return Err(ApiError::bad(format!(
            "side A runs {wa} weeks after a burn-in of {ba} with seed {sa}, side B {wb} weeks after {bb} with seed {sb}: both sides run the same weeks from the same seed (give `weeks` and `seed` in the request, not `run.` settings in one side)"
        )));
    }
    let work = |s: &Scenario| {
        s.world_at_risk() as f64 * f64::from(s.run.burn_in + s.run.weeks)
    } * f64::from(request.replicates);
    let total = work(&a) + work(&b);
    if total > MAX_PERSON_WEEKS {
        return Err(ApiError::bad(format!(
            "the world is too big for the page: {total:.3e} person-weeks (persons at risk × (burn-in + weeks) × replicates, both sides) where at most {MAX_PERSON_WEEKS:.0e} are allowed; use fewer replicates or weeks, or `palermo compare`"
        )));
    }
    let prepared = Prepared {
        a,
        b,
        replicates: request.replicates,
        look_at,
    };
    let bytes = memory_bytes(&prepared);
    if bytes > MAX_REQUEST_BYTES {
        return Err(ApiError::bad(format!(
            "the worlds are too big for the page: about {} MiB of memory (persons at risk × replicates, both sides) where at most {} MiB are allowed; use fewer replicates or persons, or `palermo compare`",
            bytes >> 20,
            MAX_REQUEST_BYTES >> 20
        )));
    }
    Ok(prepared)
}

/// The memory a prepared request's worlds take: every replicate of both sides is in
/// progress at once (`worlds::run_pair` advances them together).
pub fn memory_bytes(p: &Prepared) -> u64 {
    let side = |s: &Scenario| RunSize::of(s).working_bytes();
    (side(&p.a).saturating_add(side(&p.b))).saturating_mul(u64::from(p.replicates))
}

fn labelled(side: &str, e: ApiError) -> ApiError {
    ApiError {
        message: format!("side {side}: {}", e.message),
        ..e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn catalog() -> Catalog {
        Catalog::new(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios"),
            None,
        )
    }

    fn request(json: &str) -> Result<Prepared, ApiError> {
        prepare(&catalog(), &parse(json)?)
    }

    #[test]
    fn a_good_request_loads_both_sides_with_the_same_seed() {
        let p = request(
            r#"{"scenario":"baseline","replicates":2,"seed":7,"weeks":10,"b":["all.corruption=0.1"]}"#,
        )
        .unwrap();
        assert_eq!((p.a.run.seed, p.b.run.seed, p.a.run.weeks), (7, 7, 10));
        assert_eq!((p.a.run.replicates, p.b.run.replicates), (2, 2));
        assert!(
            p.b.countries
                .iter()
                .all(|c| c.params.numbers.corruption == 0.1)
        );
        assert_eq!(p.look_at, ["transit_flow"]);
    }

    #[test]
    fn bad_requests_are_refused_with_the_scenario_message() {
        let e = request(r#"{"scenario":"nope"}"#).unwrap_err();
        assert_eq!(e.status, StatusCode::NOT_FOUND);
        let e = request(r#"{"scenario":"baseline","replicates":21}"#).unwrap_err();
        assert!(e.message.contains("1 to 20"), "{}", e.message);
        let e = request(r#"{"scenario":"baseline","b":["all.corruption=2"]}"#).unwrap_err();
        assert!(e.message.starts_with("side B: "), "{}", e.message);
        assert!(e.message.contains("corruption"), "{}", e.message);
        assert!(request("{not json").is_err());
        assert!(request(r#"{"scenario":"baseline","extra":1}"#).is_err());
        let e = request(r#"{"scenario":"baseline","a":["all.at_risk=100000000"]}"#).unwrap_err();
        assert!(e.message.contains("too big"), "{}", e.message);
    }

    #[test]
    fn sides_that_would_run_different_weeks_or_seeds_are_refused() {
        for side in [
            r#""b":["run.weeks=5"]"#,
            r#""a":["run.burn_in=7"]"#,
            r#""b":["run.seed=987654"]"#,
        ] {
            let body = format!(r#"{{"scenario":"baseline",{side}}}"#);
            let e = request(&body).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{body}");
            assert!(e.message.contains("same weeks"), "{body}: {}", e.message);
        }
        // The request's settings win over a side's, so both sides run them.
        let p = request(
            r#"{"scenario":"baseline","weeks":20,"seed":4,"b":["run.weeks=5","run.seed=99"]}"#,
        )
        .unwrap();
        assert_eq!((p.b.run.weeks, p.b.run.seed), (20, 4));
    }

    #[test]
    fn a_world_within_the_time_cap_but_not_the_memory_cap_is_refused() {
        // 9 × 10⁸ persons for one week and no burn-in: 1.8 × 10⁹ person-weeks, under the
        // time cap, and about 54 GiB a world.
        let e = request(
            r#"{"scenario":"baseline","weeks":1,"a":["all.at_risk=100000000","run.burn_in=0"],"b":["run.burn_in=0"]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("MiB of memory"), "{}", e.message);
        // Twenty replicates of the baseline fit both caps.
        let p = request(r#"{"scenario":"baseline","replicates":20}"#).unwrap();
        assert!(
            memory_bytes(&p) < MAX_REQUEST_BYTES / 2,
            "{}",
            memory_bytes(&p)
        );
    }

    #[test]
    fn huge_and_negative_numbers_and_deep_json_are_refused() {
        for body in [
            r#"{"scenario":"baseline","seed":18446744073709551616}"#,
            r#"{"scenario":"baseline","weeks":1e12}"#,
            r#"{"scenario":"baseline","weeks":1000000000000}"#,
            r#"{"scenario":"baseline","replicates":-1}"#,
            r#"{"scenario":"baseline","weeks":4294967295}"#,
            r#"{"scenario":"baseline","a":["run.weeks=1e300"]}"#,
        ] {
            let e = request(body).unwrap_err();
            assert_eq!(e.status, StatusCode::BAD_REQUEST, "{body}: {}", e.message);
        }
        // Deep JSON where a value of any shape is read is stopped by the recursion limit;
        // elsewhere the first bracket of the wrong type ends it. Neither follows the depth.
        for deep in [
            format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)),
            format!(r#"{{"scenario":"baseline","a":{}"#, "[".repeat(100_000)),
            format!("{}1{}", "{\"a\":".repeat(100_000), "}".repeat(100_000)),
        ] {
            let e = parse(&deep).unwrap_err();
            assert!(e.message.starts_with("bad request body"), "{}", e.message);
        }
        let e = parse(r#"{"scenario":"baseline","replicates":-1}"#).unwrap_err();
        assert!(
            e.message.contains("replicates: invalid value"),
            "{}",
            e.message
        );
    }
}
