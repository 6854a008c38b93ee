//! The document as a generated client reads it: shared errors where they can happen, every
//! reference resolving, pages referencing their items, answers typed as the server sends them.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::*;

/// The shared errors reach every operation they can come from, and a handler's own
/// description of a status is kept.
#[test]
fn shared_errors_are_documented_where_they_can_happen() {
    let doc = openapi_document();
    let get = |path: &str| {
        doc.paths
            .paths
            .get(path)
            .and_then(|item| item.get.as_ref())
            .map(|op| &op.responses.responses)
    };
    let bet = get("/api/v1/bets/{id}").expect("GET /bets/{id} is documented");
    for status in ["400", "401", "403", "404", "503"] {
        assert!(bet.contains_key(status), "GET /bets/{{id}} lacks {status}");
    }
    assert!(!bet.contains_key("429"), "a read is never rate-limited");
    let me = get("/api/v1/users/me").expect("GET /users/me is documented");
    assert!(!me.contains_key("404") && !me.contains_key("400"));
    let health = get("/healthz").expect("GET /healthz is documented");
    assert!(
        !health.contains_key("503"),
        "only /api/v1 routes get the shared errors"
    );

    let batch = doc
        .paths
        .paths
        .get("/api/v1/reports/batch")
        .and_then(|item| item.post.as_ref())
        .expect("POST /reports/batch is documented");
    let statuses = &batch.responses.responses;
    for status in ["413", "415", "422", "429"] {
        assert!(statuses.contains_key(status), "the batch lacks {status}");
    }
    let Some(RefOr::T(bad_rows)) = statuses.get("422") else {
        panic!("the batch's 422 is inline");
    };
    assert_eq!(
        bad_rows.description,
        "Bad rows, each listed in error.details"
    );
}

/// The served document, as JSON.
fn document() -> Value {
    serde_json::to_value(openapi_document()).unwrap()
}

fn schemas(doc: &Value) -> &serde_json::Map<String, Value> {
    doc["components"]["schemas"].as_object().unwrap()
}

/// Each operation of the document: its method, path and body.
fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((method.to_uppercase(), path.clone(), operation));
        }
    }
    found
}

/// The component names a part of the document refers to.
fn refs(part: &Value, names: &mut BTreeSet<String>) {
    match part {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                names.insert(target.clone());
            }
            map.values().for_each(|v| refs(v, names));
        }
        Value::Array(values) => values.iter().for_each(|v| refs(v, names)),
        _ => {}
    }
}

/// The components `start` reaches, through the references of each one it reaches.
fn reached(doc: &Value, start: BTreeSet<String>) -> BTreeSet<String> {
    let mut todo: Vec<String> = start.into_iter().collect();
    let mut seen = BTreeSet::new();
    while let Some(target) = todo.pop() {
        let name = target
            .trim_start_matches("#/components/schemas/")
            .to_owned();
        if seen.insert(name.clone()) {
            let mut next = BTreeSet::new();
            refs(&schemas(doc)[&name], &mut next);
            todo.extend(next);
        }
    }
    seen
}

#[test]
fn every_reference_resolves() {
    let doc = document();
    let mut names = BTreeSet::new();
    refs(&doc, &mut names);
    assert!(!names.is_empty());
    for target in names {
        let name = target
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("{target} is not a schema reference"));
        assert!(schemas(&doc).contains_key(name), "{target} names nothing");
    }
}

#[test]
fn pages_reference_their_items() {
    let doc = document();
    let pages: Vec<_> = schemas(&doc)
        .iter()
        .filter(|(name, _)| name.starts_with("Page_"))
        .collect();
    assert!(pages.len() >= 4, "the report, bet, audit and ledger pages");
    for (name, page) in pages {
        let item = name.trim_start_matches("Page_");
        assert_eq!(
            page["properties"]["items"]["items"],
            json!({"$ref": format!("#/components/schemas/{item}")}),
            "{name} inlines its items"
        );
    }
    assert!(schemas(&doc).contains_key("EntryView"));
}

/// What the server answers, it sends whole: every property of a schema that only answers use
/// is required (nullable where it can be null). Request bodies keep their optional fields.
#[test]
fn answers_require_every_property() {
    let doc = document();
    let (mut answered, mut sent) = (BTreeSet::new(), BTreeSet::new());
    for (_, _, operation) in operations(&doc) {
        refs(&operation["responses"], &mut answered);
        refs(&operation["requestBody"], &mut sent);
        refs(&operation["parameters"], &mut sent);
    }
    let (answered, sent) = (reached(&doc, answered), reached(&doc, sent));
    for name in answered.difference(&sent) {
        let schema = &schemas(&doc)[name];
        let parts = schema["allOf"].as_array().cloned().unwrap_or_default();
        for part in parts.iter().chain([schema]) {
            let Some(properties) = part["properties"].as_object() else {
                continue;
            };
            let required: BTreeSet<&str> = part["required"]
                .as_array()
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            for property in properties.keys() {
                assert!(required.contains(property.as_str()), "{name}.{property}");
            }
        }
    }
    // A round's answer shows its policy whole; the request's policy may leave fields out.
    assert_eq!(
        schemas(&doc)["RoundView"]["properties"]["policy"]["$ref"],
        "#/components/schemas/PolicyView"
    );
    assert!(sent.contains("Policy") && !sent.contains("PolicyView"));
    let create_report = &schemas(&doc)["CreateReport"];
    assert_eq!(create_report["required"], json!(["value"]));
    let detail = &schemas(&doc)["ErrorDetail"];
    assert_eq!(
        detail["properties"]["field"]["type"],
        json!(["string", "null"])
    );
}

/// `field` and `details` are sent as null rather than left out, as the document requires.
#[test]
fn error_details_are_sent_whole() {
    let body = serde_json::to_value(crate::api::error::ErrorBody {
        error: crate::error::AppError::not_found("bet").detail().clone(),
    })
    .unwrap();
    assert_eq!(body["error"]["field"], Value::Null);
    assert!(body["error"].as_object().unwrap().contains_key("details"));
}

#[test]
fn word_fields_are_enums() {
    let doc = document();
    for name in [
        "Outcome",
        "Decision",
        "Direction",
        "RoundStatus",
        "AccountKind",
        "TokenKind",
        "BetStatus",
        "Stage",
        "Role",
        "TeamKind",
        "ExportFormat",
        "HealthStatus",
    ] {
        let schema = &schemas(&doc)[name];
        assert_eq!(schema["type"], "string", "{name}");
        assert!(
            schema["enum"].as_array().is_some_and(|w| !w.is_empty()),
            "{name}"
        );
    }
    assert_eq!(
        schemas(&doc)["Outcome"]["enum"],
        json!(["beat", "miss", "uncertain", "insufficient_data"])
    );
}

#[test]
fn exports_declare_both_formats() {
    let doc = document();
    let exports: Vec<_> = operations(&doc)
        .into_iter()
        .filter(|(_, path, _)| path.ends_with(".{format}"))
        .collect();
    assert_eq!(exports.len(), 10);
    for (_, path, operation) in exports {
        let format = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["name"] == "format")
            .unwrap();
        assert_eq!(
            format["schema"]["$ref"],
            "#/components/schemas/ExportFormat"
        );
        let content = &operation["responses"]["200"]["content"];
        assert_eq!(content["text/csv"]["schema"]["type"], "string", "{path}");
        let rows = &content["application/json"]["schema"];
        assert_eq!(rows["type"], "array", "{path}");
        assert!(rows["items"]["$ref"].is_string(), "{path}");
    }
}

#[test]
fn headers_are_declared() {
    let doc = document();
    for (method, path, operation) in operations(&doc) {
        for status in ["429", "503"] {
            if let Some(response) = operation["responses"].get(status) {
                assert!(
                    response["headers"]["Retry-After"].is_object(),
                    "{method} {path} {status}"
                );
            }
        }
    }
    for path in [
        "/api/v1/bets/{id}/reports",
        "/api/v1/reports/{id}/corrections",
    ] {
        let created = &doc["paths"][path]["post"]["responses"]["201"];
        assert!(
            created["headers"]["Idempotent-Replayed"].is_object(),
            "{path}"
        );
    }
}

#[test]
fn public_operations_need_no_token() {
    let doc = document();
    for path in ["/healthz", "/readyz", "/metrics", "/api/v1/openapi.json"] {
        assert_eq!(doc["paths"][path]["get"]["security"], json!([]), "{path}");
    }
}

/// Ids become Python function names: none is a keyword, and each one says what it does
/// (a verb first, as beside `list_*`).
#[test]
fn operation_ids_read_as_python_functions() {
    const KEYWORDS: [&str; 35] = [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
        "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
        "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return",
        "try", "while", "with", "yield",
    ];
    const VERBS: [&str; 26] = [
        "list", "get", "create", "add", "delete", "remove", "set", "activate", "kill", "graduate",
        "preview", "commit", "verify", "revoke", "import", "export", "correct", "quote", "decline",
        "accept", "raise", "withdraw", "cancel", "deliver", "decide", "extend",
    ];
    let doc = document();
    let mut ids = BTreeSet::new();
    for (method, path, operation) in operations(&doc) {
        let id = operation["operationId"].as_str().unwrap().to_owned();
        assert!(!KEYWORDS.contains(&id.as_str()), "{method} {path}: {id}");
        let verb = id.split('_').next().unwrap_or_default();
        assert!(
            VERBS.contains(&verb),
            "{method} {path}: {id} starts with no verb"
        );
        assert!(ids.insert(id.clone()), "{id} is used twice");
    }
    for id in [
        "import_reports",
        "export_audit",
        "export_ledger",
        "export_portfolio",
        "export_round_results",
        "get_me",
    ] {
        assert!(ids.contains(id), "{id}");
    }
}
