//! `POST /api/export?side=a|b&file=NAME`: a file of the page's current comparison, for one
//! side, as `palermo run` would write it with the command line the page shows for that side.
//! The body is the run request of `POST /api/run`, checked the same way; the side is run
//! again (runs are deterministic and cheap) through the library's batch, and its files are
//! made by `output`, so `timeseries.csv`, `summary.csv` and `routes.csv` are the bytes
//! `palermo run` writes. The run holds one of the server's run permits, on the shared pool.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::request::{self, ApiError};
use super::shared::{MAX_RUNS_AT_ONCE, Shared};
use crate::output;
use crate::scenario::Scenario;

/// The files a side can be exported as: those of `palermo run` but its manifest (which
/// records a clock and a machine, not the comparison).
pub const EXPORTS: [&str; 3] = [
    output::TIMESERIES_FILE,
    output::SUMMARY_FILE,
    output::ROUTES_FILE,
];

/// Checks the query and the request, runs the side, answers with the file.
pub async fn export(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<BTreeMap<String, String>>,
    body: String,
) -> Response {
    let Ok(permit) = shared.runs.clone().try_acquire_owned() else {
        return ApiError {
            status: StatusCode::TOO_MANY_REQUESTS,
            message: format!(
                "the server is busy: {MAX_RUNS_AT_ONCE} runs at once; try again when one ends"
            ),
        }
        .into_response();
    };
    let work = move || {
        let _permit = permit;
        let (side, file) = what(&query)?;
        let req = request::parse(&body)?;
        let p = request::prepare(&shared.catalog, &req)?;
        let scenario = if side == "a" { p.a } else { p.b };
        let bytes = side_file(&shared.pool, scenario, file)?;
        let name = format!("palermo-{side}-{file}");
        Ok::<_, ApiError>(
            (
                [
                    (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                    (
                        header::CONTENT_DISPOSITION,
                        format!("attachment; filename=\"{name}\""),
                    ),
                ],
                bytes,
            )
                .into_response(),
        )
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("internal error: {e}"),
        }
        .into_response(),
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
