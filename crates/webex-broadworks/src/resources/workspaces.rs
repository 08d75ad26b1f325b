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
