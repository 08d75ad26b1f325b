//! Section 6 of the report: what depending on the client costs a downstream crate.

use std::fmt::Write;

use crate::downstream::{self, DownstreamFigures, IDNA_NOTE};
use crate::goal::Measured;

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<DownstreamFigures>) {
    out.push_str("## 6. A downstream crate's build\n\n");
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
        "A new binary crate that depends on `webex-broadworks` (by path) and tokio, builds a \
         client and makes one call: `cargo build` (dev profile) in a fresh target directory, \
         with the workspace's lock file as its start, {when}. Crates are the packages of its \
         build graph, ours included, the binary itself not.\n\n\
         | dependency | crates | cold build |\n|---|---|---|\n"
    );
    for build in &figures.builds {
        let _ = writeln!(
            out,
            "| {} | {} | {:.0} s |",
            build.choice.name,
            build.crates,
            build.duration.as_secs_f64()
        );
    }
    let _ = write!(
        out,
        "\nThe rows with a pin are for information: {IDNA_NOTE}.\n\n{}\n",
        downstream::markers(&figures.builds, &figures.measured_at)
    );
}
