//! Snapshots of `--help`: the command tree, flag names and exit codes as operators see them.

use crate::support::wxbw;

fn help(args: &[&str]) -> String {
    let output = wxbw().args(args).arg("--help").assert().success();
    String::from_utf8_lossy(&output.get_output().stdout).into_owned()
}

#[test]
fn top_level_help_lists_the_groups_and_the_exit_codes() {
    insta::assert_snapshot!("help_top", help(&[]));
}

#[test]
fn subscribers_help_lists_every_operation() {
    insta::assert_snapshot!("help_subscribers", help(&["subscribers"]));
}

#[test]
fn provision_help_shows_kebab_case_field_flags() {
    insta::assert_snapshot!(
        "help_subscribers_provision",
        help(&["subscribers", "provision"])
    );
}

#[test]
fn directory_sync_help() {
    insta::assert_snapshot!(
        "help_enterprises_directory_sync",
        help(&["enterprises", "directory-sync"])
    );
}

#[test]
fn bulk_help_shows_resume_and_concurrency() {
    insta::assert_snapshot!(
        "help_bulk_provision_subscribers",
        help(&["bulk", "provision-subscribers"])
    );
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    wxbw()
        .args(["subscribers", "list", "--colour", "blue"])
        .assert()
        .code(2);
}

#[test]
fn global_flags_are_listed_once_under_their_heading_and_never_as_required() {
    for args in [
        &["subscribers", "get"][..],
        &["bulk", "provision-subscribers"],
        &["billing", "list"],
    ] {
        let text = help(args);
        let heading = text
            .find("Global options:")
            .unwrap_or_else(|| panic!("{text}"));
        for flag in ["--base-url <URL>", "--token <TOKEN>", "--output <OUTPUT>"] {
            assert_eq!(text.matches(flag).count(), 1, "{flag} in {args:?}:\n{text}");
            assert!(
                text.find(flag).unwrap() > heading,
                "{flag} before the heading:\n{text}"
            );
        }
        let usage = text
            .lines()
            .find(|line| line.starts_with("Usage:"))
            .unwrap();
        assert!(
            !usage.contains("--base-url") && !usage.contains("--token"),
            "{usage}"
        );
    }
}

#[test]
fn commands_that_ignore_a_global_flag_do_not_show_it() {
    let demo = help(&["demo"]);
    assert!(!demo.contains("--base-url"), "{demo}");
    assert!(!demo.contains("--token"), "{demo}");
    assert!(demo.contains("--subscribers"), "{demo}");
    let sim = help(&["sim"]);
    assert!(!sim.contains("--base-url"), "{sim}");
    // The simulator accepts the token given with --token.
    assert!(sim.contains("--token"), "{sim}");
}
