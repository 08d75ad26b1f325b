use std::collections::HashSet;

use chrono::TimeZone;

use serde_json::{Value, json};
use webex_broadworks_api::types;
use webex_broadworks_sim::{Fixture, FixtureEnterprise};

use crate::common::{Api, Reply, advance, builder, secs, start_with};

fn seeded_subscribers(count: usize) -> Fixture {
    let subscribers = (0..count)
        .map(|n| {
            serde_json::from_value::<types::Subscriber>(json!({
                "userId": format!("user{n:03}@sp.com"),
                "spEnterpriseId": if n % 2 == 0 { "Reseller1+acme" } else { "Reseller1+globex" },
                "firstName": "F",
                "lastName": format!("L{n}"),
                "email": format!("user{n:03}@example.com"),
                "status": if n % 3 == 0 { "error" } else { "provisioned" },
                "selfActivated": n % 5 == 0,
                "created": format!("2024-01-01T00:{:02}:{:02}.000Z", n / 60, n % 60),
            }))
            .unwrap()
        })
        .collect();
    Fixture {
        subscribers,
        ..Fixture::default()
    }
}

fn user_ids(reply: &Reply) -> Vec<String> {
    reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["userId"].as_str().unwrap().to_string())
        .collect()
}

/// Follows `Link: rel="next"` from `first` until it is absent; returns every page.
async fn all_pages(api: &Api, first: &str) -> Vec<Reply> {
    let mut pages = vec![api.get(first).await];
    while let Some(next) = pages.last().unwrap().next_link() {
        pages.push(api.get(&next).await);
        assert!(pages.len() < 100, "pagination does not end");
    }
    pages
}

#[tokio::test]
async fn subscribers_page_by_50_by_default_and_100_at_most() {
    let (_sim, api) = start_with(builder().seed(seeded_subscribers(230))).await;
    let first = api.get("/broadworks/subscribers").await;
    assert_eq!(user_ids(&first).len(), 50);
    assert!(first.next_link().unwrap().contains("max=50"));

    let pages = all_pages(&api, "/broadworks/subscribers?max=500").await;
    let sizes: Vec<usize> = pages.iter().map(|page| user_ids(page).len()).collect();
    assert_eq!(sizes, [100, 100, 30]);
    let ids: Vec<String> = pages.iter().flat_map(user_ids).collect();
    let unique: HashSet<&String> = ids.iter().collect();
    assert_eq!(unique.len(), 230);
    assert_eq!(ids.first().unwrap(), "user000@sp.com");
    assert_eq!(ids.last().unwrap(), "user229@sp.com");
}

#[tokio::test]
async fn next_links_keep_every_filter() {
    let (_sim, api) = start_with(builder().seed(seeded_subscribers(60))).await;
    let pages = all_pages(
        &api,
        "/broadworks/subscribers?spEnterpriseId=Reseller1%2Bacme&status=provisioned&max=7",
    )
    .await;
    let link = pages[0].next_link().unwrap();
    assert!(link.starts_with(&api.base), "{link}");
    assert!(link.contains("spEnterpriseId=Reseller1%2Bacme"), "{link}");
    assert!(link.contains("status=provisioned"), "{link}");
    assert!(link.contains("max=7"), "{link}");
    let items: Vec<Value> = pages
        .iter()
        .flat_map(|page| page.body["items"].as_array().unwrap().clone())
        .collect();
    // Even n in acme, and n not a multiple of 3 provisioned: 20 of the 30 acme users.
    assert_eq!(items.len(), 20);
    assert!(
        items
            .iter()
            .all(|s| s["spEnterpriseId"] == "Reseller1+acme" && s["status"] == "provisioned")
    );
}

#[tokio::test]
async fn a_page_stays_stable_when_earlier_items_are_removed() {
    let (_sim, api) = start_with(builder().seed(seeded_subscribers(10))).await;
    let first = api.get("/broadworks/subscribers?max=4").await;
    let first_id = first.body["items"][0]["id"].as_str().unwrap().to_string();
    api.delete(&format!("/broadworks/subscribers/{first_id}"))
        .await;
    let second = api.get(&first.next_link().unwrap()).await;
    assert_eq!(user_ids(&second)[0], "user004@sp.com");
}

#[tokio::test(start_paused = true)]
async fn every_subscriber_filter_applies() {
    let start = chrono::Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap();
    let (_sim, api) = start_with(builder().start_time(start).seed(seeded_subscribers(30))).await;
    let count = |reply: Reply| {
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        user_ids(&reply).len()
    };
    assert_eq!(
        count(
            api.get("/broadworks/subscribers?userId=user007@sp.com")
                .await
        ),
        1
    );
    assert_eq!(
        count(
            api.get("/broadworks/subscribers?email=USER007@example.com")
                .await
        ),
        1
    );
    assert_eq!(
        count(api.get("/broadworks/subscribers?status=error").await),
        10
    );
    assert_eq!(
        count(
            api.get("/broadworks/subscribers?status=error,provisioned")
                .await
        ),
        30
    );
    assert_eq!(
        count(api.get("/broadworks/subscribers?selfActivated=true").await),
        6
    );
    assert_eq!(
        count(
            api.get("/broadworks/subscribers?spEnterpriseId=Reseller1%2Bglobex")
                .await
        ),
        15
    );
    // Created at 00:00:00 .. 00:00:29; after 00:00:19.
    assert_eq!(
        count(
            api.get("/broadworks/subscribers?after=2024-01-01T00:00:19Z")
                .await
        ),
        10
    );
    assert_eq!(
        count(api.get("/broadworks/subscribers?after=1704067219000").await),
        10
    );

    let person = api
        .get("/broadworks/subscribers?userId=user001@sp.com")
        .await
        .body["items"][0]["personId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        count(
            api.get(&format!("/broadworks/subscribers?personId={person}"))
                .await
        ),
        1
    );
    let provisioning_id = api
        .get("/broadworks/subscribers?userId=user001@sp.com")
        .await
        .body["items"][0]["provisioningId"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        count(
            api.get(&format!(
                "/broadworks/subscribers?provisioningId={provisioning_id}"
            ))
            .await
        ),
        15
    );

    // lastStatusChange: only what changed after the instant.
    let cutoff = start.timestamp_millis() + 500;
    advance(secs(1)).await;
    api.provision("late@sp.com").await;
    let changed = api
        .get(&format!(
            "/broadworks/subscribers?lastStatusChange={cutoff}"
        ))
        .await;
    assert_eq!(user_ids(&changed), ["late@sp.com"]);

    for bad in [
        "status=paused",
        "max=0",
        "max=abc",
        "after=yesterday",
        "selfActivated=maybe",
        "lastStatusChange=x",
    ] {
        let reply = api.get(&format!("/broadworks/subscribers?{bad}")).await;
        assert_eq!(reply.status, 400, "{bad}");
        assert!(reply.first_error()["fieldName"].is_string(), "{bad}");
    }

    // One rule for every parameter: an empty value is no filter at all.
    let everyone = user_ids(&api.get("/broadworks/subscribers").await);
    for empty in [
        "status=",
        "after=",
        "lastStatusChange=",
        "selfActivated=",
        "userId=",
        "max=",
        "cursor=",
    ] {
        let reply = api.get(&format!("/broadworks/subscribers?{empty}")).await;
        assert_eq!(reply.status, 200, "{empty}");
        assert_eq!(user_ids(&reply), everyone, "{empty}");
    }
    // `max` is a whole number in digits, lowered to the limit however large.
    for not_whole in ["max=1e4", "max=1.5", "max=10.0"] {
        let reply = api
            .get(&format!("/broadworks/subscribers?{not_whole}"))
            .await;
        assert_eq!(reply.status, 400, "{not_whole}");
    }
    let huge = api
        .get("/broadworks/subscribers?max=99999999999999999999999")
        .await;
    assert_eq!(huge.status, 200);
}

#[tokio::test]
async fn enterprises_page_by_100_by_default_and_1000_at_most() {
    let enterprises = (0..1150)
        .map(|n| FixtureEnterprise {
            enterprise: types::Enterprise {
                sp_enterprise_id: Some(format!("Reseller9+e{n:04}")),
                ..Default::default()
            },
            ..Default::default()
        })
        .collect();
    let fixture = Fixture {
        enterprises,
        ..Fixture::default()
    };
    let (_sim, api) = start_with(builder().seed(fixture)).await;
    let first = api.get("/broadworks/enterprises").await;
    assert_eq!(first.body["items"].as_array().unwrap().len(), 100);
    let pages = all_pages(
        &api,
        "/broadworks/enterprises?max=5000&startsWith=Reseller9",
    )
    .await;
    let sizes: Vec<usize> = pages
        .iter()
        .map(|page| page.body["items"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [1000, 150]);
}
