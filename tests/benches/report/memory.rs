//! Peak resident memory, read from `/proc/<pid>/status`.

/// This process's peak resident set size so far (`VmHWM`), in KiB.
pub fn own_peak_resident_kib() -> Option<u64> {
    peak_resident_kib_of("/proc/self/status")
}

/// The `VmHWM` of the process whose status file is `path`, in KiB.
pub fn peak_resident_kib_of(path: &str) -> Option<u64> {
    status_kib(path, "VmHWM")
}

/// This process's resident memory now (`VmRSS`), in KiB.
pub fn own_resident_kib() -> Option<u64> {
    status_kib("/proc/self/status", "VmRSS")
}

/// The figure `field` (in kB) of the status file `path`.
fn status_kib(path: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(path).ok()?;
    status.lines().find_map(|line| {
        line.strip_prefix(field)?
            .strip_prefix(':')?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()
    })
}
