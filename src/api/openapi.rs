//! The OpenAPI 3 document: collected from the handlers' own `#[utoipa::path]` annotations, then
//! completed with the error answers every route shares (a bad token, a busy database, a body
//! that is not JSON), so that each handler documents only what is particular to it.

use actix_web::{HttpResponse, get, web};
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use super::mount;

/// The OpenAPI 3 document of everything [`mount`] registers.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(mount)
        .split_for_parts();
    let api_paths = doc
        .paths
        .paths
        .iter_mut()
        .filter(|(path, _)| path.starts_with("/api/v1/"));
    for (_, item) in api_paths {
        for (read_only, operation) in [
            (true, &mut item.get),
            (false, &mut item.post),
            (false, &mut item.put),
            (false, &mut item.delete),
            (false, &mut item.patch),
        ] {
            if let Some(operation) = operation {
                add_shared_errors(operation, read_only);
            }
        }
    }
    doc
}

/// This OpenAPI 3 document.
#[utoipa::path(
    tag = "health",
    responses((status = 200, description = "The OpenAPI 3 document", body = Object))
)]
#[get("/openapi.json")]
pub async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// Documents the errors that come from the shared machinery rather than the handler: the
/// extractors (400, 413, 415), token auth and roles (401, 403), the write limit (429), path ids
/// that name nothing (404), range checks on queries and bodies (422), and a database too busy
/// to answer in time (503). A status the handler documents itself keeps its own description.
fn add_shared_errors(operation: &mut Operation, read_only: bool) {
    let params = operation.parameters.as_deref().unwrap_or_default();
    let has_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let has_body = operation.request_body.is_some();
    let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());

    let mut shared: Vec<(&str, &str)> = Vec::new();
    if has_path || has_query || has_body {
        shared.push((
            "400",
            "The request could not be read: malformed JSON, query or path",
        ));
    }
    if secured {
        shared.push(("401", "No token, or an unknown, revoked or expired one"));
        shared.push(("403", "The caller's role or team may not do this"));
        if !read_only {
            shared.push(("429", "This token is writing too fast; see Retry-After"));
        }
    }
    if has_path {
        shared.push((
            "404",
            "Nothing with that id exists, or the caller may not see it",
        ));
    }
    if has_body {
        shared.push(("413", "The body is larger than the server accepts"));
        shared.push(("415", "The body is not of the documented content type"));
    }
    if has_body || has_query {
        shared.push(("422", "A value is out of range or breaks a rule"));
    }
    shared.push(("503", "The database is too busy to answer in time; retry"));

    for (status, description) in shared {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| error_response(description));
    }
}

fn error_response(description: &str) -> RefOr<Response> {
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(
                "application/json",
                ContentBuilder::new()
                    .schema(Some(Ref::from_schema_name("ErrorBody")))
                    .build(),
            )
            .build(),
    )
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "horserace",
        description = "An internal tournament and portfolio engine: teams register bets and report \
                       their metric; the committee runs funding rounds decided by the evidence."
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "teams"), (name = "users"), (name = "arenas"), (name = "bets"),
        (name = "reports"), (name = "rounds"), (name = "ledger"), (name = "exports"), (name = "audit"),
        (name = "health")
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

#[cfg(test)]
mod tests {
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
}
