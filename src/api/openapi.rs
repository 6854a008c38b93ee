//! The OpenAPI 3 document: collected from the handlers' own `#[utoipa::path]` annotations, then
//! completed with what they would each have to repeat: the error answers every route shares (a
//! bad token, a busy database, a body that is not JSON) with their `Retry-After`, `security: []`
//! on the public routes, and the schema facts that serde knows but utoipa's derive does not
//! ([`complete`]).

mod complete;

use actix_web::{HttpResponse, get, web};
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn, PathItem};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response};
use utoipa::{Modify, OpenApi};
use utoipa_actix_web::AppExt;

use super::mount;

/// The path of the document itself; served without a token like the health checks.
const DOCUMENT_PATH: &str = "/api/v1/openapi.json";

/// The OpenAPI 3 document of everything [`mount`] registers.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = actix_web::App::new()
        .into_utoipa_app()
        .openapi(ApiDoc::openapi())
        .configure(mount)
        .split_for_parts();
    for (path, item) in doc.paths.paths.iter_mut() {
        let api = path.starts_with("/api/v1/");
        let public = !api || path == DOCUMENT_PATH;
        for (read_only, operation) in operations(item) {
            if public {
                // Said outright, so that a generated client calls it without credentials.
                operation.security = Some(Vec::new());
            }
            if api {
                add_shared_errors(operation, read_only);
            }
            add_retry_after(operation);
        }
    }
    complete::complete(&mut doc);
    doc
}

/// Each operation of a path, with whether it only reads (a read is never rate-limited).
fn operations(item: &mut PathItem) -> impl Iterator<Item = (bool, &mut Operation)> {
    [
        (true, &mut item.get),
        (false, &mut item.post),
        (false, &mut item.put),
        (false, &mut item.delete),
        (false, &mut item.patch),
    ]
    .into_iter()
    .filter_map(|(read_only, operation)| operation.as_mut().map(|op| (read_only, op)))
}

/// This OpenAPI 3 document.
#[utoipa::path(
    tag = "health",
    operation_id = "get_openapi",
    responses((status = 200, description = "The OpenAPI 3 document", body = Object))
)]
#[get("/openapi.json")]
pub async fn openapi_json(doc: web::Data<utoipa::openapi::OpenApi>) -> HttpResponse {
    HttpResponse::Ok().json(doc.get_ref())
}

/// Documents the errors that come from the shared machinery rather than the handler: the
/// extractors (400, 413, 415), token auth and roles (401, 403), the write limit (429), path ids
/// that name nothing (404), range checks on queries, headers and bodies (422), and a database too busy
/// to answer in time (503). A status the handler documents itself keeps its own description.
fn add_shared_errors(operation: &mut Operation, read_only: bool) {
    let params = operation.parameters.as_deref().unwrap_or_default();
    let has_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    let has_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let has_header = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Header));
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
    if has_body || has_query || has_header {
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

/// Every 429 (the write limit) and 503 (a busy database) the server sends says when to retry, in
/// whole seconds (`AppError::retry_after_secs`); the document says so wherever they are listed.
fn add_retry_after(operation: &mut Operation) {
    for status in ["429", "503"] {
        if let Some(RefOr::T(response)) = operation.responses.responses.get_mut(status) {
            response
                .headers
                .entry("Retry-After".to_owned())
                .or_insert_with(|| {
                    HeaderBuilder::new()
                        .schema(
                            ObjectBuilder::new()
                                .schema_type(Type::Integer)
                                .minimum(Some(0)),
                        )
                        .description(Some("Seconds to wait before trying again"))
                        .build()
                });
        }
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
    // Parameters name their schemas without registering them, so those are listed here.
    components(schemas(super::exports::ExportFormat)),
    modifiers(&BearerAuth),
    tags(
        (name = "teams"), (name = "users"), (name = "arenas"), (name = "bets"),
        (name = "reports"), (name = "rounds"), (name = "races"), (name = "ledger"), (name = "exports"), (name = "audit"),
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
mod tests;
