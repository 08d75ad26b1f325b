//! wxbw: the operator command line for the Webex for BroadWorks provisioning API.

fn main() -> std::process::ExitCode {
    webex_broadworks_cli::main_entry()
}
