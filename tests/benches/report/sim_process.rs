//! The simulator binary in a child process, for measurements whose client must not share a
//! process with the server (peak memory).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use anyhow::{Context, bail};

/// How long the simulator may take to load its fixture and start listening.
const START_TIMEOUT: Duration = Duration::from_secs(600);

/// Builds the simulator binary (release profile) into the target directory this benchmark
/// was built in, and returns its path. A no-op when it is up to date.
pub fn build_simulator_binary() -> anyhow::Result<PathBuf> {
    build_release_binary("webex-broadworks-sim", "webex-broadworks-sim")
}

/// Builds `binary` of `package` (release profile) into the target directory this benchmark
/// was built in, and returns its path. A no-op when it is up to date.
pub fn build_release_binary(package: &str, binary: &str) -> anyhow::Result<PathBuf> {
    let exe = std::env::current_exe().context("locating the benchmark binary")?;
    // The benchmark is <target>/release/deps/report-<hash>.
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .context("the benchmark binary is not under <target>/<profile>/deps")?;
    let target_dir = profile_dir
        .parent()
        .context("the benchmark binary is not under <target>/<profile>")?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            package,
            "--bin",
            binary,
        ])
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(crate::args::workspace_root())
        .stdout(Stdio::null())
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("`cargo build --release -p {package} --bin {binary}` failed");
    }
    let path = target_dir.join("release").join(binary);
    if !path.is_file() {
        bail!("{} is missing after the build", path.display());
    }
    Ok(path)
}

/// A running `webex-broadworks-sim`; killed when dropped.
#[derive(Debug)]
pub struct SimProcess {
    child: Child,
    base_url: String,
}

impl SimProcess {
    /// Starts `binary` on a free loopback port, accepting `token`, seeded with `fixture`,
    /// and waits until it prints its base URL.
    pub fn spawn(binary: &Path, token: &str, fixture: &Path) -> anyhow::Result<SimProcess> {
        SimProcess::spawn_with(binary, token, fixture, &[])
    }

    /// As [`spawn`](Self::spawn), with more of the simulator's flags.
    pub fn spawn_with(
        binary: &Path,
        token: &str,
        fixture: &Path,
        flags: &[&str],
    ) -> anyhow::Result<SimProcess> {
        let mut child = Command::new(binary)
            .args(["--port", "0", "--token", token, "--fixture"])
            .arg(fixture)
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {}", binary.display()))?;
        let stdout = child.stdout.take().context("the simulator's stdout")?;
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let read = BufReader::new(stdout).read_line(&mut line).map(|_| line);
            let _ = sender.send(read);
        });
        let mut process = SimProcess {
            child,
            base_url: String::new(),
        };
        let line = receiver
            .recv_timeout(START_TIMEOUT)
            .context("the simulator did not start in time")?
            .context("reading the simulator's stdout")?;
        let base_url = line.trim();
        if !base_url.starts_with("http://127.0.0.1:") {
            bail!("the simulator printed {base_url:?} instead of its base URL");
        }
        process.base_url = base_url.to_string();
        Ok(process)
    }

    /// `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The simulator's peak resident memory so far, in KiB (`VmHWM` of its process).
    pub fn peak_resident_kib(&self) -> Option<u64> {
        crate::memory::peak_resident_kib_of(&format!("/proc/{}/status", self.child.id()))
    }
}

impl Drop for SimProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
