//! Operating horserace: metrics, the API docs, the demo command, configuration errors.

use reqwest::Method;

use crate::harness::spawn_app;

#[tokio::test]
async fn metrics_and_api_docs_answer() {
    let app = spawn_app().await;
    let w = app.world().await;
    app.report(&w.member_a, w.bet_a, serde_json::json!({"value": 1.0}))
        .await
        .expect(201);
    let metrics = app
        .call(Method::GET, "/metrics", None, None)
        .await
        .expect(200);
    // Every answer carries the server's own time, which the benchmark suite reads.
    let timing = metrics.headers["server-timing"].to_str().unwrap();
    let ms: f64 = timing.strip_prefix("app;dur=").unwrap().parse().unwrap();
    assert!(ms >= 0.0, "{timing}");
    let text = metrics.body.as_str().unwrap();
    assert!(text.contains("horserace_http_requests_total{method=\"POST\",route=\"/api/v1/bets/{id}/reports\",status=\"201\"}"), "{text}");
    assert!(text.contains("horserace_reports_ingested_total"));
    assert!(text.contains("horserace_db_pool_connections"));
    let docs = app.client.get(app.url("/api/docs/")).send().await.unwrap();
    assert_eq!(docs.status(), 200);
    assert!(docs.text().await.unwrap().contains("swagger"));
}

fn run(args: &[&str], envs: &[(&str, &str)]) -> (bool, String) {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_horserace"));
    command.args(args).env("HORSERACE_LOG", "warn");
    for (k, v) in envs {
        command.env(k, v);
    }
    let output = command.output().expect("the binary runs");
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn the_demo_builds_once_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.db");
    let file = file.to_str().unwrap();
    let (ok, out) = run(&["demo", "--file", file, "--no-serve"], &[]);
    assert!(ok && out.contains("Built the demo portfolio"), "{out}");
    let (ok, out) = run(&["round", "list"], &[("DATABASE_URL", file)]);
    assert!(ok);
    assert_eq!(
        out.matches("committed").count(),
        4,
        "four committed rounds: {out}"
    );
    let (ok, out) = run(&["round", "verify", "4"], &[("DATABASE_URL", file)]);
    assert!(ok && out.contains("matches bit for bit"), "{out}");
    let (ok, out) = run(&["demo", "--file", file, "--no-serve"], &[]);
    assert!(!ok && out.contains("already exists"), "{out}");
    let (ok, _) = run(&["demo", "--file", file, "--no-serve", "--force"], &[]);
    assert!(ok);
}

#[test]
fn bad_configuration_stops_the_start_with_a_clear_message() {
    for (envs, expected) in [
        (
            vec![("DATABASE_URL", "mysql://nope")],
            "scheme is not supported",
        ),
        (
            vec![("DATABASE_URL", "x.db"), ("HORSERACE_CURRENCY", "dollars")],
            "HORSERACE_CURRENCY",
        ),
        (
            vec![
                ("DATABASE_URL", "x.db"),
                ("HORSERACE_BOOTSTRAP_TOKEN", "short"),
            ],
            "HORSERACE_BOOTSTRAP_TOKEN",
        ),
        (
            vec![("DATABASE_URL", "x.db"), ("HORSERACE_POOL_SIZE", "0")],
            "pool-size",
        ),
        (
            vec![("DATABASE_URL", "x.db"), ("HORSERACE_LOG", "=[")],
            "HORSERACE_LOG",
        ),
        (
            vec![
                ("DATABASE_URL", "x.db"),
                ("HORSERACE_BIND", "not-an-address"),
            ],
            "cannot listen",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_horserace"));
        command.arg("serve").current_dir(dir.path());
        for (k, v) in &envs {
            command.env(k, v);
        }
        let output = command.output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!output.status.success(), "{envs:?} should stop the start");
        assert!(text.contains(expected), "{envs:?}: {text}");
    }
}
