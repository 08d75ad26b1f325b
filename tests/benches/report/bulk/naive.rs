//! The naive bulk path, on the generated client: each worker provisions a subscriber, then
//! polls it with getSubscriber until its status is final, and sleeps for `Retry-After`
//! whenever it alone is answered 429, while the other workers carry on.

use std::cell::Cell;
use std::time::{Duration, Instant};

use webex_broadworks_api::Client;
use webex_broadworks_api::types;

use super::{CONCURRENCY, NAIVE_POLL_INTERVAL, TIME_CAP};

/// How long to sleep on a 429 without a readable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(1);

/// Provisions `batch` and waits for each subscriber; returns how many it could not finish.
pub fn provision_all(
    base_url: &str,
    token: &str,
    batch: &[types::ProvisionSubscriberRequest],
) -> anyhow::Result<u64> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let client = crate::http::generated_client(base_url, token)?;
    let next = Cell::new(0);
    let failures = Cell::new(0);
    let deadline = Instant::now() + TIME_CAP;
    let worker = || async {
        loop {
            let n = next.get();
            if n >= batch.len() {
                break;
            }
            next.set(n + 1);
            if Instant::now() > deadline || !provision_and_wait(&client, &batch[n], deadline).await
            {
                failures.set(failures.get() + 1);
            }
        }
    };
    runtime.block_on(futures::future::join_all(
        (0..CONCURRENCY).map(|_| worker()),
    ));
    Ok(failures.get())
}

/// The `Retry-After` of a 429, if `error` is one.
fn retry_after<T>(error: &webex_broadworks_api::Error<T>) -> Option<Duration> {
    if error.status()?.as_u16() != 429 {
        return None;
    }
    let seconds = match error {
        webex_broadworks_api::Error::ErrorResponse(response) => response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok()),
        _ => None,
    };
    Some(seconds.map_or(DEFAULT_RETRY_AFTER, Duration::from_secs))
}

/// Provisions one subscriber and polls it until it is no longer in progress; `false` when
/// that failed or ran out of time.
async fn provision_and_wait(
    client: &Client,
    request: &types::ProvisionSubscriberRequest,
    deadline: Instant,
) -> bool {
    let id = loop {
        if Instant::now() > deadline {
            return false;
        }
        match client
            .provision_subscriber()
            .body(request.clone())
            .send()
            .await
        {
            Ok(created) => match created.into_inner().id {
                Some(id) => break id,
                None => return false,
            },
            Err(error) => match retry_after(&error) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return false,
            },
        }
    };
    loop {
        if Instant::now() > deadline {
            return false;
        }
        tokio::time::sleep(NAIVE_POLL_INTERVAL).await;
        match client.get_subscriber().subscriber_id(&id).send().await {
            Ok(subscriber) => {
                let in_progress = subscriber
                    .into_inner()
                    .status
                    .is_none_or(|status| status.is_in_progress());
                if !in_progress {
                    return true;
                }
            }
            Err(error) => match retry_after(&error) {
                Some(wait) => tokio::time::sleep(wait).await,
                None => return false,
            },
        }
    }
}
