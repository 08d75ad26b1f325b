//! The ways of making one call that are compared: a minimal hand-written reqwest + serde
//! call, the generated client, and the ergonomic client.

use anyhow::{Context, bail};
use webex_broadworks_api::types;

use super::{Approach, Call};
use crate::http::{generated_client, plain_http_client};

/// The update every call sends, built afresh for each call as a caller would: the same body
/// each time, so that every update does the same work on the server. Its fields are ones
/// the ergonomic client validates (phone number, extension, time zone).
pub fn update_body() -> types::UpdateSubscriberRequest {
    types::UpdateSubscriberRequest {
        first_name: Some(UPDATE.first_name.into()),
        primary_phone_number: Some(UPDATE.primary_phone_number.into()),
        extension: Some(UPDATE.extension.into()),
        timezone: Some(UPDATE.timezone.into()),
        ..Default::default()
    }
}

/// The same update, as the ergonomic client's request builder.
fn ergonomic_update() -> webex_broadworks::UpdateSubscriber {
    webex_broadworks::UpdateSubscriber::new()
        .first_name(UPDATE.first_name)
        .primary_phone_number(UPDATE.primary_phone_number)
        .extension(UPDATE.extension)
        .timezone(UPDATE.timezone)
}

/// Validates the ergonomic update as a call would before sending it.
pub fn validate_update() -> anyhow::Result<types::UpdateSubscriberRequest> {
    Ok(ergonomic_update().validate()?)
}

struct Update {
    first_name: &'static str,
    primary_phone_number: &'static str,
    extension: &'static str,
    timezone: &'static str,
}

const UPDATE: Update = Update {
    first_name: "Bench",
    primary_phone_number: "+1-240-555-0100",
    extension: "100",
    timezone: "America/Los_Angeles",
};

/// A hand-written call: format the URL, add the bearer token, send, check the status,
/// decode the body with serde into the spec's `Subscriber`.
#[derive(Debug)]
pub struct HandWritten {
    http: reqwest::Client,
    base_url: String,
    token: String,
}

impl HandWritten {
    pub fn new(base_url: &str, token: &str) -> anyhow::Result<Self> {
        Ok(HandWritten {
            http: plain_http_client()?,
            base_url: base_url.to_string(),
            token: token.to_string(),
        })
    }

    pub async fn get_subscriber(&self, id: &str) -> anyhow::Result<types::Subscriber> {
        let response = self
            .http
            .get(format!("{}/broadworks/subscribers/{id}", self.base_url))
            .bearer_auth(&self.token)
            .send()
            .await?;
        decode(response).await
    }

    pub async fn update_subscriber(
        &self,
        id: &str,
        body: &types::UpdateSubscriberRequest,
    ) -> anyhow::Result<types::Subscriber> {
        let response = self
            .http
            .put(format!("{}/broadworks/subscribers/{id}", self.base_url))
            .bearer_auth(&self.token)
            .json(body)
            .send()
            .await?;
        decode(response).await
    }
}

async fn decode(response: reqwest::Response) -> anyhow::Result<types::Subscriber> {
    let status = response.status();
    if !status.is_success() {
        bail!(
            "HTTP {status}: {}",
            response.text().await.unwrap_or_default()
        );
    }
    Ok(response.json().await?)
}

/// The ergonomic client with its defaults: validation, the default retry policy, a
/// `TrackingID` and a tracing span per request.
pub fn ergonomic(base_url: &str, token: &str) -> anyhow::Result<webex_broadworks::Client> {
    Ok(webex_broadworks::Client::builder()
        .with_token(token)
        .with_base_url(base_url)
        .build()?)
}

/// Every client under comparison, each with its own connection pool.
#[derive(Debug)]
pub struct Clients {
    pub hand_written: HandWritten,
    pub generated: webex_broadworks_api::Client,
    pub ergonomic: webex_broadworks::Client,
    pub ergonomic_untraced: webex_broadworks::Client,
}

impl Clients {
    pub fn new(base_url: &str, token: &str) -> anyhow::Result<Self> {
        Ok(Clients {
            hand_written: HandWritten::new(base_url, token)?,
            generated: generated_client(base_url, token)?,
            ergonomic: ergonomic(base_url, token)?,
            ergonomic_untraced: ergonomic(base_url, token)?,
        })
    }

    /// Makes `call` on subscriber `id` through `approach`, decoding the answer.
    pub async fn call(&self, approach: Approach, call: Call, id: &str) -> anyhow::Result<()> {
        let subscriber = match (approach, call) {
            (Approach::HandWritten, Call::GetSubscriber) => {
                self.hand_written.get_subscriber(id).await?
            }
            (Approach::HandWritten, Call::UpdateSubscriber) => {
                self.hand_written
                    .update_subscriber(id, &update_body())
                    .await?
            }
            (Approach::Generated, Call::GetSubscriber) => self
                .generated
                .get_subscriber()
                .subscriber_id(id)
                .send()
                .await?
                .into_inner(),
            (Approach::Generated, Call::UpdateSubscriber) => self
                .generated
                .update_subscriber()
                .subscriber_id(id)
                .body(update_body())
                .send()
                .await?
                .into_inner(),
            (Approach::Ergonomic | Approach::ErgonomicUntraced, call) => {
                let client = if approach == Approach::Ergonomic {
                    &self.ergonomic
                } else {
                    &self.ergonomic_untraced
                };
                match call {
                    Call::GetSubscriber => client.subscribers().get(id).await?,
                    Call::UpdateSubscriber => {
                        client.subscribers().update(id, ergonomic_update()).await?
                    }
                }
            }
        };
        subscriber
            .id
            .filter(|answered| answered == id)
            .map(drop)
            .context("the answer is about another subscriber")
    }
}
