//! The command tree: every flag and argument of `wxbw`.
//!
//! Field flags are the API's field names in kebab-case. They are optional to clap and
//! checked by the commands, so that every problem of a command line is reported at once.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::exit::EXIT_CODES_HELP;
use crate::field_table::{
    PrecheckSubscriberFlags, ProvisionSubscriberFlags, ProvisionWorkspaceFlags,
    UpdateSubscriberFlags, UpdateWorkspaceFlags,
};
use crate::token::Token;

/// wxbw: provision BroadWorks subscribers, workspaces and enterprises on Webex, and pull
/// billing reports, through the Webex for BroadWorks provisioning API.
#[derive(Debug, Parser)]
#[command(
    name = "wxbw",
    version,
    after_help = EXIT_CODES_HELP,
    after_long_help = EXIT_CODES_HELP,
    propagate_version = true
)]
pub struct Cli {
    /// The API's base URL (https, or http on a loopback host). Default: the profile's, or
    /// https://webexapis.com/v1.
    #[arg(
        long,
        global = true,
        env = "WEBEX_BASE_URL",
        value_name = "URL",
        help_heading = GLOBAL_OPTIONS
    )]
    pub base_url: Option<String>,

    /// The partner administrator's access token. Prefer the WEBEX_TOKEN variable: a flag
    /// is visible to other users of the machine. Never printed.
    #[arg(
        long,
        global = true,
        env = "WEBEX_TOKEN",
        hide_env_values = true,
        value_name = "TOKEN",
        help_heading = GLOBAL_OPTIONS
    )]
    pub token: Option<Token>,

    /// A file holding the access token (its first line), when neither --token nor
    /// WEBEX_TOKEN gives one.
    #[arg(long, global = true, value_name = "PATH", help_heading = GLOBAL_OPTIONS)]
    pub token_file: Option<PathBuf>,

    /// A profile of the config file (WXBW_CONFIG, or config.toml in the platform's config
    /// directory): its base URL and where its token comes from.
    #[arg(
        long,
        global = true,
        env = "WXBW_PROFILE",
        value_name = "NAME",
        help_heading = GLOBAL_OPTIONS
    )]
    pub profile: Option<String>,

    /// How results are printed: tables for people, JSON (the API's own field names) for
    /// scripts.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value_t = OutputFormat::Table,
        help_heading = GLOBAL_OPTIONS
    )]
    pub output: OutputFormat,

    /// Tables show every column and every value whole, however wide (by default they fit
    /// the terminal: long ids shortened, less needed columns left out).
    #[arg(long, global = true, help_heading = GLOBAL_OPTIONS)]
    pub wide: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The heading the global flags are listed under, apart from each command's own.
pub const GLOBAL_OPTIONS: &str = "Global options";

/// The global flags each command ignores, hidden from its help (still accepted, so that a
/// flag set for every command in a script does not break one of them).
const IGNORED_GLOBALS: &[(&str, &[&str])] = &[
    ("demo", &["base_url", "token", "token_file", "profile"]),
    ("sim", &["base_url", "token_file", "profile"]),
    (
        "completions",
        &["base_url", "token", "token_file", "profile", "output"],
    ),
    (
        "man",
        &["base_url", "token", "token_file", "profile", "output"],
    ),
];

/// The command line as parsed: the derived command, with each global flag hidden from the
/// help of the commands that ignore it.
pub fn command() -> clap::Command {
    let mut command = <Cli as clap::CommandFactory>::command();
    let globals: Vec<clap::Arg> = command.get_arguments().cloned().collect();
    for (name, ignored) in IGNORED_GLOBALS {
        command = command.mut_subcommand(*name, |mut subcommand| {
            // The subcommand's own hidden copy; a global flag is not propagated where an
            // argument of its name exists.
            for global in globals
                .iter()
                .filter(|arg| ignored.contains(&arg.get_id().as_str()))
            {
                subcommand = subcommand.arg(global.clone().hide(true));
            }
            subcommand
        });
    }
    command
}

impl Cli {
    /// Parses `args` (the program's name first) with [`command`].
    pub fn parse_from_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let matches = command().try_get_matches_from(args)?;
        <Cli as clap::FromArgMatches>::from_arg_matches(&matches)
    }
}

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Aligned tables.
    Table,
    /// JSON, one document, stable for scripts; a list is `{"items": [...]}`, written as it
    /// is read.
    Json,
    /// JSON lines: one object per line (each item of a list, as it is read), for `jq -c`
    /// and log pipelines; memory stays flat however long the list.
    Ndjson,
}

impl OutputFormat {
    /// Whether the output (and an error) is JSON.
    pub fn is_json(self) -> bool {
        matches!(self, OutputFormat::Json | OutputFormat::Ndjson)
    }
}

/// The resources, the bulk runs, the demo and the simulator.
#[derive(Debug, Subcommand)]
// One value a process: the size of the API's variant costs nothing.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// The API's commands.
    #[command(flatten)]
    Api(ApiCommand),
    /// Start a simulator in-process and walk through the whole product with it.
    Demo(DemoArgs),
    /// Run the simulator of the Webex for BroadWorks API on 127.0.0.1 until Ctrl-C.
    Sim(SimArgs),
    /// Print a completion script for a shell, e.g. `wxbw completions bash > /etc/bash_completion.d/wxbw`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff), e.g. `wxbw man > /usr/local/share/man/man1/wxbw.1`.
    Man,
    /// Show the settings in effect (config file, profile, base URL, where the token comes
    /// from, masked) and where each came from.
    Config,
}

/// `wxbw completions`.
#[derive(Clone, Copy, Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// The commands that call the API.
#[derive(Debug, Subcommand)]
pub enum ApiCommand {
    /// BroadWorks subscribers mapped to Webex users.
    #[command(subcommand)]
    Subscribers(SubscriberCommand),
    /// BroadWorks workspaces mapped to Webex workspaces.
    #[command(subcommand)]
    Workspaces(WorkspaceCommand),
    /// BroadWorks enterprises and their directory synchronisation.
    #[command(subcommand)]
    Enterprises(EnterpriseCommand),
    /// Billing reports.
    #[command(subcommand)]
    Billing(BillingCommand),
    /// Provision or update many subscribers or workspaces from a CSV or JSON-lines file,
    /// resumably.
    #[command(subcommand)]
    Bulk(BulkCommand),
}

/// `wxbw subscribers ...`
#[derive(Debug, Subcommand)]
pub enum SubscriberCommand {
    /// List subscribers, following every page.
    List(ListSubscribersArgs),
    /// Show one subscriber.
    Get(SubscriberIdArg),
    /// Provision a subscriber (asynchronous: add --wait to follow it to the end).
    Provision(ProvisionSubscriberArgs),
    /// Update a provisioned subscriber (asynchronous: add --wait to follow it).
    Update(UpdateSubscriberArgs),
    /// Remove the mapping between a subscriber and its Webex user.
    Remove(SubscriberIdArg),
    /// Check whether a subscriber could be provisioned, without provisioning it.
    Precheck(PrecheckSubscriberArgs),
    /// Send the consent e-mail again to a subscriber paused in pending_user_migration.
    SendConsentEmail(SubscriberIdArg),
}

/// A subscriber's ID.
#[derive(Debug, Args)]
pub struct SubscriberIdArg {
    /// The subscriber's ID.
    pub subscriber_id: String,
}

/// Filters of `subscribers list`.
#[derive(Debug, Args)]
pub struct ListSubscribersArgs {
    /// Only this BroadWorks user ID.
    #[arg(long)]
    pub user_id: Option<String>,
    /// Only this Webex person ID.
    #[arg(long)]
    pub person_id: Option<String>,
    /// Only this e-mail address.
    #[arg(long)]
    pub email: Option<String>,
    /// Only this provisioning ID.
    #[arg(long)]
    pub provisioning_id: Option<String>,
    /// Only this enterprise.
    #[arg(long)]
    pub sp_enterprise_id: Option<String>,
    /// Only subscribers whose status changed after this instant (ISO-8601 or epoch ms).
    #[arg(long, value_name = "INSTANT")]
    pub last_status_change: Option<String>,
    /// Only these statuses, comma-separated (e.g. error,provisioning).
    #[arg(long, value_name = "STATUS,...")]
    pub status: Option<String>,
    /// Only subscribers created after this instant (ISO-8601 or epoch ms).
    #[arg(long, value_name = "INSTANT")]
    pub after: Option<String>,
    /// Only self-activated (true) or API-provisioned (false) subscribers.
    #[arg(long, value_name = "BOOL")]
    pub self_activated: Option<bool>,
    /// Page size asked of the API (1-100).
    #[arg(long, value_name = "N")]
    pub max: Option<u32>,
    /// Stop after this many subscribers.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// Fields of `subscribers provision`.
#[derive(Debug, Args)]
pub struct ProvisionSubscriberArgs {
    #[command(flatten)]
    pub fields: ProvisionSubscriberFlags,
    #[command(flatten)]
    pub wait: WaitArgs,
}

/// Fields of `subscribers update`; those left out stay as they are.
#[derive(Debug, Args)]
pub struct UpdateSubscriberArgs {
    /// The subscriber's ID.
    pub subscriber_id: String,
    #[command(flatten)]
    pub fields: UpdateSubscriberFlags,
    #[command(flatten)]
    pub wait: WaitArgs,
}

/// Fields of `subscribers precheck`.
#[derive(Debug, Args)]
pub struct PrecheckSubscriberArgs {
    #[command(flatten)]
    pub fields: PrecheckSubscriberFlags,
}

/// `--wait` and its limit.
#[derive(Clone, Copy, Debug, Args)]
pub struct WaitArgs {
    /// Follow the operation to its outcome, with a live status; Ctrl-C stops waiting only.
    #[arg(long)]
    pub wait: bool,
    /// How long --wait waits at most (e.g. 90s, 5m).
    #[arg(long, value_name = "DURATION", default_value = "10m", value_parser = parse_duration)]
    pub wait_timeout: Duration,
}

/// `wxbw workspaces ...`
#[derive(Debug, Subcommand)]
pub enum WorkspaceCommand {
    /// Provision a workspace for an existing customer.
    Provision(ProvisionWorkspaceArgs),
    /// Update a workspace.
    Update(UpdateWorkspaceArgs),
    /// Remove the mapping between a workspace and its Webex device.
    Remove(WorkspaceIdArg),
}

/// Fields of `workspaces provision`.
#[derive(Debug, Args)]
pub struct ProvisionWorkspaceArgs {
    #[command(flatten)]
    pub fields: ProvisionWorkspaceFlags,
}

/// Fields of `workspaces update`.
#[derive(Debug, Args)]
pub struct UpdateWorkspaceArgs {
    /// The workspace's ID (1 to 256 characters).
    pub workspace_id: String,
    #[command(flatten)]
    pub fields: UpdateWorkspaceFlags,
}

/// A workspace's ID.
#[derive(Debug, Args)]
pub struct WorkspaceIdArg {
    /// The workspace's ID (1 to 256 characters).
    pub workspace_id: String,
}

/// `wxbw enterprises ...`
#[derive(Debug, Subcommand)]
pub enum EnterpriseCommand {
    /// List enterprises, following every page.
    List(ListEnterprisesArgs),
    /// An enterprise's directory synchronisation.
    #[command(subcommand)]
    DirectorySync(DirectorySyncCommand),
}

/// Filters of `enterprises list`.
#[derive(Debug, Args)]
pub struct ListEnterprisesArgs {
    /// Only this enterprise.
    #[arg(long)]
    pub sp_enterprise_id: Option<String>,
    /// Only enterprises whose ID starts with this.
    #[arg(long)]
    pub starts_with: Option<String>,
    /// Page size asked of the API (1-1000).
    #[arg(long, value_name = "N")]
    pub max: Option<u32>,
    /// Stop after this many enterprises.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
}

/// `wxbw enterprises directory-sync ...`
#[derive(Debug, Subcommand)]
pub enum DirectorySyncCommand {
    /// Show the directory synchronisation status.
    Get(EnterpriseIdArg),
    /// Enable or disable directory synchronisation.
    Update(UpdateDirectorySyncArgs),
    /// Synchronise the directory now.
    Trigger(TriggerDirectorySyncArgs),
    /// Synchronise one directory user now.
    SyncUser(SyncUserArgs),
}

/// An enterprise's ID.
#[derive(Debug, Args)]
pub struct EnterpriseIdArg {
    /// The enterprise's ID.
    pub enterprise_id: String,
}

/// `enterprises directory-sync update`.
#[derive(Debug, Args)]
pub struct UpdateDirectorySyncArgs {
    /// The enterprise's ID.
    pub enterprise_id: String,
    /// true to enable directory synchronisation, false to disable it [required].
    #[arg(long, value_name = "BOOL")]
    pub enable_dir_sync: Option<bool>,
}

/// `enterprises directory-sync trigger`.
#[derive(Debug, Args)]
pub struct TriggerDirectorySyncArgs {
    /// The enterprise's ID.
    pub enterprise_id: String,
    #[command(flatten)]
    pub wait: WaitArgs,
}

/// `enterprises directory-sync sync-user`.
#[derive(Debug, Args)]
pub struct SyncUserArgs {
    /// The enterprise's ID.
    pub enterprise_id: String,
    /// The directory user's BroadWorks user ID [required].
    #[arg(long)]
    pub user_id: Option<String>,
}

/// `wxbw billing ...`
#[derive(Debug, Subcommand)]
pub enum BillingCommand {
    /// List billing reports.
    List(ListBillingReportsArgs),
    /// Ask for the billing report of a month (asynchronous: add --wait).
    Create(CreateBillingReportArgs),
    /// Show a billing report, with its download URL once completed.
    Get(ReportIdArg),
    /// Delete a billing report.
    Delete(ReportIdArg),
}

/// Filters of `billing list`.
#[derive(Debug, Args)]
pub struct ListBillingReportsArgs {
    /// Only reports for months before this one (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub before: Option<String>,
    /// Only reports for months after this one (YYYY-MM).
    #[arg(long, value_name = "YYYY-MM")]
    pub after: Option<String>,
    /// Sort by id, status or billingPeriod.
    #[arg(long, value_name = "FIELD")]
    pub sort_by: Option<String>,
}

/// `billing create`.
#[derive(Debug, Args)]
pub struct CreateBillingReportArgs {
    /// The month to report on, YYYY-MM [required].
    #[arg(long, value_name = "YYYY-MM")]
    pub billing_period: Option<String>,
    #[command(flatten)]
    pub wait: WaitArgs,
}

/// A billing report's ID.
#[derive(Debug, Args)]
pub struct ReportIdArg {
    /// The report's ID.
    pub report_id: String,
}

/// `wxbw bulk ...`
#[derive(Debug, Subcommand)]
pub enum BulkCommand {
    /// Provision every subscriber of a file and wait for each outcome.
    ///
    /// Columns: provisioningId, userId, spEnterpriseId, firstName, lastName, package
    /// (required); email, primaryPhoneNumber, mobilePhoneNumber, extension, language,
    /// timezone. Kebab-case and snake_case headers are accepted too.
    ProvisionSubscribers(BulkArgs),
    /// Update every subscriber of a file and wait for each outcome.
    ///
    /// Columns: subscriberId, or userId to find the subscriber by; then any of firstName,
    /// lastName, primaryPhoneNumber, mobilePhoneNumber, extension, timezone, package, and
    /// newUserId to change the BroadWorks user ID.
    UpdateSubscribers(BulkArgs),
    /// Provision every workspace of a file.
    ///
    /// Columns: provisioningId, userId, spEnterpriseId, displayName (required);
    /// primaryPhoneNumber, extension.
    ProvisionWorkspaces(BulkArgs),
}

/// What every bulk run takes.
#[derive(Clone, Debug, Args)]
pub struct BulkArgs {
    /// The input: CSV with a header row, or JSON lines (.jsonl/.ndjson, one object a line).
    pub file: PathBuf,
    /// Continue the run recorded in the journal, after an interruption or a crash.
    #[arg(long, conflicts_with_all = ["retry_failed", "export_failed"])]
    pub resume: bool,
    /// Continue the run in the journal and send its failed rows again, after fixing them
    /// in the file (or the template, or the licences). Each is looked up first, so a row
    /// that succeeded meanwhile is not sent twice. Only failed rows may differ from the run.
    #[arg(long, conflicts_with = "export_failed")]
    pub retry_failed: bool,
    /// Write the rows of the run in the journal that ended failed to a new file at PATH, in
    /// the input's format, and send nothing.
    #[arg(long, value_name = "PATH")]
    pub export_failed: Option<PathBuf>,
    /// Only check the file: report every problem (or how many rows it has) and send
    /// nothing; no token is needed.
    #[arg(long, conflicts_with_all = ["resume", "retry_failed", "export_failed"])]
    pub check: bool,
    /// Requests in flight at once.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub concurrency: u16,
    /// Never send more than this many requests per second (default: as fast as the API
    /// allows: a 429 pauses every worker, then the run keeps to the rate it learned).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_rate: Option<u32>,
    /// The journal (SQLite). Default: the input's path with `.journal.sqlite` added.
    #[arg(long, value_name = "PATH")]
    pub journal: Option<PathBuf>,
    /// The results file: CSV, or JSON lines if it ends in .jsonl. Default: the input's path
    /// with `.results.csv` added.
    #[arg(long, value_name = "PATH")]
    pub results: Option<PathBuf>,
    /// Send only; do not wait for the subscribers' final statuses.
    #[arg(long)]
    pub no_wait: bool,
    /// Run even while another live run is provisioning the same file under another
    /// journal (its rows would be sent twice).
    #[arg(long)]
    pub force: bool,
    /// How long to wait for final statuses once everything is sent.
    #[arg(long, value_name = "DURATION", default_value = "30m", value_parser = parse_duration)]
    pub wait_timeout: Duration,
    /// How often the list endpoint is asked for status changes.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub poll_interval: Duration,
}

/// `wxbw demo`.
#[derive(Clone, Copy, Debug, Args)]
pub struct DemoArgs {
    /// How many subscribers the bulk step provisions (rows 7 and 13 are the paused and the
    /// failed one, so at least 13).
    #[arg(long, default_value_t = 50, value_parser = clap::value_parser!(u32).range(13..=5000))]
    pub subscribers: u32,
}

/// `wxbw sim`. The global --token, if given, is the token it accepts.
#[derive(Debug, Args)]
pub struct SimArgs {
    /// The port to listen on; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    pub port: u16,
    /// Seed data: a JSON or YAML fixture. Default: the demo's enterprise and provisioning ID.
    #[arg(long, value_name = "PATH")]
    pub fixture: Option<PathBuf>,
    /// How long a new subscriber stays provisioning.
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_duration)]
    pub provisioning_delay: Duration,
    /// How long an update keeps a subscriber updating.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_duration)]
    pub update_delay: Duration,
    /// Requests per second allowed to each token; no limit when absent.
    #[arg(long, value_name = "N")]
    pub rate_limit: Option<u32>,
}

/// Reads `500ms`, `90s`, `5m`, `1h`, or a plain number of seconds.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 500ms, 90s, 5m, 1h)"))?;
    let seconds = match unit.trim() {
        "ms" => value / 1000.0,
        "" | "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        other => {
            return Err(format!(
                "`{other}` is not a unit of time; use ms, s, m or h"
            ));
        }
    };
    Duration::try_from_secs_f64(seconds).map_err(|_| format!("`{text}` is out of range"))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    #[test]
    fn the_command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn durations_read_every_unit() {
        assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("2"), Ok(Duration::from_secs(2)));
        assert!(parse_duration("5 parsecs").is_err());
        assert!(parse_duration("soon").is_err());
    }

    #[test]
    fn debug_of_the_parsed_command_line_hides_the_token() {
        let cli = Cli::try_parse_from(["wxbw", "--token", "abc-secret", "subscribers", "get", "x"])
            .unwrap();
        assert!(!format!("{cli:?}").contains("abc-secret"));
    }
}
