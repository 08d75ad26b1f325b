//! The simulator in this process, on a tokio runtime of its own, so that its work runs on
//! its own threads and never on the thread whose CPU time is measured.

use anyhow::Context;
use tokio::runtime::Runtime;
use webex_broadworks_sim::{SimState, Simulator, SimulatorBuilder};

/// A simulator serving from its own runtime's worker threads.
#[derive(Debug)]
pub struct SimOnOwnThreads {
    simulator: Option<Simulator>,
    runtime: Runtime,
}

impl SimOnOwnThreads {
    /// Starts `builder` on a new multi-threaded runtime with `worker_threads` threads.
    pub fn start(builder: SimulatorBuilder, worker_threads: usize) -> anyhow::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(worker_threads)
            .thread_name("simulator")
            .enable_all()
            .build()
            .context("building the simulator's runtime")?;
        let simulator = runtime
            .block_on(builder.start())
            .context("starting the simulator")?;
        Ok(SimOnOwnThreads {
            simulator: Some(simulator),
            runtime,
        })
    }

    fn simulator(&self) -> &Simulator {
        self.simulator
            .as_ref()
            .expect("the simulator runs until dropped")
    }

    /// `http://127.0.0.1:PORT/v1`.
    pub fn base_url(&self) -> String {
        self.simulator().base_url()
    }

    /// Reads the simulator's state in-process, at the simulator runtime's current instant.
    pub fn read<T>(&self, read: impl FnOnce(&SimState) -> T) -> T {
        let _context = self.runtime.enter();
        read(self.simulator().state())
    }
}

impl Drop for SimOnOwnThreads {
    fn drop(&mut self) {
        if let Some(simulator) = self.simulator.take() {
            self.runtime.block_on(simulator.shutdown());
        }
    }
}
