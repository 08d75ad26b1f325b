//! Point 6: lists follow `Link: rel="next"`, repair broken links, and read lazily.

use futures::{StreamExt, TryStreamExt};
use httpmock::MockServer;
use webex_broadworks::types::{self, Subscriber};
use webex_broadworks::{Error, SubscriberStatus};
use webex_broadworks_api::mock::MockServerExt;

use crate::common::{client, enterprise_list, subscriber, subscriber_list};

fn page(ids: std::ops::Range<usize>) -> types::SubscriberList {
    subscriber_list(
        ids.map(|i| subscriber(&format!("S{i}"), SubscriberStatus::Provisioned))
            .collect(),
    )
}

fn respond(then: httpmock::Then, body: &types::SubscriberList, next: Option<String>) {
    let then = then.status(200).header("content-type", "application/json");
    let then = match next {
        Some(link) => then.header("link", format!("<{link}>; rel=\"next\"")),
        None => then,
    };
    then.json_body_obj(body);
}

#[tokio::test(start_paused = true)]
async fn items_follow_next_links_to_the_end() {
    let server = MockServer::start_async().await;
    let next = server.url("/broadworks/subscribers?max=2&cursor=c2");
    let first = server.list_subscribers(|when, then| {
        when.max(std::num::NonZeroU32::new(2))
            .into_inner()
            .query_param_missing("cursor");
        respond(then.into_inner(), &page(0..2), Some(next));
    });
    let second = server.list_subscribers(|when, then| {
        when.into_inner().query_param("cursor", "c2");
        respond(then.into_inner(), &page(2..3), None);
    });
    let ids: Vec<String> = client(&server)
        .subscribers()
        .list()
        .page_size(2)
        .stream()
        .map_ok(|s| s.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["S0", "S1", "S2"]);
    first.assert_calls(1);
    second.assert_calls(1);
}

#[tokio::test(start_paused = true)]
async fn next_links_with_max_null_or_without_the_filters_are_repaired() {
    let server = MockServer::start_async().await;
    // Webex's known breakage: `max=null`, and the filters gone.
    let broken = server.url("/broadworks/subscribers?max=null&cursor=c2");
    server.list_subscribers(|when, then| {
        when.sp_enterprise_id("Reseller1+acme")
            .status("error")
            .into_inner()
            .query_param_missing("cursor");
        respond(then.into_inner(), &page(0..2), Some(broken));
    });
    let repaired = server.list_subscribers(|when, then| {
        when.sp_enterprise_id("Reseller1+acme")
            .status("error")
            .max(std::num::NonZeroU32::new(2))
            .into_inner()
            .query_param("cursor", "c2");
        respond(then.into_inner(), &page(2..4), None);
    });
    let pages: Vec<_> = client(&server)
        .subscribers()
        .list()
        .sp_enterprise_id("Reseller1+acme")
        .status(SubscriberStatus::Error)
        .page_size(2)
        .pages()
        .try_collect()
        .await
        .unwrap();
    repaired.assert_calls(1);
    assert_eq!(pages.len(), 2);
    assert!(pages[0].has_next());
    let link = pages[0].next_link().unwrap();
    assert!(
        link.contains("max=2") && link.contains("spEnterpriseId=Reseller1%2Bacme"),
        "{link}"
    );
    assert!(!pages[1].has_next());
}

#[tokio::test(start_paused = true)]
async fn pages_are_read_only_as_the_stream_is_polled() {
    let server = MockServer::start_async().await;
    // A long list: page n links to page n + 1.
    let link = |n: usize| server.url(format!("/broadworks/subscribers?max=100&cursor=p{n}"));
    let first = server.list_subscribers(|when, then| {
        when.into_inner().query_param_missing("cursor");
        respond(then.into_inner(), &page(0..100), Some(link(2)));
    });
    let later: Vec<_> = (2..=4)
        .map(|n| {
            server.list_subscribers(|when, then| {
                when.into_inner().query_param("cursor", format!("p{n}"));
                respond(
                    then.into_inner(),
                    &page(n * 100..n * 100 + 100),
                    Some(link(n + 1)),
                );
            })
        })
        .collect();
    let mut items = client(&server).subscribers().list().page_size(100).stream();
    items.next().await.unwrap().unwrap();
    assert_eq!(first.calls_async().await, 1);
    assert_eq!(later[0].calls_async().await, 0, "nothing is read ahead");
    let rest: Vec<Subscriber> = items.by_ref().take(249).try_collect().await.unwrap();
    assert_eq!(rest.len(), 249);
    let calls: Vec<usize> = later.iter().map(|m| m.calls()).collect();
    assert_eq!(calls, [1, 1, 0], "250 items are 3 pages");
}

#[tokio::test(start_paused = true)]
async fn a_link_to_another_origin_is_refused() {
    let server = MockServer::start_async().await;
    server.list_subscribers(|_, then| {
        respond(
            then.into_inner(),
            &page(0..1),
            Some("https://collector.example/steal?cursor=c2".to_string()),
        );
    });
    let results: Vec<Result<Subscriber, Error>> = client(&server)
        .subscribers()
        .list()
        .stream()
        .collect()
        .await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    let error = results[1].as_ref().unwrap_err();
    assert!(matches!(error, Error::UndecodableResponse(_)), "{error:?}");
    assert!(error.to_string().contains("another origin"), "{error}");
    // The page that carried the link names it for Webex support.
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));
    assert!(
        error.tracking_id().is_some_and(|id| !id.is_empty()),
        "{error:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_empty_page_ends_the_list_whatever_its_link_says() {
    let server = MockServer::start_async().await;
    let next = server.url("/broadworks/subscribers?cursor=again");
    let mock = server.list_subscribers(|_, then| {
        respond(then.into_inner(), &page(0..0), Some(next));
    });
    let page = client(&server)
        .subscribers()
        .list()
        .first_page()
        .await
        .unwrap();
    assert!(page.items().is_empty() && !page.has_next());
    let all: Vec<Subscriber> = client(&server)
        .subscribers()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(all.is_empty());
    mock.assert_calls(2);
}

#[tokio::test(start_paused = true)]
async fn enterprises_and_billing_reports_paginate_too() {
    let server = MockServer::start_async().await;
    let next = server.url("/broadworks/enterprises?max=1&cursor=e2");
    server.list_enterprises(|when, then| {
        when.into_inner().query_param_missing("cursor");
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .header("link", format!("<{next}>; rel=\"next\""))
            .json_body_obj(&enterprise_list(vec![types::Enterprise {
                id: Some("E1".into()),
                ..Default::default()
            }]));
    });
    server.list_enterprises(|when, then| {
        when.into_inner().query_param("cursor", "e2");
        then.ok(&enterprise_list(vec![types::Enterprise {
            id: Some("E2".into()),
            ..Default::default()
        }]));
    });
    let ids: Vec<String> = client(&server)
        .enterprises()
        .list()
        .page_size(1)
        .stream()
        .map_ok(|e| e.id.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["E1", "E2"]);
}
