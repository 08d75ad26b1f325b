//! Property tests of `wxbw bulk`'s input reader: whatever bytes a CSV or JSON-lines file
//! holds, reading it never panics and either yields rows or reports problems, each with its
//! row; a file of valid rows with arbitrary names is read whole.
//!
//! Rerun: `cargo test -p webex-broadworks-tests --test bulk_input_props`.
// A test: a panic is its failure, with its line.
#![allow(clippy::unwrap_used)]

use proptest::prelude::*;
use webex_broadworks_cli::bulk::input::{BulkKind, InputFormat, parse};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 256,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x0b01_cc5f),
        ..ProptestConfig::default()
    }
}

const KINDS: [BulkKind; 3] = [
    BulkKind::ProvisionSubscribers,
    BulkKind::UpdateSubscribers,
    BulkKind::ProvisionWorkspaces,
];

/// A header the reader knows, then lines of arbitrary cells: quotes, commas, control
/// characters, invalid UTF-8, CR and LF.
fn csv_like() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        Just("provisioningId,userId,spEnterpriseId,firstName,lastName,package\n".to_string()),
        Just("subscriberId,userId,newUserId,firstName,primaryPhoneNumber,timezone\n".to_string()),
        Just("provisioning-id,user_id,spEnterpriseId,displayName,extension\n".to_string()),
        "[a-zA-Z_,-]{0,40}\n",
    ];
    let cell = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..12),
        "[a-z0-9@.+ -]{0,12}".prop_map(String::into_bytes),
        "\"([^\"]|\"\"){0,10}\"?".prop_map(String::into_bytes),
        Just(b"basic".to_vec()),
        Just(b"+1-240-555-1212".to_vec()),
        Just(b"\xff\xfe".to_vec()),
    ];
    let line = prop::collection::vec(cell, 0..8).prop_map(|cells| cells.join(&b","[..]));
    (header, prop::collection::vec(line, 0..6)).prop_map(|(header, lines)| {
        let mut bytes = header.into_bytes();
        bytes.extend(lines.join(&b"\n"[..]));
        bytes
    })
}

fn check(kind: BulkKind, format: InputFormat, bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse(kind, format, bytes) {
        Ok(rows) => prop_assert!(!rows.is_empty(), "no rows and no problem"),
        Err(problems) => {
            prop_assert!(!problems.is_empty());
            let _ = problems.to_string();
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        for kind in KINDS {
            check(kind, InputFormat::Csv, &bytes)?;
            check(kind, InputFormat::JsonLines, &bytes)?;
        }
    }

    #[test]
    fn csv_like_files_never_panic(bytes in csv_like()) {
        for kind in KINDS {
            check(kind, InputFormat::Csv, &bytes)?;
        }
    }

    #[test]
    fn json_lines_never_panic(lines in prop::collection::vec(
        prop_oneof![
            "\\{(\"[a-zA-Z]{1,12}\": ?(\"[^\"\\\\]{0,10}\"|[0-9]{1,4}|null|true|\\[\\]|\\{\\}), ?){0,5}\\}",
            "\\PC{0,30}",
        ],
        0..6,
    )) {
        let bytes = lines.join("\n").into_bytes();
        for kind in KINDS {
            check(kind, InputFormat::JsonLines, &bytes)?;
        }
    }

    /// Valid rows whose names are any text without a line break or a comma: every row is
    /// read, as given.
    #[test]
    fn valid_rows_with_arbitrary_names_are_read_whole(
        names in prop::collection::vec("[^,\"\r\n\u{0}]{1,40}", 1..5),
    ) {
        let mut csv = String::from("provisioningId,userId,spEnterpriseId,firstName,lastName,package\n");
        for (i, name) in names.iter().enumerate() {
            csv.push_str(&format!("prov-1,u{i}@sp.example,Reseller1+acme,{name},Lee,basic\n"));
        }
        match parse(BulkKind::ProvisionSubscribers, InputFormat::Csv, csv.as_bytes()) {
            Ok(rows) => prop_assert_eq!(rows.len(), names.len()),
            // A name of blanks only is a missing mandatory field.
            Err(problems) => prop_assert!(
                names.iter().any(|n| n.trim().is_empty()),
                "{}", problems
            ),
        }
    }
}
