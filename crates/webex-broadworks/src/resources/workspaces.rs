//! Workspaces: provision, update, remove (Webex answers synchronously).

use webex_broadworks_api::types::Workspace;

use crate::client::Client;
use crate::error::Error;
use crate::operation::Operation;
use crate::requests::{ProvisionWorkspace, UpdateWorkspace, workspace_id};

use super::{removed, value};

/// The workspace calls; from [`Client::workspaces`].
#[derive(Clone, Debug)]
pub struct Workspaces {
    client: Client,
}

impl Client {
    /// Workspaces: provision, update, remove.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// client.workspaces().remove("Y2lzY29zcGFyazovL3VzL1BMQUNFLw").await?;
    /// # Ok(()) }
    /// ```
    pub fn workspaces(&self) -> Workspaces {
        Workspaces::new(self.clone())
    }
}

impl Workspaces {
    pub(crate) fn new(client: Client) -> Self {
        Workspaces { client }
    }

    /// Provisions a workspace for an existing customer. Sent again only when Webex cannot
    /// have acted on it: after a failure that leaves it unknown, check before retrying.
    ///
    /// ```no_run
    /// use webex_broadworks::ProvisionWorkspace;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = ProvisionWorkspace::new()
    ///     .provisioning_id("prov-1")
    ///     .user_id("lobby-phone@sp.com")
    ///     .sp_enterprise_id("Reseller1+acme")
    ///     .display_name("Lobby")
    ///     .primary_phone_number("+1-240-555-1300");
    /// let workspace = client.workspaces().provision(request).await?;
    /// # Ok(()) }
    /// ```
    pub async fn provision(&self, request: ProvisionWorkspace) -> Result<Workspace, Error> {
        let body = request.validate()?;
        let api = self.client.api();
        value(
            self.client
                .call(Operation::ProvisionWorkspace, None, || {
                    api.provision_workspace().body(body.clone()).send()
                })
                .await,
        )
    }

    /// Changes a workspace (`workspace_id`: 1 to 256 characters).
    ///
    /// ```no_run
    /// use webex_broadworks::UpdateWorkspace;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = UpdateWorkspace::new().extension("1300");
    /// let workspace = client.workspaces().update("Y2lzY29zcGFyazovL3VzL1BMQUNFLw", request).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        workspace_id: &str,
        request: UpdateWorkspace,
    ) -> Result<Workspace, Error> {
        let (id, body) = match (self::workspace_id(workspace_id), request.validate()) {
            (Ok(id), Ok(body)) => (id, body),
            (Err(mut report), Err(more)) => {
                for problem in more.problems() {
                    report.push(problem.field(), problem.rule(), problem.hint());
                }
                return Err(report.into());
            }
            (Err(report), _) | (_, Err(report)) => return Err(report.into()),
        };
        let api = self.client.api();
        value(
            self.client
                .call(Operation::UpdateWorkspace, None, || {
                    api.update_workspace()
                        .workspace_id(id.clone())
                        .body(body.clone())
                        .send()
                })
                .await,
        )
    }

    /// Removes the mapping between the BroadWorks workspace and the Webex workspace.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// client.workspaces().remove("Y2lzY29zcGFyazovL3VzL1BMQUNFLw").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, workspace_id: &str) -> Result<(), Error> {
        let id = self::workspace_id(workspace_id)?;
        let api = self.client.api();
        removed(
            self.client
                .call_reporting(Operation::RemoveWorkspace, None, || {
                    api.remove_workspace().workspace_id(id.clone()).send()
                })
                .await,
        )
    }
}
