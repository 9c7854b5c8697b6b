//! `POST /api/export?side=a|b&file=NAME`: a file of the page's current comparison, for one
//! side. The body is the run request of `POST /api/run`, checked the same way.
//!
//! - `timeseries.csv`, `summary.csv`, `routes.csv`: the file `palermo run` writes with the
//!   command line the page shows for the side. The side is run again (runs are deterministic
//!   and cheap) through the library's batch and its files are made by `output`, so they are
//!   the same bytes. The run holds one of the server's run permits, on the shared pool.
//! - `scenario.toml`: the side as a scenario file `palermo run` accepts, the scenario's own
//!   text with the side's overrides added to its `set` list (`scenario::rewrite`), named
//!   `NAME-a.toml` or `NAME-b.toml` so that both can be run, or compared, together.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::events::run_permit;
use super::request::{self, ApiError};
use super::shared::Shared;
use crate::output;
use crate::scenario::Scenario;

/// The files a side can be exported as: those of `palermo run` but its manifest (which
/// records a clock and a machine, not the comparison).
pub const EXPORTS: [&str; 4] = [
    output::TIMESERIES_FILE,
    output::SUMMARY_FILE,
    output::ROUTES_FILE,
    SCENARIO_EXPORT,
];

/// The export of a side as a scenario file.
pub const SCENARIO_EXPORT: &str = "scenario.toml";

/// Checks the query and the request, runs the side, answers with the file.
pub async fn export(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<BTreeMap<String, String>>,
    body: String,
) -> Response {
    // Checked before any wait for a permit, as a run request is.
    let checked = {
        let shared = shared.clone();
        blocking(move || {
            let (side, file) = what(&query)?;
            let req = request::parse(&body)?;
            let p = request::prepare(&shared.catalog, &req)?;
            Ok((side, file, if side == "a" { p.a } else { p.b }))
        })
        .await
    };
    let (side, file, scenario) = match checked {
        Ok(checked) => checked,
        Err(e) => return e.into_response(),
    };
    let made = if file == SCENARIO_EXPORT {
        let name = format!("{}-{side}.toml", scenario.name);
        scenario_file(&scenario, side)
            .map(|text| (name, "application/toml; charset=utf-8", text.into_bytes()))
    } else {
        // A rerun: it holds a run permit, waited for and refused as `POST /api/run`'s.
        let permit = match run_permit(&shared).await {
            Ok(permit) => permit,
            Err(busy) => return busy,
        };
        blocking(move || {
            let _permit = permit;
            side_file(&shared.pool, scenario, file)
        })
        .await
        .map(|bytes| {
            let name = format!("palermo-{side}-{file}");
            (name, "text/csv; charset=utf-8", bytes)
        })
    };
    match made {
        Ok((name, kind, bytes)) => (
            [
                (header::CONTENT_TYPE, kind.to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{name}\""),
                ),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

/// Runs `work` on the blocking pool; a panic (which should not happen) is a 500.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(done) => done,
        Err(e) => Err(ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("internal error: {e}"),
        }),
    }
}

/// The side (`a` or `b`) and the file a query asks for.
fn what(query: &BTreeMap<String, String>) -> Result<(&'static str, &'static str), ApiError> {
    let side = match query.get("side").map(String::as_str) {
        Some("a") => "a",
        Some("b") => "b",
        other => {
            return Err(ApiError::bad(format!(
                "side = {}: export side `a` or `b`",
                other.unwrap_or("(none)")
            )));
        }
    };
    let asked = query.get("file").map(String::as_str).unwrap_or("");
    let file = EXPORTS.iter().find(|f| **f == asked).ok_or_else(|| {
        ApiError::bad(format!(
            "file = `{asked}`: the page exports {}",
            EXPORTS.join(", ")
        ))
    })?;
    Ok((side, file))
}

/// The side as a scenario file: its text with the side's overrides (run settings included)
/// appended to its `set` list, under a comment that says where it came from.
pub fn scenario_file(scenario: &Scenario, side: &str) -> Result<String, ApiError> {
    let note = format!(
        "World {} of the classroom page (palermo serve): this scenario with the page's settings,\n\
         applied in order as `--set` applies them. The page's command line was:\n{}",
        side.to_uppercase(),
        super::api::command_line(scenario)
    );
    crate::scenario::rewrite::with_overrides(
        &scenario.text,
        &scenario.path,
        &scenario.overrides,
        &note,
    )
    .map_err(|e| ApiError::bad(e.to_string()))
}

/// One file of `palermo run` of `scenario`, made in memory on `pool`.
pub fn side_file(
    pool: &rayon::ThreadPool,
    scenario: Scenario,
    file: &str,
) -> Result<Vec<u8>, ApiError> {
    let scenarios = [scenario];
    let failed = |e: String| ApiError {
        status: StatusCode::INTERNAL_SERVER_ERROR,
        message: format!("the export failed: {e}"),
    };
    let batch =
        crate::batch::run_batch_on(pool, &scenarios, &|| {}).map_err(|e| failed(e.to_string()))?;
    let files = output::csv_files(&scenarios, &batch.runs).map_err(|e| failed(e.to_string()))?;
    files
        .into_iter()
        .find(|(name, _)| *name == file)
        .map(|(_, bytes)| bytes)
        .ok_or_else(|| ApiError::bad(format!("no file `{file}`")))
}
