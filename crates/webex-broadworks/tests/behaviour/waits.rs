//! Point 4: waits, against the typed mocks, on tokio's paused clock.

use std::time::Duration;

use futures::StreamExt;
use httpmock::MockServer;
use tokio::time::Instant;
use webex_broadworks::types::{self, Subscriber};
use webex_broadworks::{
    BillingReportOutcome, BillingReportStatus, DirectorySyncState, Error, ErrorCode, PauseReason,
    Resource, SubscriberOutcome, SubscriberStatus, UpdateSubscriber, WaitLimit, WaitPolicy,
};
use webex_broadworks_api::mock::MockServerExt;

use crate::common::{builder, client, first, provision_request, subscriber, webex_error};

fn failed(id: &str) -> Subscriber {
    Subscriber {
        errors: vec![types::SubscriberError {
            error_code: Some(ErrorCode(10022)),
            description: Some("User ID is already associated with an existing user.".into()),
            ..Default::default()
        }],
        ..subscriber(id, SubscriberStatus::Error)
    }
}

#[tokio::test(start_paused = true)]
async fn provision_and_wait_polls_until_provisioned() {
    let server = MockServer::start_async().await;
    server.provision_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioning));
    });
    let pending = server.get_subscriber(|when, then| {
        when.subscriber_id("S1").into_inner().is_true(first(2));
        then.ok(&subscriber("S1", SubscriberStatus::Provisioning));
    });
    let done = server.get_subscriber(|when, then| {
        when.subscriber_id("S1");
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let outcome = client(&server)
        .subscribers()
        .provision_and_wait(provision_request("S1@sp.example"))
        .await
        .unwrap();
    let SubscriberOutcome::Provisioned {
        person_id,
        subscriber,
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    assert_eq!(person_id.as_deref(), Some("person-S1"));
    assert_eq!(subscriber.status, Some(SubscriberStatus::Provisioned));
    pending.assert_calls(2);
    done.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn a_paused_subscriber_ends_the_wait_at_once() {
    let server = MockServer::start_async().await;
    let get = server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::PendingUserMigration));
    });
    let started = Instant::now();
    let outcome = client(&server).subscribers().wait("S1").await.unwrap();
    assert_eq!(
        started.elapsed(),
        Duration::ZERO,
        "no time burnt on a person's step"
    );
    get.assert_calls(1);
    let SubscriberOutcome::Paused { reason, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(*reason, PauseReason::UserMigration);
    let error = outcome.into_provisioned().unwrap_err();
    assert!(matches!(error, Error::SubscriberPaused(_)));
    assert!(
        error.to_string().contains("pending_user_migration")
            && error.to_string().contains("consent"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_provisioning_carries_each_error() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.ok(&failed("S1"));
    });
    let outcome = client(&server).subscribers().wait("S1").await.unwrap();
    let SubscriberOutcome::Failed { errors, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(errors[0].code(), Some(10022));
    let error = outcome.into_provisioned().unwrap_err();
    assert!(matches!(error, Error::AsyncFailed(_)));
    assert!(
        error
            .to_string()
            .contains("10022: User ID is already associated"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn running_out_of_time_reports_elapsed_polls_status_and_tracking_id() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .header("trackingid", "ROUTER_POLL")
            .json_body_obj(&subscriber("S1", SubscriberStatus::Provisioning));
    });
    let policy = WaitPolicy::default()
        .with_delays(
            Duration::from_secs(2),
            Duration::from_secs(4),
            Duration::from_secs(16),
        )
        .with_max_wait(Duration::from_secs(60));
    let started = Instant::now();
    let error = client(&server)
        .subscribers()
        .wait("S1")
        .with_policy(policy)
        .await
        .unwrap_err();
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(60),
        "the last poll lands on the deadline"
    );
    let Error::WaitTimedOut(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.resource(), Resource::Subscriber);
    assert_eq!(timeout.limit(), WaitLimit::Time);
    assert_eq!(timeout.elapsed(), Duration::from_secs(60));
    assert!(timeout.polls() >= 5, "{}", timeout.polls());
    assert_eq!(timeout.last_status(), Some("provisioning"));
    assert_eq!(error.tracking_id(), Some("ROUTER_POLL"));
    assert!(error.is_retryable());
    let message = error.to_string();
    assert!(
        message.starts_with("subscriber S1 had not settled after 1m 0s"),
        "{message}"
    );
    assert!(
        message.contains("last status provisioning") && message.contains("max_wait"),
        "{message}"
    );
}

#[tokio::test(start_paused = true)]
async fn the_poll_cap_stops_a_wait() {
    let server = MockServer::start_async().await;
    let get = server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Updating));
    });
    let error = client(&server)
        .subscribers()
        .wait("S1")
        .with_policy(WaitPolicy::default().with_max_polls(4))
        .await
        .unwrap_err();
    let Error::WaitTimedOut(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!((timeout.limit(), timeout.polls()), (WaitLimit::Polls, 4));
    get.assert_calls(4);
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_while_polling() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|when, then| {
        when.into_inner().is_true(first(1));
        then.into_inner()
            .status(429)
            .header("retry-after", "20")
            .header("content-type", "application/json")
            .json_body_obj(&webex_error("Too many requests", None, None));
    });
    server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let started = Instant::now();
    let outcome = client(&server).subscribers().wait("S1").await.unwrap();
    assert!(outcome.is_provisioned());
    assert_eq!(started.elapsed(), Duration::from_secs(20));
}

#[tokio::test(start_paused = true)]
async fn transient_errors_are_ridden_through() {
    let server = MockServer::start_async().await;
    // More failures in a row than one call's retries: the wait polls on.
    let failing = server.get_subscriber(|when, then| {
        when.into_inner().is_true(first(6));
        then.server_error(503, &webex_error("Service Unavailable", None, None));
    });
    server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let outcome = client(&server).subscribers().wait("S1").await.unwrap();
    assert!(outcome.is_provisioned());
    failing.assert_calls(6);
}

#[tokio::test(start_paused = true)]
async fn a_permanent_error_ends_the_wait() {
    let server = MockServer::start_async().await;
    let get = server.get_subscriber(|_, then| {
        then.client_error(404, &webex_error("Subscriber not found", None, None));
    });
    let error = client(&server).subscribers().wait("S1").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    get.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn update_and_wait_waits_for_the_change() {
    let server = MockServer::start_async().await;
    server.update_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Updating));
    });
    let get = server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let started = Instant::now();
    let outcome = client(&server)
        .subscribers()
        .update_and_wait("S1", UpdateSubscriber::new().first_name("Alicia"))
        .await
        .unwrap();
    assert!(outcome.is_provisioned());
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the PUT's own answer counts as a first read"
    );
    get.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn changes_stream_each_new_status() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|when, then| {
        when.into_inner().is_true(first(3));
        then.ok(&subscriber("S1", SubscriberStatus::Provisioning));
    });
    server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let statuses: Vec<Option<SubscriberStatus>> = client(&server)
        .subscribers()
        .wait("S1")
        .changes()
        .map(|s| s.unwrap().status)
        .collect()
        .await;
    assert_eq!(
        statuses,
        [
            Some(SubscriberStatus::Provisioning),
            Some(SubscriberStatus::Provisioned)
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn dropping_a_wait_cancels_it() {
    let server = MockServer::start_async().await;
    let get = server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioning));
    });
    let client = client(&server);
    let mut changes = client.subscribers().wait("S1").changes();
    let first = changes.next().await.unwrap().unwrap();
    assert_eq!(first.status, Some(SubscriberStatus::Provisioning));
    drop(changes);
    tokio::time::sleep(Duration::from_secs(600)).await;
    assert_eq!(get.calls_async().await, 1, "no poll after the drop");
}

#[tokio::test(start_paused = true)]
async fn billing_reports_wait_for_completed_or_failed() {
    let server = MockServer::start_async().await;
    server.get_billing_report(|when, then| {
        when.id("R1").into_inner().is_true(first(1));
        then.ok(&types::BillingReport {
            id: Some("R1".into()),
            status: Some(BillingReportStatus::InProgress),
            ..Default::default()
        });
    });
    server.get_billing_report(|when, then| {
        when.id("R1");
        then.ok(&types::BillingReport {
            id: Some("R1".into()),
            status: Some(BillingReportStatus::Failed),
            errors: vec![types::BillingReportError {
                code: Some(ErrorCode(2024)),
                description: Some("Billing Report not found.".into()),
                ..Default::default()
            }],
            ..Default::default()
        });
    });
    let outcome = client(&server).billing_reports().wait("R1").await.unwrap();
    let BillingReportOutcome::Failed { errors, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(errors[0].code(), Some(2024));
    let error = outcome.into_completed().unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("billing report R1 failed (2024"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn directory_sync_is_waited_for_until_no_longer_in_progress() {
    let server = MockServer::start_async().await;
    let sync = |state| types::DirectorySync {
        enable_dir_sync: Some(true),
        directory_sync_status: Some(types::DirectorySyncStatus {
            sync_status: Some(state),
            ..Default::default()
        }),
        ..Default::default()
    };
    server.trigger_directory_sync(|_, then| {
        then.ok(&sync(DirectorySyncState::InProgress));
    });
    let running = server.get_directory_sync(|when, then| {
        when.into_inner().is_true(first(2));
        then.ok(&sync(DirectorySyncState::InProgress));
    });
    server.get_directory_sync(|_, then| {
        then.ok(&sync(DirectorySyncState::Complete));
    });
    let done = builder(&server)
        .with_wait_policy(WaitPolicy::default().with_max_wait(Duration::from_secs(30)))
        .build()
        .unwrap()
        .enterprises()
        .trigger_directory_sync_and_wait("E1")
        .await
        .unwrap();
    assert_eq!(
        done.directory_sync_status.unwrap().sync_status,
        Some(DirectorySyncState::Complete)
    );
    running.assert_calls(2);
}
