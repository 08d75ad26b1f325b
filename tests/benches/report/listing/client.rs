//! The client side of the listing measurement, run in a child process so that its peak
//! resident memory is its own.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use futures::StreamExt;
use webex_broadworks_api::types;

use super::{LISTING_TIME_CAP, Lister, ListingRun};
use crate::cpu::thread_cpu_time;
use crate::memory::own_peak_resident_kib;

/// The arguments of `report list-client`.
#[derive(Debug)]
pub struct ClientArgs {
    lister: Lister,
    base_url: String,
    token: String,
    page_size: u32,
}

impl ClientArgs {
    /// Parses `--lister NAME --base-url URL --token T --page-size N`.
    pub fn parse(args: &[String]) -> anyhow::Result<ClientArgs> {
        let value = |flag: &str| {
            args.iter()
                .position(|arg| arg == flag)
                .and_then(|at| args.get(at + 1))
                .with_context(|| format!("list-client needs {flag}"))
        };
        let lister = match value("--lister")?.as_str() {
            "hand-written" => Lister::HandWritten,
            "ergonomic" => Lister::Ergonomic,
            other => bail!("no lister is called {other:?}"),
        };
        Ok(ClientArgs {
            lister,
            base_url: value("--base-url")?.clone(),
            token: value("--token")?.clone(),
            page_size: value("--page-size")?.parse()?,
        })
    }
}

/// Lists every subscriber and prints a [`ListingRun`] as JSON on stdout.
pub fn client_main(args: ClientArgs) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let run = runtime.block_on(async {
        match args.lister {
            Lister::HandWritten => list_hand_written(&args).await,
            Lister::Ergonomic => list_ergonomic(&args).await,
        }
    })?;
    println!("{}", serde_json::to_string(&run)?);
    Ok(())
}

/// Counts what a listing saw.
struct Tally {
    items: u64,
    peak_before_kib: u64,
    started: Instant,
    cpu_before: Duration,
}

impl Tally {
    fn start() -> Tally {
        Tally {
            items: 0,
            peak_before_kib: own_peak_resident_kib().unwrap_or(0),
            started: Instant::now(),
            cpu_before: thread_cpu_time().unwrap_or_default(),
        }
    }

    fn out_of_time(&self) -> bool {
        self.started.elapsed() > LISTING_TIME_CAP
    }

    fn finish(self) -> ListingRun {
        ListingRun {
            items: self.items,
            elapsed_secs: self.started.elapsed().as_secs_f64(),
            peak_before_kib: self.peak_before_kib,
            peak_after_kib: own_peak_resident_kib().unwrap_or(0),
            cpu_secs: thread_cpu_time()
                .unwrap_or_default()
                .saturating_sub(self.cpu_before)
                .as_secs_f64(),
        }
    }
}

async fn list_hand_written(args: &ClientArgs) -> anyhow::Result<ListingRun> {
    let http = crate::http::plain_http_client()?;
    let mut next = Some(format!(
        "{}/broadworks/subscribers?max={}",
        args.base_url, args.page_size
    ));
    let mut tally = Tally::start();
    while let Some(url) = next.take() {
        if tally.out_of_time() {
            break;
        }
        let response = http.get(&url).bearer_auth(&args.token).send().await?;
        if !response.status().is_success() {
            bail!("HTTP {} for {url}", response.status());
        }
        next = next_link(response.headers());
        let page: types::SubscriberList = response.json().await?;
        tally.items += page.items.len() as u64;
    }
    Ok(tally.finish())
}

async fn list_ergonomic(args: &ClientArgs) -> anyhow::Result<ListingRun> {
    let client = webex_broadworks::Client::builder()
        .with_token(args.token.as_str())
        .with_base_url(args.base_url.as_str())
        .build()?;
    let mut tally = Tally::start();
    let mut subscribers = std::pin::pin!(
        client
            .subscribers()
            .list()
            .page_size(args.page_size)
            .stream()
    );
    while let Some(subscriber) = subscribers.next().await {
        subscriber?;
        tally.items += 1;
        if tally.out_of_time() {
            break;
        }
    }
    Ok(tally.finish())
}

/// The URL of `Link: <URL>; rel="next"`, if the response has one.
fn next_link(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get_all(reqwest::header::LINK)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|link| {
            let (target, params) = link.split_once(';')?;
            params
                .split(';')
                .any(|param| param.trim() == "rel=\"next\"" || param.trim() == "rel=next")
                .then(|| {
                    target
                        .trim()
                        .trim_start_matches('<')
                        .trim_end_matches('>')
                        .to_string()
                })
        })
}
