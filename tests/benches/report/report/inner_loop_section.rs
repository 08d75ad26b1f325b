//! Section 7 of the report: the inner loop of a spec change.

use std::fmt::Write;

use crate::goal::Measured;
use crate::inner_loop::{self, InnerLoop};

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<InnerLoop>) {
    out.push_str("## 7. The inner loop of a spec change\n\n");
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => {
            super::skipped(out, why);
            return;
        }
    };
    let when = super::measured_when(&figures.measured_at, figures.carried_over);
    let _ = write!(
        out,
        "An optional field added to the `Subscriber` response schema of a copy of the \
         workspace (under `target/inner-loop/`, with a target directory warmed by one run of \
         the loop on the unchanged spec), then `cargo xtask check`: **{:.0} s** in all, {when}.\n\n\
         | step | seconds |\n|---|---|\n",
        figures.total.as_secs_f64()
    );
    for (what, seconds) in &figures.steps {
        let _ = writeln!(out, "| {what} | {seconds:.1} |");
    }
    let _ = write!(
        out,
        "\nThat the workspace compiles and its spec tests pass after the edit, with no \
         hand-written change, is part of what this measures: the loop fails otherwise.\n\n{}\n",
        inner_loop::marker(figures)
    );
}
