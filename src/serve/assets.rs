//! The page's files, embedded in the binary at build time so that the page works with no
//! network and no files beside the binary: `index.html`, `app.js`, `draw.js`, `style.css` and the
//! vendored uPlot (`assets/vendor/uplot/`, with its licence and version note).

use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};

use super::request::ApiError;

/// Each file the page may ask for: its URL path, content type and bytes.
const ASSETS: &[(&str, &str, &[u8])] = &[
    (
        "/",
        "text/html; charset=utf-8",
        include_bytes!("assets/index.html"),
    ),
    (
        "/app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/app.js"),
    ),
    (
        "/draw.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/draw.js"),
    ),
    (
        "/style.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/style.css"),
    ),
    (
        "/vendor/uplot/uPlot.iife.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("assets/vendor/uplot/uPlot.iife.min.js"),
    ),
    (
        "/vendor/uplot/uPlot.min.css",
        "text/css; charset=utf-8",
        include_bytes!("assets/vendor/uplot/uPlot.min.css"),
    ),
    (
        "/vendor/uplot/LICENSE",
        "text/plain; charset=utf-8",
        include_bytes!("assets/vendor/uplot/LICENSE"),
    ),
];

/// `GET` of anything outside the API: an embedded file, or 404.
pub async fn asset(uri: Uri) -> Response {
    match ASSETS.iter().find(|(path, _, _)| *path == uri.path()) {
        Some((_, kind, bytes)) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, *kind),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            *bytes,
        )
            .into_response(),
        None => ApiError::not_found(format!("no such page: {}", uri.path())).into_response(),
    }
}
