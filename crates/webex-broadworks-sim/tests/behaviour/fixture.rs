use webex_broadworks_sim::{Fixture, FixtureError, SimError};

use crate::common::{advance, builder, secs, start_with};

const YAML: &str = r#"
provisioningIds: [prov-1, prov-2]
enterprises:
  - spEnterpriseId: Reseller1+acme
    provisioningId: prov-1
    broadworksDirectorySync:
      enableDirSync: true
      directorySyncStatus: { syncStatus: COMPLETE, lastSyncEndTime: "2024-04-01T14:49:52.667189Z" }
subscribers:
  - userId: ann@sp.com
    spEnterpriseId: Reseller1+acme
    firstName: Ann
    lastName: Lee
    package: premium
    selfActivated: "true"
  - userId: bob@sp.com
    spEnterpriseId: Reseller1+acme
    firstName: Bob
    lastName: Ray
    status: provisioning
workspaces:
  - { userId: room@sp.com, spEnterpriseId: Reseller1+acme, displayName: Room 1 }
billingReports:
  - { billingPeriod: "2024-01" }
"#;

#[tokio::test(start_paused = true)]
async fn yaml_fixtures_seed_every_kind_of_record() {
    let (sim, api) = start_with(builder().seed(Fixture::from_yaml_str(YAML).unwrap())).await;
    let state = sim.state();
    let subscribers = state.subscribers();
    assert_eq!(subscribers.len(), 2);
    assert_eq!(
        subscribers[0].status.as_ref().unwrap().as_str(),
        "provisioned"
    );
    assert_eq!(subscribers[0].provisioning_id.as_deref(), Some("prov-1"));
    assert!(subscribers[0].self_activated.unwrap().get());
    assert_eq!(
        subscribers[1].status.as_ref().unwrap().as_str(),
        "provisioning"
    );
    advance(secs(2)).await;
    assert_eq!(
        state.subscribers()[1].status.as_ref().unwrap().as_str(),
        "provisioned"
    );

    let enterprise = &state.enterprises()[0];
    let sync = enterprise.broadworks_directory_sync.as_ref().unwrap();
    assert_eq!(sync.enable_dir_sync, Some(true));
    let status = sync.directory_sync_status.as_ref().unwrap();
    assert_eq!(status.sync_status.as_ref().unwrap().as_str(), "COMPLETE");
    assert_eq!(
        status
            .last_sync_end_time
            .as_ref()
            .and_then(webex_broadworks_api::wire::Timestamp::get)
            .unwrap()
            .to_rfc3339(),
        "2024-04-01T14:49:52.667189+00:00"
    );

    assert_eq!(
        state.workspaces()[0].provisioning_id.as_deref(),
        Some("prov-1")
    );
    let report = &state.billing_reports()[0];
    assert_eq!(report.status.as_ref().unwrap().as_str(), "COMPLETED");
    assert!(report.temp_download_url.is_some());
    let listed = api.get("/broadworks/subscribers?selfActivated=true").await;
    assert_eq!(listed.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn json_fixtures_and_files_load_too() {
    let json = r#"{"subscribers": [{"userId": "j@sp.com", "spEnterpriseId": "E", "firstName": "J", "lastName": "K"}]}"#;
    let from_json = Fixture::from_json_str(json).unwrap();
    assert_eq!(
        from_json.subscribers[0].user_id.as_deref(),
        Some("j@sp.com")
    );

    let dir = std::env::temp_dir().join(format!("wbs-fixture-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let json_path = dir.join("seed.json");
    let yaml_path = dir.join("seed.yaml");
    std::fs::write(&json_path, json).unwrap();
    std::fs::write(&yaml_path, YAML).unwrap();
    assert_eq!(Fixture::from_path(&json_path).unwrap(), from_json);
    assert_eq!(Fixture::from_path(&yaml_path).unwrap().subscribers.len(), 2);
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(matches!(
        Fixture::from_path(dir.join("missing.yaml")),
        Err(FixtureError::Read { .. })
    ));
}

#[tokio::test]
async fn invalid_fixtures_are_reported_with_the_record_at_fault() {
    assert!(matches!(
        Fixture::from_yaml_str("subscriberz: []"),
        Err(FixtureError::Yaml(_))
    ));
    let incomplete =
        Fixture::from_yaml_str("subscribers:\n  - { userId: a@sp.com, firstName: A }").unwrap();
    let error = builder().seed(incomplete).start().await.unwrap_err();
    match &error {
        SimError::Fixture(FixtureError::Invalid {
            what,
            index,
            problem,
        }) => {
            assert_eq!((*what, *index), ("subscriber", 0));
            assert!(problem.contains("spEnterpriseId"), "{problem}");
        }
        other => panic!("unexpected error: {other:?}"),
    }
    let duplicate = Fixture::from_yaml_str(
        "subscribers:\n  - { userId: a, spEnterpriseId: E, firstName: A, lastName: B }\n  - { userId: a, spEnterpriseId: E, firstName: A, lastName: B }",
    )
    .unwrap();
    assert!(builder().seed(duplicate).start().await.is_err());
}
