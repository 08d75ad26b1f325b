//! Enterprises and their directory synchronisation.

use std::sync::Arc;

use futures::StreamExt;
use futures::stream::BoxStream;
use url::Url;
use webex_broadworks_api::types::{self, DirectorySync, Enterprise, UserDirectorySyncResult};
use webex_broadworks_api::wire::DirectorySyncState;

use crate::client::{Client, Reply};
use crate::error::{Error, Resource};
use crate::operation::Operation;
use crate::paginate::{self, FetchPage, ListQuery, Page};
use crate::requests::path_id;
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
    pub fn enterprises(&self) -> Enterprises {
        Enterprises::new(self.clone())
    }
}

impl Enterprises {
    pub(crate) fn new(client: Client) -> Self {
        Enterprises { client }
    }

    /// The enterprises, page by page or item by item.
    pub fn list(&self) -> ListEnterprises {
        ListEnterprises {
            client: self.client.clone(),
            filters: Vec::new(),
            page_size: None,
        }
    }

    /// The directory synchronisation of the enterprise with id `enterprise_id`.
    pub async fn directory_sync(&self, enterprise_id: &str) -> Result<DirectorySync, Error> {
        path_id("id", enterprise_id)?;
        value(get_reply(&self.client, enterprise_id).await)
    }

    /// Turns the enterprise's directory synchronisation on or off.
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
    pub async fn trigger_directory_sync(
        &self,
        enterprise_id: &str,
    ) -> Result<DirectorySync, Error> {
        path_id("id", enterprise_id)?;
        Ok(self.trigger_reply(enterprise_id).await?.value)
    }

    /// Starts a synchronisation and waits until it is no longer in progress.
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
    pub fn wait_directory_sync(&self, enterprise_id: &str) -> DirectorySyncWait {
        Wait::new(self.client.clone(), enterprise_id, |observation| {
            Ok(observation.value)
        })
    }

    /// Synchronises one user of the enterprise's directory now.
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

    async fn trigger_reply(&self, enterprise_id: &str) -> Result<Reply<DirectorySync>, Error> {
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

async fn get_reply(client: &Client, enterprise_id: &str) -> Result<Reply<DirectorySync>, Error> {
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

    fn read(client: Client, id: String) -> BoxFuture<'static, Result<Reply<Self>, Error>> {
        Box::pin(async move { get_reply(&client, &id).await })
    }

    fn status(&self) -> Option<String> {
        Some(state(self))
    }

    fn settled(&self) -> bool {
        !in_progress(self)
    }
}

/// The filters of an enterprise list; from [`Enterprises::list`].
#[derive(Clone, Debug)]
#[must_use = "a list does nothing until streamed"]
pub struct ListEnterprises {
    client: Client,
    filters: Vec<(&'static str, String)>,
    page_size: Option<u32>,
}

impl ListEnterprises {
    fn filter(mut self, name: &'static str, value: String) -> Self {
        self.filters.retain(|(n, _)| *n != name);
        self.filters.push((name, value));
        self
    }

    /// Only the enterprise with this Service Provider id.
    pub fn sp_enterprise_id(self, sp_enterprise_id: impl Into<String>) -> Self {
        self.filter("spEnterpriseId", sp_enterprise_id.into())
    }

    /// Only enterprises whose Service Provider id starts with `prefix`.
    pub fn starts_with(self, prefix: impl Into<String>) -> Self {
        self.filter("startsWith", prefix.into())
    }

    /// How many enterprises a page holds (Webex allows up to 1000, 100 by default).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size.max(1));
        self
    }

    /// The pages, read as the stream is polled.
    pub fn pages(self) -> BoxStream<'static, Result<Page<Enterprise>, Error>> {
        let query = ListQuery {
            operation: Operation::ListEnterprises,
            base: self.client.base().clone(),
            filters: self.filters.clone(),
            page_size: self.page_size,
        };
        let fetch: FetchPage<Enterprise> = Arc::new(move |next: Option<Url>| {
            let (client, filters, page_size) =
                (self.client.clone(), self.filters.clone(), self.page_size);
            Box::pin(async move {
                let api = client.api();
                let reply = client
                    .call(Operation::ListEnterprises, next, || {
                        let mut request = api.list_enterprises();
                        for (name, value) in &filters {
                            request = match *name {
                                "spEnterpriseId" => request.sp_enterprise_id(value.as_str()),
                                "startsWith" => request.starts_with(value.as_str()),
                                _ => request,
                            };
                        }
                        if let Some(size) = page_size {
                            request = request.max(size);
                        }
                        request.send()
                    })
                    .await?;
                Ok(reply.map(|list| list.items))
            })
        });
        paginate::pages(query, fetch)
    }

    /// Every enterprise, one page in memory at a time.
    pub fn stream(self) -> BoxStream<'static, Result<Enterprise, Error>> {
        paginate::items(self.pages())
    }

    /// The first page only.
    pub async fn first_page(self) -> Result<Page<Enterprise>, Error> {
        let mut pages = Box::pin(self.pages());
        match pages.next().await {
            Some(page) => page,
            None => Ok(Page::empty()),
        }
    }
}
