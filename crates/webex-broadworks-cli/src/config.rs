//! `wxbw config`: the settings in effect and where each came from, the token masked.

use serde::Serialize;

use crate::cli::OutputFormat;
use crate::exit::CliError;
use crate::output::{self, Render};
use crate::settings::{self, Given, TokenSource};

/// The effective settings, as shown.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Shown {
    config_file: Option<String>,
    config_file_exists: bool,
    profile: Option<String>,
    profile_from: Option<String>,
    base_url: String,
    base_url_from: String,
    token_from: String,
    /// The token masked, or why it cannot be read.
    token: String,
}

impl Render for Shown {
    fn table(&self) -> comfy_table::Table {
        output::record(&[
            (
                "config file",
                self.config_file.as_ref().map(|path| {
                    let found = if self.config_file_exists {
                        ""
                    } else {
                        " (absent)"
                    };
                    format!("{path}{found}")
                }),
            ),
            (
                "profile",
                self.profile.as_ref().map(|name| {
                    format!(
                        "{name} ({})",
                        self.profile_from.as_deref().unwrap_or_default()
                    )
                }),
            ),
            (
                "base URL",
                Some(format!("{} ({})", self.base_url, self.base_url_from)),
            ),
            (
                "token",
                Some(format!("{} (from {})", self.token, self.token_from)),
            ),
        ])
    }
}

/// Prints the settings `given` resolves to.
pub fn show(given: Given, format: OutputFormat) -> Result<(), CliError> {
    let settings = settings::resolve(given, crate::connect::DEFAULT_BASE_URL)?;
    let token = match &settings.token {
        TokenSource::Missing => "none".to_string(),
        source => match source.token() {
            Ok(token) => settings::masked(token.expose()),
            Err(error) => format!("unusable: {error}"),
        },
    };
    let shown = Shown {
        config_file_exists: settings
            .config_path
            .as_ref()
            .is_some_and(|path| path.exists()),
        config_file: settings.config_path.map(|path| path.display().to_string()),
        profile: settings.profile.as_ref().map(|(name, _)| name.clone()),
        profile_from: settings.profile.as_ref().map(|(_, from)| from.to_string()),
        base_url: settings.base_url,
        base_url_from: settings.base_url_origin.to_string(),
        token_from: settings.token.describe(),
        token,
    };
    output::print(format, &shown)
}
