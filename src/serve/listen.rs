//! The server's accept loop: HTTP/1 connections served by hyper with the bounds axum's own
//! `serve` does not set. At most [`MAX_CONNECTIONS`] are open at once (past them a new client
//! waits in the kernel's queue until one closes, so a flood costs no memory and no file
//! descriptors beyond the bound); a client has [`HEADER_READ_TIMEOUT`] to send a request's
//! head, on a new connection and between the requests of a kept-alive one, after which the
//! connection is closed (a client that sends half a request and stalls holds a slot only that
//! long); a head over [`MAX_HEAD_BYTES`] or with over [`MAX_HEADERS`] fields is answered by
//! hyper itself, 431 or 414 with no body, and the connection closed; and a client that takes
//! no byte of an answer for [`STALLED_CLIENT`] has its connection closed (hyper itself would
//! wait on a full socket for ever, so that a page that stops reading its event stream, or a
//! client that sends requests and reads none of the answers, would hold its slot for good).
//! The per-request bounds (body, time to the answer, JSON refusals) are the router's layers
//! (`guard.rs`).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::Sleep;

/// Connections open at once: a classroom's tabs, each with a few requests in flight.
pub const MAX_CONNECTIONS: usize = 256;

/// Time a client has to send the head of a request (request line and headers).
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest head hyper reads; `guard.rs` refuses smaller ones with a JSON answer first.
pub const MAX_HEAD_BYTES: usize = 64 * 1024;

/// Header fields a request may have (hyper's default, stated so the docs can name it).
pub const MAX_HEADERS: usize = 100;

/// Time a client may leave an answer's bytes untaken (its socket full) before its connection is
/// closed: a page that stops reading its event stream has gone, or is stalling on purpose.
pub const STALLED_CLIENT: Duration = Duration::from_secs(60);

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
            let _ = http
                .serve_connection(TokioIo::new(WriteStall::new(stream)), service)
                .await;
        });
    }
}

/// A connection whose writes fail once one has waited [`STALLED_CLIENT`] for the client to
/// take bytes: hyper then ends the connection, and the socket is closed.
struct WriteStall<S> {
    inner: S,
    /// Armed when a write first finds the socket full; disarmed when a write goes through.
    stalled: Option<Pin<Box<Sleep>>>,
}

impl<S> WriteStall<S> {
    fn new(inner: S) -> WriteStall<S> {
        WriteStall {
            inner,
            stalled: None,
        }
    }

    /// `written` (the inner write's poll), or an error once the socket has stayed full too long.
    fn watch<T>(
        &mut self,
        cx: &mut Context<'_>,
        written: Poll<io::Result<T>>,
    ) -> Poll<io::Result<T>> {
        if written.is_ready() {
            self.stalled = None;
            return written;
        }
        let timer = self
            .stalled
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(STALLED_CLIENT)));
        match timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client took no byte of the answer in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for WriteStall<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for WriteStall<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.watch(cx, written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.inner).poll_write_vectored(cx, bufs);
        this.watch(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}
