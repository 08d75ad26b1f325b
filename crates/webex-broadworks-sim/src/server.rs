//! The accept loop. It serves the axum router over HTTP/1.1 itself, rather than through
//! `axum::serve`, so that a request can close its own connection without a response (the
//! dropped-connection and lost-response faults).

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::extract::Request;
use axum::response::Response;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, watch};
use tokio::task::JoinSet;
use tower::ServiceExt;

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
    router: Router,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    connections.spawn(serve_connection(stream, router.clone(), shutdown.clone()));
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

async fn serve_connection(stream: TcpStream, router: Router, mut shutdown: watch::Receiver<bool>) {
    // Latency matters more than packet count on loopback.
    let _ = stream.set_nodelay(true);
    let control = ConnectionControl {
        close: Arc::new(Notify::new()),
    };
    let close = control.close.clone();
    let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
        request.extensions_mut().insert(control.clone());
        let router = router.clone();
        async move {
            let response: Result<Response, Infallible> =
                router.oneshot(request.map(axum::body::Body::new)).await;
            response
        }
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
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
