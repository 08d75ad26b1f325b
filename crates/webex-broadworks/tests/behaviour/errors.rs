//! Point 7: one error type, with status, Webex's details, tracking id and advice.

use futures::StreamExt;
use httpmock::MockServer;
use webex_broadworks::types;
use webex_broadworks::{Error, Operation, RetryPolicy, SubscriberStatus};
use webex_broadworks_api::mock::MockServerExt;

use crate::common::{attempt, builder, client, provision_request, subscriber, webex_error};

#[tokio::test(start_paused = true)]
async fn api_errors_carry_every_detail() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.client_error(
            400,
            &types::WebexError {
                message: Some("Invalid request".into()),
                errors: vec![
                    types::WebexErrorDetail {
                        description: Some("Mandatory parameter missing".into()),
                        error_code: Some(1001.into()),
                        field_name: Some("firstName".into()),
                        ..Default::default()
                    },
                    types::WebexErrorDetail {
                        description: Some("Parameter out of bounds".into()),
                        error_code: Some(1002.into()),
                        field_name: Some("extension".into()),
                        ..Default::default()
                    },
                ],
                tracking_id: Some("ROUTER_5F1".into()),
                ..Default::default()
            },
        );
    });
    let error = client(&server).subscribers().get("S1").await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.operation(), Operation::GetSubscriber);
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.message(), Some("Invalid request"));
    assert_eq!(api.error_codes().collect::<Vec<_>>(), [1001, 1002]);
    assert_eq!(api.details()[0].field_name(), Some("firstName"));
    assert_eq!(
        api.details()[1].description(),
        Some("Parameter out of bounds")
    );
    assert_eq!(error.tracking_id(), Some("ROUTER_5F1"));
    assert_eq!(error.operation(), Some(Operation::GetSubscriber));
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(!message.contains('\n'));
    assert!(
        message.starts_with("Webex refused getSubscriber with 400 Bad Request: \"Invalid request\" (errorCode 1001 on field firstName \"Mandatory parameter missing\"; errorCode 1002 on field extension"),
        "{message}"
    );
    assert!(message.ends_with("correct the request as the details say, and quote trackingId ROUTER_5F1 to Webex support if it persists"), "{message}");
}

#[tokio::test(start_paused = true)]
async fn the_tracking_id_comes_from_the_header_when_the_body_has_none() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.into_inner()
            .status(403)
            .header("content-type", "application/json")
            .header("trackingid", "ROUTER_HEADER")
            .json_body(serde_json::json!({ "message": "Forbidden" }));
    });
    let error = client(&server).subscribers().get("S1").await.unwrap_err();
    assert_eq!(error.tracking_id(), Some("ROUTER_HEADER"));
    assert!(error.to_string().contains("scope"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn undecodable_bodies_keep_an_excerpt_and_are_retried_for_reads() {
    let server = MockServer::start_async().await;
    let html = server.get_subscriber(|when, then| {
        when.into_inner().is_true(attempt(1));
        then.into_inner()
            .status(502)
            .header("content-type", "text/html")
            .body("<html><body>Bad gateway</body></html>");
    });
    let ok = server.get_subscriber(|_, then| {
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    client(&server).subscribers().get("S1").await.unwrap();
    html.assert_calls(1);
    ok.assert_calls(1);

    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(format!("{{\"id\": \"S1\", \"status\": {}", "x".repeat(500)));
    });
    let client = builder(&server)
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    let Error::UndecodableResponse(undecodable) = &error else {
        panic!("{error:?}")
    };
    assert!(undecodable.excerpt().starts_with("{\"id\": \"S1\""));
    assert!(undecodable.excerpt().chars().count() <= 201);
    assert!(error.is_retryable());
    assert!(
        error
            .to_string()
            .contains("the body is not what the API describes"),
        "{error}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_html_error_page_keeps_its_status_and_tracking_id() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.into_inner()
            .status(400)
            .header("content-type", "text/html")
            .header("trackingid", "ROUTER_from-the-header")
            .body("<html><body>Bad request</body></html>");
    });
    let client = builder(&server)
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    assert!(matches!(error, Error::UndecodableResponse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(error.tracking_id(), Some("ROUTER_from-the-header"));
    // A client error answered with a page is not worth repeating.
    assert!(!error.is_retryable());
}

/// A load balancer's answer: an error status, no body, no `Retry-After`. The status is all
/// there is, so it is the API error it says (a 429 is rate limiting), not an unreadable answer.
#[tokio::test(start_paused = true)]
async fn an_error_status_without_a_body_is_the_api_error_its_status_says() {
    for (status, declared) in [(429, true), (503, true), (418, false)] {
        let server = MockServer::start_async().await;
        server.provision_subscriber(|_, then| {
            then.into_inner()
                .status(status)
                .header("trackingid", "LB_bare");
        });
        let client = builder(&server)
            .with_retry_policy(RetryPolicy::never())
            .build()
            .unwrap();
        let error = client
            .subscribers()
            .provision(provision_request("lb@sp.example"))
            .await
            .unwrap_err();
        let expected_kind = match status {
            429 => matches!(error, Error::RateLimited(_)),
            _ => {
                matches!(&error, Error::Api(api) if api.status().as_u16() == status && api.message().is_none())
            }
        };
        assert!(expected_kind, "{status} (declared: {declared}): {error:?}");
        assert_eq!(error.tracking_id(), Some("LB_bare"));
        assert_eq!(error.is_retryable(), status == 429, "{status}");
    }
}

#[tokio::test(start_paused = true)]
async fn an_undeclared_success_status_still_decodes_and_keeps_its_status_otherwise() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|when, then| {
        when.subscriber_id("S1");
        then.into_inner()
            .status(203)
            .header("content-type", "application/json")
            .json_body_obj(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    server.get_subscriber(|when, then| {
        when.subscriber_id("S2");
        then.into_inner().status(203).body("not json");
    });
    server.remove_subscriber(|_, then| {
        then.into_inner().status(200);
    });
    let client = builder(&server)
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let fetched = client.subscribers().get("S1").await.unwrap();
    assert_eq!(fetched.id.as_deref(), Some("S1"));
    let error = client.subscribers().get("S2").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(203));
    assert_eq!(error.to_string().matches("not json").count(), 1, "{error}");
    client.subscribers().remove("S1").await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn transport_errors_leave_personal_data_out() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = webex_broadworks::Client::builder()
        .with_token("t")
        .with_base_url(format!("http://127.0.0.1:{port}/v1"))
        .without_timers()
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let result = client
        .subscribers()
        .list()
        .email("alice@customer.example")
        .stream()
        .next()
        .await;
    let error = result.unwrap().unwrap_err();
    assert!(matches!(error, Error::Transport(_)));
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("alice"), "{shown}");
    assert!(
        error
            .tracking_id()
            .unwrap()
            .starts_with("WEBEX-BROADWORKS-RS_")
    );
    assert_eq!(error.status(), None);
}

#[test]
fn every_kind_answers_the_accessors() {
    let validation = webex_broadworks::ProvisionSubscriber::new()
        .validate()
        .unwrap_err();
    let error = Error::from(validation);
    assert_eq!(
        (error.status(), error.tracking_id(), error.is_retryable()),
        (None, None, false)
    );
    assert!(error.validation().is_some() && error.api().is_none());
    assert!(std::error::Error::source(&error).is_none());
}

#[tokio::test(start_paused = true)]
async fn api_errors_do_not_repeat_a_description_equal_to_the_message() {
    let server = MockServer::start_async().await;
    server.get_subscriber(|_, then| {
        then.client_error(404, &webex_error("Subscriber not found", Some(4008), None));
    });
    let error = client(&server).subscribers().get("S1").await.unwrap_err();
    assert_eq!(
        error.to_string().matches("Subscriber not found").count(),
        1,
        "{error}"
    );
    assert!(error.to_string().contains("(errorCode 4008)"), "{error}");
}

#[tokio::test(start_paused = true)]
async fn a_provisioning_answered_without_an_id_is_not_blamed_on_the_caller() {
    let server = MockServer::start_async().await;
    let mut answer = subscriber("S1", SubscriberStatus::Provisioning);
    answer.id = None;
    server.provision_subscriber(|_, then| {
        then.ok(&answer);
    });
    let error = client(&server)
        .subscribers()
        .provision_and_wait(provision_request("alice@sp.example"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::UndecodableResponse(_)), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(error.tracking_id().is_some());
    // Sending the provisioning again could do it twice.
    assert!(
        error
            .to_string()
            .contains("look the resource up before sending it again"),
        "{error}"
    );
}

/// One malformed value does not cost the answer: a list page keeps its other items (and says
/// what it set aside), and a timestamp that is not RFC 3339 is kept as it came. Each is read
/// once: a value that will be malformed again is not worth a retry.
#[tokio::test(start_paused = true)]
async fn malformed_values_are_set_aside_and_the_rest_of_the_answer_is_read() {
    let server = MockServer::start_async().await;
    let next = server.url("/broadworks/subscribers?cursor=c2");
    let second = server.list_subscribers(|when, then| {
        when.into_inner().query_param("cursor", "c2");
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(r#"{"items": [{"id": "E", "extension": 4711}]}"#);
    });
    let list = server.list_subscribers(|when, then| {
        when.into_inner().query_param_missing("cursor");
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .header("link", format!("<{next}>; rel=\"next\""))
            .body(
                r#"{"items": [
                    {"id": "A", "created": "2026-03-18T16:05:34Z"},
                    {"id": "B", "firstName": {"given": "Bo"}, "created": 1584547534000},
                    "not a subscriber",
                    {"id": "D", "status": "suspended", "errors": [{"errorCode": 2.5}]}
                ]}"#,
            );
    });
    let client = client(&server);
    let mut pages = client.subscribers().list().pages();
    let page = pages.next().await.unwrap().unwrap();
    list.assert_calls(1);
    // The next link of a page read in part is followed as any other.
    let last = pages.next().await.unwrap().unwrap();
    second.assert_calls(1);
    assert_eq!(last.items()[0].id.as_deref(), Some("E"));
    assert_eq!(last.malformed()[0].path(), "items[0].extension");
    assert!(pages.next().await.is_none());
    let ids: Vec<&str> = page
        .items()
        .iter()
        .filter_map(|s| s.id.as_deref())
        .collect();
    assert_eq!(ids, ["A", "B", "D"]);
    let b = &page.items()[1];
    assert_eq!(b.first_name, None);
    assert_eq!(
        b.created,
        Some(webex_broadworks::Timestamp::Malformed(
            1584547534000u64.into()
        ))
    );
    assert!(page.items()[0].created.as_ref().unwrap().get().is_some());
    let mut set_aside: Vec<&str> = page.malformed().iter().map(|m| m.path()).collect();
    set_aside.sort_unstable();
    assert_eq!(
        set_aside,
        [
            "items[1].firstName",
            "items[2]",
            "items[3].errors[0].errorCode"
        ]
    );
    assert_eq!(
        page.malformed()
            .iter()
            .find(|m| m.path() == "items[2]")
            .unwrap()
            .raw(),
        &serde_json::Value::from("not a subscriber")
    );
}

#[tokio::test]
async fn a_refused_connection_is_named_as_such() {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let client = webex_broadworks::Client::builder()
        .with_token("t")
        .with_base_url(format!("http://127.0.0.1:{closed}/v1"))
        .with_retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    let Error::Transport(failure) = &error else {
        panic!("not a transport failure: {error:?}");
    };
    assert!(!failure.was_sent());
    assert!(
        failure.cause().contains("connection was refused"),
        "{}",
        failure.cause()
    );
    let shown = error.to_string();
    assert!(shown.contains("the connection was refused"), "{shown}");
    assert!(!shown.contains("error sending request"), "{shown}");
}

#[tokio::test]
async fn a_not_found_from_a_base_url_without_v1_says_so() {
    let sim = webex_broadworks_sim::Simulator::builder()
        .start()
        .await
        .unwrap();
    let unversioned = sim.base_url().trim_end_matches("/v1").to_string();
    let client = webex_broadworks::Client::builder()
        .with_token("sim-token")
        .with_base_url(&unversioned)
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let shown = error.to_string();
    assert!(shown.contains("does not end in /v1"), "{shown}");
    assert!(shown.contains(&format!("use {unversioned}/v1")), "{shown}");

    // With /v1, a 404 is about the identifier.
    let client = webex_broadworks::Client::builder()
        .with_token("sim-token")
        .with_base_url(sim.base_url())
        .build()
        .unwrap();
    let error = client.subscribers().get("S1").await.unwrap_err();
    assert!(
        error.to_string().contains("check the identifier"),
        "{error}"
    );
    assert!(
        !error.to_string().contains("does not end in /v1"),
        "{error}"
    );
    sim.shutdown().await;
}

#[test]
fn an_unknown_scheme_is_named() {
    let error = webex_broadworks::Client::builder()
        .with_token("t")
        .with_base_url("htp://webexapis.com/v1")
        .build()
        .unwrap_err()
        .to_string();
    assert!(error.contains("`htp` is unknown"), "{error}");
    assert!(error.contains("https://"), "{error}");
}
