//! People and their tokens: creating users (within their team's size), issuing and revoking
//! tokens, and the first start's admin.

use chrono::{DateTime, Utc};
use serde_json::json;

use crate::db::names::NameKind;
use crate::db::portfolio::Portfolio;
use crate::db::teams::Team;
use crate::db::users::{NewToken, NewUser, Token, User};
use crate::db::{DbConnection, Pool, write_transaction};
use crate::domain::{Actor, ApiToken, Currency, Name, Role, TeamKind, TokenKind};
use crate::error::AppError;
use crate::services::{audit, names};

/// Resolves a token (an API token or a web session's) to its user and the token's id, on a
/// connection of its own; an unknown, revoked or expired token is refused, all alike.
pub async fn authenticate(pool: &Pool, token: ApiToken) -> Result<(Actor, i64), AppError> {
    let now = crate::db::now();
    crate::db::run(pool, move |conn| actor_for_token(conn, &token, now))
        .await?
        .ok_or_else(AppError::invalid_token)
}

/// The user a token belongs to, as an [`Actor`], and the token's id; None for an unknown,
/// revoked or expired token. Shared by the request extractor and the report writer, which
/// resolves a whole group's tokens inside its own transaction.
pub fn actor_for_token(
    conn: &mut DbConnection,
    token: &ApiToken,
    now: chrono::NaiveDateTime,
) -> Result<Option<(Actor, i64)>, AppError> {
    let hash = token.hash();
    let Some((user, stored)) = User::by_token_hash(conn, hash.as_str(), now)? else {
        return Ok(None);
    };
    // The lookup found it by hash; compare again in constant time so that the decision does not
    // rest on how the database compares strings.
    if !crate::domain::TokenHash::from_stored(stored.hash).matches(&hash) {
        return Ok(None);
    }
    let role = user.role;
    let actor = Actor {
        user_id: user.id,
        name: user.name,
        role,
        team_id: user.team_id,
    };
    Ok(Some((actor, stored.id)))
}

/// A token just issued: the stored row and, this once, the secret.
pub struct IssuedToken {
    pub token: Token,
    pub secret: ApiToken,
}

/// Stores the hash of `secret` (a fresh random token when None) for the user.
pub fn issue_token(
    conn: &mut DbConnection,
    user_id: i64,
    label: &str,
    kind: TokenKind,
    secret: Option<ApiToken>,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<IssuedToken, AppError> {
    let secret = match secret {
        Some(s) => s,
        None => ApiToken::generate().map_err(|e| AppError::internal(&e))?,
    };
    let token = Token::create(
        conn,
        &NewToken {
            user_id,
            hash: secret.hash().as_str(),
            hint: &secret.hint(),
            label,
            kind,
            created_at: now.naive_utc(),
            expires_at: expires_at.map(|t| t.naive_utc()),
        },
    )?;
    Ok(IssuedToken { token, secret })
}

/// A new user for the committee to create.
pub struct UserForm {
    pub name: Name,
    pub role: Role,
    pub team_id: Option<i64>,
}

/// Creates a user with a first API token. Members and partners need a team with room;
/// partners need an external team; committee and execs belong to no team.
pub fn create_user(
    conn: &mut DbConnection,
    actor: &Actor,
    form: UserForm,
    now: DateTime<Utc>,
) -> Result<(User, IssuedToken), AppError> {
    match (form.role.needs_team(), form.team_id) {
        (true, None) => {
            return Err(AppError::invalid(
                "team_id",
                format!("a {} belongs to a team", form.role),
            ));
        }
        (false, Some(_)) => {
            return Err(AppError::invalid(
                "team_id",
                format!("a {} belongs to no team; leave team_id out", form.role),
            ));
        }
        _ => {}
    }
    write_transaction(conn, |conn| {
        names::ensure_new(conn, NameKind::User, &form.name)?;
        if let Some(team_id) = form.team_id {
            let team = Team::find(conn, team_id)?.ok_or_else(|| {
                AppError::invalid("team_id", format!("team {team_id} does not exist"))
            })?;
            if form.role == Role::Partner && team.kind != TeamKind::External {
                return Err(AppError::invalid(
                    "team_id",
                    "a partner belongs to an external team",
                ));
            }
            if Team::member_count(conn, team_id)? >= i64::from(team.max_members) {
                return Err(AppError::conflict(
                    "team_full",
                    format!(
                        "team {:?} already has its maximum of {} members",
                        team.name, team.max_members
                    ),
                )
                .with_field("team_id"));
            }
        }
        let user = User::create(
            conn,
            &NewUser {
                name: form.name.as_str(),
                role: form.role,
                team_id: form.team_id,
                created_at: now.naive_utc(),
            },
        )?;
        let issued = issue_token(
            conn,
            user.id,
            "first token",
            TokenKind::Api,
            None,
            None,
            now,
        )?;
        audit::record(
            conn,
            Some(actor),
            "user.create",
            ("user", Some(user.id)),
            json!({"name": user.name, "role": user.role, "team_id": user.team_id, "token_id": issued.token.id}),
            now,
        )?;
        Ok((user, issued))
    })
}

/// What the first start did.
pub enum Bootstrap {
    /// The database already had users; nothing changed.
    AlreadyDone,
    /// The `admin` committee user was created with this token.
    Created(ApiToken),
}

/// On a database with no users: creates the portfolio (in `currency`) and the committee user
/// `admin`, whose token is `chosen` or a fresh random one.
pub fn bootstrap(
    conn: &mut DbConnection,
    currency: &Currency,
    chosen: Option<ApiToken>,
    now: DateTime<Utc>,
) -> Result<Bootstrap, AppError> {
    write_transaction(conn, |conn| {
        if Portfolio::get(conn)?.is_none() {
            Portfolio::create(conn, "Portfolio", currency.code(), now.naive_utc())?;
        }
        if User::any_exist(conn)? {
            return Ok(Bootstrap::AlreadyDone);
        }
        let admin = User::create(
            conn,
            &NewUser {
                name: "admin",
                role: Role::Committee,
                team_id: None,
                created_at: now.naive_utc(),
            },
        )?;
        let issued = issue_token(
            conn,
            admin.id,
            "bootstrap",
            TokenKind::Api,
            chosen,
            None,
            now,
        )?;
        audit::record(
            conn,
            None,
            "user.bootstrap",
            ("user", Some(admin.id)),
            json!({"name": "admin", "role": "committee", "token_id": issued.token.id}),
            now,
        )?;
        Ok(Bootstrap::Created(issued.secret))
    })
}
