//! Where the base URL and the token come from: the flags and their environment variables,
//! `--token-file`, and named profiles in a config file, one per Service Provider or
//! environment.
//!
//! The config file is `WXBW_CONFIG`, or `config.toml` in the platform's config directory
//! (`~/.config/wxbw/` on Linux):
//!
//! ```toml
//! # The profile used when neither --profile nor WXBW_PROFILE names one.
//! default = "acme"
//!
//! [profiles.acme]
//! base_url = "https://webexapis.com/v1"
//! token_env = "ACME_WEBEX_TOKEN"        # or token_file = "...", or token_command = "..."
//!
//! [profiles.lab]
//! base_url = "http://127.0.0.1:8080/v1"
//! token_command = "pass show webex/lab"
//! ```
//!
//! A flag or its variable wins over `--token-file`, which wins over the profile; the token
//! is read only when a command needs it, and never printed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::exit::CliError;
use crate::token::Token;

/// The config file: every profile, and which one applies by default.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The profile used when neither `--profile` nor `WXBW_PROFILE` names one.
    pub default: Option<String>,
    /// The profiles by name.
    #[serde(default)]
    pub profiles: BTreeMap<String, Profile>,
}

/// One Service Provider or environment.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Profile {
    /// The API's base URL.
    pub base_url: Option<String>,
    /// The environment variable that holds the token.
    pub token_env: Option<String>,
    /// A file that holds the token (its first line).
    pub token_file: Option<PathBuf>,
    /// A command that prints the token (run by the shell; its first line is the token).
    pub token_command: Option<String>,
}

/// Where a setting's value came from, for `wxbw config`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `--flag` or its environment variable.
    Flag(&'static str),
    /// The profile of this name.
    Profile(String),
    /// Nothing set it.
    Default,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Flag(flag) => f.write_str(flag),
            Origin::Profile(name) => write!(f, "profile {name}"),
            Origin::Default => f.write_str("default"),
        }
    }
}

/// How the token is found when a command needs it.
#[derive(Clone, Debug)]
pub enum TokenSource {
    /// `--token` or `WEBEX_TOKEN`.
    Given(Token),
    /// `--token-file`, or a profile's `token_file`.
    File { path: PathBuf, origin: Origin },
    /// A profile's `token_env`.
    Env { variable: String, profile: String },
    /// A profile's `token_command`.
    Command { command: String, profile: String },
    /// None was given.
    Missing,
}

impl TokenSource {
    /// Where the token comes from, in words.
    pub fn describe(&self) -> String {
        match self {
            TokenSource::Given(_) => "--token or WEBEX_TOKEN".to_string(),
            TokenSource::File { path, origin } => format!("the file {} ({origin})", path.display()),
            TokenSource::Env { variable, profile } => {
                format!("the variable {variable} (profile {profile})")
            }
            TokenSource::Command { command, profile } => {
                format!("the command `{command}` (profile {profile})")
            }
            TokenSource::Missing => "nowhere".to_string(),
        }
    }

    /// The token; a usage error (exit 2) when there is none or it is empty, before any
    /// request.
    pub fn token(&self) -> Result<Token, CliError> {
        let token = match self {
            TokenSource::Given(token) => token.clone(),
            TokenSource::File { path, .. } => {
                let text = std::fs::read_to_string(path).map_err(|error| {
                    CliError::Usage(format!(
                        "cannot read the token file {}: {error}",
                        path.display()
                    ))
                })?;
                Token::new(text.lines().next().unwrap_or_default().trim())
            }
            TokenSource::Env { variable, profile } => {
                let value = std::env::var(variable).map_err(|_| {
                    CliError::Usage(format!(
                        "profile {profile} takes its token from {variable}, which is not set"
                    ))
                })?;
                Token::new(value.trim())
            }
            TokenSource::Command { command, profile } => run_token_command(command, profile)?,
            TokenSource::Missing => {
                return Err(CliError::Usage(
                    "no access token: set WEBEX_TOKEN (or pass --token or --token-file, or use a \
                     profile) to a partner administrator's token"
                        .into(),
                ));
            }
        };
        if token.expose().trim().is_empty() {
            return Err(CliError::Usage(format!(
                "the access token from {} is empty: give a partner administrator's token",
                self.describe()
            )));
        }
        Ok(token)
    }
}

/// Runs a profile's `token_command` through the shell; its output is never shown.
fn run_token_command(command: &str, profile: &str) -> Result<Token, CliError> {
    let (shell, flag) = if cfg!(windows) {
        ("cmd", "/C")
    } else {
        ("sh", "-c")
    };
    let output = std::process::Command::new(shell)
        .args([flag, command])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|error| {
            CliError::Usage(format!(
                "profile {profile}: cannot run `{command}`: {error}"
            ))
        })?;
    if !output.status.success() {
        return Err(CliError::Usage(format!(
            "profile {profile}: `{command}` failed ({}); it must print the token",
            output.status
        )));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(Token::new(text.lines().next().unwrap_or_default().trim()))
}

/// The settings of one run, resolved from the flags, the environment and the config file.
#[derive(Clone, Debug)]
pub struct Settings {
    pub base_url: String,
    pub base_url_origin: Origin,
    pub token: TokenSource,
    /// The profile in use, and what chose it.
    pub profile: Option<(String, Origin)>,
    /// The config file, whether or not it exists.
    pub config_path: Option<PathBuf>,
}

/// What the command line gave.
#[derive(Clone, Debug, Default)]
pub struct Given {
    pub base_url: Option<String>,
    pub token: Option<Token>,
    pub token_file: Option<PathBuf>,
    pub profile: Option<String>,
}

/// The config file's path: `WXBW_CONFIG`, or `config.toml` in the platform's config
/// directory for wxbw.
pub fn config_path() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("WXBW_CONFIG").filter(|path| !path.is_empty()) {
        return Some(PathBuf::from(path));
    }
    directories::ProjectDirs::from("", "", "wxbw").map(|dirs| dirs.config_dir().join("config.toml"))
}

/// Reads the config file at `path`; an absent file is an empty config.
pub fn read_config(path: &Path) -> Result<ConfigFile, CliError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Ok(ConfigFile::default());
        }
        Err(error) => {
            return Err(CliError::Usage(format!(
                "cannot read the config file {}: {error}",
                path.display()
            )));
        }
    };
    toml::from_str(&text).map_err(|error| {
        CliError::Usage(format!(
            "the config file {} is not valid: {error}",
            path.display()
        ))
    })
}

/// Resolves the settings; `default_base_url` applies when nothing sets one.
pub fn resolve(given: Given, default_base_url: &str) -> Result<Settings, CliError> {
    let config_path = config_path();
    let config = match &config_path {
        Some(path) => read_config(path)?,
        None => ConfigFile::default(),
    };
    let chosen = match (&given.profile, &config.default) {
        (Some(name), _) => Some((name.clone(), Origin::Flag("--profile or WXBW_PROFILE"))),
        (None, Some(name)) => Some((name.clone(), Origin::Default)),
        (None, None) => None,
    };
    let profile = match &chosen {
        Some((name, _)) => Some(config.profiles.get(name).cloned().ok_or_else(|| {
            let known: Vec<&str> = config.profiles.keys().map(String::as_str).collect();
            CliError::Usage(format!(
                "no profile {name} in {}; its profiles: {}",
                config_path.as_ref().map_or_else(
                    || "the config file".to_string(),
                    |p| p.display().to_string()
                ),
                if known.is_empty() {
                    "none".to_string()
                } else {
                    known.join(", ")
                }
            ))
        })?),
        None => None,
    };
    let profile_name = chosen
        .as_ref()
        .map(|(name, _)| name.clone())
        .unwrap_or_default();
    let (base_url, base_url_origin) = match (
        given.base_url,
        profile.as_ref().and_then(|p| p.base_url.clone()),
    ) {
        (Some(url), _) => (url, Origin::Flag("--base-url or WEBEX_BASE_URL")),
        (None, Some(url)) => (url, Origin::Profile(profile_name.clone())),
        (None, None) => (default_base_url.to_string(), Origin::Default),
    };
    let token = if let Some(token) = given.token {
        TokenSource::Given(token)
    } else if let Some(path) = given.token_file {
        TokenSource::File {
            path,
            origin: Origin::Flag("--token-file"),
        }
    } else if let Some(profile) = &profile {
        match (
            &profile.token_env,
            &profile.token_file,
            &profile.token_command,
        ) {
            (Some(variable), None, None) => TokenSource::Env {
                variable: variable.clone(),
                profile: profile_name.clone(),
            },
            (None, Some(path), None) => TokenSource::File {
                path: path.clone(),
                origin: Origin::Profile(profile_name.clone()),
            },
            (None, None, Some(command)) => TokenSource::Command {
                command: command.clone(),
                profile: profile_name.clone(),
            },
            (None, None, None) => TokenSource::Missing,
            _ => {
                return Err(CliError::Usage(format!(
                    "profile {profile_name} names more than one of token_env, token_file and \
                     token_command; keep one"
                )));
            }
        }
    } else {
        TokenSource::Missing
    };
    Ok(Settings {
        base_url,
        base_url_origin,
        token,
        profile: chosen,
        config_path,
    })
}

/// `value` masked for showing: its last four characters when it is long enough for that
/// to say nothing useful about the rest.
pub fn masked(value: &str) -> String {
    let count = value.chars().count();
    if count >= 20 {
        let tail: String = value.chars().skip(count - 4).collect();
        format!("****{tail} ({count} characters)")
    } else {
        format!("**** ({count} characters)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_token_shows_only_its_last_four_characters() {
        assert_eq!(
            masked("abcdefghijklmnopqrstuvwxyz"),
            "****wxyz (26 characters)"
        );
        assert_eq!(masked("short-secret"), "**** (12 characters)");
        assert!(!masked("abcdefghijklmnopqrstuvwxyz").contains("abcd"));
    }

    #[test]
    fn the_config_file_rejects_unknown_keys() {
        let error = toml::from_str::<ConfigFile>("[profiles.a]\ntoken = \"x\"\n").unwrap_err();
        assert!(error.to_string().contains("unknown field"), "{error}");
        let config: ConfigFile = toml::from_str(
            "default = \"a\"\n[profiles.a]\nbase_url = \"https://x/v1\"\ntoken_env = \"T\"\n",
        )
        .unwrap();
        assert_eq!(config.default.as_deref(), Some("a"));
        assert_eq!(config.profiles["a"].token_env.as_deref(), Some("T"));
    }
}
