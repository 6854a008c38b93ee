use reqwest::Method;

use crate::harness::spawn_app;

#[tokio::test]
async fn health_and_readiness_answer_without_a_token() {
    let app = spawn_app().await;
    let reply = app
        .call(Method::GET, "/healthz", None, None)
        .await
        .expect(200);
    assert_eq!(reply.body["status"], "ok");
    let reply = app
        .call(Method::GET, "/readyz", None, None)
        .await
        .expect(200);
    assert_eq!(reply.body["status"], "ready");
}

#[tokio::test]
async fn openapi_document_lists_every_route() {
    let app = spawn_app().await;
    let doc = app
        .call(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .expect(200)
        .body;
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let expected = [
        ("/api/v1/teams", "post"),
        ("/api/v1/teams", "get"),
        ("/api/v1/teams/{id}", "get"),
        ("/api/v1/users", "post"),
        ("/api/v1/users/me", "get"),
        ("/api/v1/arenas", "post"),
        ("/api/v1/arenas", "get"),
        ("/api/v1/bets", "post"),
        ("/api/v1/bets", "get"),
        ("/api/v1/bets/{id}", "get"),
        ("/api/v1/bets/{id}/thresholds", "post"),
        ("/api/v1/bets/{id}/activate", "post"),
        ("/api/v1/bets/{id}/reports", "post"),
        ("/api/v1/bets/{id}/reports", "get"),
        ("/api/v1/reports/batch", "post"),
        ("/api/v1/reports/{id}/corrections", "post"),
        ("/api/v1/audit", "get"),
        ("/healthz", "get"),
        ("/readyz", "get"),
        ("/api/v1/openapi.json", "get"),
    ];
    for (path, method) in expected {
        assert!(
            doc["paths"][path][method].is_object(),
            "{method} {path} missing from the OpenAPI document"
        );
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}

#[tokio::test]
async fn unknown_routes_and_wrong_methods_get_the_error_envelope() {
    let app = spawn_app().await;
    let reply = app
        .get("/api/v1/nothing-here", &app.admin)
        .await
        .expect(404);
    assert_eq!(reply.code(), "not_found");
    let reply = app
        .call(Method::DELETE, "/api/v1/teams", Some(&app.admin), None)
        .await
        .expect(405);
    assert_eq!(reply.code(), "method_not_allowed");
    let allow = reply.headers["allow"].to_str().unwrap();
    assert!(allow.contains("GET") && allow.contains("POST"), "{allow}");
}
