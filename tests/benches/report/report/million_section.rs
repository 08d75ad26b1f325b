//! Section 8 of the report: a million rows.

use std::fmt::Write;

use super::skipped;
use crate::goal::Measured;
use crate::million::{self, MillionFigures, RowsRun};

/// Appends the section to `out`.
pub fn write(out: &mut String, figures: &Measured<MillionFigures>) {
    out.push_str("## 8. A million rows\n\n");
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => return skipped(out, why),
    };
    let _ = write!(
        out,
        "`wxbw bulk provision-subscribers FILE --no-wait --concurrency {}` (release build) against \
         the simulator binary on loopback, a fresh one for each file, without a rate limit; each \
         `wxbw` in a child process whose peak resident memory (`VmHWM`) is sampled every 20 ms \
         and whose writes to storage (`write_bytes` of `/proc/PID/io`) are read as it exits. \
         Journal writes are those writes less the results file. The rates of the first and the \
         last tenth come from the stamp of each row's last change in the journal.\n\n\
         | rows | took | rows/s | peak memory | journal writes per row | rows/s, first tenth → last tenth |\n\
         |---|---|---|---|---|---|\n",
        million::CONCURRENCY
    );
    for run in [&figures.small, &figures.large] {
        row(out, run);
    }
    let _ = write!(
        out,
        "\nValidating the million-row file alone (`wxbw bulk provision-subscribers FILE --check`: \
         every row read, built and checked as a stream, with a hash of each userId kept to find \
         rows about one subscriber) took {:.1} s, at a peak of {:.1} MiB.\n\n\
         The simulator, in this process: {} subscribers in four statuses (`provisioned`, \
         `error`, `provisioning`, `pending_user_migration`) across 100 enterprises seeded through \
         `SimState::add_subscribers` in {:.1} s (scaled from the {} added after the first {}), \
         {:.0} bytes of resident memory each. A page of 100 from `listSubscribers` through the \
         ergonomic client, median of 200:\n\n\
         | query | {} held | {} held | ratio |\n|---|---|---|---|\n",
        figures.check.as_secs_f64(),
        figures.check_peak_kib as f64 / 1024.0,
        million::ROWS,
        figures.seed.as_secs_f64(),
        million::ROWS - million::FEW_HELD,
        million::FEW_HELD,
        figures.bytes_per_record,
        million::FEW_HELD,
        million::ROWS,
    );
    for page in &figures.pages {
        let _ = writeln!(
            out,
            "| {} | {:.0} µs | {:.0} µs | {:.2} |",
            page.query,
            page.few_us,
            page.many_us,
            page.many_us / page.few_us.max(f64::MIN_POSITIVE)
        );
    }
    let _ = write!(
        out,
        "\nA batch of {} provisionings through the library ({} at a time) with a token the \
         in-process simulator refuses: {} requests reached it, the first 401 and {} after it, \
         before the run stopped with every other row unsent.\n",
        million::REFUSED_ROWS,
        million::REFUSED_CONCURRENCY,
        figures.sent_with_refused_token,
        figures.sent_with_refused_token.saturating_sub(1),
    );
    out.push_str(
        "\nThe journal keeps each row's request in a table written once and its state in a \
         narrow table that many rows share a page of; claims are committed before their \
         requests leave, and answers ride along with the next commit. The simulator finds due \
         transitions in a queue, userIds and status changes through indexes, and pages from \
         the cursor, so neither grows slower as it fills.\n\n",
    );
}

fn row(out: &mut String, run: &RowsRun) {
    let _ = writeln!(
        out,
        "| {} | {:.1} s | {:.0} | {:.1} MiB | {:.0} bytes | {:.0} → {:.0} |",
        run.rows,
        run.elapsed.as_secs_f64(),
        run.rows_per_second(),
        run.peak_kib as f64 / 1024.0,
        run.journal_bytes_per_row(),
        run.first_tenth_rate,
        run.last_tenth_rate,
    );
}
