//! End to end against `webex-broadworks-sim`, in-process on tokio's paused clock.

use std::time::Duration;

use futures::TryStreamExt;
use tokio::time::Instant;
use webex_broadworks::{
    BillingReportOutcome, Client, DirectorySyncState, Error, PauseReason, ProvisionWorkspace,
    RetryPolicy, SubscriberOutcome, SubscriberStatus,
};
use webex_broadworks_sim::{
    Fault, FaultPlan, FaultRates, Fixture, Operation, Outcome, RateLimit, Simulator,
    SimulatorBuilder,
};

use crate::common::provision_request;

const FIXTURE: &str = r#"
enterprises:
  - spEnterpriseId: Reseller1+acme
    provisioningId: prov-1
    broadworksDirectorySync: { enableDirSync: true }
    externalUsers:
      - { userId: reception@sp.example, firstName: Front, lastName: Desk, extension: "100" }
"#;

fn sim() -> SimulatorBuilder {
    Simulator::builder()
        .id_seed(11)
        .seed(Fixture::from_yaml_str(FIXTURE).unwrap())
}

fn client_of(sim: &Simulator) -> Client {
    Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .without_timers()
        .with_rng_seed(7)
        .build()
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn provision_and_wait_end_to_end() {
    let sim = sim()
        .provisioning_delay(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let client = client_of(&sim);
    let started = Instant::now();
    let outcome = client
        .subscribers()
        .provision_and_wait(provision_request("alice@sp.example").timezone("Europe/Paris"))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let SubscriberOutcome::Provisioned {
        subscriber,
        person_id,
    } = &outcome
    else {
        panic!("{outcome:?}")
    };
    let id = subscriber.id.clone().unwrap();
    assert_eq!(person_id, &sim.state().subscriber(&id).unwrap().person_id);
    assert!(person_id.is_some());
    // The default policy notices the change within 1 s plus 10% of its time.
    assert!(
        elapsed >= Duration::from_secs(30) && elapsed <= Duration::from_secs(34),
        "{elapsed:?}"
    );

    let state = sim.state();
    assert_eq!(state.subscribers_by_user_id("alice@sp.example").len(), 1);
    assert_eq!(state.request_count(Operation::ProvisionSubscriber), 1);
    let polls = state.request_count(Operation::GetSubscriber);
    assert!((5..=25).contains(&polls), "{polls} polls for 30 s");
    let log = state.request_log();
    assert!(log.iter().all(|r| {
        r.client_tracking_id
            .as_deref()
            .is_some_and(|t| t.starts_with("WEBEX-BROADWORKS-RS_"))
    }));

    // An update, waited for too.
    let outcome = client
        .subscribers()
        .update_and_wait(
            &id,
            webex_broadworks::UpdateSubscriber::new().extension("4321"),
        )
        .await
        .unwrap();
    assert_eq!(outcome.subscriber().extension.as_deref(), Some("4321"));
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn paused_and_failed_subscribers_end_the_wait_at_once() {
    let sim = sim()
        .provisioning_delay(Duration::from_secs(5))
        .outcome("migrate-*", Outcome::PendingUserMigration)
        .outcome("nolicence-*", Outcome::error(4003, "No licence left."))
        .start()
        .await
        .unwrap();
    let client = client_of(&sim);
    let subscribers = client.subscribers();

    let started = Instant::now();
    let outcome = subscribers
        .provision_and_wait(provision_request("migrate-bob@sp.example"))
        .await
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "no wait burnt: {:?}",
        started.elapsed()
    );
    let SubscriberOutcome::Paused { subscriber, reason } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(*reason, PauseReason::UserMigration);
    let id = subscriber.id.clone().unwrap();

    subscribers.send_consent_move_email(&id).await.unwrap();
    assert_eq!(sim.state().consent_emails_sent(&id), Some(1));
    sim.state().resume_pending(&id).unwrap();
    let outcome = subscribers.wait(&id).await.unwrap();
    assert!(outcome.is_provisioned(), "{outcome:?}");

    let outcome = subscribers
        .provision_and_wait(provision_request("nolicence-carol@sp.example"))
        .await
        .unwrap();
    let SubscriberOutcome::Failed { errors, .. } = &outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(errors[0].code(), Some(4003));
    assert_eq!(errors[0].description(), Some("No licence left."));
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn pagination_over_many_subscribers() {
    assert_eq!(lists_every_subscriber_once(FaultPlan::none()).await, 0);
}

/// Every next link broken as Webex breaks them (`max=null`, filters dropped, relative): the
/// client repairs each, so the same 250 subscribers come back in the same 3 requests.
#[tokio::test(start_paused = true)]
async fn pagination_through_broken_next_links() {
    let every_link = FaultPlan::seeded(4).broken_links(1.0);
    assert_eq!(lists_every_subscriber_once(every_link).await, 4);
}

/// Lists 250 subscribers of one enterprise among 280, then every subscriber page by page;
/// returns how many next links the simulator broke.
async fn lists_every_subscriber_once(plan: FaultPlan) -> usize {
    let mut yaml = String::from(FIXTURE);
    yaml.push_str("  - spEnterpriseId: Reseller2+other\nsubscribers:\n");
    for i in 0..250 {
        yaml.push_str(&format!(
            "  - {{ userId: user{i}@sp.example, spEnterpriseId: Reseller1+acme, firstName: U, lastName: N{i} }}\n"
        ));
    }
    for i in 0..30 {
        yaml.push_str(&format!(
            "  - {{ userId: other{i}@sp.example, spEnterpriseId: Reseller2+other, firstName: O, lastName: N{i} }}\n"
        ));
    }
    let sim = Simulator::builder()
        .seed(Fixture::from_yaml_str(&yaml).unwrap())
        .faults(plan)
        .start()
        .await
        .unwrap();
    let client = client_of(&sim);
    let found: Vec<webex_broadworks::types::Subscriber> = client
        .subscribers()
        .list()
        .sp_enterprise_id("Reseller1+acme")
        .status(SubscriberStatus::Provisioned)
        .page_size(100)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(found.len(), 250);
    let mut ids: Vec<String> = found.iter().map(|s| s.id.clone().unwrap()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 250, "no subscriber twice");
    assert!(
        found
            .iter()
            .all(|s| s.sp_enterprise_id.as_deref() == Some("Reseller1+acme"))
    );
    assert_eq!(sim.state().request_count(Operation::ListSubscribers), 3);

    let pages: Vec<_> = client
        .subscribers()
        .list()
        .page_size(200)
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.items().len()).collect::<Vec<_>>(),
        [100, 100, 80],
        "Webex caps pages at 100"
    );
    let broken = sim
        .state()
        .request_log()
        .iter()
        .filter(|record| record.broken_link.is_some())
        .count();
    sim.shutdown().await;
    broken
}

#[tokio::test(start_paused = true)]
async fn rate_limits_are_waited_out_with_retry_after() {
    let sim = sim()
        .rate_limit(RateLimit::per_second(3))
        .start()
        .await
        .unwrap();
    let client = client_of(&sim);
    let created = client
        .subscribers()
        .provision(provision_request("dave@sp.example"))
        .await
        .unwrap();
    let id = created.id.unwrap();
    for _ in 0..10 {
        client.subscribers().get(&id).await.unwrap();
    }
    let log = sim.state().request_log();
    let limited: Vec<_> = log.iter().filter(|r| r.status == Some(429)).collect();
    assert!(!limited.is_empty(), "the limit was reached");
    for record in &limited {
        // The same call's next attempt came no sooner than Retry-After (at least 1 s).
        let call = record
            .client_tracking_id
            .as_deref()
            .unwrap()
            .rsplit_once('_')
            .unwrap()
            .0;
        let next = log
            .iter()
            .find(|r| {
                r.seq > record.seq && r.client_tracking_id.as_deref().unwrap().starts_with(call)
            })
            .expect("the call was retried");
        assert!(
            next.at - record.at >= chrono::Duration::seconds(1),
            "{record:?} then {next:?}"
        );
    }
    assert_eq!(log.iter().filter(|r| r.status == Some(200)).count(), 11);

    let impatient = Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .without_timers()
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let mut last = Ok(());
    for _ in 0..5 {
        last = impatient.subscribers().get(&id).await.map(drop);
    }
    let error = last.unwrap_err();
    let Error::RateLimited(limited) = &error else {
        panic!("{error:?}")
    };
    assert!(limited.retry_after() >= Some(Duration::from_secs(1)));
    assert!(error.tracking_id().is_some());
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn a_lost_response_is_reconciled_not_provisioned_twice() {
    let faults = FaultPlan::seeded(3).for_operation(
        Operation::ProvisionSubscriber,
        FaultRates::none().lost_responses(1.0),
    );
    let sim = sim().faults(faults).start().await.unwrap();
    let client = client_of(&sim);
    let created = client
        .subscribers()
        .provision(provision_request("erin@sp.example"))
        .await
        .unwrap();
    assert_eq!(created.user_id.as_deref(), Some("erin@sp.example"));

    let state = sim.state();
    assert_eq!(
        state.request_count(Operation::ProvisionSubscriber),
        1,
        "never posted again"
    );
    assert_eq!(state.subscribers_by_user_id("erin@sp.example").len(), 1);
    assert_eq!(
        state.request_count(Operation::ListSubscribers),
        1,
        "one lookup by userId"
    );
    let post = state
        .request_log()
        .into_iter()
        .find(|r| r.operation == Operation::ProvisionSubscriber)
        .unwrap();
    assert_eq!(post.fault, Some(Fault::LostResponse));
    assert_eq!(post.status, None);
    sim.shutdown().await;
}

/// A list 2 s behind writes, and a lookup whose answer, computed when it was asked, arrives
/// 5 s later: "not found" from it proves nothing, so the client looks again rather than
/// sending the lost provisioning once more.
#[tokio::test(start_paused = true)]
async fn a_slow_answer_from_a_lagging_list_is_not_taken_for_absence() {
    let faults = FaultPlan::seeded(3)
        .list_lag(Duration::from_secs(2))
        .for_operation(
            Operation::ProvisionSubscriber,
            FaultRates::none().lost_responses(1.0),
        )
        .for_operation(
            Operation::ListSubscribers,
            FaultRates::none()
                .slow_responses(1.0, Duration::from_secs(5))
                .apply_before_delay(true),
        );
    let sim = sim().faults(faults).start().await.unwrap();
    let client = Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .without_timers()
        .with_rng_seed(7)
        .with_retry_policy(RetryPolicy::default().with_lookup_lag(Duration::from_secs(3)))
        .build()
        .unwrap();
    let created = client
        .subscribers()
        .provision(provision_request("slow@sp.example"))
        .await
        .unwrap();
    assert_eq!(created.user_id.as_deref(), Some("slow@sp.example"));
    let state = sim.state();
    assert_eq!(state.subscribers_by_user_id("slow@sp.example").len(), 1);
    assert_eq!(state.request_count(Operation::ProvisionSubscriber), 1);
    assert_eq!(state.request_count(Operation::ListSubscribers), 2);

    // The caller's own look after an unknown outcome follows the same rule.
    let found = client
        .subscribers()
        .find_by_user_id_allowing_lag("slow@sp.example")
        .await
        .unwrap();
    assert!(found.is_some());
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn truncated_bodies_are_reconciled_too() {
    let faults = FaultPlan::seeded(4).for_operation(
        Operation::ProvisionSubscriber,
        FaultRates::none().truncated_bodies(1.0),
    );
    let sim = sim().faults(faults).start().await.unwrap();
    let client = client_of(&sim);
    let outcome = client
        .subscribers()
        .provision_and_wait(provision_request("frank@sp.example"))
        .await
        .unwrap();
    assert!(outcome.is_provisioned());
    assert_eq!(sim.state().request_count(Operation::ProvisionSubscriber), 1);
    assert_eq!(
        sim.state().subscribers_by_user_id("frank@sp.example").len(),
        1
    );
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn under_random_faults_no_provisioning_is_ever_duplicated() {
    let rates = FaultRates::none()
        .lost_responses(0.25)
        .dropped_connections(0.25)
        .truncated_bodies(0.1)
        .server_errors(0.2);
    let faults = FaultPlan::seeded(99).for_operation(Operation::ProvisionSubscriber, rates);
    let sim = sim().faults(faults).start().await.unwrap();
    let client = client_of(&sim);
    let mut succeeded = 0;
    for i in 0..12 {
        let user = format!("load{i}@sp.example");
        let result = client
            .subscribers()
            .provision(provision_request(&user))
            .await;
        let held = sim.state().subscribers_by_user_id(&user).len();
        match result {
            Ok(subscriber) => {
                succeeded += 1;
                assert_eq!(held, 1, "{user}");
                assert_eq!(subscriber.user_id.as_deref(), Some(user.as_str()));
            }
            Err(error) => assert!(held <= 1, "{user}: {error}"),
        }
    }
    assert!(
        succeeded >= 6,
        "retries and reconciliation carry most through: {succeeded}"
    );
    let faults: Vec<Fault> = sim
        .state()
        .request_log()
        .into_iter()
        .filter_map(|r| r.fault)
        .collect();
    assert!(
        faults.contains(&Fault::LostResponse) && faults.contains(&Fault::DroppedConnection),
        "{faults:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn html_error_pages_are_retried_and_reported() {
    let faults = FaultPlan::seeded(5).for_operation(
        Operation::GetSubscriber,
        FaultRates::none().html_bodies(1.0),
    );
    let sim = sim().faults(faults).start().await.unwrap();
    let client = client_of(&sim);
    let created = client
        .subscribers()
        .provision(provision_request("gina@sp.example"))
        .await
        .unwrap();
    let error = client
        .subscribers()
        .get(created.id.as_deref().unwrap())
        .await
        .unwrap_err();
    let Error::UndecodableResponse(undecodable) = &error else {
        panic!("{error:?}")
    };
    assert!(
        undecodable.excerpt().to_ascii_lowercase().contains("<html"),
        "{error}"
    );
    assert_eq!(
        sim.state().request_count(Operation::GetSubscriber),
        4,
        "retried as a read"
    );
    sim.shutdown().await;
}

#[tokio::test(start_paused = true)]
async fn billing_reports_directory_sync_and_workspaces() {
    let sim = sim()
        .billing_report_delay(Duration::from_secs(5))
        .directory_sync_duration(Duration::from_secs(3))
        .start_time("2025-06-15T00:00:00Z".parse().unwrap())
        .start()
        .await
        .unwrap();
    let client = client_of(&sim);

    let report = client
        .billing_reports()
        .create_and_wait("2025-03")
        .await
        .unwrap();
    let BillingReportOutcome::Completed(report) = report else {
        panic!("{report:?}")
    };
    assert!(report.temp_download_url.is_some());
    // Its CSV, streamed through the client.
    let report_id = report.id.clone().unwrap();
    let mut chunks = client.billing_reports().download(&report_id).await.unwrap();
    let mut csv = Vec::new();
    while let Some(chunk) = futures::StreamExt::next(&mut chunks).await {
        csv.extend_from_slice(&chunk.unwrap());
    }
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.starts_with("billingPeriod,userId,spEnterpriseId,package\n"),
        "{csv}"
    );
    let not_over = client
        .billing_reports()
        .create_and_wait("2030-01")
        .await
        .unwrap();
    assert!(
        matches!(not_over, BillingReportOutcome::Failed { .. }),
        "{not_over:?}"
    );
    // A report that has no CSV says what to do instead of fetching anything.
    let failed_id = not_over.report().id.clone().unwrap();
    let error = client
        .billing_reports()
        .download(&failed_id)
        .await
        .err()
        .expect("no CSV for a failed report");
    assert!(error.to_string().contains("COMPLETED"), "{error}");

    let enterprise = client
        .enterprises()
        .find_by_sp_enterprise_id("Reseller1+acme")
        .await
        .unwrap()
        .expect("the seeded enterprise");
    assert_eq!(
        enterprise.sp_enterprise_id.as_deref(),
        Some("Reseller1+acme")
    );
    // A prefix is not a match.
    let none = client
        .enterprises()
        .find_by_sp_enterprise_id("Reseller1")
        .await
        .unwrap();
    assert!(none.is_none(), "{none:?}");
    let enterprise_id = enterprise.id.unwrap();
    let synced = client
        .enterprises()
        .trigger_directory_sync_and_wait(&enterprise_id)
        .await
        .unwrap();
    assert_eq!(
        synced.directory_sync_status.unwrap().sync_status,
        Some(DirectorySyncState::Complete)
    );
    let user = client
        .enterprises()
        .sync_user(&enterprise_id, "reception@sp.example")
        .await
        .unwrap();
    assert!(user.status.is_some());

    let workspace = client
        .workspaces()
        .provision(
            ProvisionWorkspace::new()
                .provisioning_id("prov-1")
                .user_id("room-1@sp.example")
                .sp_enterprise_id("Reseller1+acme")
                .display_name("Room 1"),
        )
        .await
        .unwrap();
    let workspace_id = workspace.id.unwrap();
    client
        .workspaces()
        .update(
            &workspace_id,
            webex_broadworks::UpdateWorkspace::new().extension("2001"),
        )
        .await
        .unwrap();
    client.workspaces().remove(&workspace_id).await.unwrap();
    assert!(sim.state().workspaces().is_empty());
    sim.shutdown().await;
}

/// Errors with no body and no `Retry-After` (429s and 423s: the client backs off on its
/// own, and reports such an answer as the API error its status says, not as unreadable) and transitions that land up to 5 s late: every `provision_and_wait` still ends
/// provisioned, each subscriber once.
#[tokio::test(start_paused = true)]
async fn bare_errors_and_late_transitions_are_waited_out() {
    let plan = FaultPlan::seeded(12)
        .bare_errors(1.0)
        .late_transitions(Duration::from_secs(5))
        .for_operation(
            Operation::GetSubscriber,
            FaultRates::none()
                .locked(0.3)
                .bare_errors(1.0)
                .late_transitions(Duration::from_secs(5)),
        );
    let sim = sim()
        .faults(plan)
        .rate_limit(RateLimit::new(4, Duration::from_millis(250)))
        .start()
        .await
        .unwrap();
    let client = Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .without_timers()
        .with_rng_seed(7)
        .with_retry_policy(RetryPolicy::default().with_max_attempts(10))
        .build()
        .unwrap();
    let subscribers = client.subscribers();
    let calls = (0..8)
        .map(|n| subscribers.provision_and_wait(provision_request(&format!("bare{n}@sp.example"))));
    for outcome in futures::future::join_all(calls).await {
        assert!(outcome.unwrap().is_provisioned());
    }
    let log = sim.state().request_log();
    assert!(
        log.iter().any(|r| r.status == Some(429) && r.bare_error),
        "a bare 429 was met"
    );
    assert!(log.iter().any(|r| r.status == Some(423) && r.bare_error));
    for n in 0..8 {
        let user_id = format!("bare{n}@sp.example");
        assert_eq!(sim.state().subscribers_by_user_id(&user_id).len(), 1);
    }
    sim.shutdown().await;
}

/// A provider shared in an `Arc`, chosen at run time in a `Box<dyn _>`, or an async closure:
/// each hands its token to every request.
#[tokio::test(start_paused = true)]
async fn token_providers_in_arcs_boxes_and_closures_are_used() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};
    use webex_broadworks::{StaticToken, Token, TokenFn, TokenProvider};

    let sim = sim()
        .token("vault-token", webex_broadworks_sim::Scope::all())
        .start()
        .await
        .unwrap();
    let asked = Arc::new(AtomicU32::new(0));
    let counted = asked.clone();
    let closure = TokenFn::new(move || {
        counted.fetch_add(1, Ordering::SeqCst);
        async { Ok(Token::new("vault-token")) }
    });
    let shared: Arc<dyn TokenProvider> = Arc::new(StaticToken::new("vault-token"));
    let boxed: Box<dyn TokenProvider> = Box::new(StaticToken::new("vault-token"));
    let wrong: Box<dyn TokenProvider> = Box::new(StaticToken::new("sim-token"));
    let providers: Vec<(Box<dyn TokenProvider>, bool)> = vec![
        (Box::new(closure), true),
        (Box::new(shared.clone()), true),
        (boxed, true),
        (wrong, false),
    ];
    for (provider, accepted) in providers {
        let client = Client::builder()
            .with_token_provider(provider)
            .with_base_url(sim.base_url())
            .without_timers()
            .build()
            .unwrap();
        let listed = client.subscribers().list().first_page().await;
        assert_eq!(listed.is_ok(), accepted, "{listed:?}");
    }
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    sim.shutdown().await;
}

/// After a 401 the provider is asked once for a new token and the request sent once more
/// (a refused request was not processed, so even a provisioning is safe to resend); a
/// provider that cannot refresh, or whose new token is refused too, gets the 401 reported.
#[tokio::test(start_paused = true)]
async fn a_refused_token_is_refreshed_once_and_the_request_sent_once_more() {
    use std::sync::Mutex;
    use webex_broadworks::{RefreshFuture, StaticToken, Token, TokenFuture, TokenProvider};

    /// Hands out `old` until refreshed, then `new`.
    struct Refreshing {
        current: Mutex<&'static str>,
        new: &'static str,
        refreshes: Mutex<u32>,
    }
    impl TokenProvider for Refreshing {
        fn token(&self) -> TokenFuture<'_> {
            let token = Token::new(*self.current.lock().unwrap());
            Box::pin(async move { Ok(token) })
        }
        fn refresh(&self) -> RefreshFuture<'_> {
            *self.current.lock().unwrap() = self.new;
            *self.refreshes.lock().unwrap() += 1;
            Box::pin(async { true })
        }
    }

    let sim = sim()
        .token("fresh-token", webex_broadworks_sim::Scope::all())
        .start()
        .await
        .unwrap();
    let client_with = |provider: Box<dyn TokenProvider>| {
        Client::builder()
            .with_token_provider(provider)
            .with_base_url(sim.base_url())
            .without_timers()
            .build()
            .unwrap()
    };
    let refreshing = std::sync::Arc::new(Refreshing {
        current: Mutex::new("expired-token"),
        new: "fresh-token",
        refreshes: Mutex::new(0),
    });
    let created = client_with(Box::new(refreshing.clone()))
        .subscribers()
        .provision(provision_request("fresh@sp.example"))
        .await
        .unwrap();
    assert_eq!(created.user_id.as_deref(), Some("fresh@sp.example"));
    assert_eq!(*refreshing.refreshes.lock().unwrap(), 1);
    assert_eq!(sim.state().request_count(Operation::ProvisionSubscriber), 2);
    assert_eq!(
        sim.state().subscribers_by_user_id("fresh@sp.example").len(),
        1
    );

    // Refreshed to a token that is refused as well: one more request, then the 401.
    let stubborn = Refreshing {
        current: Mutex::new("expired-token"),
        new: "still-expired",
        refreshes: Mutex::new(0),
    };
    let error = client_with(Box::new(stubborn))
        .subscribers()
        .get("anyone")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
    assert_eq!(sim.state().request_count(Operation::GetSubscriber), 2);

    // A provider that cannot refresh: the 401 at once.
    let error = client_with(Box::new(StaticToken::new("expired-token")))
        .subscribers()
        .get("anyone")
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401), "{error}");
    assert_eq!(sim.state().request_count(Operation::GetSubscriber), 3);
    sim.shutdown().await;
}

/// With at most two requests out at once, six calls that each take a second of the server's
/// time go out two by two: three seconds in all, where six at once would take one.
#[tokio::test(start_paused = true)]
async fn no_more_requests_are_out_at_once_than_the_client_allows() {
    let sim = sim()
        .faults(FaultPlan::seeded(1).for_operation(
            Operation::ListEnterprises,
            FaultRates::none().latency(Duration::from_secs(1)),
        ))
        .start()
        .await
        .unwrap();
    let client = |cap| {
        Client::builder()
            .with_token("sim-token")
            .with_base_url(sim.base_url())
            .without_timers()
            .with_max_concurrent_requests(cap)
            .build()
            .unwrap()
    };
    for (cap, took) in [(2, Duration::from_secs(3)), (6, Duration::from_secs(1))] {
        let client = client(cap);
        let started = Instant::now();
        let calls = (0..6).map(|_| {
            let client = client.clone();
            async move { client.enterprises().list().first_page().await }
        });
        for page in futures::future::join_all(calls).await {
            page.unwrap();
        }
        let elapsed = started.elapsed();
        assert!(
            elapsed >= took && elapsed < took + Duration::from_millis(500),
            "with at most {cap} out at once, six calls took {elapsed:?}"
        );
    }
    sim.shutdown().await;
}
