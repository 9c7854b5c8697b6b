//! The server's accept loop: HTTP/1 connections served by hyper with the bounds axum's own
//! `serve` does not set. At most [`MAX_CONNECTIONS`] are open at once (past them a new client
//! waits in the kernel's queue until one closes, so a flood costs no memory and no file
//! descriptors beyond the bound); a client has [`HEADER_READ_TIMEOUT`] to send a request's
//! head, on a new connection and between the requests of a kept-alive one, after which the
//! connection is closed (a client that sends half a request and stalls holds a slot only that
//! long); a head over [`MAX_HEAD_BYTES`] or with over [`MAX_HEADERS`] fields is answered by
//! hyper itself, 431 or 414 with no body, and the connection closed. The per-request bounds
//! (body, time to the answer, JSON refusals) are the router's layers (`guard.rs`).

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Connections open at once: a classroom's tabs, each with a few requests in flight.
pub const MAX_CONNECTIONS: usize = 256;

/// Time a client has to send the head of a request (request line and headers).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest head hyper reads; `guard.rs` refuses smaller ones with a JSON answer first.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Header fields a request may have (hyper's default, stated so the docs can name it).
pub const MAX_HEADERS: usize = 100;

/// Pause after a failed accept (out of file descriptors, say) before the next.
const ACCEPT_RETRY: Duration = Duration::from_millis(100);

/// Serves `app` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, app: Router) {
    let open = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        // Waiting here, not after accepting, leaves the next client in the kernel's queue.
        let Ok(slot) = open.clone().acquire_owned().await else {
            return;
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // A client gone before it was accepted, or no descriptor left: the listener
            // itself is fine, so wait a little (the descriptors come back as others close).
            Err(_) => {
                tokio::time::sleep(ACCEPT_RETRY).await;
                continue;
            }
        };
        let service = TowerToHyperService::new(app.clone());
        tokio::spawn(async move {
            let _slot = slot;
            let mut http = http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT)
                .max_header_size(MAX_HEAD_BYTES)
                .max_headers(MAX_HEADERS);
            // An error here is the client's (a reset, a stalled head, a malformed request
            // hyper has answered): the connection ends, the server goes on.
            let _ = http.serve_connection(TokioIo::new(stream), service).await;
        });
    }
}
