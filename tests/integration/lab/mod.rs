//! `horserace lab ...`: the real binary's policy lab. It reads no database: every test points
//! DATABASE_URL at a file that must still not exist afterwards.

use serde_json::Value;

use crate::harness::cli;

/// Runs `horserace lab <args>`, checking that no database was touched.
fn lab(args: &[&str]) -> (bool, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("untouched.db");
    let db = db.to_str().unwrap();
    let args: Vec<&str> = ["lab"].iter().chain(args).copied().collect();
    let answer = cli(db, &args);
    assert!(
        !std::path::Path::new(db).exists(),
        "the lab created a database"
    );
    answer
}

#[test]
fn simulate_prints_json_holding_every_seed() {
    let (ok, out, err) = lab(&[
        "simulate",
        "--format",
        "json",
        "--seeds",
        "1..2",
        "--policy",
        r#"{"kill_after_misses":3}"#,
    ]);
    assert!(ok, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["scenario"], "hard");
    assert_eq!(json["seeds"], serde_json::json!([1, 2]));
    let policy = &json["policies"][0];
    // The partial policy filled the other knobs with the defaults.
    assert_eq!(policy["policy"]["kill_after_misses"], 3);
    assert_eq!(policy["policy"]["confidence"], 0.8);
    let runs = policy["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(
        (runs[0]["seed"].as_u64(), runs[1]["seed"].as_u64()),
        (Some(1), Some(2))
    );
    for run in runs {
        let share = run["metrics"]["winners_share"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&share), "{run}");
        assert_eq!(run["metrics"]["bets"], 30);
    }
    assert_eq!(policy["summary"]["runs"], 2);
    let mean = policy["summary"]["winners_share"]["mean"].as_f64().unwrap();
    let by_hand = (runs[0]["metrics"]["winners_share"].as_f64().unwrap()
        + runs[1]["metrics"]["winners_share"].as_f64().unwrap())
        / 2.0;
    assert!((mean - by_hand).abs() < 1e-15);
}

#[test]
fn simulate_prints_a_table_and_csv() {
    let (ok, out, err) = lab(&["simulate", "--seeds", "3,5", "--policy", "{}"]);
    assert!(ok, "{err}");
    assert!(
        out.contains("winners_share") && out.contains("default"),
        "{out}"
    );
    assert!(out.contains("% ± "), "{out}");
    let (ok, out, err) = lab(&["simulate", "--seeds", "1..3", "--format", "csv"]);
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 1 + 3, "{out}");
    assert!(lines[0].starts_with("policy_number,policy,seed,"), "{out}");
    assert!(lines[3].starts_with("1,default,3,30,"), "{out}");
}

#[test]
fn a_bad_policy_is_refused_naming_its_field() {
    let (ok, _, err) = lab(&[
        "simulate",
        "--seeds",
        "1",
        "--policy",
        r#"{"confidence":1.5}"#,
    ]);
    assert!(!ok);
    assert!(
        err.contains("policy 1: the policy's confidence must be strictly between 0.5 and 1"),
        "{err}"
    );
    let (ok, _, err) = lab(&[
        "simulate",
        "--seeds",
        "1",
        "--policy",
        r#"{"confidense":0.9}"#,
    ]);
    assert!(!ok && err.contains("confidense"), "{err}");
    let (ok, _, err) = lab(&["simulate", "--seeds", "1..41"]);
    assert!(!ok && err.contains("at most 40"), "{err}");
}

#[test]
fn a_bad_scenario_field_is_refused_by_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, text, err) = lab(&["scenario"]);
    assert!(ok, "{err}");
    let mut scenario: Value = serde_json::from_str(&text).unwrap();
    scenario["reports"]["probability"] = 2.0.into();
    let file = dir.path().join("bad.json");
    std::fs::write(&file, scenario.to_string()).unwrap();
    let (ok, _, err) = lab(&["simulate", "--scenario", file.to_str().unwrap()]);
    assert!(!ok);
    assert!(
        err.contains("the scenario's reports.probability must be between 0 and 1"),
        "{err}"
    );
    let (ok, _, err) = lab(&["simulate", "--scenario", "no-such-scenario"]);
    assert!(!ok && err.contains("built in: hard"), "{err}");
}

#[test]
fn recommend_prints_a_recommended_policy() {
    let dir = tempfile::tempdir().unwrap();
    let grid = dir.path().join("grid.json");
    std::fs::write(
        &grid,
        r#"{"evidence_windows":[1,2],"confidence":[0.7,0.8],"kill_after_misses":[2,4],"selection_pressure":[1],"exploration_share":[0.1]}"#,
    )
    .unwrap();
    let grid = grid.to_str().unwrap();
    let (ok, out, err) = lab(&[
        "recommend",
        "--train",
        "1..2",
        "--test",
        "3..4",
        "--grid",
        grid,
    ]);
    assert!(ok, "{err}");
    assert!(out.contains("Recommended: "), "{out}");
    assert!(
        out.contains("Pareto front") && out.contains("test seeds 3, 4"),
        "{out}"
    );
    let (ok, out, err) = lab(&[
        "recommend",
        "--train",
        "1..2",
        "--test",
        "3..4",
        "--grid",
        grid,
        "--format",
        "json",
    ]);
    assert!(ok, "{err}");
    let json: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["policies"], 8);
    assert!(
        json["recommended"]["policy"]["kill_after_misses"].is_u64(),
        "{out}"
    );
    assert_eq!(json["test"]["default"]["runs"], 2);
    let (ok, _, err) = lab(&[
        "recommend",
        "--train",
        "1..2",
        "--test",
        "2..3",
        "--grid",
        grid,
    ]);
    assert!(!ok && err.contains("the test seeds hold 2"), "{err}");
}
