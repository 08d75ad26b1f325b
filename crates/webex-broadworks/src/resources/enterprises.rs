//! Enterprises and their directory synchronisation.

use webex_broadworks_api::types::{self, DirectorySync, Enterprise, UserDirectorySyncResult};
use webex_broadworks_api::wire::DirectorySyncState;

use crate::client::{Client, Replied};
use crate::error::{Error, Resource};
use crate::operation::Operation;
use crate::requests::path_id;
use crate::resources::list::{List, list_filters, list_finishers};
use crate::wait::{Wait, Watched};
use futures::future::BoxFuture;

use super::value;

/// A wait for a directory synchronisation; `.await` gives the synchronisation once it is no
/// longer in progress.
pub type DirectorySyncWait = Wait<DirectorySync, DirectorySync>;

/// The enterprise calls; from [`Client::enterprises`].
#[derive(Clone, Debug)]
pub struct Enterprises {
    client: Client,
}

impl Client {
    /// Enterprises and their directory synchronisation.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let enterprises = client.enterprises();
    /// let acme = enterprises.find_by_sp_enterprise_id("Reseller1+acme").await?;
    /// # Ok(()) }
    /// ```
    pub fn enterprises(&self) -> Enterprises {
        Enterprises::new(self.clone())
    }
}

impl Enterprises {
    pub(crate) fn new(client: Client) -> Self {
        Enterprises { client }
    }

    /// The enterprises, page by page or item by item.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let all: Vec<_> = client.enterprises().list().stream().try_collect().await?;
    /// println!("{} enterprises", all.len());
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListEnterprises {
        List::new(self.client.clone())
    }

    /// The enterprise whose BroadWorks id is `sp_enterprise_id`, if Webex has one: its Webex
    /// `id` is what the directory synchronisation calls take. The match is exact (a server
    /// that ignores the filter is not believed).
    ///
    /// ```no_run
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// if let Some(enterprise) = client.enterprises().find_by_sp_enterprise_id("Reseller1+acme").await? {
    ///     let id = enterprise.id.unwrap_or_default();
    ///     let sync = client.enterprises().directory_sync(&id).await?;
    ///     println!("{:?}", sync.directory_sync_status);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn find_by_sp_enterprise_id(
        &self,
        sp_enterprise_id: &str,
    ) -> Result<Option<Enterprise>, Error> {
        path_id("spEnterpriseId", sp_enterprise_id)?;
        let page = self
            .list()
            .sp_enterprise_id(sp_enterprise_id)
            .first_page()
            .await?;
        Ok(page
            .into_items()
            .into_iter()
            .find(|enterprise| enterprise.sp_enterprise_id.as_deref() == Some(sp_enterprise_id)))
    }

    /// The directory synchronisation of the enterprise with id `enterprise_id`.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let sync = client.enterprises().directory_sync("Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uv").await?;
    /// println!("{:?}", sync.directory_sync_status);
    /// # Ok(()) }
    /// ```
    pub async fn directory_sync(&self, enterprise_id: &str) -> Result<DirectorySync, Error> {
        path_id("id", enterprise_id)?;
        value(get_reply(&self.client, enterprise_id).await)
    }

    /// Turns the enterprise's directory synchronisation on or off.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let sync = client.enterprises().set_directory_sync("Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uv", true).await?;
    /// # Ok(()) }
    /// ```
    pub async fn set_directory_sync(
        &self,
        enterprise_id: &str,
        enabled: bool,
    ) -> Result<DirectorySync, Error> {
        path_id("id", enterprise_id)?;
        let api = self.client.api();
        let body = types::UpdateDirectorySyncRequest {
            enable_dir_sync: enabled,
        };
        value(
            self.client
                .call(Operation::UpdateDirectorySync, None, || {
                    api.update_directory_sync()
                        .id(enterprise_id)
                        .body(body.clone())
                        .send()
                })
                .await,
        )
    }

    /// Starts a synchronisation of the enterprise's directory now.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let started = client.enterprises().trigger_directory_sync("Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uv").await?;
    /// let finished = client.enterprises().wait_directory_sync("Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uv").await?;
    /// # Ok(()) }
    /// ```
    pub async fn trigger_directory_sync(
        &self,
        enterprise_id: &str,
    ) -> Result<DirectorySync, Error> {
        path_id("id", enterprise_id)?;
        Ok(self.trigger_reply(enterprise_id).await?.value)
    }

    /// Starts a synchronisation and waits until it is no longer in progress.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let sync = client.enterprises().trigger_directory_sync_and_wait("Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uv").await?;
    /// println!("{:?}", sync.directory_sync_status);
    /// # Ok(()) }
    /// ```
    pub async fn trigger_directory_sync_and_wait(
        &self,
        enterprise_id: &str,
    ) -> Result<DirectorySync, Error> {
        path_id("id", enterprise_id)?;
        let reply = self.trigger_reply(enterprise_id).await?;
        if !in_progress(&reply.value) {
            return Ok(reply.value);
        }
        self.wait_directory_sync(enterprise_id)
            .primed(Some(state(&reply.value)), Some(reply.tracking_id))
            .await
    }

    /// Waits until the enterprise's directory synchronisation is no longer in progress, and
    /// returns its final status, a failed synchronisation included: read its `syncStatus`
    /// and errors.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let sync = client.enterprises().wait_directory_sync("Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uv").await?;
    /// # Ok(()) }
    /// ```
    pub fn wait_directory_sync(&self, enterprise_id: &str) -> DirectorySyncWait {
        Wait::new(self.client.clone(), enterprise_id, |observation| {
            Ok(observation.value)
        })
    }

    /// Synchronises one user of the enterprise's directory now.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let result = client.enterprises().sync_user("Y2lzY29zcGFyazovL3VzL0VOVEVSUFJJU0Uv", "95547321@sp.com").await?;
    /// println!("{:?}", result.user_response);
    /// # Ok(()) }
    /// ```
    pub async fn sync_user(
        &self,
        enterprise_id: &str,
        user_id: &str,
    ) -> Result<UserDirectorySyncResult, Error> {
        let mut report = crate::validate::ValidationReport::default();
        report.required("id", Some(enterprise_id));
        report.required("userId", Some(user_id));
        report.finish(|| ())?;
        let api = self.client.api();
        let body = types::TriggerUserDirectorySyncRequest {
            user_id: user_id.to_string(),
        };
        value(
            self.client
                .call(Operation::TriggerUserDirectorySync, None, || {
                    api.trigger_user_directory_sync()
                        .id(enterprise_id)
                        .body(body.clone())
                        .send()
                })
                .await,
        )
    }

    async fn trigger_reply(&self, enterprise_id: &str) -> Replied<DirectorySync> {
        let api = self.client.api();
        let body = types::TriggerDirectorySyncRequest {
            sync_status: types::DirectorySyncTrigger::SyncNow,
        };
        self.client
            .call(Operation::TriggerDirectorySync, None, || {
                api.trigger_directory_sync()
                    .id(enterprise_id)
                    .body(body.clone())
                    .send()
            })
            .await
    }
}

fn in_progress(sync: &DirectorySync) -> bool {
    sync.directory_sync_status
        .as_ref()
        .and_then(|s| s.sync_status.as_ref())
        == Some(&DirectorySyncState::InProgress)
}

fn state(sync: &DirectorySync) -> String {
    sync.directory_sync_status
        .as_ref()
        .and_then(|s| s.sync_status.as_ref())
        .map_or_else(|| "unknown".to_string(), ToString::to_string)
}

async fn get_reply(client: &Client, enterprise_id: &str) -> Replied<DirectorySync> {
    let api = client.api();
    client
        .call(Operation::GetDirectorySync, None, || {
            api.get_directory_sync().id(enterprise_id).send()
        })
        .await
}

impl Watched for DirectorySync {
    const RESOURCE: Resource = Resource::DirectorySync;
    const ID: &'static str = "id";

    fn read(client: Client, id: String) -> BoxFuture<'static, Replied<Self>> {
        Box::pin(async move { get_reply(&client, &id).await })
    }

    fn status(&self) -> Option<String> {
        Some(state(self))
    }

    fn settled(&self) -> bool {
        !in_progress(self)
    }
}

list_filters! {
    /// The filters of an enterprise list; set them through [`ListEnterprises`].
    EnterpriseFilters {
        item: Enterprise,
        request: list_enterprises,
        operation: Operation::ListEnterprises,
        page_size: max,
        filters: {
            sp_enterprise_id: String => "spEnterpriseId",
            starts_with: String => "startsWith",
        },
    }
}

list_finishers!(EnterpriseFilters, Enterprise, "enterprises");

/// An enterprise list; from [`Enterprises::list`]. Finish with [`stream`](List::stream),
/// [`pages`](List::pages) or [`first_page`](List::first_page).
pub type ListEnterprises = List<EnterpriseFilters>;

impl ListEnterprises {
    /// Only the enterprise with this Service Provider id.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.enterprises().list().sp_enterprise_id("Reseller1+acme").first_page().await?;
    /// # Ok(()) }
    /// ```
    pub fn sp_enterprise_id(mut self, sp_enterprise_id: impl Into<String>) -> Self {
        self.filters.sp_enterprise_id = Some(sp_enterprise_id.into());
        self
    }

    /// Only enterprises whose Service Provider id starts with `prefix`.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let resellers: Vec<_> = client.enterprises().list().starts_with("Reseller1").stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn starts_with(mut self, prefix: impl Into<String>) -> Self {
        self.filters.starts_with = Some(prefix.into());
        self
    }

    /// How many enterprises a page holds (Webex allows up to 1000, 100 by default).
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let mut enterprises = client.enterprises().list().page_size(500).stream();
    /// while let Some(enterprise) = enterprises.try_next().await? {
    ///     println!("{:?}", enterprise.sp_enterprise_id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size.max(1));
        self
    }
}
