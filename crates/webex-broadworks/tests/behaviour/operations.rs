//! Point 2: each of the 19 operations through its idiomatic call, against its typed mock,
//! checking what reaches the wire and what comes back.

use futures::TryStreamExt;
use httpmock::MockServer;
use webex_broadworks::types::{self, BillingReportSortBy};
use webex_broadworks::{
    BillingReportOutcome, BillingReportStatus, DirectorySyncState, ErrorCode, Package,
    PrecheckSubscriber, ProvisionWorkspace, SubscriberStatus, UpdateSubscriber, UpdateWorkspace,
};
use webex_broadworks_api::mock::MockServerExt;

use crate::common::{
    billing_report_list, client, enterprise_list, provision_request, subscriber, subscriber_list,
};

#[tokio::test(start_paused = true)]
async fn list_subscribers_sends_the_filters() {
    let server = MockServer::start_async().await;
    let instant = chrono::DateTime::from_timestamp_millis(1_584_547_534_000).unwrap();
    let mock = server.list_subscribers(|when, then| {
        when.user_id("95547321@sp.com")
            .sp_enterprise_id("Reseller1+acme")
            .status("error,provisioned")
            .last_status_change("1584547534000")
            .after("1584547534000")
            .self_activated(false)
            .person_id("P1")
            .provisioning_id("prov-1")
            .email("alice@example.com")
            .max(std::num::NonZeroU32::new(100));
        then.ok(&subscriber_list(vec![subscriber(
            "S1",
            SubscriberStatus::Error,
        )]));
    });
    let items: Vec<types::Subscriber> = client(&server)
        .subscribers()
        .list()
        .user_id("95547321@sp.com")
        .sp_enterprise_id("Reseller1+acme")
        .statuses([SubscriberStatus::Error, SubscriberStatus::Provisioned])
        .status_changed_after(instant)
        .created_after(instant)
        .self_activated(false)
        .person_id("P1")
        .provisioning_id("prov-1")
        .email("alice@example.com")
        .page_size(100)
        .stream()
        .try_collect()
        .await
        .unwrap();
    mock.assert();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0].status, Some(SubscriberStatus::Error));
}

#[tokio::test(start_paused = true)]
async fn provision_sends_the_validated_body() {
    let server = MockServer::start_async().await;
    let expected = provision_request("95547321@sp.com").validate().unwrap();
    let mock = server.provision_subscriber(|when, then| {
        when.body(&expected);
        then.ok(&subscriber("S1", SubscriberStatus::Provisioning));
    });
    let created = client(&server)
        .subscribers()
        .provision(provision_request("95547321@sp.com"))
        .await
        .unwrap();
    mock.assert();
    assert_eq!(created.status, Some(SubscriberStatus::Provisioning));
}

#[tokio::test(start_paused = true)]
async fn get_update_remove_and_consent() {
    let server = MockServer::start_async().await;
    let get = server.get_subscriber(|when, then| {
        when.subscriber_id("S1");
        then.ok(&subscriber("S1", SubscriberStatus::Provisioned));
    });
    let update = server.update_subscriber(|when, then| {
        when.subscriber_id("S1")
            .body(&types::UpdateSubscriberRequest {
                extension: Some("4321".into()),
                package: Some(Package::Premium),
                ..Default::default()
            });
        then.ok(&subscriber("S1", SubscriberStatus::Updating));
    });
    let remove = server.remove_subscriber(|when, then| {
        when.subscriber_id("S1");
        then.no_content();
    });
    let consent = server.send_consent_move_email(|when, then| {
        when.subscriber_id("S1");
        then.no_content();
    });
    let subscribers = client(&server).subscribers();
    let fetched = subscribers.get("S1").await.unwrap();
    assert_eq!(fetched.person_id.as_deref(), Some("person-S1"));
    let updated = subscribers
        .update(
            "S1",
            UpdateSubscriber::new()
                .extension("4321")
                .package(Package::Premium),
        )
        .await
        .unwrap();
    assert_eq!(updated.status, Some(SubscriberStatus::Updating));
    subscribers.remove("S1").await.unwrap();
    subscribers.send_consent_move_email("S1").await.unwrap();
    for mock in [get, update, remove, consent] {
        mock.assert();
    }
}

#[tokio::test(start_paused = true)]
async fn precheck_reports_webex_info_codes() {
    let server = MockServer::start_async().await;
    let mock = server.precheck_subscriber(|when, then| {
        when.into_inner().json_body(serde_json::json!({
            "email": "alice@example.com",
            "customerInfo": { "primaryEmail": "admin@customer.example" },
        }));
        then.ok(&types::PrecheckResponse {
            message: Some("success".into()),
            info: vec![types::PrecheckInfo {
                info_code: Some(ErrorCode(100)),
                description: Some("Provisioning preCheck validation successful.".into()),
                ..Default::default()
            }],
            ..Default::default()
        });
    });
    let response = client(&server)
        .subscribers()
        .precheck(
            PrecheckSubscriber::new("alice@example.com")
                .customer_primary_email("admin@customer.example"),
        )
        .await
        .unwrap();
    mock.assert();
    assert_eq!(response.info[0].info_code, Some(ErrorCode(100)));
}

#[tokio::test(start_paused = true)]
async fn workspaces_provision_update_remove() {
    let server = MockServer::start_async().await;
    let id = types::WorkspaceId::try_from("W1").unwrap();
    let workspace = types::Workspace {
        id: Some("W1".into()),
        display_name: Some("Room 1".into()),
        ..Default::default()
    };
    let provision = server.provision_workspace(|when, then| {
        when.body(&types::ProvisionWorkspaceRequest {
            provisioning_id: "prov-1".into(),
            user_id: "room-1@sp.com".into(),
            sp_enterprise_id: "Reseller1+acme".into(),
            display_name: "Room 1".into(),
            primary_phone_number: None,
            extension: Some("2001".into()),
        });
        then.ok(&workspace);
    });
    let update = server.update_workspace(|when, then| {
        when.workspace_id(&id).body(&types::UpdateWorkspaceRequest {
            extension: Some("2002".into()),
            ..Default::default()
        });
        then.ok(&workspace);
    });
    let remove = server.remove_workspace(|when, then| {
        when.workspace_id(&id);
        then.no_content();
    });
    let workspaces = client(&server).workspaces();
    let created = workspaces
        .provision(
            ProvisionWorkspace::new()
                .provisioning_id("prov-1")
                .user_id("room-1@sp.com")
                .sp_enterprise_id("Reseller1+acme")
                .display_name("Room 1")
                .extension("2001"),
        )
        .await
        .unwrap();
    assert_eq!(created.display_name.as_deref(), Some("Room 1"));
    workspaces
        .update("W1", UpdateWorkspace::new().extension("2002"))
        .await
        .unwrap();
    workspaces.remove("W1").await.unwrap();
    for mock in [provision, update, remove] {
        mock.assert();
    }
}

fn sync(state: DirectorySyncState) -> types::DirectorySync {
    types::DirectorySync {
        enable_dir_sync: Some(true),
        directory_sync_status: Some(types::DirectorySyncStatus {
            sync_status: Some(state),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test(start_paused = true)]
async fn enterprises_and_directory_sync() {
    let server = MockServer::start_async().await;
    let list = server.list_enterprises(|when, then| {
        when.starts_with("Reseller1")
            .max(std::num::NonZeroU32::new(500));
        then.ok(&enterprise_list(vec![types::Enterprise {
            id: Some("E1".into()),
            sp_enterprise_id: Some("Reseller1+acme".into()),
            ..Default::default()
        }]));
    });
    let get = server.get_directory_sync(|when, then| {
        when.id("E1");
        then.ok(&sync(DirectorySyncState::Complete));
    });
    let update = server.update_directory_sync(|when, then| {
        when.id("E1").body(&types::UpdateDirectorySyncRequest {
            enable_dir_sync: false,
        });
        then.ok(&sync(DirectorySyncState::NotSynced));
    });
    let trigger = server.trigger_directory_sync(|when, then| {
        when.id("E1").body(&types::TriggerDirectorySyncRequest {
            sync_status: types::DirectorySyncTrigger::SyncNow,
        });
        then.ok(&sync(DirectorySyncState::InProgress));
    });
    let user = server.trigger_user_directory_sync(|when, then| {
        when.id("E1").body(&types::TriggerUserDirectorySyncRequest {
            user_id: "reception@sp.example".into(),
        });
        then.ok(&types::UserDirectorySyncResult {
            status: Some(types::UserSyncOperation::Add),
            user_response: None,
            ..Default::default()
        });
    });
    let enterprises = client(&server).enterprises();
    let page = enterprises
        .list()
        .starts_with("Reseller1")
        .page_size(500)
        .first_page()
        .await
        .unwrap();
    assert_eq!(page.items()[0].id.as_deref(), Some("E1"));
    assert!(!page.has_next());
    let state = |s: types::DirectorySync| s.directory_sync_status.unwrap().sync_status.unwrap();
    assert_eq!(
        state(enterprises.directory_sync("E1").await.unwrap()),
        DirectorySyncState::Complete
    );
    assert_eq!(
        state(enterprises.set_directory_sync("E1", false).await.unwrap()),
        DirectorySyncState::NotSynced
    );
    assert_eq!(
        state(enterprises.trigger_directory_sync("E1").await.unwrap()),
        DirectorySyncState::InProgress
    );
    let result = enterprises
        .sync_user("E1", "reception@sp.example")
        .await
        .unwrap();
    assert_eq!(result.status, Some(types::UserSyncOperation::Add));
    for mock in [list, get, update, trigger, user] {
        mock.assert();
    }
}

#[tokio::test(start_paused = true)]
async fn billing_reports() {
    let server = MockServer::start_async().await;
    let list = server.list_billing_reports(|when, then| {
        when.after("2023-12")
            .before("2024-06")
            .sort_by(BillingReportSortBy::Status);
        then.ok(&billing_report_list(vec![types::BillingReportSummary {
            id: Some("R1".into()),
            billing_period: Some("2024-01".into()),
            status: Some(BillingReportStatus::Completed),
            ..Default::default()
        }]));
    });
    let create = server.create_billing_report(|when, then| {
        when.body(&types::CreateBillingReportRequest {
            billing_period: "2024-03".try_into().unwrap(),
        });
        then.ok(&types::BillingReportId {
            id: Some("R2".into()),
            ..Default::default()
        });
    });
    let get = server.get_billing_report(|when, then| {
        when.id("R2");
        then.ok(&types::BillingReport {
            id: Some("R2".into()),
            status: Some(BillingReportStatus::Completed),
            temp_download_url: Some("https://example.invalid/r2.csv".into()),
            ..Default::default()
        });
    });
    let delete = server.delete_billing_report(|when, then| {
        when.id("R2");
        then.no_content();
    });
    let reports = client(&server).billing_reports();
    let listed: Vec<types::BillingReportSummary> = reports
        .list()
        .after("2023-12")
        .before("2024-06")
        .sort_by(BillingReportSortBy::Status)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(reports.create("2024-03").await.unwrap(), "R2");
    let fetched = reports.get("R2").await.unwrap();
    assert_eq!(fetched.status, Some(BillingReportStatus::Completed));
    let outcome = reports.create_and_wait("2024-03").await.unwrap();
    assert!(matches!(outcome, BillingReportOutcome::Completed(_)));
    reports.delete("R2").await.unwrap();
    list.assert();
    create.assert_calls(2);
    get.assert_calls(2);
    delete.assert();
}

/// A report's CSV: fetched with the token from the API's own origin, and without it from a
/// signed URL anywhere else (the token is for Webex, not for a storage service).
#[tokio::test(start_paused = true)]
async fn a_billing_reports_csv_carries_the_token_only_to_the_apis_own_origin() {
    use futures::StreamExt;
    let api = MockServer::start_async().await;
    let storage = MockServer::start_async().await;
    let foreign = storage.mock(|when, then| {
        when.method(httpmock::Method::GET)
            .path("/signed/r1.csv")
            .header_missing("authorization");
        then.status(200)
            .body("billingPeriod,userId\n2024-01,a@sp.example\n");
    });
    let own = api.mock(|when, then| {
        when.method(httpmock::Method::GET)
            .path("/downloads/r2.csv")
            .header("authorization", format!("Bearer {}", crate::common::TOKEN));
        then.status(200).body("billingPeriod,userId\n");
    });
    for (id, link) in [
        ("R1", storage.url("/signed/r1.csv")),
        ("R2", api.url("/downloads/r2.csv")),
    ] {
        api.get_billing_report(|when, then| {
            when.id(id);
            then.ok(&types::BillingReport {
                id: Some(id.into()),
                status: Some(BillingReportStatus::Completed),
                temp_download_url: Some(link),
                ..Default::default()
            });
        });
    }
    let reports = client(&api).billing_reports();
    for id in ["R1", "R2"] {
        let mut csv = Vec::new();
        let mut chunks = reports.download(id).await.unwrap();
        while let Some(chunk) = chunks.next().await {
            csv.extend_from_slice(&chunk.unwrap());
        }
        assert!(csv.starts_with(b"billingPeriod,userId\n"), "{id}");
    }
    foreign.assert_calls(1);
    own.assert_calls(1);
}
