//! Every operation against its typed mock, on loopback. The request and response bodies are
//! the spec's own examples: the request example must reach the wire unchanged and the response
//! example, sent verbatim, must decode.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use httpmock::MockServer;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use webex_broadworks_api::mock::MockServerExt;
use webex_broadworks_api::types;
use webex_broadworks_api::wire::{
    BillingReportStatus, DirectorySyncState, ErrorCode, Package, SubscriberStatus,
};
use webex_broadworks_api::{Client, Error, RequestHooks};

const SUBSCRIBER_ID: &str = "Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIvNjk3MGU2YmI";
const WORKSPACE_ID: &str = "Y2lzY29zcGFyazovL3VzL1BMQUNFL2RkMjJlZGZl";
const ENTERPRISE_ID: &str = "Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0UvOTZhYmMy";
const REPORT_ID: &str = "Y2lzY29zcGFyazovL3VzL0JJTExJTkdfUkVQT1JULzViOGQ1";

fn spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/webex-broadworks.yaml");
    let text = std::fs::read_to_string(path).expect("the spec is readable");
    serde_norway::from_str(&text).expect("the spec is YAML")
}

fn operation(operation_id: &str) -> Value {
    let spec = spec();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op["operationId"] == operation_id {
                return op.clone();
            }
        }
    }
    panic!("the spec has no operation {operation_id}");
}

/// The request body example of an operation, as JSON.
fn request_example(operation_id: &str) -> Value {
    operation(operation_id)["requestBody"]["content"]["application/json"]["example"].clone()
}

/// The 200 response example of an operation, as JSON.
fn response_example(operation_id: &str) -> Value {
    let example =
        operation(operation_id)["responses"]["200"]["content"]["application/json"]["example"]
            .clone();
    assert!(!example.is_null(), "{operation_id} has a 200 example");
    example
}

fn typed<T: DeserializeOwned>(value: &Value) -> T {
    serde_json::from_value(value.clone()).expect("the example decodes into its schema")
}

fn client(server: &MockServer) -> Client {
    Client::new(&server.base_url(), RequestHooks::bearer("test-token"))
}

fn respond(then: httpmock::Then, body: &Value) {
    then.status(200)
        .header("content-type", "application/json")
        .header("trackingid", "ROUTER_TEST")
        .json_body(body.clone());
}

#[tokio::test]
async fn list_subscribers_sends_every_filter_and_decodes_the_page() {
    let server = MockServer::start_async().await;
    let page = response_example("listSubscribers");
    let mock = server.list_subscribers(|when, then| {
        when.user_id("95547321@sp.com")
            .sp_enterprise_id("Reseller1+acme")
            .status("error,provisioned")
            .last_status_change("1584547534000")
            .self_activated(false)
            .max(std::num::NonZeroU32::new(100));
        respond(then.into_inner(), &page);
    });
    let got = client(&server)
        .list_subscribers()
        .user_id("95547321@sp.com")
        .sp_enterprise_id("Reseller1+acme")
        .status("error,provisioned")
        .last_status_change("1584547534000")
        .self_activated(false)
        .max(std::num::NonZeroU32::new(100).unwrap())
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(got.headers()["trackingid"], "ROUTER_TEST");
    let page = got.into_inner();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].status, Some(SubscriberStatus::Error));
    assert_eq!(page.items[1].errors[0].error_code, Some(ErrorCode(10022)));
}

#[tokio::test]
async fn provision_subscriber_sends_the_body_and_decodes_provisioning() {
    let server = MockServer::start_async().await;
    let request = request_example("provisionSubscriber");
    let response = response_example("provisionSubscriber");
    let mock = server.provision_subscriber(|when, then| {
        when.into_inner()
            .header("authorization", "Bearer test-token")
            .header_missing("api-version")
            .json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .provision_subscriber()
        .body(typed::<types::ProvisionSubscriberRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.status, Some(SubscriberStatus::Provisioning));
    assert_eq!(got.person_id, None);
    assert_eq!(got, typed::<types::Subscriber>(&response));
}

#[tokio::test]
async fn get_subscriber_decodes_provisioned_with_person_id() {
    let server = MockServer::start_async().await;
    let response = response_example("getSubscriber");
    let mock = server.get_subscriber(|when, then| {
        when.subscriber_id(SUBSCRIBER_ID);
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .get_subscriber()
        .subscriber_id(SUBSCRIBER_ID)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.status, Some(SubscriberStatus::Provisioned));
    assert!(got.person_id.is_some());
}

/// The seed page's own request and response of Update a BroadWorks Subscriber.
#[tokio::test]
async fn update_subscriber_round_trips_the_seed_example() {
    let server = MockServer::start_async().await;
    let request = request_example("updateSubscriber");
    let response = response_example("updateSubscriber");
    assert_eq!(
        response["selfActivated"],
        json!("false"),
        "the seed sends a string"
    );
    let mock = server.update_subscriber(|when, then| {
        when.subscriber_id(SUBSCRIBER_ID)
            .into_inner()
            .json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .update_subscriber()
        .subscriber_id(SUBSCRIBER_ID)
        .body(typed::<types::UpdateSubscriberRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.status, Some(SubscriberStatus::Updating));
    assert_eq!(got.package, Some(Package::Premium));
    assert_eq!(got.self_activated.map(|s| s.get()), Some(false));
    assert_eq!(
        got.created.unwrap().get().unwrap().to_rfc3339(),
        "2019-10-18T14:26:16+00:00"
    );
}

#[tokio::test]
async fn remove_subscriber_expects_no_content() {
    let server = MockServer::start_async().await;
    let mock = server.remove_subscriber(|when, then| {
        when.subscriber_id(SUBSCRIBER_ID);
        then.no_content();
    });
    let got = client(&server)
        .remove_subscriber()
        .subscriber_id(SUBSCRIBER_ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(got.status(), 204);
}

#[tokio::test]
async fn precheck_subscriber_decodes_info_as_a_list() {
    let server = MockServer::start_async().await;
    let request = request_example("precheckSubscriber");
    let response = response_example("precheckSubscriber");
    let mock = server.precheck_subscriber(|when, then| {
        when.into_inner().json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .precheck_subscriber()
        .body(typed::<types::PrecheckSubscriberRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.info[0].info_code, Some(ErrorCode(100)));
}

#[tokio::test]
async fn send_consent_move_email_uses_the_path_without_broadworks() {
    let server = MockServer::start_async().await;
    let mock = server.send_consent_move_email(|when, then| {
        when.subscriber_id(SUBSCRIBER_ID)
            .into_inner()
            .path(format!("/subscribers/{SUBSCRIBER_ID}/emails/consentMove"));
        then.no_content();
    });
    client(&server)
        .send_consent_move_email()
        .subscriber_id(SUBSCRIBER_ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

/// The seed page's own request and response of Provision a BroadWorks Workspace.
#[tokio::test]
async fn provision_workspace_round_trips_the_seed_example() {
    let server = MockServer::start_async().await;
    let request = request_example("provisionWorkspace");
    let response = response_example("provisionWorkspace");
    let mock = server.provision_workspace(|when, then| {
        when.into_inner().json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .provision_workspace()
        .body(typed::<types::ProvisionWorkspaceRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.display_name.as_deref(), Some("Conference Room"));
    assert_eq!(got.extension.as_deref(), Some("51212"));
}

#[tokio::test]
async fn update_workspace_sends_the_body() {
    let server = MockServer::start_async().await;
    let request = request_example("updateWorkspace");
    let response = response_example("updateWorkspace");
    let mock = server.update_workspace(|when, then| {
        when.workspace_id(&types::WorkspaceId::try_from(WORKSPACE_ID).unwrap())
            .into_inner()
            .json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .update_workspace()
        .workspace_id(WORKSPACE_ID)
        .body(typed::<types::UpdateWorkspaceRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.extension.as_deref(), Some("51313"));
}

#[tokio::test]
async fn remove_workspace_expects_no_content() {
    let server = MockServer::start_async().await;
    let mock = server.remove_workspace(|when, then| {
        when.workspace_id(&types::WorkspaceId::try_from(WORKSPACE_ID).unwrap());
        then.no_content();
    });
    client(&server)
        .remove_workspace()
        .workspace_id(WORKSPACE_ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn workspace_id_longer_than_256_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server.remove_workspace(|_, then| {
        then.no_content();
    });
    let error = client(&server)
        .remove_workspace()
        .workspace_id("x".repeat(257))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn list_enterprises_decodes_the_items_wrapper() {
    let server = MockServer::start_async().await;
    let response = response_example("listEnterprises");
    let mock = server.list_enterprises(|when, then| {
        when.starts_with("Reseller1")
            .max(std::num::NonZeroU32::new(1000));
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .list_enterprises()
        .starts_with("Reseller1")
        .max(std::num::NonZeroU32::new(1000).unwrap())
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let sync = got.items[0].broadworks_directory_sync.as_ref().unwrap();
    assert_eq!(
        sync.directory_sync_status.as_ref().unwrap().sync_status,
        Some(DirectorySyncState::Complete)
    );
}

#[tokio::test]
async fn get_directory_sync_decodes_counters_and_errors() {
    let server = MockServer::start_async().await;
    let response = response_example("getDirectorySync");
    let mock = server.get_directory_sync(|when, then| {
        when.id(ENTERPRISE_ID);
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .get_directory_sync()
        .id(ENTERPRISE_ID)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    let status = got.directory_sync_status.unwrap();
    assert_eq!(
        status.total_external_users_in_ci.and_then(|c| c.get()),
        Some(1077)
    );
    assert_eq!(status.errors[0].error_code, Some(ErrorCode(6003)));
}

#[tokio::test]
async fn update_directory_sync_sends_the_setting() {
    let server = MockServer::start_async().await;
    let request = request_example("updateDirectorySync");
    let response = response_example("updateDirectorySync");
    let mock = server.update_directory_sync(|when, then| {
        when.id(ENTERPRISE_ID)
            .into_inner()
            .json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .update_directory_sync()
        .id(ENTERPRISE_ID)
        .body(typed::<types::UpdateDirectorySyncRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.enable_dir_sync, Some(true));
}

#[tokio::test]
async fn trigger_directory_sync_sends_sync_now() {
    let server = MockServer::start_async().await;
    let request = request_example("triggerDirectorySync");
    assert_eq!(request, json!({ "syncStatus": "SYNC_NOW" }));
    let response = response_example("triggerDirectorySync");
    let mock = server.trigger_directory_sync(|when, then| {
        when.id(ENTERPRISE_ID)
            .into_inner()
            .json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .trigger_directory_sync()
        .id(ENTERPRISE_ID)
        .body(typed::<types::TriggerDirectorySyncRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(
        got.directory_sync_status.unwrap().sync_status,
        Some(DirectorySyncState::InProgress)
    );
}

#[tokio::test]
async fn trigger_user_directory_sync_decodes_the_operation() {
    let server = MockServer::start_async().await;
    let request = request_example("triggerUserDirectorySync");
    let response = response_example("triggerUserDirectorySync");
    let mock = server.trigger_user_directory_sync(|when, then| {
        when.id(ENTERPRISE_ID)
            .into_inner()
            .json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .trigger_user_directory_sync()
        .id(ENTERPRISE_ID)
        .body(typed::<types::TriggerUserDirectorySyncRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.status, Some(types::UserSyncOperation::Update));
}

#[tokio::test]
async fn list_billing_reports_sends_the_filters() {
    let server = MockServer::start_async().await;
    let response = response_example("listBillingReports");
    let mock = server.list_billing_reports(|when, then| {
        when.after("2019-12")
            .before("2020-03")
            .sort_by(types::BillingReportSortBy::Status);
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .list_billing_reports()
        .after("2019-12")
        .before("2020-03")
        .sort_by(types::BillingReportSortBy::Status)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.items[1].status, Some(BillingReportStatus::InProgress));
}

#[tokio::test]
async fn create_billing_report_returns_the_id() {
    let server = MockServer::start_async().await;
    let request = request_example("createBillingReport");
    let response = response_example("createBillingReport");
    let mock = server.create_billing_report(|when, then| {
        when.into_inner().json_body(request.clone());
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .create_billing_report()
        .body(typed::<types::CreateBillingReportRequest>(&request))
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.id, response["id"].as_str().map(str::to_string));
}

#[tokio::test]
async fn get_billing_report_decodes_the_download_url() {
    let server = MockServer::start_async().await;
    let response = response_example("getBillingReport");
    let mock = server.get_billing_report(|when, then| {
        when.id(REPORT_ID);
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .get_billing_report()
        .id(REPORT_ID)
        .send()
        .await
        .unwrap()
        .into_inner();
    mock.assert_async().await;
    assert_eq!(got.status, Some(BillingReportStatus::Completed));
    assert!(got.temp_download_url.unwrap().starts_with("https://"));
}

#[tokio::test]
async fn delete_billing_report_expects_no_content() {
    let server = MockServer::start_async().await;
    let mock = server.delete_billing_report(|when, then| {
        when.id(REPORT_ID);
        then.no_content();
    });
    client(&server)
        .delete_billing_report()
        .id(REPORT_ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn an_unknown_status_decodes_instead_of_failing_the_response() {
    let server = MockServer::start_async().await;
    let mut response = response_example("getSubscriber");
    response["status"] = json!("suspended_by_operator");
    response["package"] = json!("enterprise_plus");
    response["someFieldAddedLater"] = json!({ "nested": true });
    server.get_subscriber(|when, then| {
        when.subscriber_id(SUBSCRIBER_ID);
        respond(then.into_inner(), &response);
    });
    let got = client(&server)
        .get_subscriber()
        .subscriber_id(SUBSCRIBER_ID)
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        got.status,
        Some(SubscriberStatus::Unknown("suspended_by_operator".into()))
    );
    assert_eq!(
        got.package,
        Some(Package::Unknown("enterprise_plus".into()))
    );
}

#[tokio::test]
async fn a_400_comes_back_as_a_typed_webex_error_with_its_tracking_id() {
    let server = MockServer::start_async().await;
    let error_body = typed::<types::WebexError>(&json!({
        "message": "displayName is missing.",
        "errors": [{ "description": "Mandatory parameter displayName is missing.", "errorCode": 1001.0, "fieldName": "displayName" }],
        "trackingId": "ROUTER_ABC"
    }));
    server.provision_workspace(|_, then| {
        then.client_error(400, &error_body);
    });
    let request = request_example("provisionWorkspace");
    let error = client(&server)
        .provision_workspace()
        .body(typed::<types::ProvisionWorkspaceRequest>(&request))
        .send()
        .await
        .unwrap_err();
    let Error::ErrorResponse(response) = error else {
        panic!("expected a typed error response, got {error:?}");
    };
    assert_eq!(response.status(), 400);
    assert_eq!(response.tracking_id.as_deref(), Some("ROUTER_ABC"));
    assert_eq!(response.errors[0].error_code, Some(ErrorCode(1001)));
    assert_eq!(
        response.errors[0].field_name.as_deref(),
        Some("displayName")
    );
}
