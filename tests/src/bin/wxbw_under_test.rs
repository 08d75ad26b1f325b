//! `wxbw`, built inside this package so that its integration tests can run the real command
//! line as a process (`CARGO_BIN_EXE_wxbw-under-test`): the same entry point as the
//! `webex-broadworks-cli` package's `wxbw` binary.

fn main() -> std::process::ExitCode {
    webex_broadworks_cli::main_entry()
}
