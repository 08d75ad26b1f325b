//! `wxbw subscribers list|get|provision|update|remove|precheck|send-consent-email`.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures::StreamExt;
use webex_broadworks::SubscriberOutcome;
use webex_broadworks::SubscriberStatus;
use webex_broadworks::types::Subscriber;
use webex_broadworks::{PrecheckSubscriber, ProvisionSubscriber, UpdateSubscriber};

use crate::builders::{self, Naming};
use crate::cli::{
    ListSubscribersArgs, PrecheckSubscriberArgs, ProvisionSubscriberArgs, SubscriberCommand,
    UpdateSubscriberArgs, WaitArgs,
};
use crate::connect::wait_policy;
use crate::context::Context;
use crate::exit::CliError;
use crate::field_table;
use crate::output::{self, Done, SubscriberRows};
use crate::validation::Problems;
use crate::wait::{self, Waited};

/// Runs one subscriber command. Problems with the flags are reported before a token is
/// even needed.
pub async fn run(context: &Context, command: SubscriberCommand) -> Result<(), CliError> {
    match command {
        SubscriberCommand::List(args) => list(context, args).await,
        SubscriberCommand::Get(args) => {
            let client = context.client()?;
            let subscriber = client.subscribers().get(&args.subscriber_id).await?;
            output::print(context.output, &subscriber)
        }
        SubscriberCommand::Provision(args) => {
            let wait = args.wait;
            let request = provision_request(args).map_err(CliError::Invalid)?;
            let client = context.client()?;
            let subscriber = client.subscribers().provision(request).await?;
            finish(context, &client, subscriber, wait, "provisioning").await
        }
        SubscriberCommand::Update(args) => {
            let wait = args.wait;
            let id = args.subscriber_id.clone();
            let request = update_request(args).map_err(CliError::Invalid)?;
            let client = context.client()?;
            let subscriber = client.subscribers().update(&id, request).await?;
            finish(context, &client, subscriber, wait, "update").await
        }
        SubscriberCommand::Remove(args) => {
            let client = context.client()?;
            client.subscribers().remove(&args.subscriber_id).await?;
            output::print(
                context.output,
                &Done {
                    id: args.subscriber_id,
                    result: "removed",
                },
            )
        }
        SubscriberCommand::Precheck(args) => {
            let request = precheck_request(args).map_err(CliError::Invalid)?;
            let client = context.client()?;
            let response = client.subscribers().precheck(request).await?;
            output::print(context.output, &response)
        }
        SubscriberCommand::SendConsentEmail(args) => {
            let client = context.client()?;
            client
                .subscribers()
                .send_consent_move_email(&args.subscriber_id)
                .await?;
            output::print(
                context.output,
                &Done {
                    id: args.subscriber_id,
                    result: "consent e-mail sent",
                },
            )
        }
    }
}

async fn list(context: &Context, args: ListSubscribersArgs) -> Result<(), CliError> {
    let mut problems = Problems::new();
    let changed_after = args
        .last_status_change
        .as_deref()
        .and_then(|value| instant(&mut problems, "--last-status-change", value));
    let created_after = args
        .after
        .as_deref()
        .and_then(|value| instant(&mut problems, "--after", value));
    let statuses: Vec<SubscriberStatus> = args
        .status
        .iter()
        .flat_map(|list| list.split(','))
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(SubscriberStatus::from)
        .collect();
    for status in statuses.iter().filter(|status| !status.is_known()) {
        problems.field("--status", format!("`{status}` is not a subscriber status"));
    }
    problems.into_result().map_err(CliError::Invalid)?;

    let client = context.client()?;
    let mut list = client.subscribers().list();
    if let Some(value) = args.user_id {
        list = list.user_id(value);
    }
    if let Some(value) = args.person_id {
        list = list.person_id(value);
    }
    if let Some(value) = args.email {
        list = list.email(value);
    }
    if let Some(value) = args.provisioning_id {
        list = list.provisioning_id(value);
    }
    if let Some(value) = args.sp_enterprise_id {
        list = list.sp_enterprise_id(value);
    }
    if let Some(value) = changed_after {
        list = list.status_changed_after(value);
    }
    if let Some(value) = created_after {
        list = list.created_after(value);
    }
    if !statuses.is_empty() {
        list = list.statuses(statuses);
    }
    if let Some(value) = args.self_activated {
        list = list.self_activated(value);
    }
    if let Some(value) = args.max {
        list = list.page_size(value);
    }
    let items = list.stream().take(args.limit.unwrap_or(usize::MAX)).boxed();
    output::list(context.output, items, SubscriberRows).await
}

/// An instant given as ISO-8601 or as epoch milliseconds, as the API takes it.
fn instant(problems: &mut Problems, flag: &str, value: &str) -> Option<DateTime<Utc>> {
    let parsed = DateTime::parse_from_rfc3339(value)
        .map(|instant| instant.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            value
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_millis)
        });
    if parsed.is_none() {
        problems.field(
            flag,
            format!("`{value}` is not an instant; write ISO-8601 (2024-03-01T12:00:00Z) or epoch milliseconds"),
        );
    }
    parsed
}

/// Prints the subscriber, after following it to its outcome with `--wait`.
async fn finish(
    context: &Context,
    client: &webex_broadworks::Client,
    subscriber: Subscriber,
    wait: WaitArgs,
    doing: &str,
) -> Result<(), CliError> {
    if !wait.wait {
        return output::print(context.output, &subscriber);
    }
    let subscriber = wait_for(client, &subscriber, wait.wait_timeout).await?;
    output::print(context.output, &subscriber)?;
    outcome(&subscriber, doing)
}

/// Follows `subscriber` until its status is final, with a live spinner.
pub async fn wait_for(
    client: &webex_broadworks::Client,
    subscriber: &Subscriber,
    timeout: Duration,
) -> Result<Subscriber, CliError> {
    let id = subscriber.id.clone().unwrap_or_default();
    let what = format!(
        "subscriber {}",
        subscriber.user_id.as_deref().unwrap_or(id.as_str())
    );
    let changes = client
        .subscribers()
        .wait(&id)
        .with_policy(wait_policy(timeout))
        .changes();
    let waited = wait::follow(&what, changes, |subscriber: &Subscriber| {
        subscriber
            .status
            .as_ref()
            .map_or_else(|| "unknown".to_string(), ToString::to_string)
    })
    .await?;
    match waited {
        Waited::Done(subscriber) => Ok(subscriber),
        Waited::TimedOut => Err(CliError::TimedOut(format!(
            "{what} has no final status yet; look again with: wxbw subscribers get {id}"
        ))),
        Waited::Interrupted => Err(CliError::Interrupted(format!(
            "stopped waiting; {what} goes on at Webex. Look again with: wxbw subscribers get {id}"
        ))),
    }
}

/// A final status as the exit code: `error` fails the command; a pause is reported.
fn outcome(subscriber: &Subscriber, doing: &str) -> Result<(), CliError> {
    let explanation = || {
        SubscriberOutcome::of(subscriber)
            .and_then(|outcome| outcome.explanation())
            .unwrap_or_default()
    };
    match &subscriber.status {
        Some(SubscriberStatus::Error) => Err(CliError::Outcome(format!(
            "the {doing} ended in error: {}",
            explanation()
        ))),
        Some(SubscriberStatus::PendingUserMigration) => {
            eprintln!(
                "{}\nresend it with: wxbw subscribers send-consent-email {}",
                explanation(),
                subscriber.id.as_deref().unwrap_or("SUBSCRIBER_ID")
            );
            Ok(())
        }
        Some(status) if status.is_paused() => {
            eprintln!("{}", explanation());
            Ok(())
        }
        _ => Ok(()),
    }
}

/// The provisioning the flags describe, or every problem with them.
pub fn provision_request(args: ProvisionSubscriberArgs) -> Result<ProvisionSubscriber, Problems> {
    let fields = args.fields.0;
    let mut problems = Problems::new();
    let request =
        builders::provision_subscriber(|name| fields.get(name), Naming::Flags, &mut problems);
    request.ok_or(problems)
}

/// The update the flags describe, or every problem with them.
pub fn update_request(args: UpdateSubscriberArgs) -> Result<UpdateSubscriber, Problems> {
    let fields = args.fields.0;
    let mut problems = Problems::new();
    if fields.is_empty() {
        problems.field(
            "fields",
            format!(
                "nothing to change: give at least one of {}",
                field_table::flag_list(field_table::UPDATE_SUBSCRIBER)
            ),
        );
    }
    let request =
        builders::update_subscriber(|name| fields.get(name), Naming::Flags, &mut problems);
    match request {
        Some(request) if problems.is_empty() => Ok(request),
        _ => Err(problems),
    }
}

/// The precheck the flags describe, or every problem with them.
pub fn precheck_request(args: PrecheckSubscriberArgs) -> Result<PrecheckSubscriber, Problems> {
    let fields = args.fields.0;
    let mut problems = Problems::new();
    let request =
        builders::precheck_subscriber(|name| fields.get(name), Naming::Flags, &mut problems);
    request.ok_or(problems)
}
