//! Point 5: retries, their caps and shared budget, and provisioning that is never sent twice.

use std::time::Duration;

use httpmock::MockServer;
use tokio::time::Instant;
use webex_broadworks::{
    Error, ProvisionWorkspace, RetryPolicy, SubscriberStatus, UpdateSubscriber,
};
use webex_broadworks_api::mock::MockServerExt;

use crate::common::{
    attempt, builder, client, provision_request, subscriber, subscriber_list, webex_error,
};

fn limited(then: httpmock::Then, status: u16, retry_after: &str) {
    then.status(status)
        .header("retry-after", retry_after)
        .header("content-type", "application/json")
        .json_body_obj(&webex_error("Too many requests", None, None));
}

#[tokio::test(start_paused = true)]
async fn retryable_statuses_are_retried_for_reads() {
    for status in [429u16, 423, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let failing = server.get_subscriber(|when, then| {
            when.into_inner().is_true(attempt(1));
            limited(then.into_inner(), status, "1");
        });
        let ok = server.get_subscriber(|_, then| {
            then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
        });
        client(&server).subscribers().get("S1").await.unwrap();
        failing.assert_calls(1);
        ok.assert_calls(1);
    }
}

#[tokio::test(start_paused = true)]
async fn other_errors_are_not_retried() {
    for status in [400u16, 401, 403, 404, 409, 500] {
        let server = MockServer::start_async().await;
        let mock = server.get_subscriber(|_, then| {
            then.into_inner()
                .status(status)
                .header("content-type", "application/json")
                .json_body_obj(&webex_error("No.", None, None));
        });
        let error = client(&server).subscribers().get("S1").await.unwrap_err();
        assert_eq!(error.status().unwrap().as_u16(), status);
        mock.assert_calls(1);
    }
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_and_clamped() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|when, then| {
        when.into_inner().is_true(attempt(1));
        limited(then.into_inner(), 429, "3600");
    });
    server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let client = builder(&server)
        .with_retry_policy(
            RetryPolicy::default()
                .with_retry_after_bounds(Duration::from_secs(1), Duration::from_secs(45))
                .with_max_elapsed(Duration::from_secs(120)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    client.subscribers().get("S1").await.unwrap();
    assert_eq!(started.elapsed(), Duration::from_secs(45));
}

#[tokio::test(start_paused = true)]
async fn persistent_rate_limiting_ends_in_rate_limited() {
    let server = MockServer::start_async().await;
    let mock = server.get_subscriber(|_, then| limited(then.into_inner(), 429, "2"));
    let started = Instant::now();
    let error = client(&server).subscribers().get("S1").await.unwrap_err();
    mock.assert_calls(4);
    assert_eq!(
        started.elapsed(),
        Duration::from_secs(6),
        "three waits of Retry-After"
    );
    let Error::RateLimited(limited) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(limited.attempts(), 4);
    assert_eq!(limited.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(error.status().unwrap().as_u16(), 429);
    assert_eq!(error.tracking_id(), Some("ROUTER_BODY_1"));
    assert!(error.is_retryable());
    assert!(
        error.to_string().contains("on each of 4 attempts; wait 2s"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_beyond_max_elapsed_gives_up_at_once() {
    let server = MockServer::start_async().await;
    let mock = server.get_subscriber(|_, then| limited(then.into_inner(), 429, "30"));
    let client = builder(&server)
        .with_retry_policy(RetryPolicy::default().with_max_elapsed(Duration::from_secs(10)))
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    mock.assert_calls(1);
    assert!(matches!(error, Error::RateLimited(_)));
}

#[tokio::test(start_paused = true)]
async fn attempts_are_capped() {
    let server = MockServer::start_async().await;
    let mock = server.get_subscriber(|_, then| {
        then.server_error(503, &webex_error("Service Unavailable", None, None));
    });
    let client = builder(&server)
        .with_retry_policy(RetryPolicy::default().with_max_attempts(3))
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    mock.assert_calls(3);
    assert_eq!(error.api().unwrap().attempts(), 3);
    assert!(error.to_string().contains("try again later"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn the_retry_budget_is_shared_by_every_call() {
    let server = MockServer::start_async().await;
    let mock = server.get_subscriber(|_, then| {
        then.server_error(502, &webex_error("Bad Gateway", None, None));
    });
    let client = builder(&server)
        .with_retry_policy(
            RetryPolicy::default()
                .with_max_attempts(10)
                .with_budget(3, 0.0),
        )
        .build()
        .unwrap();
    client.subscribers().get("S1").await.unwrap_err();
    mock.assert_calls(4);
    // A clone shares the budget: its calls are no longer retried.
    client.clone().subscribers().get("S1").await.unwrap_err();
    mock.assert_calls(5);
}

#[tokio::test(start_paused = true)]
async fn connections_that_fail_before_sending_are_retried_even_for_provisioning() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = webex_broadworks::Client::builder()
        .with_token("t")
        .with_base_url(format!("http://127.0.0.1:{port}/v1"))
        .without_timers()
        .with_rng_seed(1)
        .build()
        .unwrap();
    let error = client
        .subscribers()
        .provision(provision_request("u@sp.example"))
        .await
        .unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("{error:?}")
    };
    assert!(!transport.was_sent());
    assert_eq!(transport.attempts(), 4);
    assert!(error.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn provisioning_is_retried_where_webex_cannot_have_acted() {
    for status in [429u16, 423] {
        let server = MockServer::start_async().await;
        let refused = server.provision_subscriber(|when, then| {
            when.into_inner().is_true(attempt(1));
            limited(then.into_inner(), status, "1");
        });
        let accepted = server.provision_subscriber(|_, then| {
            then.ok(&subscriber("S1", SubscriberStatus::Provisioning));
        });
        let lookups = server.list_subscribers(|_, then| {
            then.ok(&subscriber_list(vec![]));
        });
        client(&server)
            .subscribers()
            .provision(provision_request("S1@sp.example"))
            .await
            .unwrap();
        refused.assert_calls(1);
        accepted.assert_calls(1);
        lookups.assert_calls(0);
    }
}

#[tokio::test(start_paused = true)]
async fn an_ambiguous_failure_is_reconciled_instead_of_posted_again() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.server_error(503, &webex_error("Service Unavailable", None, None));
    });
    let lookup = server.list_subscribers(|when, then| {
        when.user_id("S1@sp.example");
        then.ok(&subscriber_list(vec![subscriber(
            "S1",
            SubscriberStatus::Provisioning,
        )]));
    });
    let found = client(&server)
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap();
    assert_eq!(found.id.as_deref(), Some("S1"));
    post.assert_calls(1);
    lookup.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn when_the_lookup_finds_nothing_the_post_is_sent_again() {
    let server = MockServer::start_async().await;
    let failed = server.provision_subscriber(|when, then| {
        when.into_inner().is_true(attempt(1));
        then.server_error(504, &webex_error("Gateway Timeout", None, None));
    });
    let accepted = server.provision_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioning));
    });
    let lookup = server.list_subscribers(|_, then| {
        then.ok(&subscriber_list(vec![]));
    });
    let client = builder(&server)
        .with_retry_policy(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(100), Duration::from_secs(2))
                .with_lookup_lag(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    client
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap();
    failed.assert_calls(1);
    accepted.assert_calls(1);
    // Looked at once, then every 500 ms until the second of list lag was over.
    lookup.assert_calls(3);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn a_list_that_lags_behind_the_write_is_looked_at_again_before_sending() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.server_error(504, &webex_error("Gateway Timeout", None, None));
    });
    let not_yet = server.list_subscribers(|when, then| {
        when.into_inner().is_true(crate::common::first(2));
        then.ok(&subscriber_list(vec![]));
    });
    let shown = server.list_subscribers(|_, then| {
        then.ok(&subscriber_list(vec![subscriber(
            "S1",
            SubscriberStatus::Provisioning,
        )]));
    });
    let found = client(&server)
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap();
    assert_eq!(found.id.as_deref(), Some("S1"));
    post.assert_calls(1);
    not_yet.assert_calls(2);
    shown.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn a_500_is_reconciled_but_not_sent_again() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.server_error(500, &webex_error("Internal Server Error", None, None));
    });
    let lookup = server.list_subscribers(|_, then| {
        then.ok(&subscriber_list(vec![]));
    });
    let error = client(&server)
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 500);
    post.assert_calls(1);
    // Looked at for the default 3 s of list lag, every 500 ms.
    lookup.assert_calls(7);
}

// Real time: on a paused clock every request with a timeout would time out at once.
#[tokio::test]
async fn a_timed_out_provisioning_is_reconciled() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.into_inner()
            .delay(Duration::from_secs(3))
            .status(200)
            .body("{}");
    });
    let lookup = server.list_subscribers(|_, then| {
        then.ok(&subscriber_list(vec![subscriber(
            "S1",
            SubscriberStatus::Provisioning,
        )]));
    });
    let client = builder(&server)
        .with_request_timeout(Some(Duration::from_millis(500)))
        .build()
        .unwrap();
    let found = client
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap();
    assert_eq!(found.id.as_deref(), Some("S1"));
    post.assert_calls(1);
    lookup.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn when_the_lookup_fails_nothing_is_sent_again() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.server_error(503, &webex_error("Service Unavailable", None, None));
    });
    server.list_subscribers(|_, then| {
        then.client_error(403, &webex_error("Forbidden", None, None));
    });
    let error = client(&server)
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap_err();
    assert_eq!(
        error.status().unwrap().as_u16(),
        503,
        "the provisioning's own error"
    );
    // The outcome is unknown: a caller must look, not send it again.
    assert!(error.may_have_acted());
    assert!(!error.is_retryable(), "{error}");
    post.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn a_503_on_a_read_is_retryable_and_on_a_provisioning_is_not() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.server_error(503, &webex_error("Service Unavailable", None, None));
    });
    let client = builder(&server)
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let read = client.subscribers().get("S1").await.unwrap_err();
    assert!(read.is_retryable() && read.may_have_acted(), "{read}");
    let refused = client
        .subscribers()
        .provision(webex_broadworks::ProvisionSubscriber::new())
        .await
        .unwrap_err();
    assert!(
        !refused.is_retryable() && !refused.may_have_acted(),
        "{refused}"
    );
}

#[tokio::test(start_paused = true)]
async fn other_creations_are_not_sent_again_after_an_ambiguous_failure() {
    let server = MockServer::start_async().await;
    let post = server.provision_workspace(|_, then| {
        then.server_error(502, &webex_error("Bad Gateway", None, None));
    });
    let request = ProvisionWorkspace::new()
        .provisioning_id("prov-1")
        .user_id("room@sp.example")
        .sp_enterprise_id("Reseller1+acme")
        .display_name("Room");
    client(&server)
        .workspaces()
        .provision(request)
        .await
        .unwrap_err();
    post.assert_calls(1);

    let server = MockServer::start_async().await;
    let post = server.create_billing_report(|_, then| {
        then.server_error(503, &webex_error("Service Unavailable", None, None));
    });
    client(&server)
        .billing_reports()
        .create("2024-01")
        .await
        .unwrap_err();
    post.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn updates_are_retried_and_a_removal_that_already_happened_succeeds() {
    let server = MockServer::start_async().await;
    let first_put = server.update_subscriber(|when, then| {
        when.into_inner().is_true(attempt(1));
        then.server_error(502, &webex_error("Bad Gateway", None, None));
    });
    let second_put = server.update_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Updating));
    });
    let first_delete = server.remove_subscriber(|when, then| {
        when.into_inner().is_true(attempt(1));
        then.server_error(504, &webex_error("Gateway Timeout", None, None));
    });
    let second_delete = server.remove_subscriber(|_, then| {
        then.client_error(404, &webex_error("Subscriber not found", None, None));
    });
    let subscribers = client(&server).subscribers();
    subscribers
        .update("S1", UpdateSubscriber::new().last_name("Ng"))
        .await
        .unwrap();
    subscribers.remove("S1").await.unwrap();
    for mock in [first_put, second_put, first_delete, second_delete] {
        mock.assert_calls(1);
    }
}

#[tokio::test(start_paused = true)]
async fn a_404_on_a_first_removal_is_an_error() {
    let server = MockServer::start_async().await;
    server.remove_subscriber(|_, then| {
        then.client_error(404, &webex_error("Subscriber not found", None, None));
    });
    let error = client(&server)
        .subscribers()
        .remove("S1")
        .await
        .unwrap_err();
    assert_eq!(error.status().unwrap().as_u16(), 404);
    assert!(
        error.to_string().contains("check the identifier"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_provisioning_answered_2xx_is_never_sent_again_whatever_its_body() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body("{\"id\": \"S1\", \"status\": ");
    });
    // The list lags behind the write: it does not show the subscriber yet.
    let lookup = server.list_subscribers(|_, then| {
        then.ok(&subscriber_list(vec![]));
    });
    let error = client(&server)
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::UndecodableResponse(_)), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(!error.is_retryable(), "a caller must not send it again");
    post.assert_calls(1);
    // Looked at for the default 3 s of list lag, every 500 ms.
    lookup.assert_calls(7);
}

#[tokio::test(start_paused = true)]
async fn a_provisioning_answered_2xx_is_waited_on_once_the_list_shows_it() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body("{\"id\": ");
    });
    let not_yet = server.list_subscribers(|when, then| {
        when.into_inner().is_true(crate::common::first(3));
        then.ok(&subscriber_list(vec![]));
    });
    server.list_subscribers(|_, then| {
        then.ok(&subscriber_list(vec![subscriber(
            "S1",
            SubscriberStatus::Provisioning,
        )]));
    });
    server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let outcome = client(&server)
        .subscribers()
        .provision_and_wait(provision_request("S1@sp.example"))
        .await
        .unwrap();
    assert!(outcome.is_provisioned(), "{outcome:?}");
    post.assert_calls(1);
    not_yet.assert_calls(3);
}

#[tokio::test(start_paused = true)]
async fn a_provisioning_answered_2xx_is_found_by_its_user_id() {
    let server = MockServer::start_async().await;
    let post = server.provision_subscriber(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "text/html")
            .body("<html>ok</html>");
    });
    let lookup = server.list_subscribers(|when, then| {
        when.user_id("S1@sp.example");
        then.ok(&subscriber_list(vec![subscriber(
            "S1",
            SubscriberStatus::Provisioning,
        )]));
    });
    let found = client(&server)
        .subscribers()
        .provision(provision_request("S1@sp.example"))
        .await
        .unwrap();
    assert_eq!(found.id.as_deref(), Some("S1"));
    post.assert_calls(1);
    lookup.assert_calls(1);
}

/// A handle with its own request timeout: its calls time out after it, the client's other
/// calls keep the configured one.
#[tokio::test(start_paused = true)]
async fn a_per_call_timeout_overrides_the_configured_one() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.into_inner()
            .delay(Duration::from_secs(3))
            .status(200)
            .header("content-type", "application/json")
            .body(r#"{"id": "S1"}"#);
    });
    let client = builder(&server)
        .with_request_timeout(Some(Duration::from_secs(10)))
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let quick = client.with_request_timeout(Some(Duration::from_secs(1)));
    let error = quick.subscribers().get("S1").await.unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.after(), Some(Duration::from_secs(1)));
    // The client it came from keeps its own (the paused clock runs each out at once).
    let error = client.subscribers().get("S1").await.unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.after(), Some(Duration::from_secs(10)));
}
