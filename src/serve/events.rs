//! `POST /api/run`: the two worlds as server-sent events. The request is checked first (a
//! refusal is a 4xx JSON answer, before any stream); then a `start` event (the settings, the
//! countries, the charted columns and the command lines of both sides), one `week` event per
//! recorded week with each side's bands, and a `done` event with the paired differences
//! B − A. The run holds one of the server's run permits (a request waits a moment for one,
//! then gets 429 with a `Retry-After`) and goes on a blocking thread, its worlds on the
//! shared pool; it stops when the page goes away (the channel closes) or stops reading (its
//! connection is closed, `listen.rs`, and the channel with it).

use std::cell::Cell;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tokio::sync::{OwnedSemaphorePermit, mpsc};

use super::api::command_line;
use super::request::{self, ApiError, Prepared};
use super::shared::{MAX_RUNS_AT_ONCE, Shared};
use super::worlds::{self, CHARTED};

/// Events buffered between the run and a slow page before the run waits.
const BUFFER: usize = 64;

/// How long a run request waits for a permit before it is refused (429).
const PERMIT_WAIT: Duration = Duration::from_secs(2);

/// The `Retry-After` of a refusal for want of a permit or of memory.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// How long a run waits for its page to take an event before it stops: as long as the
/// connection waits for the page to take bytes before it is closed (which ends the run too).
const STALLED_PAGE: Duration = super::listen::STALLED_CLIENT;

#[derive(Serialize)]
struct Start<'a> {
    scenario: &'a str,
    weeks: u32,
    burn_in: u32,
    replicates: u32,
    seed: u64,
    countries: Vec<&'a str>,
    charted: [&'a str; 6],
    look_at: &'a [String],
    command_a: String,
    command_b: String,
}

/// Checks the request, then streams the run.
pub async fn run(State(shared): State<Arc<Shared>>, body: String) -> Response {
    // Checked before the wait for a permit: a request that could never run is refused as
    // such (4xx), not told to try again when the server is busy.
    let checked = {
        let shared = shared.clone();
        tokio::task::spawn_blocking(move || {
            let req = request::parse(&body)?;
            request::prepare(&shared.catalog, &req).map(|p| (req.scenario, p))
        })
        .await
    };
    let (name, prepared) = match checked {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return e.into_response(),
        Err(e) => return ApiError::bad(format!("internal error: {e}")).into_response(),
    };
    let permit = match run_permit(&shared).await {
        Ok(permit) => permit,
        Err(busy) => return busy,
    };
    // The request's cap bounds its memory; what the machine has left now may be less.
    let needs = request::memory_bytes(&prepared);
    if let Ok(Some(room)) = crate::budget::machine::available()
        && room.bytes < needs
    {
        return busy(format!(
            "the server does not have the memory for this run now: it needs about {} MiB, and {} leaves {} MiB; try again in {} s, or ask for fewer replicates or persons",
            needs >> 20,
            room.source,
            room.bytes >> 20,
            RETRY_AFTER.as_secs()
        ));
    }
    let (tx, mut rx) = mpsc::channel::<Event>(BUFFER);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        stream_pair(&shared, &name, &prepared, &tx);
    });
    let stream = futures_util::stream::poll_fn(move |cx| {
        rx.poll_recv(cx).map(|e| e.map(Ok::<_, Infallible>))
    });
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

/// One of the server's run permits (`POST /api/run`, and an export's rerun): a run that ends
/// soon frees its permit for a request that waits a little; past [`PERMIT_WAIT`], the 429 to
/// answer.
pub(super) async fn run_permit(shared: &Shared) -> Result<OwnedSemaphorePermit, Response> {
    let waited = tokio::time::timeout(PERMIT_WAIT, shared.runs.clone().acquire_owned()).await;
    match waited {
        Ok(Ok(permit)) => Ok(permit),
        _ => Err(busy(format!(
            "the server is busy: {MAX_RUNS_AT_ONCE} runs at once; try again in {} s",
            RETRY_AFTER.as_secs()
        ))),
    }
}

/// 429 with a `Retry-After`: the server is full now, not the request wrong.
fn busy(message: String) -> Response {
    let mut response = ApiError {
        status: StatusCode::TOO_MANY_REQUESTS,
        message,
    }
    .into_response();
    response.headers_mut().insert(
        header::RETRY_AFTER,
        HeaderValue::from(RETRY_AFTER.as_secs()),
    );
    response
}

/// Runs both sides, sending every event into `tx`; stops when the page has gone.
fn stream_pair(shared: &Shared, name: &str, p: &Prepared, tx: &mpsc::Sender<Event>) {
    let runtime = tokio::runtime::Handle::current();
    // A page that takes no event for STALLED_PAGE is gone, or stalling on purpose: the run
    // stops and gives its permit back. Once a send has failed no other is tried, so that the
    // closing event does not wait out a second STALLED_PAGE.
    let gone = Cell::new(false);
    let send = |kind: &str, data: &dyn erased::Data| -> bool {
        if gone.get() {
            return false;
        }
        let event = Event::default().event(kind).data(
            data.json()
                .unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}")),
        );
        let sent = runtime
            .block_on(tx.send_timeout(event, STALLED_PAGE))
            .is_ok();
        gone.set(!sent);
        sent
    };
    let start = Start {
        scenario: name,
        weeks: p.a.run.weeks,
        burn_in: p.a.run.burn_in,
        replicates: p.replicates,
        seed: p.a.run.seed,
        countries: p.a.countries.iter().map(|c| c.name.as_str()).collect(),
        charted: CHARTED,
        look_at: &p.look_at,
        command_a: command_line(&p.a),
        command_b: command_line(&p.b),
    };
    if !send("start", &start) {
        return;
    }
    let finished = worlds::run_pair(
        &p.a,
        &p.b,
        p.replicates,
        &p.look_at,
        &shared.pool,
        &mut |week| send("week", &week),
    );
    if let Some(done) = finished {
        send("done", &done);
    } else {
        // Not sent when the page has gone.
        send("error", &"the run failed");
    }
}

/// Any serializable value as event data (a trait object, so that `send` takes each kind).
mod erased {
    pub trait Data {
        fn json(&self) -> Result<String, serde_json::Error>;
    }

    impl<T: serde::Serialize> Data for T {
        fn json(&self) -> Result<String, serde_json::Error> {
            serde_json::to_string(self)
        }
    }
}
