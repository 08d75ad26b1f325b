//! Section 4 of the report: listing.

use std::fmt::Write;

use super::skipped;
use crate::goal::Measured;
use crate::listing::{self, ListingFigures};
use crate::polling::seconds;

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<ListingFigures>) {
    out.push_str("## 4. Listing\n\n");
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => return skipped(out, why),
    };
    let _ = write!(
        out,
        "Every subscriber listed at page size {}, from the simulator binary \
         (`webex-broadworks-sim`, release build) in a child process, seeded from a fixture. The \
         client runs in another child process (this benchmark binary, started again with a \
         hidden `list-client` subcommand) on a current-thread runtime, and reports its own peak \
         resident memory (`VmHWM` of `/proc/self/status`) before and after listing, and its \
         CPU time. The seeded subscribers are `provisioned`.\n\n\
         | client | subscribers | items/s | peak memory before → after listing | client CPU per item |\n\
         |---|---|---|---|---|\n",
        listing::PAGE_SIZE,
    );
    for cell in &figures.cells {
        match &cell.outcome {
            Ok(run) => {
                let _ = writeln!(
                    out,
                    "| {} | {} | {:.0} | {:.1} MiB → {:.1} MiB | {:.2} µs |",
                    cell.lister.label(),
                    cell.size,
                    run.items_per_second(),
                    listing::mib(run.peak_before_kib),
                    listing::mib(run.peak_after_kib),
                    run.cpu_secs * 1e6 / run.items.max(1) as f64,
                );
            }
            Err(why) => {
                let _ = writeln!(
                    out,
                    "| {} | {} | not measured: {why} | | |",
                    cell.lister.label(),
                    cell.size
                );
            }
        }
    }
    let context: Vec<String> = figures
        .simulator_start
        .iter()
        .map(|(size, took)| {
            let peak = figures
                .simulator_peak_kib
                .iter()
                .find(|(s, _)| s == size)
                .and_then(|(_, peak)| *peak)
                .map_or("unknown".to_string(), |kib| {
                    format!("{:.0} MiB", listing::mib(kib))
                });
            format!(
                "with {size} subscribers it started in {} and peaked at {peak}",
                seconds(*took)
            )
        })
        .collect();
    let _ = write!(
        out,
        "\nItems per second are bound by the simulator and the loopback round trip, not the \
         client; the simulator reads each page from its cursor, so a page costs it the same \
         whatever it holds (section 8). For context, the simulator process: {}.\n\n",
        context.join("; ")
    );
}
