//! API requests no route takes: 405 with `Allow` when the path exists under other methods, else
//! a 404, both in the error envelope (other paths get the pages' 404, see `startup`). The table comes from the OpenAPI document, so it always
//! matches the routes.

use actix_web::dev::ResourceDef;
use actix_web::http::{Method, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};

use crate::error::{AppError, ErrorKind};

/// Every documented path pattern with its methods.
pub struct RouteTable(Vec<(ResourceDef, Vec<Method>)>);

impl RouteTable {
    pub fn from_openapi(doc: &utoipa::openapi::OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let methods = [
                    (Method::GET, item.get.is_some()),
                    (Method::POST, item.post.is_some()),
                    (Method::PUT, item.put.is_some()),
                    (Method::DELETE, item.delete.is_some()),
                    (Method::PATCH, item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, present)| present.then_some(m))
                .collect();
                (ResourceDef::new(path.as_str()), methods)
            })
            .collect();
        Self(routes)
    }

    fn allowed(&self, path: &str) -> Option<&[Method]> {
        self.0
            .iter()
            .find(|(def, _)| def.is_match(path))
            .map(|(_, methods)| methods.as_slice())
    }
}

/// The answer to a request no API route took, when the path is the API's to answer (under
/// `/api/`, or a documented path under another method); None for a page nobody has.
pub fn not_routed(req: &HttpRequest, table: &RouteTable) -> Option<HttpResponse> {
    let allowed = table.allowed(req.path());
    if !req.path().starts_with("/api/") && allowed.is_none() {
        return None;
    }
    Some(match allowed {
        Some(methods) if !methods.contains(req.method()) => {
            let allow = methods
                .iter()
                .map(Method::as_str)
                .collect::<Vec<_>>()
                .join(", ");
            let mut response = AppError::new(
                ErrorKind::MethodNotAllowed,
                "method_not_allowed",
                format!("{} is not allowed here; use {allow}", req.method()),
            )
            .error_response();
            if let Ok(value) = header::HeaderValue::from_str(&allow) {
                response.headers_mut().insert(header::ALLOW, value);
            }
            response
        }
        _ => AppError::not_found(&format!("{} {}", req.method(), req.path())).error_response(),
    })
}
