//! Project automation, run as `cargo xtask <command>`.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::generate::{self, SPEC_PATH};
use xtask::spec_diff::{self, Base};
use xtask::{lint, workspace_root};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  generate [--check]   regenerate crates/webex-broadworks-api/src/generated*.rs from the spec;
                       with --check, fail with a diff when the committed files are stale
  lint [--spec <path>] check the spec (default openapi/webex-broadworks.yaml): operationIds,
                       tags, summaries, a response layout progenitor accepts, descriptions,
                       references and examples; fail when a problem is found
  spec-diff (--base <git rev> | --base-file <path>) [--fail-on-breaking]
                       print, as Markdown for a pull request, how the spec in the working tree
                       differs from the base; with --fail-on-breaking, fail on a breaking change
  check                the inner loop after a spec edit: generate, rewrite the snapshots, check
                       every crate and target at once (naming each one broken), then run the
                       generated crate's tests and the operation coverage
  deps                 check that every dependency comes from crates.io under an accepted licence
  bench [<args>]       run the benchmarks and write BENCHMARKS.md (arguments go to the harness)";

enum Command {
    Generate { check: bool },
    Lint { spec: PathBuf },
    SpecDiff(spec_diff::Options),
    Deps,
    Check,
    Bench(Vec<String>),
}

fn parse(args: &[&str]) -> Option<Command> {
    match args {
        ["generate"] => Some(Command::Generate { check: false }),
        ["generate", "--check"] => Some(Command::Generate { check: true }),
        ["lint"] => Some(Command::Lint {
            spec: workspace_root().join(SPEC_PATH),
        }),
        ["lint", "--spec", path] => Some(Command::Lint {
            spec: PathBuf::from(path),
        }),
        ["spec-diff", options @ ..] => parse_spec_diff(options).map(Command::SpecDiff),
        ["deps"] => Some(Command::Deps),
        ["check"] => Some(Command::Check),
        ["bench", rest @ ..] => Some(Command::Bench(
            rest.iter().map(|arg| arg.to_string()).collect(),
        )),
        _ => None,
    }
}

fn parse_spec_diff(mut args: &[&str]) -> Option<spec_diff::Options> {
    let mut base = None;
    let mut fail_on_breaking = false;
    while let Some((first, rest)) = args.split_first() {
        args = match (*first, rest) {
            ("--fail-on-breaking", rest) => {
                fail_on_breaking = true;
                rest
            }
            ("--base", [revision, rest @ ..]) if base.is_none() => {
                base = Some(Base::Revision(revision.to_string()));
                rest
            }
            ("--base-file", [path, rest @ ..]) if base.is_none() => {
                base = Some(Base::File(PathBuf::from(path)));
                rest
            }
            _ => return None,
        };
    }
    Some(spec_diff::Options {
        base: base?,
        fail_on_breaking,
    })
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let Some(command) = parse(&args) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let outcome = match command {
        Command::Generate { check } => generate::run(check),
        Command::Lint { spec } => lint::run(&spec),
        Command::SpecDiff(options) => spec_diff::run(&options),
        Command::Deps => xtask::deps::run(),
        Command::Check => xtask::check::run(),
        Command::Bench(args) => run_benchmarks(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// The benchmark harness is a `harness = false` bench of the `tests` member; it needs the
/// release profile, which `cargo bench` gives.
fn run_benchmarks(args: &[String]) -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let status = std::process::Command::new(cargo)
        .current_dir(workspace_root())
        .args([
            "bench",
            "-p",
            "webex-broadworks-tests",
            "--bench",
            "report",
            "--",
        ])
        .args(args)
        .status()?;
    anyhow::ensure!(status.success(), "the benchmark harness failed ({status})");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_diff_takes_one_base_and_an_optional_flag() {
        assert_eq!(
            parse_spec_diff(&["--base", "origin/main", "--fail-on-breaking"]),
            Some(spec_diff::Options {
                base: Base::Revision("origin/main".to_string()),
                fail_on_breaking: true,
            })
        );
        assert_eq!(
            parse_spec_diff(&["--base-file", "old.yaml"]),
            Some(spec_diff::Options {
                base: Base::File(PathBuf::from("old.yaml")),
                fail_on_breaking: false,
            })
        );
        assert_eq!(parse_spec_diff(&["--fail-on-breaking"]), None);
        assert_eq!(parse_spec_diff(&["--base", "a", "--base-file", "b"]), None);
        assert_eq!(parse_spec_diff(&["--base"]), None);
    }
}
