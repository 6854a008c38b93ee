//! `GET /exports/races.csv` (or `.json`): every racer of the races the caller may read.

use actix_web::{HttpResponse, get, web};

use crate::api::auth::Caller;
use crate::api::error::ErrorBody;
use crate::api::exports::{ExportFormat, export};
use crate::error::AppError;
use crate::services::races::export::{RaceRow, race_rows};
use crate::startup::AppState;

/// The races, one row per racer with its standing, fate and the race's call, as CSV or JSON.
#[utoipa::path(
    tag = "exports",
    operation_id = "export_races",
    security(("bearer" = [])),
    params(("format" = ExportFormat, Path, description = "csv or json")),
    responses(
        (status = 200, description = "The races' racers", content(
            (Vec<RaceRow> = "application/json"), (String = "text/csv"),
        )),
        (status = 404, body = ErrorBody),
    )
)]
#[get("/exports/races.{format}")]
pub async fn export_races(
    state: web::Data<AppState>,
    caller: Caller,
    format: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let actor = caller.0.clone();
    let currency = state.currency.clone();
    let now = state.clock.now();
    export(&state, &format, "races", move |conn| {
        race_rows(conn, &actor, &currency, now)
    })
    .await
}
