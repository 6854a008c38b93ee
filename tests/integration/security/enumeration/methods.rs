//! Other methods get 405 with `Allow`.

use crate::harness::Api;
use crate::harness::spawn_app;
use crate::security::authorization::documented_operations;
use serde_json::json;
use std::collections::BTreeSet;

/// Every documented path answers the methods it does not take with 405, `Allow` naming the
/// ones it does, in the error envelope; whoever asks.
#[tokio::test]
async fn other_methods_get_405_with_allow() {
    let app = spawn_app().await;
    let api = Api::of(&app);
    let documented = documented_operations(&api).await;
    let paths: BTreeSet<&String> = documented.iter().map(|(_, p)| p).collect();
    let mut failures = Vec::new();
    let mut checked = 0;
    for path in paths {
        let allowed: BTreeSet<String> = documented
            .iter()
            .filter(|(_, p)| p == path)
            .map(|(m, _)| m.clone())
            .collect();
        let concrete = path.replace("{id}", "1").replace("{bet_id}", "1");
        for method in ["GET", "POST", "PUT", "DELETE", "PATCH"] {
            // `GET /reports/batch` is `GET /reports/{id}` with the id "batch": another route's.
            let routed_elsewhere = documented
                .iter()
                .any(|(m, template)| m == method && template_matches(template, &concrete));
            if allowed.contains(method) || routed_elsewhere {
                continue;
            }
            for token in [Some(app.admin.as_str()), None] {
                checked += 1;
                let reply = api
                    .call(method.parse().unwrap(), &concrete, token, Some(&json!({})))
                    .await;
                let allow: BTreeSet<String> = reply
                    .headers
                    .get("allow")
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.split(',').map(|m| m.trim().to_owned()).collect())
                    .unwrap_or_default();
                if reply.status != 405 || allow != allowed || reply.code() != "method_not_allowed" {
                    failures.push(format!(
                        "{method} {concrete} (token: {}): {} Allow {allow:?} (want {allowed:?}) {}",
                        token.is_some(),
                        reply.status,
                        reply.body
                    ));
                }
            }
        }
    }
    assert!(checked > 100);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Whether a concrete path matches an OpenAPI path template (`{name}` matches one segment).
pub(super) fn template_matches(template: &str, path: &str) -> bool {
    let (t, p): (Vec<&str>, Vec<&str>) = (template.split('/').collect(), path.split('/').collect());
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| t == p || (t.starts_with('{') && t.ends_with('}')))
}
