//! `wxbw bulk provision-subscribers|update-subscribers|provision-workspaces FILE`.

use tokio::sync::watch;
use webex_broadworks::bulk::BatchOptions;

use crate::bulk::input::BulkKind;
use crate::bulk::summary::Report;
use crate::bulk::{self, BulkMode, BulkRun, beside};
use crate::cli::{BulkArgs, BulkCommand, OutputFormat};
use crate::context::Context;
use crate::exit::CliError;
use crate::output;

/// Runs one bulk command.
pub async fn run(context: &Context, command: BulkCommand) -> Result<(), CliError> {
    let (kind, args) = match command {
        BulkCommand::ProvisionSubscribers(args) => (BulkKind::ProvisionSubscribers, args),
        BulkCommand::UpdateSubscribers(args) => (BulkKind::UpdateSubscribers, args),
        BulkCommand::ProvisionWorkspaces(args) => (BulkKind::ProvisionWorkspaces, args),
    };
    let run = bulk_run(kind, &args);
    if let Some(path) = &args.export_failed {
        let written = bulk::export_failed(kind, &run.file, &run.journal, path)?;
        eprintln!(
            "wrote the {written} failed rows of {} to {}; nothing was sent",
            run.journal.display(),
            path.display()
        );
        return Ok(());
    }
    // The whole file is read and checked before a token is needed or anything is sent.
    let rows = bulk::check_file(kind, &run.file)?;
    if args.check {
        output::line(format!(
            "{}: {rows} rows, every one valid; nothing was sent",
            run.file.display()
        ))?;
        return Ok(());
    }
    let client = context.client()?;
    let cancel = interrupt_on_ctrl_c();
    eprintln!(
        "{} {}: {rows} rows, {} at a time; journal {}",
        kind.command(),
        run.file.display(),
        run.options.concurrency,
        run.journal.display()
    );
    let report = bulk::run(client, &run, cancel).await?;
    print_report(context.output, &report)?;
    bulk::outcome(&report)
}

/// The run the arguments describe.
pub fn bulk_run(kind: BulkKind, args: &BulkArgs) -> BulkRun {
    BulkRun {
        kind,
        file: args.file.clone(),
        mode: if args.retry_failed {
            BulkMode::RetryFailed
        } else if args.resume {
            BulkMode::Resume
        } else {
            BulkMode::Start
        },
        journal: args
            .journal
            .clone()
            .unwrap_or_else(|| beside(&args.file, ".journal.sqlite")),
        results: args
            .results
            .clone()
            .unwrap_or_else(|| beside(&args.file, ".results.csv")),
        options: BatchOptions {
            concurrency: usize::from(args.concurrency),
            max_rate: args.max_rate,
            wait: !args.no_wait,
            wait_timeout: args.wait_timeout,
            poll_interval: args.poll_interval,
        },
        progress: true,
        force: args.force,
    }
}

/// Prints the summary, the rows needing attention and the run's cost.
pub fn print_report(format: OutputFormat, report: &Report) -> Result<(), CliError> {
    match format {
        OutputFormat::Json | OutputFormat::Ndjson => output::print(format, report),
        OutputFormat::Table => {
            crate::output::line(report.text())?;
            Ok(())
        }
    }
}

/// A flag set by the first Ctrl-C: the run stops sending, lets requests in flight finish
/// and records them. A second Ctrl-C exits at once; the journal still holds every intent.
pub fn interrupt_on_ctrl_c() -> watch::Receiver<bool> {
    let (sender, receiver) = watch::channel(false);
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!(
                "\nstopping: requests in flight finish and are recorded (Ctrl-C again to quit now)"
            );
            let _ = sender.send(true);
            if tokio::signal::ctrl_c().await.is_ok() {
                std::process::exit(i32::from(crate::exit::Exit::Interrupted.code()));
            }
        }
    });
    receiver
}
