//! The library's batch engine (`webex_broadworks::bulk`), as a downstream crate drives it:
//! a `webex_broadworks::Client`, a SQLite journal in a temporary directory, and the options
//! `wxbw bulk provision-subscribers FILE` gives by default, on a runtime like the one `wxbw`
//! starts.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::{Args, FromArgMatches};
use webex_broadworks::bulk::{BatchItem, BatchKind, SqliteJournal};
use webex_broadworks::{Package, ProvisionSubscriber};
use webex_broadworks_api::types;
use webex_broadworks_cli::bulk::input::BulkKind;
use webex_broadworks_cli::cli::BulkArgs;
use webex_broadworks_cli::commands::bulk::bulk_run;

use super::TIME_CAP;

/// What the engine reported about its own run.
#[derive(Debug)]
pub struct EngineReport {
    /// Rows without a final status, or failed, by the engine's own count.
    pub failures: u64,
    /// The options the command line gives by default, as used.
    pub options: String,
}

/// Provisions `batch` through the library's batch engine and waits for every final status.
pub fn provision_all(
    base_url: &str,
    token: &str,
    batch: &[types::ProvisionSubscriberRequest],
) -> anyhow::Result<EngineReport> {
    let dir = WorkDir::create()?;
    let file = dir.path().join("subscribers.csv");
    let options = bulk_run(BulkKind::ProvisionSubscribers, &default_args(&file)?).options;
    let client = webex_broadworks::Client::builder()
        .with_token(token)
        .with_base_url(base_url)
        .build()?;
    let journal = Arc::new(SqliteJournal::create(dir.path().join("journal.sqlite"))?);
    let items = batch
        .iter()
        .enumerate()
        .map(|(n, request)| BatchItem::provision_subscriber(n as u64 + 1, builder(request)));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = runtime.block_on(async {
        let run = client
            .batch(BatchKind::ProvisionSubscribers)
            .with_options(options)
            .with_journal(journal)
            .start(items)
            .await?;
        let monitor = run.monitor();
        // Bounded in time: past the cap the batch stops gracefully and what it left
        // undone counts as failures.
        let cap = tokio::spawn(async move {
            tokio::time::sleep(TIME_CAP).await;
            monitor.cancel();
        });
        let report = run.run().await;
        cap.abort();
        report
    })?;
    let counts = &report.counts;
    Ok(EngineReport {
        failures: counts.failed + (counts.total - counts.done()),
        options: format!("{options:?}"),
    })
}

/// The library's builder for a generated request.
fn builder(request: &types::ProvisionSubscriberRequest) -> ProvisionSubscriber {
    let mut builder = ProvisionSubscriber::new()
        .provisioning_id(&request.provisioning_id)
        .user_id(&request.user_id)
        .sp_enterprise_id(&request.sp_enterprise_id)
        .first_name(&request.first_name)
        .last_name(&request.last_name)
        .package(Package::from(request.package.as_str()));
    if let Some(email) = &request.email {
        builder = builder.email(email);
    }
    if let Some(number) = &request.primary_phone_number {
        builder = builder.primary_phone_number(number);
    }
    if let Some(extension) = &request.extension {
        builder = builder.extension(extension);
    }
    builder
}

/// `wxbw bulk provision-subscribers FILE` with every other flag at its default.
fn default_args(file: &Path) -> anyhow::Result<BulkArgs> {
    let command = BulkArgs::augment_args(clap::Command::new("provision-subscribers"));
    let matches =
        command.try_get_matches_from(["provision-subscribers".as_ref(), file.as_os_str()])?;
    Ok(BulkArgs::from_arg_matches(&matches)?)
}

/// A directory under the system's temporary directory, removed when dropped.
struct WorkDir(PathBuf);

impl WorkDir {
    fn create() -> anyhow::Result<WorkDir> {
        let path =
            std::env::temp_dir().join(format!("webex-broadworks-bulk-{}", std::process::id()));
        if path.exists() {
            std::fs::remove_dir_all(&path)?;
        }
        std::fs::create_dir_all(&path).with_context(|| format!("creating {}", path.display()))?;
        Ok(WorkDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
