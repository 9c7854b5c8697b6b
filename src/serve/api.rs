//! The JSON API besides the run: the scenarios and lessons this server offers, one scenario
//! with its controls, the check of a request (what Setup does), and the 404 of everything
//! else. Loading a scenario reads a file: done on the blocking pool, never on the async
//! threads.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::catalog::Entry;
use super::describe::describe;
use super::request::{self, ApiError, MAX_PERSON_WEEKS, MAX_REPLICATES};
use super::shared::Shared;

#[derive(Serialize)]
struct Scenarios<'a> {
    default: Option<&'a str>,
    scenarios: &'a [Entry],
    max_replicates: u32,
    max_person_weeks: f64,
}

/// `GET /api/scenarios`: the scenarios the page may open, the default first.
pub async fn scenarios(State(shared): State<Arc<Shared>>) -> Response {
    Json(Scenarios {
        default: shared.catalog.default_name(),
        scenarios: &shared.catalog.entries,
        max_replicates: MAX_REPLICATES,
        max_person_weeks: MAX_PERSON_WEEKS,
    })
    .into_response()
}

/// `GET /api/scenario?name=NAME`: its countries, cooperation and controls.
pub async fn scenario(
    State(shared): State<Arc<Shared>>,
    Query(query): Query<BTreeMap<String, String>>,
) -> Response {
    let name = query.get("name").cloned().unwrap_or_default();
    blocking(move || {
        let entry = shared
            .catalog
            .find(&name)
            .ok_or_else(|| ApiError::not_found(format!("unknown scenario `{name}`")))?;
        let s = shared
            .catalog
            .load(entry, &[])
            .map_err(|e| ApiError::bad(e.to_string()))?;
        Ok(Json(describe(&entry.name, &entry.path, &s)).into_response())
    })
    .await
}

#[derive(Serialize)]
struct Lessons {
    lessons: Vec<super::catalog::Lesson>,
}

/// `GET /api/lessons`: the lessons of the teaching folder (none when it has no lessons file).
pub async fn lessons(State(shared): State<Arc<Shared>>) -> Response {
    blocking(move || {
        let lessons = shared.catalog.lessons().map_err(ApiError::bad)?;
        Ok(Json(Lessons { lessons }).into_response())
    })
    .await
}

#[derive(Serialize)]
struct Checked {
    ok: bool,
    /// The command lines that run each side, for the page to show.
    a: String,
    b: String,
}

/// `POST /api/check`: a run request checked (both sides loaded, caps applied) without running.
pub async fn check(State(shared): State<Arc<Shared>>, body: String) -> Response {
    blocking(move || {
        let req = request::parse(&body)?;
        let p = request::prepare(&shared.catalog, &req)?;
        Ok(Json(Checked {
            ok: true,
            a: command_line(&p.a),
            b: command_line(&p.b),
        })
        .into_response())
    })
    .await
}

/// `palermo run PATH --set ...` for a side (the run settings are overrides too).
pub fn command_line(s: &crate::scenario::Scenario) -> String {
    let mut line = format!("palermo run {}", s.path);
    for o in &s.overrides {
        line.push_str(&format!(" --set {o}"));
    }
    line
}

/// Anything else: 404 with a JSON body.
pub async fn not_found() -> Response {
    ApiError::not_found("no such page or endpoint").into_response()
}

/// Runs `work` on the blocking pool; an error (or a panic, which should not happen) is a
/// JSON error response.
async fn blocking<F>(work: F) -> Response
where
    F: FnOnce() -> Result<Response, ApiError> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(response)) => response,
        Ok(Err(e)) => e.into_response(),
        Err(e) => ApiError {
            status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            message: format!("internal error: {e}"),
        }
        .into_response(),
    }
}
