//! The bulk path of the CLI, `wxbw bulk provision-subscribers FILE`, driven as a library
//! with the command's default options: the batch is written to a CSV file, the engine runs
//! with its journal and results file in a temporary directory, on a runtime like the one
//! `wxbw` starts.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, FromArgMatches};
use tokio::sync::watch;
use webex_broadworks_api::types;
use webex_broadworks_cli::api::Connection;
use webex_broadworks_cli::bulk;
use webex_broadworks_cli::bulk::input::BulkKind;
use webex_broadworks_cli::cli::BulkArgs;
use webex_broadworks_cli::commands::bulk::bulk_run;
use webex_broadworks_cli::token::Token;

use super::TIME_CAP;

/// What the engine reported about its own run.
#[derive(Debug)]
pub struct EngineReport {
    /// Rows without a final status, or failed, by the engine's own count.
    pub failures: u64,
    /// The options the command line gives by default, as used.
    pub options: String,
}

/// Provisions `batch` through the bulk engine and waits for every final status.
pub fn provision_all(
    base_url: &str,
    token: &str,
    batch: &[types::ProvisionSubscriberRequest],
) -> anyhow::Result<EngineReport> {
    let dir = WorkDir::create()?;
    let file = dir.path().join("subscribers.csv");
    write_csv(&file, batch)?;
    let mut run = bulk_run(BulkKind::ProvisionSubscribers, &default_args(&file)?);
    run.progress = false;
    let options = format!("{:?}", run.options);
    let connection = Connection::new(base_url, Token::new(token))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let report = runtime.block_on(async {
        let (stop, cancel) = watch::channel(false);
        // Bounded in time: past the cap the engine stops gracefully and what it left
        // undone counts as failures.
        let cap = tokio::spawn(async move {
            tokio::time::sleep(TIME_CAP).await;
            let _ = stop.send(true);
        });
        let report = bulk::run(connection, base_url, &run, cancel).await;
        cap.abort();
        report
    })?;
    let counts = &report.counts;
    Ok(EngineReport {
        failures: counts.failed + (counts.total - counts.done()),
        options,
    })
}

/// `wxbw bulk provision-subscribers FILE` with every other flag at its default.
fn default_args(file: &Path) -> anyhow::Result<BulkArgs> {
    let command = BulkArgs::augment_args(clap::Command::new("provision-subscribers"));
    let matches =
        command.try_get_matches_from(["provision-subscribers".as_ref(), file.as_os_str()])?;
    Ok(BulkArgs::from_arg_matches(&matches)?)
}

const COLUMNS: &str = "provisioningId,userId,spEnterpriseId,firstName,lastName,package,email,primaryPhoneNumber,extension";

fn write_csv(path: &Path, batch: &[types::ProvisionSubscriberRequest]) -> anyhow::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "{COLUMNS}")?;
    for request in batch {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{}",
            request.provisioning_id,
            request.user_id,
            request.sp_enterprise_id,
            request.first_name,
            request.last_name,
            request.package,
            request.email.as_deref().unwrap_or_default(),
            request.primary_phone_number.as_deref().unwrap_or_default(),
            request.extension.as_deref().unwrap_or_default(),
        )?;
    }
    out.flush()?;
    Ok(())
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
