//! The accept loop. It serves the axum router over HTTP/1.1 itself, rather than through
//! `axum::serve`, so that a request can close its own connection without a response (the
//! dropped-connection and lost-response faults).

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

use crate::parse_errors::{AnswerParseErrors, TrackingIds};

/// How long a request may take to arrive: its head (hyper's header read timeout, which also
/// bounds how long an idle connection is kept) and its body. Found in every request's
/// extensions; `None`: no limit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadTimeout(pub(crate) Option<Duration>);

/// What every connection is served with.
#[derive(Clone)]
pub(crate) struct Serving {
    pub(crate) router: Router,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) tracking_ids: TrackingIds,
}

/// Lets a request close the connection it arrived on. Found in every request's extensions.
#[derive(Clone, Debug)]
pub(crate) struct ConnectionControl {
    close: Arc<Notify>,
}

impl ConnectionControl {
    /// Closes the connection at once, without sending anything more on it.
    pub(crate) fn close_now(&self) {
        self.close.notify_one();
    }
}

/// Serves `router` on `listener` until `shutdown` turns true; then stops accepting, lets
/// requests in flight finish and closes idle connections.
pub(crate) async fn serve(
    listener: TcpListener,
    serving: Serving,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, serving.clone(), shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::task::yield_now().await;
                }
            },
            _ = shutdown.changed() => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

async fn serve_connection(
    stream: TcpStream,
    serving: Serving,
    mut shutdown: watch::Receiver<bool>,
) {
    // Latency matters more than packet count on loopback.
    let _ = stream.set_nodelay(true);
    let control = ConnectionControl {
        close: Arc::new(Notify::new()),
    };
    let close = control.close.clone();
    let Serving {
        router,
        read_timeout,
        tracking_ids,
    } = serving;
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(control.clone());
        request.extensions_mut().insert(ReadTimeout(read_timeout));
        let router = router.clone();
        async move {
            let response: Result<Response, Infallible> =
                router.oneshot(request.map(axum::body::Body::new)).await;
            response
        }
    });
    let mut builder = http1::Builder::new();
    builder.keep_alive(true);
    if let Some(timeout) = read_timeout {
        builder
            .timer(TokioTimer::new())
            .header_read_timeout(timeout);
    }
    let io = AnswerParseErrors::new(stream, tracking_ids);
    let connection = builder.serve_connection(TokioIo::new(io), service);
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(error) = result {
                tracing::debug!(%error, "connection ended with an error");
            }
        }
        // Dropping the connection closes the socket with nothing more sent.
        _ = close.notified() => {}
        _ = shutdown.changed() => {
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = close.notified() => {}
            }
        }
    }
}
