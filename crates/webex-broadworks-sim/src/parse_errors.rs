//! The answers the HTTP layer gives on its own, made to look like the API's.
//!
//! When a request cannot be parsed (a malformed request line or header, a URI or headers
//! too large), hyper answers 400, 414 or 431 itself, before any route runs: a bare status
//! line with no `trackingid` and no body. Webex answers every request with a `trackingid`
//! and a WebexError body, so this wrapper around the connection recognises such an answer
//! as it is written (a 4xx head without `trackingid`, which every routed answer has) and
//! writes the API's answer in its place. hyper closes the connection after it.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use axum::http::StatusCode;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::ApiError;
use crate::views;

/// Makes a fresh `trackingid`.
pub(crate) type TrackingIds = Arc<dyn Fn() -> String + Send + Sync>;

/// A connection whose automatic error answers are rewritten.
pub(crate) struct AnswerParseErrors<T> {
    inner: T,
    tracking_ids: TrackingIds,
    /// A rewritten answer not yet fully written, and how much of it was.
    pending: Option<(Vec<u8>, usize)>,
}

impl<T> AnswerParseErrors<T> {
    pub(crate) fn new(inner: T, tracking_ids: TrackingIds) -> Self {
        AnswerParseErrors {
            inner,
            tracking_ids,
            pending: None,
        }
    }
}

impl<T: AsyncWrite + Unpin> AnswerParseErrors<T> {
    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

/// The API's answer in place of `written`, if `written` is one of the HTTP layer's own.
fn rewrite(written: &[u8], tracking_ids: &TrackingIds) -> Option<Vec<u8>> {
    let head_end = written.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&written[..head_end]).ok()?;
    let status: u16 = head.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()?;
    if !(400..500).contains(&status)
        || head
            .lines()
            .any(|line| line.to_ascii_lowercase().starts_with("trackingid:"))
    {
        return None;
    }
    let status = StatusCode::from_u16(status).ok()?;
    let message = match status {
        StatusCode::URI_TOO_LONG => {
            "The request URI is too long; send the filters in fewer characters."
        }
        StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => {
            "The request headers are too large or too many; send fewer or shorter headers."
        }
        _ => "The request could not be read as HTTP/1.1; check the request line and the headers.",
    };
    let tracking_id = tracking_ids();
    let body = serde_json::to_vec(&views::webex_error(
        &ApiError::new(status, message),
        &tracking_id,
    ))
    .ok()?;
    let mut answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\ntrackingid: {tracking_id}\r\nconnection: close\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(&body);
    Some(answer)
}

impl<T: AsyncRead + Unpin> AsyncRead for AnswerParseErrors<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for AnswerParseErrors<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        ready!(this.poll_drain(cx))?;
        if let Some(answer) = rewrite(buf, &this.tracking_ids) {
            this.pending = Some((answer, 0));
            // What does not go now goes on the next write or flush.
            if let Poll::Ready(Err(error)) = this.poll_drain(cx) {
                return Poll::Ready(Err(error));
            }
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_drain(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    // One buffer per write, so that a head is seen whole (hyper then flattens).
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids() -> TrackingIds {
        Arc::new(|| "SIM_test".to_string())
    }

    #[test]
    fn the_http_layers_own_answers_are_rewritten_and_routed_ones_are_not() {
        let bare = b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n";
        let answer = String::from_utf8(rewrite(bare, &ids()).unwrap()).unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{answer}"
        );
        assert!(answer.contains("trackingid: SIM_test\r\n"));
        let body = answer.split("\r\n\r\n").nth(1).unwrap();
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(json["trackingId"], "SIM_test");
        assert!(json["message"].as_str().unwrap().contains("HTTP/1.1"));

        let routed = b"HTTP/1.1 404 Not Found\r\ntrackingid: SIM_1\r\ncontent-length: 2\r\n\r\n{}";
        assert!(rewrite(routed, &ids()).is_none());
        let fine = b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n";
        assert!(rewrite(fine, &ids()).is_none());
        assert!(rewrite(b"{\"items\": []}", &ids()).is_none());
    }
}
