//! Every row a bulk run gives up carries a trackingId, even when no answer was readable.

use webex_broadworks_sim::{FaultPlan, FaultRates, Operation};

use crate::support::{TestSim, texts};

#[test]
fn a_row_given_up_without_any_answer_still_names_a_tracking_id() {
    let unanswered_lists = FaultPlan::seeded(5).for_operation(
        Operation::ListSubscribers,
        FaultRates::none().dropped_connections(1.0),
    );
    let sim = TestSim::start_with(|builder| builder.faults(unanswered_lists));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("updates.csv");
    std::fs::write(&file, "userId,lastName\ns1@acme.example,Two\n").unwrap();
    let run = sim
        .wxbw()
        .args(["bulk", "update-subscribers"])
        .arg(&file)
        .assert()
        .code(4);
    let (_, stderr) = texts(run.get_output());

    let results = std::fs::read_to_string(dir.path().join("updates.csv.results.csv")).unwrap();
    let line = results.lines().nth(1).unwrap();
    assert!(
        line.contains(",failed,\"could not look up userId"),
        "{line}\n{stderr}"
    );
    let tracking_id = line.rsplit(',').next().unwrap();
    // The TrackingID of the last request sent for the row, as the simulator logged it.
    let sent: Vec<String> = sim
        .state()
        .request_log()
        .into_iter()
        .filter_map(|record| record.client_tracking_id)
        .collect();
    assert!(tracking_id.starts_with("WXBW_"), "{line}");
    assert_eq!(sent.last().map(String::as_str), Some(tracking_id));
}
