//! Section 5 of the report: the build.

use std::fmt::Write;

use crate::build::{self, BUILD_COMMAND, CleanBuild, FileSize};
use crate::goal::Measured;

/// Appends the section to `out`.
pub fn write(out: &mut String, build: &Measured<CleanBuild>, code: &Measured<Vec<FileSize>>) {
    out.push_str("## 5. Build\n\n");
    match build {
        Measured::Done(build) => {
            let when = super::measured_when(&build.measured_at, build.carried_over);
            let _ = write!(
                out,
                "Clean build of the workspace's tests, `{BUILD_COMMAND}` in a fresh target \
                 directory (dev profile, every dependency compiled): **{:.0} s** ({:.1} min), \
                 {when}.\n\n",
                build.duration.as_secs_f64(),
                build.duration.as_secs_f64() / 60.0,
            );
        }
        Measured::Skipped(why) => {
            let _ = write!(out, "Clean build time not measured: {why}.\n\n");
        }
    }
    match code {
        Measured::Done(files) => {
            out.push_str("Generated code (`cargo xtask generate`):\n\n| file | lines | bytes |\n|---|---|---|\n");
            for file in files {
                let _ = writeln!(out, "| `{}` | {} | {} |", file.path, file.lines, file.bytes);
            }
            let lines: usize = files.iter().map(|f| f.lines).sum();
            let bytes: u64 = files.iter().map(|f| f.bytes).sum();
            let _ = writeln!(out, "| total | {lines} | {bytes} |");
        }
        Measured::Skipped(why) => {
            let _ = writeln!(out, "Generated code size not measured: {why}.");
        }
    }
    if let Measured::Done(build) = build {
        let _ = write!(out, "\n{}\n", build::marker(build));
    }
}
