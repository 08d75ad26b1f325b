//! The machine a run measured on: CPU, cores, memory, OS, compiler, load.

use std::process::Command;

/// What the report says about the machine.
#[derive(Debug)]
pub struct Machine {
    pub cpu_model: String,
    /// Logical CPUs this process may run on.
    pub cores: usize,
    pub memory_gib: f64,
    pub os: String,
    pub kernel: String,
    pub rustc: String,
    /// The 1-minute load average when the run started (other work shares the machine).
    pub load_at_start: String,
}

impl Machine {
    /// Reads `/proc` and asks `rustc -V`.
    pub fn describe() -> Machine {
        let cpuinfo = read("/proc/cpuinfo");
        let meminfo = read("/proc/meminfo");
        let os_release = read("/etc/os-release");
        Machine {
            cpu_model: field(&cpuinfo, "model name", ':').unwrap_or_else(unknown),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_gib: field(&meminfo, "MemTotal", ':')
                .and_then(|kib| kib.trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or(0.0, |kib| kib / (1024.0 * 1024.0)),
            os: field(&os_release, "PRETTY_NAME", '=')
                .map(|name| name.trim_matches('"').to_string())
                .unwrap_or_else(unknown),
            kernel: read("/proc/sys/kernel/osrelease").trim().to_string(),
            rustc: Command::new("rustc")
                .arg("-V")
                .output()
                .ok()
                .filter(|out| out.status.success())
                .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
                .unwrap_or_else(unknown),
            load_at_start: load_average(),
        }
    }
}

/// The 1-, 5- and 15-minute load averages, as `/proc/loadavg` shows them.
pub fn load_average() -> String {
    read("/proc/loadavg")
        .split_whitespace()
        .take(3)
        .collect::<Vec<_>>()
        .join(" ")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn unknown() -> String {
    "unknown".into()
}

/// The value of the first `key<separator>value` line of `text`.
fn field(text: &str, key: &str, separator: char) -> Option<String> {
    text.lines().find_map(|line| {
        let (name, value) = line.split_once(separator)?;
        (name.trim() == key).then(|| value.trim().to_string())
    })
}
