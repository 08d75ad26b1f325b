//! Section 8: a million rows. `wxbw bulk` (release build) provisions a file of 1,000,000
//! subscribers, and one of 100,000 for comparison, against the simulator binary on loopback,
//! each in its own child process watched through `/proc`; `wxbw bulk --check` validates the
//! large file. Then the simulator itself: a million subscribers seeded in process, and what a
//! list page costs with 10,000 and with 1,000,000 held.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::goal::{Goal, Measured};
use crate::sim_process::SimProcess;

/// The large file.
pub const ROWS: u64 = 1_000_000;
/// The file it is compared with, for memory that must not grow with the file.
pub const SMALL_ROWS: u64 = 100_000;
/// Requests in flight.
pub const CONCURRENCY: u32 = 64;
/// Subscribers held by the simulator for the smaller list measurement.
pub const FEW_HELD: u64 = 10_000;
/// How many list pages are timed for each query and size.
const PAGES_TIMED: usize = 200;

/// One `wxbw bulk` run.
#[derive(Clone, Debug)]
pub struct RowsRun {
    pub rows: u64,
    pub elapsed: Duration,
    /// Peak resident memory (`VmHWM`), sampled every 20 ms.
    pub peak_kib: u64,
    /// Bytes the process had written to storage (`write_bytes` of `/proc/PID/io`, read as
    /// it exits), the results file taken out.
    pub journal_bytes: u64,
    /// Rows per second over the first and the last tenth of the rows, from the journal's
    /// stamps.
    pub first_tenth_rate: f64,
    pub last_tenth_rate: f64,
}

impl RowsRun {
    pub fn journal_bytes_per_row(&self) -> f64 {
        self.journal_bytes as f64 / self.rows as f64
    }

    pub fn rows_per_second(&self) -> f64 {
        self.rows as f64 / self.elapsed.as_secs_f64()
    }
}

/// What a page of `listSubscribers` costs, at two sizes held.
#[derive(Clone, Debug)]
pub struct PageCost {
    pub query: &'static str,
    pub few_us: f64,
    pub many_us: f64,
}

#[derive(Clone, Debug)]
pub struct MillionFigures {
    pub small: RowsRun,
    pub large: RowsRun,
    pub check: Duration,
    pub check_peak_kib: u64,
    pub seed: Duration,
    pub bytes_per_record: f64,
    pub pages: Vec<PageCost>,
    /// Provisionings that reached the simulator in a 10,000-row batch sent with a token it
    /// refuses (the first 401 included).
    pub sent_with_refused_token: u64,
}

/// Rows of the batch sent with a refused token.
pub const REFUSED_ROWS: u64 = 10_000;
/// Its concurrency: the batch engine's default.
pub const REFUSED_CONCURRENCY: u64 = 8;

/// Runs the whole measurement.
pub fn run() -> anyhow::Result<MillionFigures> {
    let wxbw = crate::sim_process::build_release_binary("webex-broadworks-cli", "wxbw")?;
    let simulator =
        crate::sim_process::build_release_binary("webex-broadworks-sim", "webex-broadworks-sim")?;
    let dir = tempfile::tempdir()?;
    let fixture = dir.path().join("fixture.yaml");
    std::fs::write(
        &fixture,
        "provisioningIds: [prov-acme]\nenterprises:\n  - spEnterpriseId: Reseller1+acme\n    provisioningId: prov-acme\n",
    )?;
    let large_file = write_rows(dir.path(), "million.csv", ROWS)?;
    let small_file = write_rows(dir.path(), "hundred-thousand.csv", SMALL_ROWS)?;

    let (check, check_peak_kib) = {
        let mut command = Command::new(&wxbw);
        command
            .args(["bulk", "provision-subscribers", "--check"])
            .arg(&large_file);
        let watched = watch(&mut command)?;
        (watched.elapsed, watched.peak_kib)
    };
    let small = provision(&wxbw, &simulator, &fixture, &small_file, SMALL_ROWS)?;
    let large = provision(&wxbw, &simulator, &fixture, &large_file, ROWS)?;
    let (seed, bytes_per_record, pages) = simulator_scale()?;
    let sent_with_refused_token = refused_token()?;
    Ok(MillionFigures {
        sent_with_refused_token,
        small,
        large,
        check,
        check_peak_kib,
        seed,
        bytes_per_record,
        pages,
    })
}

/// A provisioning file of `rows` rows.
fn write_rows(dir: &Path, name: &str, rows: u64) -> anyhow::Result<PathBuf> {
    use std::io::Write;
    let path = dir.join(name);
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    writeln!(
        out,
        "provisioningId,userId,spEnterpriseId,firstName,lastName,package"
    )?;
    for n in 1..=rows {
        writeln!(
            out,
            "prov-acme,user{n}@acme.example,Reseller1+acme,User,Number {n},basic"
        )?;
    }
    out.flush()?;
    Ok(path)
}

/// `wxbw bulk provision-subscribers FILE` against a fresh simulator, sending only.
fn provision(
    wxbw: &Path,
    simulator: &Path,
    fixture: &Path,
    file: &Path,
    rows: u64,
) -> anyhow::Result<RowsRun> {
    let sim = SimProcess::spawn(simulator, "sim-token", fixture)?;
    let journal = PathBuf::from(format!("{}.journal.sqlite", file.display()));
    let results = PathBuf::from(format!("{}.results.csv", file.display()));
    let mut command = Command::new(wxbw);
    command
        .env("WEBEX_TOKEN", "sim-token")
        .env("WEBEX_BASE_URL", sim.base_url())
        .env("WXBW_CONFIG", file.with_extension("no-config.toml"))
        .args(["bulk", "provision-subscribers"])
        .arg(file)
        .args(["--no-wait", "--concurrency", &CONCURRENCY.to_string()]);
    let watched = watch(&mut command)?;
    drop(sim);
    let results_bytes = std::fs::metadata(&results).map_or(0, |meta| meta.len());
    let (first_tenth_rate, last_tenth_rate) = tenth_rates(&journal, rows)?;
    Ok(RowsRun {
        rows,
        elapsed: watched.elapsed,
        peak_kib: watched.peak_kib,
        journal_bytes: watched.written_bytes.saturating_sub(results_bytes),
        first_tenth_rate,
        last_tenth_rate,
    })
}

/// What a child process took.
struct Watched {
    elapsed: Duration,
    peak_kib: u64,
    written_bytes: u64,
}

/// Runs `command` to its end, sampling its peak memory every 20 ms, and reads what it wrote
/// once it has exited but before it is reaped (a zombie keeps its I/O counts).
fn watch(command: &mut Command) -> anyhow::Result<Watched> {
    let started = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("starting wxbw")?;
    let pid = child.id();
    let mut peak_kib = 0;
    let mut written_bytes = 0;
    loop {
        if let Some(kib) = crate::memory::peak_resident_kib_of(&format!("/proc/{pid}/status")) {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(bytes) = write_bytes(pid) {
            written_bytes = written_bytes.max(bytes);
        }
        if is_zombie(pid) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let elapsed = started.elapsed();
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "wxbw ended with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(Watched {
        elapsed,
        peak_kib,
        written_bytes,
    })
}

fn write_bytes(pid: u32) -> Option<u64> {
    let io = std::fs::read_to_string(format!("/proc/{pid}/io")).ok()?;
    io.lines()
        .find_map(|line| line.strip_prefix("write_bytes:")?.trim().parse().ok())
}

fn is_zombie(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(true, |stat| {
        // The state follows the command name, which is in parentheses.
        stat.rsplit_once(')')
            .is_some_and(|(_, rest)| rest.trim_start().starts_with('Z'))
    })
}

/// Rows per second over the first and the last tenth of the rows to be recorded, from the
/// stamp each row's last change has in the journal.
fn tenth_rates(journal: &Path, rows: u64) -> anyhow::Result<(f64, f64)> {
    let connection =
        rusqlite::Connection::open_with_flags(journal, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let mut statement = connection.prepare("SELECT updated FROM rows")?;
    let mut stamps: Vec<i64> = statement
        .query_map([], |row| row.get::<_, String>(0))?
        .filter_map(Result::ok)
        .filter_map(|stamp| millis(&stamp))
        .collect();
    if stamps.len() as u64 != rows {
        bail!("the journal holds {} stamped rows of {rows}", stamps.len());
    }
    stamps.sort_unstable();
    let tenth = stamps.len() / 10;
    let span = |from: i64, to: i64| ((to - from).max(1) as f64) / 1000.0;
    // The first tenth is timed from the first row recorded, so that writing the file into
    // the journal before sending is not counted against it.
    let first = tenth as f64 / span(stamps[0], stamps[tenth]);
    let last = tenth as f64 / span(stamps[stamps.len() - 1 - tenth], stamps[stamps.len() - 1]);
    Ok((first, last))
}

fn millis(stamp: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(stamp)
        .ok()
        .map(|time| time.timestamp_millis())
}

/// Seeds a million subscribers in process and times list pages with 10,000 and then
/// 1,000,000 held. Returns the seeding time, the memory per record, and the page costs.
fn simulator_scale() -> anyhow::Result<(Duration, f64, Vec<PageCost>)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let sim = webex_broadworks_sim::Simulator::builder().start().await?;
        let client = webex_broadworks::Client::builder()
            .with_token("sim-token")
            .with_base_url(sim.base_url())
            .build()?;
        let statuses = [
            webex_broadworks::SubscriberStatus::Provisioned,
            webex_broadworks::SubscriberStatus::Error,
            webex_broadworks::SubscriberStatus::Provisioning,
            webex_broadworks::SubscriberStatus::PendingUserMigration,
        ];
        let subscriber = |n: u64| webex_broadworks::types::Subscriber {
            user_id: Some(format!("seeded{n}@acme.example")),
            sp_enterprise_id: Some(format!("Reseller1+e{}", n % 100)),
            first_name: Some("Seeded".into()),
            last_name: Some(format!("Number {n}")),
            status: Some(statuses[(n % 4) as usize].clone()),
            ..Default::default()
        };
        sim.state().add_subscribers((0..FEW_HELD).map(subscriber))?;
        let few = page_costs(&client, FEW_HELD).await?;
        let before = crate::memory::own_resident_kib().context("reading VmRSS")?;
        let started = Instant::now();
        sim.state()
            .add_subscribers((FEW_HELD..ROWS).map(subscriber))?;
        let seed = started.elapsed();
        let after = crate::memory::own_resident_kib().context("reading VmRSS")?;
        let bytes_per_record =
            after.saturating_sub(before) as f64 * 1024.0 / (ROWS - FEW_HELD) as f64;
        let many = page_costs(&client, ROWS).await?;
        sim.shutdown().await;
        // The seeding time scaled to a whole million.
        let seed = seed.mul_f64(ROWS as f64 / (ROWS - FEW_HELD) as f64);
        let pages = few
            .into_iter()
            .zip(many)
            .map(|((query, few_us), (_, many_us))| PageCost {
                query,
                few_us,
                many_us,
            })
            .collect();
        Ok::<_, anyhow::Error>((seed, bytes_per_record, pages))
    })
}

/// A batch of 10,000 provisionings through the library, with a token the in-process
/// simulator refuses: how many reach it before the run stops.
fn refused_token() -> anyhow::Result<u64> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let sim = webex_broadworks_sim::Simulator::builder().start().await?;
        let client = webex_broadworks::Client::builder()
            .with_token("expired-token")
            .with_base_url(sim.base_url())
            .build()?;
        let items = (1..=REFUSED_ROWS).map(|n| {
            webex_broadworks::bulk::BatchItem::provision_subscriber(
                n,
                webex_broadworks::ProvisionSubscriber::new()
                    .provisioning_id("prov-acme")
                    .user_id(format!("refused{n}@acme.example"))
                    .sp_enterprise_id("Reseller1+acme")
                    .first_name("Refused")
                    .last_name(format!("Number {n}"))
                    .package(webex_broadworks::Package::Basic),
            )
        });
        let report = client
            .batch(webex_broadworks::bulk::BatchKind::ProvisionSubscribers)
            .with_concurrency(REFUSED_CONCURRENCY as usize)
            .with_wait(false, Duration::ZERO)
            .start(items)
            .await?
            .run()
            .await?;
        if report.end != webex_broadworks::bulk::BatchEnd::Halted {
            bail!("the batch with a refused token ended {:?}", report.end);
        }
        let sent = sim
            .state()
            .request_count(webex_broadworks_sim::Operation::ProvisionSubscriber);
        sim.shutdown().await;
        Ok(sent)
    })
}

/// The median time of a page of 100 for each query, with `held` subscribers held.
async fn page_costs(
    client: &webex_broadworks::Client,
    held: u64,
) -> anyhow::Result<Vec<(&'static str, f64)>> {
    let mut costs = Vec::new();
    let last = format!("seeded{}@acme.example", held - 1);
    let queries: [&'static str; 3] = [
        "the first page, no filter",
        "one userId (the last seeded)",
        "status changed in the last second (none)",
    ];
    for query in queries {
        let mut times = Vec::with_capacity(PAGES_TIMED);
        for _ in 0..PAGES_TIMED {
            let list = client.subscribers().list().page_size(100);
            let list = match query {
                "one userId (the last seeded)" => list.user_id(&last),
                "status changed in the last second (none)" => {
                    list.status_changed_after(chrono::Utc::now() - chrono::TimeDelta::seconds(1))
                }
                _ => list,
            };
            let started = Instant::now();
            list.first_page().await?;
            times.push(started.elapsed().as_secs_f64() * 1e6);
        }
        times.sort_by(f64::total_cmp);
        costs.push((query, times[times.len() / 2]));
    }
    Ok(costs)
}

/// The section's goals.
pub fn goals(figures: &Measured<MillionFigures>) -> Vec<Goal> {
    const WHAT: [(&str, &str); 9] = [
        ("a million rows: wxbw's peak resident memory", "≤ 64 MB"),
        (
            "a million rows: peak memory no more than 20% above the peak at 100,000 rows",
            "≤ +20%",
        ),
        ("a million rows: journal writes per row", "≤ 2 KB"),
        (
            "a million rows: rows/s over the last 10% / over the first 10%",
            "≥ 0.80",
        ),
        (
            "a million rows: validating the file (`wxbw bulk --check`)",
            "≤ 10 s",
        ),
        (
            "simulator: seeding 1,000,000 subscribers in four statuses",
            "≤ 10 s",
        ),
        ("simulator: memory per subscriber held", "≤ 1.5 KB"),
        (
            "simulator: a list page with 1,000,000 held / with 10,000 held, slowest query",
            "≤ 1.5",
        ),
        (
            "a 10,000-row batch with a refused token: requests after the first 401",
            "≤ concurrency (8) + 4",
        ),
    ];
    let figures = match figures {
        Measured::Done(figures) => figures,
        Measured::Skipped(why) => {
            return WHAT
                .iter()
                .map(|(what, target)| Goal::not_measured(*what, *target, why.clone()))
                .collect();
        }
    };
    let mib = |kib: u64| kib as f64 / 1024.0;
    let growth = figures.large.peak_kib as f64 / figures.small.peak_kib.max(1) as f64 - 1.0;
    let rate_ratio =
        figures.large.last_tenth_rate / figures.large.first_tenth_rate.max(f64::MIN_POSITIVE);
    let worst_page = figures
        .pages
        .iter()
        .map(|page| {
            (
                page.many_us / page.few_us.max(f64::MIN_POSITIVE),
                page.query,
            )
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .unwrap_or((0.0, "none"));
    vec![
        Goal::check(
            WHAT[0].0,
            WHAT[0].1,
            format!("{:.1} MiB", mib(figures.large.peak_kib)),
            mib(figures.large.peak_kib) <= 64.0,
            || "the run held more than the rows in flight".into(),
        ),
        Goal::check(
            WHAT[1].0,
            WHAT[1].1,
            format!("{:+.0}%", growth * 100.0),
            growth <= 0.20,
            || "something in the run grows with the file".into(),
        ),
        Goal::check(
            WHAT[2].0,
            WHAT[2].1,
            format!("{:.2} KB", figures.large.journal_bytes_per_row() / 1000.0),
            figures.large.journal_bytes_per_row() <= 2000.0,
            || "the journal rewrites each row's page more often than it changes".into(),
        ),
        Goal::check(
            WHAT[3].0,
            WHAT[3].1,
            format!("{rate_ratio:.2}"),
            rate_ratio >= 0.80,
            || "a step of the run costs more as the journal or the simulator fills".into(),
        ),
        Goal::check(
            WHAT[4].0,
            WHAT[4].1,
            format!("{:.1} s", figures.check.as_secs_f64()),
            figures.check <= Duration::from_secs(10),
            || "reading and checking each row costs more than 10 µs".into(),
        ),
        Goal::check(
            WHAT[5].0,
            WHAT[5].1,
            format!("{:.1} s", figures.seed.as_secs_f64()),
            figures.seed <= Duration::from_secs(10),
            || "adding a subscriber costs more than 10 µs".into(),
        ),
        Goal::check(
            WHAT[6].0,
            WHAT[6].1,
            format!("{:.2} KB", figures.bytes_per_record / 1000.0),
            figures.bytes_per_record <= 1500.0,
            || "a record holds more than its fields and indexes".into(),
        ),
        Goal::check(
            WHAT[7].0,
            WHAT[7].1,
            format!("{:.2} ({})", worst_page.0, worst_page.1),
            worst_page.0 <= 1.5,
            || "that query looks at records beyond the page".into(),
        ),
        Goal::check(
            WHAT[8].0,
            WHAT[8].1,
            figures
                .sent_with_refused_token
                .saturating_sub(1)
                .to_string(),
            figures.sent_with_refused_token.saturating_sub(1) <= REFUSED_CONCURRENCY + 4,
            || "workers went on sending after the first 401".into(),
        ),
    ]
}
