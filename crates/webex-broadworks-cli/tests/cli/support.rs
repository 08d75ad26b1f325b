//! A simulator on its own runtime, and `wxbw` commands pointed at it.

use std::time::Duration;

use assert_cmd::Command;
use webex_broadworks_sim::{Fixture, SimState, Simulator, SimulatorBuilder};

/// The token every test simulator accepts.
pub const TOKEN: &str = "sim-token";

/// A simulator running on a runtime of its own while the test runs `wxbw` processes.
pub struct TestSim {
    runtime: tokio::runtime::Runtime,
    simulator: Option<Simulator>,
}

impl TestSim {
    /// The demo's enterprise and outcome rules, short delays, repeatable ids.
    pub fn start() -> TestSim {
        TestSim::start_with(|builder| builder)
    }

    /// As [`TestSim::start`], with `configure` applied last.
    pub fn start_with(configure: impl FnOnce(SimulatorBuilder) -> SimulatorBuilder) -> TestSim {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let builder = webex_broadworks_cli::world::outcome_rules(Simulator::builder())
            .seed(fixture())
            .id_seed(7)
            .provisioning_delay(Duration::from_millis(200))
            .update_delay(Duration::from_millis(150))
            .directory_sync_duration(Duration::from_millis(200))
            .billing_report_delay(Duration::from_millis(200));
        let simulator = runtime.block_on(configure(builder).start()).unwrap();
        TestSim {
            runtime,
            simulator: Some(simulator),
        }
    }

    pub fn url(&self) -> String {
        self.simulator.as_ref().unwrap().base_url()
    }

    pub fn state(&self) -> &SimState {
        self.simulator.as_ref().unwrap().state()
    }

    /// `wxbw` with the simulator's base URL and token in the environment.
    pub fn wxbw(&self) -> Command {
        let mut command = wxbw();
        command
            .env("WEBEX_BASE_URL", self.url())
            .env("WEBEX_TOKEN", TOKEN);
        command
    }

    /// The number of requests the simulator answered or dropped.
    pub fn requests(&self) -> usize {
        self.state().request_log().len()
    }
}

impl Drop for TestSim {
    fn drop(&mut self) {
        if let Some(simulator) = self.simulator.take() {
            self.runtime.block_on(simulator.shutdown());
        }
    }
}

/// `wxbw` with nothing from the caller's environment that could change its behaviour.
pub fn wxbw() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_wxbw"));
    command
        .env_remove("WEBEX_TOKEN")
        .env_remove("WEBEX_BASE_URL")
        .env_remove("WXBW_PROFILE")
        // No config file of the machine's: a test that wants one names its own.
        .env(
            "WXBW_CONFIG",
            std::env::temp_dir().join("wxbw-tests-no-config.toml"),
        )
        .timeout(Duration::from_secs(60));
    command
}

/// The demo's enterprise with a directory user, and two billing reports.
fn fixture() -> Fixture {
    Fixture::from_yaml_str(
        r#"
provisioningIds: [prov-acme]
enterprises:
  - spEnterpriseId: "Reseller1+acme"
    provisioningId: prov-acme
    broadworksDirectorySync: { enableDirSync: true }
    externalUsers:
      - { userId: reception@acme.example, firstName: Front, lastName: Desk, extension: "100" }
billingReports:
  - { billingPeriod: "2024-01" }
  - { billingPeriod: "2024-02", status: IN_PROGRESS }
"#,
    )
    .unwrap()
}

/// stdout and stderr of a finished command, as text.
pub fn texts(output: &std::process::Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The JSON a command printed.
pub fn json(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "stdout is not JSON ({error}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}
