//! `wxbw billing list|create|get|delete`.

use webex_broadworks::BillingReportStatus;
use webex_broadworks::types::{self, BillingReport};

use crate::cli::{BillingCommand, CreateBillingReportArgs, ListBillingReportsArgs};
use crate::connect::wait_policy;
use crate::context::Context;
use crate::exit::CliError;
use crate::output::{self, Done};
use crate::validation::Problems;
use crate::wait::{self, Waited};

/// Runs one billing command.
pub async fn run(context: &Context, command: BillingCommand) -> Result<(), CliError> {
    match command {
        BillingCommand::List(args) => list(context, args).await,
        BillingCommand::Create(args) => create(context, args).await,
        BillingCommand::Get(args) => {
            let client = context.client()?;
            let report = client.billing_reports().get(&args.report_id).await?;
            output::print(context.output, &report)
        }
        BillingCommand::Delete(args) => {
            let client = context.client()?;
            client.billing_reports().delete(&args.report_id).await?;
            output::print(
                context.output,
                &Done {
                    id: args.report_id,
                    result: "deleted",
                },
            )
        }
    }
}

async fn list(context: &Context, args: ListBillingReportsArgs) -> Result<(), CliError> {
    let mut problems = Problems::new();
    let sort_by = args.sort_by.as_deref().and_then(|value| {
        let parsed = value.parse::<types::BillingReportSortBy>().ok();
        if parsed.is_none() {
            problems.field(
                "--sort-by",
                format!("`{value}` is not id, status or billingPeriod"),
            );
        }
        parsed
    });
    for (flag, value) in [("--before", &args.before), ("--after", &args.after)] {
        if let Some(value) = value {
            check_period(&mut problems, flag, value);
        }
    }
    problems.into_result().map_err(CliError::Invalid)?;
    let client = context.client()?;
    let mut list = client.billing_reports().list();
    if let Some(value) = args.before {
        list = list.before(value);
    }
    if let Some(value) = args.after {
        list = list.after(value);
    }
    if let Some(value) = sort_by {
        list = list.sort_by(value);
    }
    output::list(context.output, list.stream(), output::BillingRows).await
}

fn check_period(problems: &mut Problems, flag: &str, value: &str) {
    if types::CreateBillingReportRequestBillingPeriod::try_from(value).is_err() {
        problems.field(
            flag,
            format!("`{value}` is not a month; write YYYY-MM, such as 2024-03"),
        );
    }
}

async fn create(context: &Context, args: CreateBillingReportArgs) -> Result<(), CliError> {
    let mut problems = Problems::new();
    match &args.billing_period {
        Some(value) => check_period(&mut problems, "--billing-period", value),
        None => problems.field("--billing-period", "is required: the month, YYYY-MM"),
    }
    problems.into_result().map_err(CliError::Invalid)?;
    let period = args.billing_period.unwrap_or_default();
    let client = context.client()?;
    let reports = client.billing_reports();
    let id = reports.create(&period).await?;
    if !args.wait.wait {
        return output::print(
            context.output,
            &types::BillingReportId {
                id: Some(id),
                ..Default::default()
            },
        );
    }
    let what = format!("billing report {id}");
    let changes = reports
        .wait(&id)
        .with_policy(wait_policy(args.wait.wait_timeout))
        .changes();
    let waited = wait::follow(&what, changes, |report: &BillingReport| {
        report
            .status
            .as_ref()
            .map_or_else(|| "unknown".into(), ToString::to_string)
    })
    .await?;
    match waited {
        Waited::Done(report) => {
            output::print(context.output, &report)?;
            if report.status == Some(BillingReportStatus::Failed) {
                return Err(CliError::Outcome(format!("{what} failed")));
            }
            Ok(())
        }
        Waited::TimedOut => Err(CliError::TimedOut(format!(
            "{what} is still being generated; look again with: wxbw billing get {id}"
        ))),
        Waited::Interrupted => Err(CliError::Interrupted(format!(
            "stopped waiting; {what} is still being generated. Look again with: wxbw billing get {id}"
        ))),
    }
}
