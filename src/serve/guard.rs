//! The router's bounds on each request, before and around its handler: a body of at most
//! [`MAX_BODY_BYTES`] (413, before a byte is read when its `Content-Length` says more), a URL
//! of at most [`MAX_URL_BYTES`] (414) and headers of at most [`MAX_HEADER_BYTES`] (431), a
//! POST only of JSON or of the `text/plain` a browser's `fetch` sends for a string (415) and
//! only from the page's own origin when the browser names one (403: another site cannot
//! start runs here), and [`REQUEST_TIMEOUT`] from the head to the answer's head, which bounds
//! a slow body and leaves a streamed run to run (408). Every refusal, axum's own included (a
//! body that is not UTF-8, a method a route does not take), is JSON, `{"error": "..."}`, as
//! the API's are.

use std::time::Duration;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};

use super::request::ApiError;

/// The largest request body: a run request with hundreds of overrides fits many times over.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The longest URL (path and query).
pub const MAX_URL_BYTES: usize = 8 * 1024;

/// The most header bytes (names and values), below hyper's own bound on a head.
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// Time from a request's head to its answer's head: the body, the check and the wait for a
/// run permit. A run's events flow after that, as long as the run lasts.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);

/// Bytes of an error body of axum's read to make it JSON (they are a line of text).
const ERROR_TEXT_BYTES: usize = 4096;

/// `routes` with the bounds of this file around every route and fallback.
pub fn bounded<S: Clone + Send + Sync + 'static>(routes: Router<S>) -> Router<S> {
    // The last layer added is the outermost: JSON refusals see every answer.
    routes
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(check_head))
        .layer(middleware::from_fn(time_limit))
        .layer(middleware::from_fn(json_errors))
}

/// Refuses a request by its head alone, before any handler reads its body.
async fn check_head(request: Request, next: Next) -> Response {
    match refusal(request.method(), request.uri(), request.headers()) {
        Some(e) => e.into_response(),
        None => next.run(request).await,
    }
}

/// Why a request's head is refused, if it is.
fn refusal(method: &Method, uri: &axum::http::Uri, headers: &HeaderMap) -> Option<ApiError> {
    let url = uri.path_and_query().map_or(0, |p| p.as_str().len());
    if url > MAX_URL_BYTES {
        return Some(refused(
            StatusCode::URI_TOO_LONG,
            format!("the URL is {url} bytes long; at most {MAX_URL_BYTES} are read"),
        ));
    }
    let head: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    if head > MAX_HEADER_BYTES {
        return Some(refused(
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!("the headers are {head} bytes long; at most {MAX_HEADER_BYTES} are read"),
        ));
    }
    // A body announced too big is refused before a byte of it is read.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(length) = announced.filter(|&n| n > MAX_BODY_BYTES as u64) {
        return Some(refused(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("a request body of {length} bytes; at most {MAX_BODY_BYTES} are read"),
        ));
    }
    if method != Method::POST {
        return None;
    }
    if let Some(kind) = headers.get(header::CONTENT_TYPE) {
        let essence = kind
            .to_str()
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        if essence != "application/json" && essence != "text/plain" {
            return Some(refused(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!(
                    "a request body of type `{}`: send JSON (application/json)",
                    String::from_utf8_lossy(kind.as_bytes())
                ),
            ));
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN) {
        let host = headers.get(header::HOST).map(|h| h.as_bytes());
        let own = host.is_some_and(|h| {
            origin.as_bytes().strip_prefix(b"http://") == Some(h)
                || origin.as_bytes().strip_prefix(b"https://") == Some(h)
        });
        if !own {
            return Some(refused(
                StatusCode::FORBIDDEN,
                format!(
                    "a request from the page of `{}`: only this server's own page may post here",
                    String::from_utf8_lossy(origin.as_bytes())
                ),
            ));
        }
    }
    None
}

fn refused(status: StatusCode, message: String) -> ApiError {
    ApiError { status, message }
}

/// Answers 408 when the handler has not answered within [`REQUEST_TIMEOUT`].
async fn time_limit(request: Request, next: Next) -> Response {
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(request)).await {
        Ok(response) => response,
        Err(_) => refused(
            StatusCode::REQUEST_TIMEOUT,
            format!(
                "no answer within {} s: the request's body came too slowly, or the server is too busy",
                REQUEST_TIMEOUT.as_secs()
            ),
        )
        .into_response(),
    }
}

/// Makes a refusal that is not JSON (axum's rejections, a 405) JSON, keeping its status
/// and its headers (a 405's `Allow`) and its text as the message.
async fn json_errors(request: Request, next: Next) -> Response {
    let (method, path) = (request.method().clone(), request.uri().path().to_string());
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|t| t.as_bytes().starts_with(b"application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, ERROR_TEXT_BYTES)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let reason = status
        .canonical_reason()
        .unwrap_or("refused")
        .to_lowercase();
    let message = if text.is_empty() {
        format!("{method} {path}: {reason}")
    } else {
        format!("{method} {path}: {text}")
    };
    let json = refused(status, message).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, json.into_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(
                header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

    fn status(method: Method, uri: &str, pairs: &[(&str, &str)]) -> Option<StatusCode> {
        refusal(&method, &uri.parse().unwrap(), &head(pairs)).map(|e| e.status)
    }

    #[test]
    fn heads_refused_and_heads_let_through() {
        let host = ("host", "127.0.0.1:8080");
        assert_eq!(status(Method::GET, "/api/scenarios", &[host]), None);
        let long = format!("/api/scenario?name={}", "a".repeat(MAX_URL_BYTES));
        assert_eq!(
            status(Method::GET, &long, &[]),
            Some(StatusCode::URI_TOO_LONG)
        );
        let big = "x".repeat(MAX_HEADER_BYTES);
        assert_eq!(
            status(Method::GET, "/", &[("x-big", &big)]),
            Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
        );
        for kind in [
            "application/json",
            "text/plain;charset=UTF-8",
            "Application/JSON",
        ] {
            assert_eq!(
                status(Method::POST, "/api/run", &[("content-type", kind)]),
                None
            );
        }
        for kind in [
            "application/x-www-form-urlencoded",
            "multipart/form-data",
            "text/xml",
        ] {
            assert_eq!(
                status(Method::POST, "/api/run", &[("content-type", kind)]),
                Some(StatusCode::UNSUPPORTED_MEDIA_TYPE),
                "{kind}"
            );
        }
        assert_eq!(
            status(
                Method::POST,
                "/api/run",
                &[("content-length", "10000000000")]
            ),
            Some(StatusCode::PAYLOAD_TOO_LARGE)
        );
        let own = ("origin", "http://127.0.0.1:8080");
        assert_eq!(status(Method::POST, "/api/run", &[host, own]), None);
        for other in ["http://evil.example", "null", "http://127.0.0.1:8081"] {
            assert_eq!(
                status(Method::POST, "/api/run", &[host, ("origin", other)]),
                Some(StatusCode::FORBIDDEN),
                "{other}"
            );
        }
        // A GET from elsewhere reads nothing a script there could see (no CORS headers).
        assert_eq!(
            status(Method::GET, "/api/scenarios", &[host, ("origin", "null")]),
            None
        );
    }
}
