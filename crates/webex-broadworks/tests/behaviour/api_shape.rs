//! Point 9: the API's shape, pinned at compile time. These tests build every call's future
//! without polling it: if a call stops accepting `&str` or `String`, or a future, stream or
//! wait stops being `Send` (or `'static` where it owns its client), this file no longer
//! compiles.

use std::future::IntoFuture;

use futures::Stream;
use webex_broadworks::{
    BillingReportSortBy, Client, Error, Package, PrecheckSubscriber, ProvisionSubscriber,
    ProvisionWorkspace, SubscriberStatus, UpdateSubscriber, UpdateWorkspace,
};

fn send<T: Send>(value: T) -> T {
    value
}

fn send_static<T: Send + 'static>(value: T) -> T {
    value
}

fn stream_of<T, S: Stream<Item = Result<T, Error>> + Send + 'static>(stream: S) -> S {
    stream
}

fn client() -> Client {
    Client::new("token").unwrap()
}

#[test]
fn every_call_accepts_str_and_string_and_returns_a_send_future() {
    let client = client();
    let owned_id = String::from("S1");
    let id: &str = &owned_id;
    let subscribers = client.subscribers();
    drop(send(subscribers.get(id)));
    drop(send(subscribers.get(&owned_id)));
    drop(send(subscribers.find_by_user_id(id)));
    drop(send(
        subscribers.provision(
            ProvisionSubscriber::new()
                .user_id(id)
                .first_name(owned_id.clone()),
        ),
    ));
    drop(send(subscribers.provision_and_wait(
        ProvisionSubscriber::new().package(Package::Basic),
    )));
    drop(send(
        subscribers.update(id, UpdateSubscriber::new().extension("1")),
    ));
    drop(send(
        subscribers.update_and_wait(id, UpdateSubscriber::new()),
    ));
    drop(send(subscribers.remove(id)));
    drop(send(subscribers.precheck(PrecheckSubscriber::new(id))));
    drop(send(subscribers.send_consent_move_email(id)));

    let workspaces = client.workspaces();
    drop(send(
        workspaces.provision(ProvisionWorkspace::new().display_name(id)),
    ));
    drop(send(workspaces.update(id, UpdateWorkspace::new())));
    drop(send(workspaces.remove(id)));

    let enterprises = client.enterprises();
    drop(send(enterprises.directory_sync(id)));
    drop(send(enterprises.set_directory_sync(id, true)));
    drop(send(enterprises.trigger_directory_sync(id)));
    drop(send(enterprises.trigger_directory_sync_and_wait(id)));
    drop(send(enterprises.sync_user(id, id)));

    let reports = client.billing_reports();
    drop(send(reports.create("2024-01")));
    drop(send(reports.create_and_wait("2024-01")));
    drop(send(reports.get(id)));
    drop(send(reports.delete(id)));
}

#[test]
fn lists_streams_and_waits_own_their_client() {
    let client = client();
    let id = String::from("S1");
    // Built from a borrowed id, but owning everything: they can be spawned.
    let subscribers = stream_of(
        client
            .subscribers()
            .list()
            .user_id(id.as_str())
            .status(SubscriberStatus::Error)
            .stream(),
    );
    let pages = stream_of(client.enterprises().list().starts_with("R").pages());
    let reports = stream_of(
        client
            .billing_reports()
            .list()
            .sort_by(BillingReportSortBy::Id)
            .stream(),
    );
    let first = send(client.subscribers().list().first_page());
    let wait = send_static(client.subscribers().wait(&id).into_future());
    let changes = stream_of(client.subscribers().wait(&id).changes());
    let report_wait = send_static(client.billing_reports().wait(&id).into_future());
    let sync_changes = stream_of(client.enterprises().wait_directory_sync(&id).changes());
    drop(id);
    drop((
        subscribers,
        pages,
        reports,
        first,
        wait,
        changes,
        report_wait,
        sync_changes,
    ));
}

#[test]
fn the_client_and_its_handles_are_send_sync_and_clone() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Client>();
    shareable::<webex_broadworks::Subscribers>();
    shareable::<webex_broadworks::Workspaces>();
    shareable::<webex_broadworks::Enterprises>();
    shareable::<webex_broadworks::BillingReports>();
    fn error_is_std_error<E: std::error::Error + Send + Sync + 'static>() {}
    error_is_std_error::<Error>();
}
