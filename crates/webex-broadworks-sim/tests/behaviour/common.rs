//! Helpers shared by the behaviour tests: a plain HTTP client on loopback and request bodies.

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use webex_broadworks_sim::{Simulator, SimulatorBuilder};

/// A reqwest client without timers (no timeouts, no idle-pool timer), so that paused tokio
/// time never jumps while a test waits on a socket.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("a plain HTTP client builds")
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The `errors[0]` of a WebexError body.
    pub fn first_error(&self) -> &Value {
        &self.body["errors"][0]
    }

    /// The URL of the `Link: <...>; rel="next"` header.
    pub fn next_link(&self) -> Option<String> {
        let link = self.header("link")?;
        let (url, rel) = link.split_once(';')?;
        assert_eq!(rel.trim(), "rel=\"next\"");
        Some(
            url.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_string(),
        )
    }
}

/// A caller of one simulator with one token.
#[derive(Debug, Clone)]
pub struct Api {
    pub client: reqwest::Client,
    pub base: String,
    pub admin: String,
    pub token: Option<String>,
}

impl Api {
    pub fn new(sim: &Simulator) -> Api {
        Api {
            client: http_client(),
            base: sim.base_url(),
            admin: sim.admin_url(),
            token: Some(webex_broadworks_sim::DEFAULT_TOKEN.to_string()),
        }
    }

    pub fn with_token(&self, token: Option<&str>) -> Api {
        Api {
            token: token.map(str::to_string),
            ..self.clone()
        }
    }

    /// Sends `method` to `path` (below the base URL, or a full URL) with an optional body.
    pub async fn try_call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> reqwest::Result<Reply> {
        let url = if path.starts_with("http") {
            path.to_string()
        } else {
            format!("{}{path}", self.base)
        };
        let mut request = self.client.request(method, url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let bytes = response.bytes().await?;
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into_owned()))
        };
        Ok(Reply {
            status,
            headers,
            body,
        })
    }

    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Reply {
        self.try_call(method.clone(), path, body)
            .await
            .unwrap_or_else(|error| panic!("{method} {path} failed: {error}"))
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.call(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.call(Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.call(Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.call(Method::DELETE, path, None).await
    }

    pub async fn provision(&self, user_id: &str) -> Reply {
        self.post("/broadworks/subscribers", subscriber_body(user_id))
            .await
    }
}

/// A complete Provision a Subscriber body for `user_id` in enterprise `Reseller1+acme`.
pub fn subscriber_body(user_id: &str) -> Value {
    json!({
        "provisioningId": "prov-1",
        "userId": user_id,
        "spEnterpriseId": "Reseller1+acme",
        "firstName": "Ann",
        "lastName": "Lee",
        "package": "standard",
        "primaryPhoneNumber": "+1-240-555-1212",
        "mobilePhoneNumber": "+1-818-279-1234",
        "email": format!("{}@example.com", user_id.replace('@', ".")),
    })
}

/// A simulator with the defaults the tests rely on: 2 s provisioning, 1 s updates.
pub fn builder() -> SimulatorBuilder {
    Simulator::builder()
        .provisioning_delay(Duration::from_secs(2))
        .update_delay(Duration::from_secs(1))
}

/// Starts a default simulator.
pub async fn start() -> (Simulator, Api) {
    start_with(builder()).await
}

pub async fn start_with(builder: SimulatorBuilder) -> (Simulator, Api) {
    let sim = builder.start().await.expect("the simulator starts");
    let api = Api::new(&sim);
    (sim, api)
}

/// Moves paused tokio time forward.
pub async fn advance(duration: Duration) {
    tokio::time::advance(duration).await;
}

pub fn secs(secs: u64) -> Duration {
    Duration::from_secs(secs)
}

pub fn millis(millis: u64) -> Duration {
    Duration::from_millis(millis)
}
