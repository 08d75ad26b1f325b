//! Subscribers: the calls, their waits, and provisioning that is never duplicated.

use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use tokio::time::Instant;
use webex_broadworks_api::types::{self, PrecheckResponse, Subscriber};
use webex_broadworks_api::wire::SubscriberStatus;

use crate::client::{Client, Replied, Reply};
use crate::error::{Error, Resource};
use crate::operation::Operation;
use crate::outcome::SubscriberOutcome;
use crate::requests::{PrecheckSubscriber, ProvisionSubscriber, UpdateSubscriber, path_id};
use crate::resources::list::{List, list_filters, list_finishers};
use crate::resources::missing_id;
use crate::retry::{self, Reconciled};
use crate::wait::{Observation, Wait, Watched};
use futures::future::BoxFuture;

use super::{removed, value};

/// A wait for a subscriber's provisioning or update; `.await` gives a [`SubscriberOutcome`].
pub type SubscriberWait = Wait<Subscriber, SubscriberOutcome>;

/// The subscriber calls; from [`Client::subscribers`].
#[derive(Clone, Debug)]
pub struct Subscribers {
    client: Client,
}

impl Client {
    /// Subscribers: provision, read, update, remove, list, precheck, wait.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let subscribers = client.subscribers();
    /// let subscriber = subscribers.get("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// # Ok(()) }
    /// ```
    pub fn subscribers(&self) -> Subscribers {
        Subscribers::new(self.clone())
    }
}

impl Subscribers {
    pub(crate) fn new(client: Client) -> Self {
        Subscribers { client }
    }

    /// The subscribers, filtered, page by page or item by item.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    /// use webex_broadworks::SubscriberStatus;
    ///
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let failed: Vec<_> = client
    ///     .subscribers()
    ///     .list()
    ///     .sp_enterprise_id("Reseller1+acme")
    ///     .status(SubscriberStatus::Error)
    ///     .page_size(100)
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListSubscribers {
        List::new(self.client.clone())
    }

    /// The subscriber with id `subscriber_id`.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let subscriber = client.subscribers().get("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// println!("{:?} is {:?}", subscriber.user_id, subscriber.status);
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, subscriber_id: &str) -> Result<Subscriber, Error> {
        path_id("subscriberId", subscriber_id)?;
        value(get_reply(&self.client, subscriber_id).await)
    }

    /// The subscriber with BroadWorks user id `user_id`, if there is one.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// match client.subscribers().find_by_user_id("95547321@sp.com").await? {
    ///     Some(subscriber) => println!("mapped: {:?}", subscriber.id),
    ///     None => println!("not mapped to Webex"),
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn find_by_user_id(&self, user_id: &str) -> Result<Option<Subscriber>, Error> {
        path_id("userId", user_id)?;
        let page = self.list().user_id(user_id).first_page().await?;
        Ok(page
            .into_items()
            .into_iter()
            .find(|s| s.user_id.as_deref() == Some(user_id)))
    }

    /// As [`find_by_user_id`](Self::find_by_user_id), for just after a write whose outcome
    /// is unknown: a list may show a write late (a search index does), so "none" is believed
    /// only once the retry policy's lookup lag ([`RetryPolicy::with_lookup_lag`], 3 s by
    /// default) has passed; until then the list is asked again. The look to make before
    /// sending again a provisioning whose error says Webex [may have acted](Error::may_have_acted).
    ///
    /// ```no_run
    /// # async fn run(client: webex_broadworks::Client, request: webex_broadworks::ProvisionSubscriber) -> Result<(), webex_broadworks::Error> {
    /// let subscribers = client.subscribers();
    /// match subscribers.provision(request.clone()).await {
    ///     Ok(subscriber) => println!("accepted: {:?}", subscriber.id),
    ///     Err(error) if error.may_have_acted() => {
    ///         match subscribers.find_by_user_id_allowing_lag("95547321@sp.com").await? {
    ///             Some(subscriber) => println!("it was provisioned: {:?}", subscriber.id),
    ///             None => println!("not provisioned; sending it again is safe"),
    ///         }
    ///     }
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// [`RetryPolicy::with_lookup_lag`]: crate::RetryPolicy::with_lookup_lag
    pub async fn find_by_user_id_allowing_lag(
        &self,
        user_id: &str,
    ) -> Result<Option<Subscriber>, Error> {
        path_id("userId", user_id)?;
        let allowance = self.client.retry_policy().lookup_lag();
        look_allowing_lag(allowance, || self.find_by_user_id(user_id)).await
    }

    /// Provisions a subscriber; Webex finishes the work asynchronously (status
    /// `provisioning`), see [`wait`](Self::wait) and [`provision_and_wait`](Self::provision_and_wait).
    ///
    /// Never provisions twice: the request is sent again only when Webex cannot have acted
    /// on it (429, 423, a connection that failed before sending). After a failure that
    /// leaves it unknown (a timeout, a 5xx, a lost response) the client looks the subscriber
    /// up by user id and returns it if Webex did provision it, sending again only if not.
    ///
    /// ```no_run
    /// use webex_broadworks::{Package, ProvisionSubscriber};
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = ProvisionSubscriber::new()
    ///     .provisioning_id("prov-1")
    ///     .user_id("95547321@sp.com")
    ///     .sp_enterprise_id("Reseller1+acme")
    ///     .first_name("Alice")
    ///     .last_name("Ng")
    ///     .package(Package::Basic)
    ///     .set_email(None::<String>);
    /// let subscriber = client.subscribers().provision(request).await?;
    /// // Webex goes on asynchronously; `wait` follows it.
    /// let outcome = client.subscribers().wait(subscriber.id.as_deref().unwrap_or_default()).await?;
    /// # Ok(()) }
    /// ```
    pub async fn provision(&self, request: ProvisionSubscriber) -> Result<Subscriber, Error> {
        let body = request.validate()?;
        Ok(self.provision_reply(body).await?.value)
    }

    /// Provisions a subscriber and waits, with the client's wait policy, until the
    /// provisioning is done, paused for the end user, or failed.
    ///
    /// ```no_run
    /// use webex_broadworks::{Package, ProvisionSubscriber, SubscriberOutcome};
    ///
    /// # async fn run(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = ProvisionSubscriber::new()
    ///     .provisioning_id("prov-1")
    ///     .user_id("95547321@sp.com")
    ///     .sp_enterprise_id("Reseller1+acme")
    ///     .first_name("Alice")
    ///     .last_name("Ng")
    ///     .package(Package::Standard);
    /// let person_id = match client.subscribers().provision_and_wait(request).await? {
    ///     SubscriberOutcome::Provisioned { person_id, .. } => person_id,
    ///     other => return Err(other.into_provisioned().unwrap_err()),
    /// };
    /// # Ok(()) }
    /// ```
    pub async fn provision_and_wait(
        &self,
        request: ProvisionSubscriber,
    ) -> Result<SubscriberOutcome, Error> {
        let body = request.validate()?;
        let reply = self.provision_reply(body).await?;
        self.wait_after(reply, None).await
    }

    /// Changes a subscriber; Webex applies the change asynchronously (status `updating`).
    ///
    /// ```no_run
    /// use webex_broadworks::{Package, UpdateSubscriber};
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = UpdateSubscriber::new()
    ///     .package(Package::Premium)
    ///     .mobile_phone_number("");
    /// let subscriber = client.subscribers().update("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv", request).await?;
    /// assert_eq!(subscriber.status, Some(webex_broadworks::SubscriberStatus::Updating));
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        subscriber_id: &str,
        request: UpdateSubscriber,
    ) -> Result<Subscriber, Error> {
        Ok(self.update_reply(subscriber_id, request).await?.value)
    }

    /// Changes a subscriber and waits until the change is applied or failed.
    ///
    /// ```no_run
    /// use webex_broadworks::UpdateSubscriber;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = UpdateSubscriber::new().first_name("Alicia");
    /// let outcome = client.subscribers().update_and_wait("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv", request).await?;
    /// let subscriber = outcome.into_provisioned()?;
    /// # Ok(()) }
    /// ```
    pub async fn update_and_wait(
        &self,
        subscriber_id: &str,
        request: UpdateSubscriber,
    ) -> Result<SubscriberOutcome, Error> {
        let reply = self.update_reply(subscriber_id, request).await?;
        self.wait_after(reply, Some(subscriber_id)).await
    }

    /// Removes the mapping between the BroadWorks subscriber and the Webex user.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// client.subscribers().remove("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// # Ok(()) }
    /// ```
    pub async fn remove(&self, subscriber_id: &str) -> Result<(), Error> {
        path_id("subscriberId", subscriber_id)?;
        let api = self.client.api();
        removed(
            self.client
                .call_reporting(Operation::RemoveSubscriber, None, || {
                    api.remove_subscriber().subscriber_id(subscriber_id).send()
                })
                .await,
        )
    }

    /// Checks whether a provisioning would succeed, without doing it.
    ///
    /// ```no_run
    /// use webex_broadworks::{Package, PrecheckSubscriber};
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let request = PrecheckSubscriber::new("alice@acme.example")
    ///     .sp_enterprise_id("Reseller1+acme")
    ///     .package(Package::Standard);
    /// let answer = client.subscribers().precheck(request).await?;
    /// println!("{:?}", answer.message);
    /// # Ok(()) }
    /// ```
    pub async fn precheck(&self, request: PrecheckSubscriber) -> Result<PrecheckResponse, Error> {
        let body = request.validate()?;
        let api = self.client.api();
        value(
            self.client
                .call(Operation::PrecheckSubscriber, None, || {
                    api.precheck_subscriber().body(body.clone()).send()
                })
                .await,
        )
    }

    /// Sends the consent e-mail again to a subscriber in `pending_user_migration`.
    ///
    /// ```no_run
    /// use webex_broadworks::SubscriberStatus;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let subscriber = client.subscribers().get("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// if subscriber.status == Some(SubscriberStatus::PendingUserMigration) {
    ///     client.subscribers().send_consent_move_email("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv").await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn send_consent_move_email(&self, subscriber_id: &str) -> Result<(), Error> {
        path_id("subscriberId", subscriber_id)?;
        let api = self.client.api();
        value(
            self.client
                .call(Operation::SendConsentMoveEmail, None, || {
                    api.send_consent_move_email()
                        .subscriber_id(subscriber_id)
                        .send()
                })
                .await,
        )
    }

    /// Waits until the subscriber's provisioning or update settles: `provisioned`, one of
    /// the `pending_*` statuses (the end user has to act: returned at once), or `error`.
    ///
    /// ```no_run
    /// use webex_broadworks::{SubscriberOutcome, WaitPolicy};
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// use std::time::Duration;
    ///
    /// // With the client's wait policy, or another for this wait:
    /// let outcome = client
    ///     .subscribers()
    ///     .wait("Y2lzY29zcGFyazovL3VzL1NVQlNDUklCRVIv")
    ///     .with_policy(WaitPolicy::default().with_max_wait(Duration::from_secs(120)))
    ///     .await?;
    /// if let SubscriberOutcome::Paused { reason, .. } = &outcome {
    ///     println!("the end user has to act: {}", reason.what_to_do());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn wait(&self, subscriber_id: &str) -> SubscriberWait {
        Wait::new(self.client.clone(), subscriber_id, finish)
    }

    /// Waits for the subscriber a provisioning (`known_id: None`) or an update of
    /// `known_id` answered with.
    async fn wait_after(
        &self,
        reply: Box<Reply<Subscriber>>,
        known_id: Option<&str>,
    ) -> Result<SubscriberOutcome, Error> {
        if let Some(outcome) = SubscriberOutcome::from_subscriber(&reply.value) {
            return Ok(outcome);
        }
        let answered = reply.value.id.as_deref().filter(|id| !id.is_empty());
        let Some(id) = answered.or(known_id).map(str::to_string) else {
            // Webex accepted the provisioning: not the caller's input to blame.
            return Err(missing_id(
                Operation::ProvisionSubscriber,
                &reply,
                "the subscriber's id",
            ));
        };
        let status = reply.value.status.as_ref().map(ToString::to_string);
        self.wait(&id).primed(status, Some(reply.tracking_id)).await
    }

    async fn update_reply(
        &self,
        subscriber_id: &str,
        request: UpdateSubscriber,
    ) -> Replied<Subscriber> {
        let mut checked = request.validate();
        if let Err(report) = path_id("subscriberId", subscriber_id) {
            let mut all = report;
            if let Err(more) = checked {
                for problem in more.problems() {
                    all.push(problem.field(), problem.rule(), problem.hint());
                }
            }
            checked = Err(all);
        }
        let body = checked?;
        let api = self.client.api();
        self.client
            .call(Operation::UpdateSubscriber, None, || {
                api.update_subscriber()
                    .subscriber_id(subscriber_id)
                    .body(body.clone())
                    .send()
            })
            .await
    }

    async fn provision_reply(
        &self,
        body: types::ProvisionSubscriberRequest,
    ) -> Replied<Subscriber> {
        let operation = Operation::ProvisionSubscriber;
        let client = &self.client;
        let api = client.api();
        let tracking = client.tracking().call();
        let request = || api.provision_subscriber().body(body.clone()).send();
        let send = |attempt| {
            client.attempt(
                operation,
                attempt,
                tracking.attempt(attempt),
                None,
                &request,
            )
        };
        let look = |_: &Error| async {
            match self.reconcile(&body).await {
                Ok(Some(found)) => {
                    tracing::info!(
                        operation = %operation,
                        tracking_id = %found.tracking_id,
                        "Webex had provisioned the subscriber; not sending again"
                    );
                    Reconciled::Found(found)
                }
                // Not there, so Webex did not act: sending again cannot duplicate.
                Ok(None) => Reconciled::Absent,
                Err(lookup) => {
                    // Not the error's message: an undecodable page's excerpt holds
                    // subscribers' e-mail addresses and numbers.
                    tracing::warn!(
                        operation = %operation,
                        lookup_error = lookup.kind(),
                        lookup_status = lookup.status().map(|s| s.as_u16()),
                        lookup_tracking_id = lookup.tracking_id(),
                        "could not tell whether Webex provisioned the subscriber; not sending again"
                    );
                    Reconciled::Unknown
                }
            }
        };
        retry::run_reconciling(client.retry_context(), operation, send, Some(look))
            .await
            .map_err(|gave_up| gave_up.error)
    }

    /// The subscriber a provisioning that may have landed created, if it did.
    async fn reconcile(
        &self,
        body: &types::ProvisionSubscriberRequest,
    ) -> Result<Option<Box<Reply<Subscriber>>>, Error> {
        let lag = self.client.retry_policy().lookup_lag();
        find_provisioned(&self.client, body, lag).await
    }
}

/// How often a lookup looks again while it allows for list lag.
const LOOK_AGAIN: Duration = Duration::from_millis(500);

/// Asks `look` until it finds something, or until a look that was *sent* once `allowance`
/// had passed finds nothing. A slow answer may have been computed when it was asked, so
/// the time it arrived proves nothing about what a lagging list could show by then.
async fn look_allowing_lag<T, F, Fut>(allowance: Duration, mut look: F) -> Result<Option<T>, Error>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<Option<T>, Error>>,
{
    let believed_from = Instant::now() + allowance;
    loop {
        let asked = Instant::now();
        if let Some(found) = look().await? {
            return Ok(Some(found));
        }
        if asked >= believed_from {
            return Ok(None);
        }
        let now = Instant::now();
        tokio::time::sleep_until((now + LOOK_AGAIN).min(believed_from.max(now))).await;
    }
}

/// The subscriber that `body` provisions, if Webex holds it: looked up by userId (the same
/// userId, since a server may ignore the filter, and the same enterprise where the answer
/// names one; the newest if several), looking again until a look sent after `allowance`
/// (list lag) finds none before concluding that there is none.
pub(crate) async fn find_provisioned(
    client: &Client,
    body: &types::ProvisionSubscriberRequest,
    allowance: Duration,
) -> Result<Option<Box<Reply<Subscriber>>>, Error> {
    look_allowing_lag(allowance, || async {
        let page = client
            .subscribers()
            .list()
            .user_id(&body.user_id)
            .first_page()
            .await?;
        let tracking_id = page.tracking_id().to_string();
        let found = page
            .into_items()
            .into_iter()
            .filter(|s| {
                s.user_id.as_deref() == Some(body.user_id.as_str())
                    && s.sp_enterprise_id
                        .as_deref()
                        .is_none_or(|e| e == body.sp_enterprise_id)
            })
            .max_by_key(|s| s.created.clone());
        Ok(found.map(|value| {
            Box::new(Reply {
                value,
                status: StatusCode::OK,
                headers: HeaderMap::new(),
                tracking_id,
                url: None,
                malformed: Vec::new(),
            })
        }))
    })
    .await
}

pub(crate) async fn get_reply(client: &Client, subscriber_id: &str) -> Replied<Subscriber> {
    let api = client.api();
    client
        .call(Operation::GetSubscriber, None, || {
            api.get_subscriber().subscriber_id(subscriber_id).send()
        })
        .await
}

impl Watched for Subscriber {
    const RESOURCE: Resource = Resource::Subscriber;
    const ID: &'static str = "subscriberId";

    fn read(client: Client, id: String) -> BoxFuture<'static, Replied<Self>> {
        Box::pin(async move { get_reply(&client, &id).await })
    }

    fn status(&self) -> Option<String> {
        self.status.as_ref().map(ToString::to_string)
    }

    fn settled(&self) -> bool {
        SubscriberOutcome::from_subscriber(self).is_some()
    }
}

fn finish(observation: Observation<Subscriber>) -> Result<SubscriberOutcome, Error> {
    SubscriberOutcome::from_subscriber(&observation.value).ok_or_else(|| {
        Error::config(
            "a wait ended on a status that is not final",
            "report this as a bug of webex-broadworks",
        )
    })
}

list_filters! {
    /// The filters of a subscriber list; set them through [`ListSubscribers`].
    SubscriberFilters {
        item: Subscriber,
        request: list_subscribers,
        operation: Operation::ListSubscribers,
        page_size: max,
        filters: {
            user_id: String => "userId",
            person_id: String => "personId",
            email: String => "email",
            provisioning_id: String => "provisioningId",
            sp_enterprise_id: String => "spEnterpriseId",
            self_activated: bool => "selfActivated",
            status: String => "status",
            after: String => "after",
            last_status_change: String => "lastStatusChange",
        },
    }
}

list_finishers!(SubscriberFilters, Subscriber, "subscribers");

/// A subscriber list; from [`Subscribers::list`]. Finish with
/// [`stream`](List::stream), [`pages`](List::pages) or [`first_page`](List::first_page).
pub type ListSubscribers = List<SubscriberFilters>;

impl ListSubscribers {
    /// Only the subscriber with this BroadWorks user id.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.subscribers().list().user_id("95547321@sp.com").first_page().await?;
    /// # Ok(()) }
    /// ```
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.filters.user_id = Some(user_id.into());
        self
    }

    /// Only the subscriber mapped to this Webex person id.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.subscribers().list().person_id("Y2lzY29zcGFyazovL3VzL1BFT1BMRS8").first_page().await?;
    /// # Ok(()) }
    /// ```
    pub fn person_id(mut self, person_id: impl Into<String>) -> Self {
        self.filters.person_id = Some(person_id.into());
        self
    }

    /// Only the subscriber with this e-mail address.
    ///
    /// ```no_run
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let page = client.subscribers().list().email("alice@acme.example").first_page().await?;
    /// # Ok(()) }
    /// ```
    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.filters.email = Some(email.into());
        self
    }

    /// Only subscribers provisioned with this provisioning id.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let all: Vec<_> = client.subscribers().list().provisioning_id("prov-1").stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn provisioning_id(mut self, provisioning_id: impl Into<String>) -> Self {
        self.filters.provisioning_id = Some(provisioning_id.into());
        self
    }

    /// Only subscribers of this enterprise.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let all: Vec<_> = client.subscribers().list().sp_enterprise_id("Reseller1+acme").stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn sp_enterprise_id(mut self, sp_enterprise_id: impl Into<String>) -> Self {
        self.filters.sp_enterprise_id = Some(sp_enterprise_id.into());
        self
    }

    /// Only subscribers who activated themselves (`true`) or were provisioned (`false`).
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let self_activated: Vec<_> = client.subscribers().list().self_activated(true).stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn self_activated(mut self, self_activated: bool) -> Self {
        self.filters.self_activated = Some(self_activated);
        self
    }

    /// Only subscribers in this status.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    /// use webex_broadworks::SubscriberStatus;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let failed: Vec<_> = client.subscribers().list().status(SubscriberStatus::Error).stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn status(self, status: SubscriberStatus) -> Self {
        self.statuses([status])
    }

    /// Only subscribers in one of these statuses.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    /// use webex_broadworks::SubscriberStatus;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let waiting_for_users: Vec<_> = client
    ///     .subscribers()
    ///     .list()
    ///     .statuses([SubscriberStatus::PendingEmailInput, SubscriberStatus::PendingEmailValidation])
    ///     .stream()
    ///     .try_collect()
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = SubscriberStatus>) -> Self {
        let joined: Vec<String> = statuses.into_iter().map(|s| s.to_string()).collect();
        self.filters.status = Some(joined.join(","));
        self
    }

    /// Only subscribers created after `instant`.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    /// use webex_broadworks::chrono;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let since = chrono::Utc::now() - chrono::Duration::days(1);
    /// let new: Vec<_> = client.subscribers().list().created_after(since).stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn created_after(mut self, instant: DateTime<Utc>) -> Self {
        self.filters.after = Some(instant.timestamp_millis().to_string());
        self
    }

    /// Only subscribers whose status changed after `instant`.
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    /// use webex_broadworks::chrono;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let since = chrono::Utc::now() - chrono::Duration::hours(1);
    /// let changed: Vec<_> = client.subscribers().list().status_changed_after(since).stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn status_changed_after(mut self, instant: DateTime<Utc>) -> Self {
        self.filters.last_status_change = Some(instant.timestamp_millis().to_string());
        self
    }

    /// How many subscribers a page holds (Webex allows up to 100, 50 by default).
    ///
    /// ```no_run
    /// use webex_broadworks::prelude::*;
    ///
    /// # async fn example(client: webex_broadworks::Client) -> Result<(), webex_broadworks::Error> {
    /// let mut pages = client.subscribers().list().page_size(1000).pages();
    /// while let Some(page) = pages.try_next().await? {
    ///     println!("{} subscribers", page.items().len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size.max(1));
        self
    }
}
