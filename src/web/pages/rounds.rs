//! The rounds: `GET /rounds` (the list, and for the committee a form to open one),
//! `GET /rounds/{id}` (every bet's result, outcome, decision and reasons, the evidence flags,
//! the pins), and the committee's actions on a draft: preview, pin or waive, delete, and commit
//! after a confirmation that shows what will move.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use crate::db;
use crate::db::bets::Bet;
use crate::db::rounds::{Round, RoundPin};
use crate::domain::{Actor, Money, Reason, RoundStatus, time};
use crate::engine::Policy;
use crate::error::{AppError, ErrorKind};
use crate::services::rounds::{self as service, Evaluation, PinForm, RoundForm, lifecycle};
use crate::startup::AppState;
use crate::web::chrome::Chrome;
use crate::web::error::WebError;
use crate::web::format;
use crate::web::forms::{FieldErrors, instant, local_value, money, number};
use crate::web::session::Viewer;
use crate::web::view::{Change, Chip, change, chip, count};
use crate::web::{html, html_page};
use actix_web::ResponseError;

pub struct RoundRow {
    pub id: i64,
    pub status: Chip,
    pub as_of: String,
    pub budget: String,
    pub granted: String,
    pub reserve: String,
}

/// The create form, as typed.
#[derive(Deserialize, Default)]
pub struct CreateEntry {
    #[serde(default)]
    budget: String,
    #[serde(default)]
    as_of: String,
    #[serde(default)]
    confidence: String,
    #[serde(default)]
    min_reports: String,
    #[serde(default)]
    selection_pressure: String,
    #[serde(default)]
    progress_cap: String,
    #[serde(default)]
    kill_after_misses: String,
    #[serde(default)]
    exploration_share: String,
    #[serde(default)]
    max_share: String,
    #[serde(default)]
    min_grant: String,
    #[serde(default)]
    csrf: String,
}

/// One policy knob in the create form.
pub struct PolicyField {
    pub name: &'static str,
    pub label: &'static str,
    pub help: &'static str,
    pub value: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "rounds.html")]
struct RoundsPage {
    chrome: Chrome,
    rounds: Vec<RoundRow>,
    can_run: bool,
    form: CreateEntry,
    policy_fields: Vec<PolicyField>,
    policy_errors: bool,
    errors: FieldErrors,
}

fn policy_fields(form: &CreateEntry, errors: &FieldErrors) -> Vec<PolicyField> {
    let field = |name, label, help, value: &str| PolicyField {
        name,
        label,
        help,
        value: value.to_owned(),
        error: errors.of(name).to_owned(),
    };
    vec![
        field(
            "confidence",
            "Confidence",
            "Probability needed to call a threshold beaten (between 0.5 and 1).",
            &form.confidence,
        ),
        field(
            "min_reports",
            "Minimum reports",
            "Fewer reports than this in the window is not enough data (3 or more).",
            &form.min_reports,
        ),
        field(
            "selection_pressure",
            "Selection pressure",
            "0 keeps every survivor's share; higher favours the leaders (0 to 10).",
            &form.selection_pressure,
        ),
        field(
            "progress_cap",
            "Progress cap",
            "Progress beyond this earns nothing more.",
            &form.progress_cap,
        ),
        field(
            "kill_after_misses",
            "Kill after misses",
            "Consecutive missed rounds that kill a bet (1 or more).",
            &form.kill_after_misses,
        ),
        field(
            "exploration_share",
            "Exploration share",
            "Share of the budget kept for new bets (0 to 1).",
            &form.exploration_share,
        ),
        field(
            "max_share",
            "Maximum share",
            "No bet gets more than this share of the budget (0 to 1).",
            &form.max_share,
        ),
        field(
            "min_grant",
            "Minimum grant",
            "A smaller computed grant becomes 0 (an amount in the currency).",
            &form.min_grant,
        ),
    ]
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    notice: Option<String>,
}

async fn render_list(
    state: &AppState,
    viewer: &Viewer,
    notice: Option<&str>,
    form: CreateEntry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let rounds = db::run(&state.pool, |conn| {
        Round::list(conn).map_err(AppError::from)
    })
    .await?;
    let c = &state.currency;
    let money_visible = viewer.reads_all_teams();
    let rows = rounds
        .into_iter()
        .map(|r| RoundRow {
            id: r.id,
            status: chip(r.status.as_str()),
            as_of: format::datetime(r.as_of.and_utc()),
            budget: c.format_amount(r.budget),
            granted: r
                .reserve
                .filter(|_| money_visible)
                .map_or(String::new(), |res| c.format_amount(r.budget - res)),
            reserve: r
                .reserve
                .filter(|_| money_visible)
                .map_or(String::new(), |res| c.format_amount(res)),
        })
        .collect();
    let fields = policy_fields(&form, &errors);
    let page = RoundsPage {
        chrome: Chrome::load(state, viewer, "rounds", notice).await?,
        rounds: rows,
        can_run: viewer.is_committee(),
        policy_errors: fields.iter().any(|f| !f.error.is_empty()),
        policy_fields: fields,
        form,
        errors,
    };
    html_page(status, &page)
}

#[get("/rounds")]
pub async fn list_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, WebError> {
    let policy = Policy::default();
    let form = CreateEntry {
        as_of: local_value(time::now()),
        confidence: policy.confidence.to_string(),
        min_reports: policy.min_reports.to_string(),
        selection_pressure: policy.selection_pressure.to_string(),
        progress_cap: policy.progress_cap.to_string(),
        kill_after_misses: policy.kill_after_misses.to_string(),
        exploration_share: policy.exploration_share.to_string(),
        max_share: policy.max_share.to_string(),
        min_grant: "0".to_owned(),
        ..CreateEntry::default()
    };
    render_list(
        &state,
        &viewer,
        query.notice.as_deref(),
        form,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

fn require_committee(viewer: &Viewer) -> Result<(), WebError> {
    if viewer.is_committee() {
        Ok(())
    } else {
        Err(WebError::forbidden(
            "only the portfolio committee runs rounds",
        ))
    }
}

fn parse_create(
    entry: &CreateEntry,
    state: &AppState,
    errors: &mut FieldErrors,
) -> Option<RoundForm> {
    let c = &state.currency;
    let budget = money(&entry.budget, c)
        .map_err(|m| errors.add("budget", m))
        .ok()
        .and_then(|m| {
            Money::parse("budget", m)
                .map_err(|e| errors.add_domain(e))
                .ok()
        });
    let as_of = instant(&entry.as_of)
        .map_err(|m| errors.add("as_of", m))
        .ok()
        .and_then(|t| {
            time::schedule_instant("as_of", t)
                .map_err(|e| errors.add_domain(e))
                .ok()
        });
    let mut real = |field: &str, text: &str| number(text).map_err(|m| errors.add(field, m)).ok();
    let confidence = real("confidence", &entry.confidence);
    let selection_pressure = real("selection_pressure", &entry.selection_pressure);
    let progress_cap = real("progress_cap", &entry.progress_cap);
    let exploration_share = real("exploration_share", &entry.exploration_share);
    let max_share = real("max_share", &entry.max_share);
    let mut whole = |field: &str, text: &str| {
        text.trim()
            .parse::<u32>()
            .map_err(|_| errors.add(field, "must be a whole number"))
            .ok()
    };
    let min_reports = whole("min_reports", &entry.min_reports);
    let kill_after_misses = whole("kill_after_misses", &entry.kill_after_misses);
    let min_grant = money(&entry.min_grant, c)
        .map_err(|m| errors.add("min_grant", m))
        .ok();
    let policy = Policy {
        confidence: confidence?,
        min_reports: min_reports?,
        selection_pressure: selection_pressure?,
        progress_cap: progress_cap?,
        kill_after_misses: kill_after_misses?,
        exploration_share: exploration_share?,
        max_share: max_share?,
        min_grant: min_grant?,
    };
    if let Err(crate::engine::EngineError::InvalidPolicy { field, reason }) = policy.validate() {
        errors.add(field, reason);
        return None;
    }
    Some(RoundForm {
        budget: budget?,
        as_of: as_of?,
        window_start: None,
        policy,
    })
}

#[post("/rounds")]
pub async fn create(
    state: web::Data<AppState>,
    viewer: Viewer,
    form: web::Form<CreateEntry>,
) -> Result<HttpResponse, WebError> {
    let entry = form.into_inner();
    viewer.check_csrf(&entry.csrf)?;
    require_committee(&viewer)?;
    let mut errors = FieldErrors::default();
    let Some(round_form) = parse_create(&entry, &state, &mut errors) else {
        return render_list(
            &state,
            &viewer,
            None,
            entry,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let actor = viewer.actor.clone();
    let now = time::now();
    match db::run(&state.pool, move |conn| {
        lifecycle::create(conn, &actor, round_form, now)
    })
    .await
    {
        Ok(round) => Ok(see_other(&format!(
            "/rounds/{}?notice=round-created",
            round.id
        ))),
        Err(e) if e.kind().is_callers() => {
            errors.add(
                e.detail().field.as_deref().unwrap_or("as_of"),
                e.detail().message.clone(),
            );
            render_list(&state, &viewer, None, entry, errors, e.status_code()).await
        }
        Err(e) => Err(e.into()),
    }
}

fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header(("Location", location.to_owned()))
        .finish()
}

pub struct LineRow {
    pub bet_id: i64,
    pub title: String,
    pub team: String,
    pub outcome: Chip,
    pub level: String,
    pub threshold: String,
    pub p_beat: String,
    pub streak: u32,
    pub grant: String,
    pub change: Change,
    pub decision: Chip,
    pub flags: Vec<Chip>,
    pub reasons: Vec<String>,
    pub killed: bool,
}

pub struct PinRow {
    pub bet_id: i64,
    pub title: String,
    pub what: String,
    pub reason: String,
}

pub struct Totals {
    pub evaluated_at: String,
    pub window: String,
    pub granted: String,
    pub reserve: String,
    pub pinned: String,
    pub reports: usize,
    pub killed: usize,
    pub seeded: usize,
    pub funded: String,
    pub adds_up: bool,
}

#[derive(Template)]
#[template(path = "round.html")]
struct RoundPage {
    chrome: Chrome,
    id: i64,
    draft: bool,
    status: Chip,
    as_of: String,
    budget: String,
    budget_plain: String,
    policy: String,
    committed: String,
    totals: Option<Totals>,
    lines: Vec<LineRow>,
    sitting_out: Vec<String>,
    pins: Vec<PinRow>,
    can_run: bool,
    confirm: bool,
}

#[derive(Deserialize)]
pub struct RoundQuery {
    notice: Option<String>,
}

async fn round_page(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    notice: Option<&str>,
    confirm: bool,
) -> Result<HttpResponse, WebError> {
    let now = time::now();
    let confirm_preview = confirm && viewer.is_committee();
    let (round, pins, titles, fresh) = db::run(&state.pool, move |conn| {
        let round = Round::find(conn, id)?.ok_or_else(|| AppError::not_found("round"))?;
        // The confirmation shows a preview made now, not an old one.
        let fresh = if confirm_preview && round.status == RoundStatus::Draft {
            Some(service::preview(conn, id, now)?)
        } else {
            None
        };
        let pins = RoundPin::for_round(conn, id)?;
        let ids: Vec<i64> = pins.iter().map(|p| p.bet_id).collect();
        let titles: Vec<(i64, String)> = Bet::find_many(conn, &ids)?
            .into_iter()
            .map(|b| (b.id, b.title))
            .collect();
        Ok::<_, AppError>((round, pins, titles, fresh))
    })
    .await?;
    let evaluation = match fresh {
        Some(e) => Some(e),
        None => round
            .preview
            .as_deref()
            .map(serde_json::from_str::<Evaluation>)
            .transpose()
            .map_err(|e| AppError::internal(&e))?,
    };
    let body = render_round(
        state, viewer, &round, pins, &titles, evaluation, notice, confirm,
    )
    .await?;
    Ok(html(StatusCode::OK, body))
}

#[expect(clippy::too_many_arguments, reason = "the parts of one page")]
async fn render_round(
    state: &AppState,
    viewer: &Viewer,
    round: &Round,
    pins: Vec<RoundPin>,
    titles: &[(i64, String)],
    evaluation: Option<Evaluation>,
    notice: Option<&str>,
    confirm: bool,
) -> Result<String, WebError> {
    let c = &state.currency;
    let actor: &Actor = viewer;
    let evaluation = evaluation.map(|e| e.for_viewer(actor));
    let policy: Policy = serde_json::from_str(&round.policy).map_err(|e| AppError::internal(&e))?;
    let totals = evaluation
        .as_ref()
        .and_then(|e| e.money.as_ref().map(|m| (e, m)))
        .map(|(e, m)| Totals {
            evaluated_at: format::datetime(e.evaluated_at),
            window: match e.window_start {
                Some(w) => format!(
                    "reports observed after {} up to {}",
                    format::datetime(w),
                    format::datetime(round.as_of.and_utc())
                ),
                None => format!(
                    "every report up to {}",
                    format::datetime(round.as_of.and_utc())
                ),
            },
            granted: c.format(m.total_granted),
            reserve: c.format(m.reserve),
            pinned: c.format(m.pinned_total),
            reports: e.reports_used,
            killed: e.killed,
            seeded: e.seeded,
            funded: count(
                e.results.iter().filter(|l| l.result.grant > 0).count(),
                "bet",
            ),
            adds_up: m.total_granted + m.reserve == e.budget,
        });
    let lines = evaluation
        .as_ref()
        .map(|e| {
            e.results
                .iter()
                .map(|l| {
                    let r = &l.result;
                    let unit = &l.bet.metric_unit;
                    let mut flags = Vec::new();
                    if l.quality.stale {
                        flags.push(chip("stale"));
                    }
                    if !l.quality.outlier_report_ids.is_empty() {
                        let mut c = chip("outlier");
                        c.text = format!("{} ×{}", c.text, l.quality.outlier_report_ids.len());
                        flags.push(c);
                    }
                    LineRow {
                        bet_id: r.bet_id,
                        title: l.bet.title.clone(),
                        team: l.bet.team_name.clone(),
                        outcome: chip(r.outcome.as_str()),
                        level: r
                            .level
                            .map_or("–".to_owned(), |v| format!("{} {unit}", format::sig3(v))),
                        threshold: format!("{} {unit}", format::sig3(r.threshold)),
                        p_beat: r.p_beat.map_or("–".to_owned(), format::percent),
                        streak: r.streak,
                        grant: c.format_amount(r.grant),
                        change: change(c, l.change),
                        decision: chip(r.decision.as_str()),
                        flags,
                        reasons: r.reasons.clone(),
                        killed: r.decision == crate::engine::Decision::Killed,
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let visible: Vec<i64> = evaluation
        .as_ref()
        .map(|e| e.results.iter().map(|l| l.result.bet_id).collect())
        .unwrap_or_default();
    let page = RoundPage {
        chrome: Chrome::load(state, viewer, "rounds", notice).await?,
        id: round.id,
        draft: round.status == RoundStatus::Draft,
        status: chip(round.status.as_str()),
        as_of: format::datetime(round.as_of.and_utc()),
        budget: c.format(round.budget),
        budget_plain: c.format(round.budget),
        policy: format!(
            "confidence {}, at least {} reports, selection pressure {}, progress cap {}, kill after {} misses, exploration {}, max share {}, minimum grant {}",
            policy.confidence,
            policy.min_reports,
            policy.selection_pressure,
            policy.progress_cap,
            policy.kill_after_misses,
            format::percent(policy.exploration_share),
            format::percent(policy.max_share),
            c.format(policy.min_grant)
        ),
        committed: round
            .committed_at
            .map_or(String::new(), |t| format::datetime(t.and_utc())),
        totals,
        lines,
        sitting_out: evaluation
            .as_ref()
            .map(|e| {
                e.sitting_out
                    .iter()
                    .map(|s| format!("{}: {}", s.bet.title, s.reason))
                    .collect()
            })
            .unwrap_or_default(),
        pins: pins
            .into_iter()
            .filter(|p| actor.reads_all_teams() || visible.contains(&p.bet_id))
            .map(|p| PinRow {
                bet_id: p.bet_id,
                title: titles
                    .iter()
                    .find(|(id, _)| *id == p.bet_id)
                    .map_or(String::new(), |(_, t)| t.clone()),
                what: match (p.pinned_grant, p.waive_kill) {
                    (Some(g), true) => format!("grant fixed at {}, kill waived", c.format(g)),
                    (Some(g), false) => format!("grant fixed at {}", c.format(g)),
                    (None, _) => "kill waived".to_owned(),
                },
                reason: p.reason,
            })
            .collect(),
        can_run: actor.is_committee(),
        confirm,
    };
    Ok(page.render()?)
}

#[get("/rounds/{id}")]
pub async fn show_page(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    query: web::Query<RoundQuery>,
) -> Result<HttpResponse, WebError> {
    round_page(
        &state,
        &viewer,
        path.into_inner(),
        query.notice.as_deref(),
        false,
    )
    .await
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

/// Runs a committee action on a round after the CSRF check, then shows the round again.
async fn act<F>(
    state: &AppState,
    viewer: &Viewer,
    csrf: &str,
    work: F,
    done: String,
) -> Result<HttpResponse, WebError>
where
    F: FnOnce(&mut db::DbConnection, &Actor) -> Result<(), AppError> + Send + 'static,
{
    viewer.check_csrf(csrf)?;
    require_committee(viewer)?;
    let actor = viewer.actor.clone();
    db::run(&state.pool, move |conn| work(conn, &actor)).await?;
    Ok(see_other(&done))
}

#[post("/rounds/{id}/preview")]
pub async fn preview(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let now = time::now();
    act(
        &state,
        &viewer,
        &form.csrf,
        move |conn, _| service::preview(conn, id, now).map(drop),
        format!("/rounds/{id}?notice=round-previewed"),
    )
    .await
}

/// The confirmation before a commit: a fresh preview, the totals, and the button.
#[get("/rounds/{id}/commit")]
pub async fn confirm_commit(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
) -> Result<HttpResponse, WebError> {
    require_committee(&viewer)?;
    round_page(&state, &viewer, path.into_inner(), None, true).await
}

#[post("/rounds/{id}/commit")]
pub async fn commit(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let now = time::now();
    act(
        &state,
        &viewer,
        &form.csrf,
        move |conn, actor| service::commit(conn, actor, id, now).map(drop),
        format!("/rounds/{id}?notice=round-committed"),
    )
    .await
}

#[post("/rounds/{id}/delete")]
pub async fn delete(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<i64>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let id = path.into_inner();
    let now = time::now();
    act(
        &state,
        &viewer,
        &form.csrf,
        move |conn, actor| lifecycle::delete(conn, actor, id, now),
        "/rounds?notice=round-deleted".to_owned(),
    )
    .await
}

#[post("/rounds/{id}/pins/{bet_id}/delete")]
pub async fn unpin(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, WebError> {
    let (id, bet) = path.into_inner();
    let now = time::now();
    act(
        &state,
        &viewer,
        &form.csrf,
        move |conn, actor| lifecycle::unpin(conn, actor, id, bet, now),
        format!("/rounds/{id}?notice=pin-removed"),
    )
    .await
}

#[derive(Template)]
#[template(path = "pin.html")]
struct PinPage {
    chrome: Chrome,
    round_id: i64,
    bet_id: i64,
    bet_title: String,
    grant: String,
    waive_kill: bool,
    reason: String,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
pub struct PinEntry {
    #[serde(default)]
    grant: String,
    #[serde(default)]
    waive_kill: Option<String>,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    csrf: String,
}

async fn pin_page(
    state: &AppState,
    viewer: &Viewer,
    round_id: i64,
    bet_id: i64,
    entry: PinEntry,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, WebError> {
    let (bet, existing) = db::run(&state.pool, move |conn| {
        lifecycle::draft(conn, round_id)?;
        let bet = Bet::find(conn, bet_id)?.ok_or_else(|| AppError::not_found("bet"))?;
        let existing = RoundPin::for_round(conn, round_id)?
            .into_iter()
            .find(|p| p.bet_id == bet_id);
        Ok::<_, AppError>((bet, existing))
    })
    .await?;
    let fresh = entry.reason.is_empty()
        && entry.grant.is_empty()
        && entry.waive_kill.is_none()
        && errors.is_empty();
    let c = &state.currency;
    let page = PinPage {
        chrome: Chrome::load(state, viewer, "rounds", None).await?,
        round_id,
        bet_id,
        bet_title: bet.title,
        grant: match (&existing, fresh) {
            (Some(p), true) => p.pinned_grant.map_or(String::new(), |g| c.format_amount(g)),
            _ => entry.grant,
        },
        waive_kill: match (&existing, fresh) {
            (Some(p), true) => p.waive_kill,
            _ => entry.waive_kill.is_some(),
        },
        reason: match (existing, fresh) {
            (Some(p), true) => p.reason,
            _ => entry.reason,
        },
        errors,
    };
    html_page(status, &page)
}

#[get("/rounds/{id}/pins/{bet_id}")]
pub async fn pin_form(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
) -> Result<HttpResponse, WebError> {
    require_committee(&viewer)?;
    let (round_id, bet_id) = path.into_inner();
    pin_page(
        &state,
        &viewer,
        round_id,
        bet_id,
        PinEntry::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[post("/rounds/{id}/pins/{bet_id}")]
pub async fn set_pin(
    state: web::Data<AppState>,
    viewer: Viewer,
    path: web::Path<(i64, i64)>,
    form: web::Form<PinEntry>,
) -> Result<HttpResponse, WebError> {
    let entry = form.into_inner();
    viewer.check_csrf(&entry.csrf)?;
    require_committee(&viewer)?;
    let (round_id, bet_id) = path.into_inner();
    let mut errors = FieldErrors::default();
    let grant = if entry.grant.trim().is_empty() {
        Some(None)
    } else {
        money(&entry.grant, &state.currency)
            .map_err(|m| errors.add("grant", m))
            .ok()
            .and_then(|m| {
                Money::parse("grant", m)
                    .map(Some)
                    .map_err(|e| errors.add_domain(e))
                    .ok()
            })
    };
    let reason = Reason::parse("reason", &entry.reason)
        .map_err(|e| errors.add_domain(e))
        .ok();
    let waive_kill = entry.waive_kill.is_some();
    if grant == Some(None) && !waive_kill {
        errors.add("grant", "a pin fixes a grant, waives a kill, or both");
    }
    let (Some(grant), Some(reason), true) = (grant, reason, errors.is_empty()) else {
        return pin_page(
            &state,
            &viewer,
            round_id,
            bet_id,
            entry,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let actor = viewer.actor.clone();
    let now = time::now();
    let result = db::run(&state.pool, move |conn| {
        lifecycle::pin(
            conn,
            &actor,
            round_id,
            bet_id,
            PinForm {
                grant,
                waive_kill,
                reason,
            },
            now,
        )
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(&format!("/rounds/{round_id}?notice=pin-set"))),
        Err(e) if e.kind() == ErrorKind::Invalid => {
            errors.add(
                e.detail().field.as_deref().unwrap_or("grant"),
                e.detail().message.clone(),
            );
            pin_page(
                &state,
                &viewer,
                round_id,
                bet_id,
                entry,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
