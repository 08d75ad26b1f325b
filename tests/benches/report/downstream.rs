//! Measurement 6: what depending on `webex-broadworks` costs a downstream crate: the cold
//! build time and the number of crates of a minimal binary, per choice of features.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

/// One way a downstream crate can depend on the client.
#[derive(Debug, Clone, Copy)]
pub struct Choice {
    /// How the report names it.
    pub name: &'static str,
    /// What follows `path = "..."` in the downstream crate's dependency line.
    pub dependency: &'static str,
    /// An `idna_adapter` version the downstream crate's lock file pins, if any (see
    /// `IDNA_NOTE`).
    pub idna_adapter: Option<&'static str>,
    /// Whether the goals judge this choice.
    pub judged: bool,
}

/// The choices measured: the defaults (judged), the lightest TLS stack (judged), and both
/// with the application-level `idna_adapter` pin (for information).
pub const CHOICES: [Choice; 4] = [
    Choice {
        name: "defaults (rustls with aws-lc-rs, webpki-roots)",
        dependency: "",
        idna_adapter: None,
        judged: true,
    },
    Choice {
        name: "lightest TLS (rustls with ring, webpki-roots)",
        dependency: r#", default-features = false, features = ["rustls-ring", "webpki-roots"]"#,
        idna_adapter: None,
        judged: true,
    },
    Choice {
        name: "defaults, application pins `idna_adapter` 1.1",
        dependency: "",
        idna_adapter: Some("1.1.0"),
        judged: false,
    },
    Choice {
        name: "lightest TLS, application pins `idna_adapter` 1.1",
        dependency: r#", default-features = false, features = ["rustls-ring", "webpki-roots"]"#,
        idna_adapter: Some("1.1.0"),
        judged: false,
    },
];

/// Why the `idna_adapter` rows exist.
pub const IDNA_NOTE: &str = "reqwest needs `url`, whose `idna` takes its Unicode data from \
    ICU4X by default (about 20 crates); the `idna_adapter` README leaves the choice of back end \
    to the application's lock file (`cargo update -p idna_adapter --precise 1.1.0` selects the \
    unicode-rs one), so a library must not pin it";

/// The goal on the cold build time of the judged choices.
pub const MAX_SECONDS: f64 = 150.0;
/// The goal on the crate count of the judged choices.
pub const MAX_CRATES: usize = 100;

/// The minimal program: a client built and one call made against a loopback address.
const MAIN_RS: &str = r#"#[tokio::main]
async fn main() {
    let client = webex_broadworks::Client::builder()
        .with_token("token")
        .with_base_url("http://127.0.0.1:9/v1")
        .build()
        .expect("a client");
    let answer = client.subscribers().get("id").await;
    println!("{}", answer.is_err());
}
"#;

/// One choice, built.
#[derive(Debug, Clone)]
pub struct DownstreamBuild {
    pub choice: Choice,
    /// Packages compiled for the binary (ours included, the binary itself not).
    pub crates: usize,
    pub duration: Duration,
}

/// Builds each choice cold, in a crate and a target directory of its own under the
/// system's temporary directory, with the workspace's lock file as the starting point so
/// that the versions are the workspace's. Takes minutes.
pub fn run(workspace: &Path) -> anyhow::Result<Vec<DownstreamBuild>> {
    CHOICES
        .iter()
        .map(|choice| measure(workspace, *choice))
        .collect()
}

fn measure(workspace: &Path, choice: Choice) -> anyhow::Result<DownstreamBuild> {
    let dir = std::env::temp_dir().join(format!(
        "webex-broadworks-downstream-{}",
        std::process::id()
    ));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(dir.join("src"))?;
    let client = workspace.join("crates/webex-broadworks");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"downstream\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nwebex-broadworks = {{ path = {:?}{} }}\n\
             tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\n\
             [workspace]\n",
            client.display().to_string(),
            choice.dependency
        ),
    )?;
    std::fs::write(dir.join("src/main.rs"), MAIN_RS)?;
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    if let Some(version) = choice.idna_adapter {
        cargo(
            &dir,
            &["update", "-q", "-p", "idna_adapter", "--precise", version],
        )?;
    }
    // Resolves the lock file for this crate (dropping what it does not use) before timing.
    cargo(&dir, &["fetch", "-q"])?;
    let crates = count_crates(&dir)?;
    let started = Instant::now();
    cargo(&dir, &["build", "-q"])?;
    let duration = started.elapsed();
    std::fs::remove_dir_all(&dir).with_context(|| format!("removing {}", dir.display()))?;
    Ok(DownstreamBuild {
        choice,
        crates,
        duration,
    })
}

/// The packages of the build graph (normal and build dependencies), the binary excluded.
fn count_crates(dir: &Path) -> anyhow::Result<usize> {
    let output = Command::new(cargo_path())
        .args(["tree", "-q", "-e", "normal,build", "--prefix", "none"])
        .current_dir(dir)
        .output()
        .context("running cargo tree")?;
    if !output.status.success() {
        bail!(
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let mut packages: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(format!("{} {}", words.next()?, words.next()?))
        })
        .filter(|package| !package.starts_with("downstream "))
        .collect();
    packages.sort();
    packages.dedup();
    Ok(packages.len())
}

fn cargo(dir: &Path, args: &[&str]) -> anyhow::Result<()> {
    let status = Command::new(cargo_path())
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .env_remove("RUSTFLAGS")
        .stdout(Stdio::null())
        .status()
        .with_context(|| format!("running cargo {}", args.join(" ")))?;
    if !status.success() {
        bail!("`cargo {}` failed in {}", args.join(" "), dir.display());
    }
    Ok(())
}

fn cargo_path() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| "cargo".into(), PathBuf::from)
}

/// The marker lines that carry these figures from one report to the next, so that a run
/// with `--skip-build` can repeat them.
const MARKER: &str = "<!-- downstream-build";

/// The marker lines for `builds`, hidden in the Markdown.
pub fn markers(builds: &[DownstreamBuild], measured_at: &str) -> String {
    builds
        .iter()
        .enumerate()
        .map(|(index, build)| {
            format!(
                "{MARKER} choice={index} crates={} seconds={:.1} measured-at={measured_at} -->\n",
                build.crates,
                build.duration.as_secs_f64()
            )
        })
        .collect()
}

/// The figures carried by the report at `report`, and when they were measured.
pub fn last_measured(report: &Path) -> Option<(Vec<DownstreamBuild>, String)> {
    let text = std::fs::read_to_string(report).ok()?;
    let mut builds = Vec::new();
    let mut measured_at = String::new();
    for line in text.lines().filter(|line| line.starts_with(MARKER)) {
        let value = |key: &str| {
            line.split_whitespace()
                .find_map(|word| word.strip_prefix(key)?.strip_prefix('='))
                .map(str::to_string)
        };
        let choice: usize = value("choice")?.parse().ok()?;
        builds.push(DownstreamBuild {
            choice: *CHOICES.get(choice)?,
            crates: value("crates")?.parse().ok()?,
            duration: Duration::from_secs_f64(value("seconds")?.parse().ok()?),
        });
        measured_at = value("measured-at")?;
    }
    (builds.len() == CHOICES.len()).then_some((builds, measured_at))
}

/// The figures of one run: measured now, or carried over from the previous report.
#[derive(Debug)]
pub struct DownstreamFigures {
    pub builds: Vec<DownstreamBuild>,
    /// When they were measured (UTC, RFC 3339).
    pub measured_at: String,
    pub carried_over: bool,
}

/// The goals: cold build time and crate count of each judged choice.
pub fn goals(figures: &crate::goal::Measured<DownstreamFigures>) -> Vec<crate::goal::Goal> {
    use crate::goal::{Goal, Measured};
    let judged = CHOICES.iter().filter(|choice| choice.judged);
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => {
            return judged
                .flat_map(|choice| {
                    [
                        Goal::not_measured(time_goal(choice), format!("≤ {MAX_SECONDS:.0} s"), why),
                        Goal::not_measured(crate_goal(choice), format!("≤ {MAX_CRATES}"), why),
                    ]
                })
                .collect();
        }
    };
    let pinned = |build: &DownstreamBuild| {
        figures
            .builds
            .iter()
            .find(|other| {
                other.choice.idna_adapter.is_some()
                    && other.choice.dependency == build.choice.dependency
            })
            .map(|other| other.crates)
    };
    figures
        .builds
        .iter()
        .filter(|build| build.choice.judged)
        .flat_map(|build| {
            let seconds = build.duration.as_secs_f64();
            [
                Goal::check(
                    time_goal(&build.choice),
                    format!("≤ {MAX_SECONDS:.0} s"),
                    format!("{seconds:.0} s"),
                    seconds <= MAX_SECONDS,
                    || "the C code of the TLS provider and the HTTP stack dominate".to_string(),
                ),
                Goal::check(
                    crate_goal(&build.choice),
                    format!("≤ {MAX_CRATES}"),
                    build.crates.to_string(),
                    build.crates <= MAX_CRATES,
                    || match pinned(build) {
                        Some(with_pin) => format!(
                            "{} of them are the difference between ICU4X, which reqwest's `url` \
                             brings in through `idna` by default, and the unicode-rs back end that an \
                             application can choose in its lock file: with `idna_adapter` 1.1 \
                             pinned the same build has {with_pin} (section 6)",
                            build.crates.saturating_sub(with_pin)
                        ),
                        None => "see section 6".to_string(),
                    },
                ),
            ]
        })
        .collect()
}

fn time_goal(choice: &Choice) -> String {
    format!(
        "minimal downstream binary, {}: cold build on 2 cores",
        choice.name
    )
}

fn crate_goal(choice: &Choice) -> String {
    format!("minimal downstream binary, {}: crates built", choice.name)
}
