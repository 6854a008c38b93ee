//! Users and their tokens. A token row holds only the SHA-256 hash of the secret.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{tokens, users};
use crate::domain::{Role, TokenKind};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub name: String,
    pub role: Role,
    pub team_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = users)]
pub struct NewUser<'a> {
    pub name: &'a str,
    pub role: Role,
    pub team_id: Option<i64>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = tokens)]
pub struct Token {
    pub id: i64,
    pub user_id: i64,
    pub hash: String,
    pub hint: String,
    pub label: String,
    pub kind: TokenKind,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = tokens)]
pub struct NewToken<'a> {
    pub user_id: i64,
    pub hash: &'a str,
    pub hint: &'a str,
    pub label: &'a str,
    pub kind: TokenKind,
    pub created_at: NaiveDateTime,
    pub expires_at: Option<NaiveDateTime>,
}

impl User {
    pub fn create(conn: &mut DbConnection, form: &NewUser<'_>) -> QueryResult<User> {
        diesel::insert_into(users::table)
            .values(form)
            .returning(users::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<User>> {
        users::table
            .find(id)
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn find_by_name(conn: &mut DbConnection, name: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::name.eq(name))
            .select(User::as_select())
            .first(conn)
            .optional()
    }

    pub fn any_exist(conn: &mut DbConnection) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(users::table.select(users::id))).get_result(conn)
    }

    pub fn list(conn: &mut DbConnection, team_id: Option<i64>) -> QueryResult<Vec<User>> {
        let mut query = users::table
            .select(User::as_select())
            .order(users::id)
            .into_boxed();
        if let Some(team_id) = team_id {
            query = query.filter(users::team_id.eq(team_id));
        }
        query.load(conn)
    }

    /// Moves people of one team into another (a merge after a race); returns how many moved.
    pub fn move_team(
        conn: &mut DbConnection,
        ids: &[i64],
        (from, to): (i64, i64),
    ) -> QueryResult<usize> {
        diesel::update(
            users::table
                .filter(users::id.eq_any(ids))
                .filter(users::team_id.eq(from)),
        )
        .set(users::team_id.eq(to))
        .execute(conn)
    }

    /// The user a live token belongs to, with the token: not revoked, not expired at `now`.
    pub fn by_token_hash(
        conn: &mut DbConnection,
        hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<Option<(User, Token)>> {
        // On the concrete connection: every authenticated request asks this.
        let query = tokens::table
            .inner_join(users::table)
            .filter(tokens::hash.eq(hash))
            .filter(tokens::revoked_at.is_null())
            .filter(tokens::expires_at.is_null().or(tokens::expires_at.gt(now)));
        on_each_backend!(conn, |c| query
            .select((User::as_select(), Token::as_select()))
            .first(c)
            .optional())
    }
}

impl Token {
    pub fn create(conn: &mut DbConnection, form: &NewToken<'_>) -> QueryResult<Token> {
        diesel::insert_into(tokens::table)
            .values(form)
            .returning(tokens::all_columns)
            .get_result(conn)
    }

    pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Token>> {
        tokens::table
            .find(id)
            .select(Token::as_select())
            .first(conn)
            .optional()
    }

    pub fn list_for_user(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<Token>> {
        tokens::table
            .filter(tokens::user_id.eq(user_id))
            .select(Token::as_select())
            .order(tokens::id)
            .load(conn)
    }

    /// Revokes the live token with this hash (a web session at sign-out).
    pub fn revoke_by_hash(
        conn: &mut DbConnection,
        hash: &str,
        now: NaiveDateTime,
    ) -> QueryResult<bool> {
        diesel::update(
            tokens::table
                .filter(tokens::hash.eq(hash))
                .filter(tokens::revoked_at.is_null()),
        )
        .set(tokens::revoked_at.eq(now))
        .execute(conn)
        .map(|n| n > 0)
    }

    /// Revokes a live token; returns whether anything changed.
    pub fn revoke(conn: &mut DbConnection, id: i64, now: NaiveDateTime) -> QueryResult<bool> {
        diesel::update(tokens::table.find(id).filter(tokens::revoked_at.is_null()))
            .set(tokens::revoked_at.eq(now))
            .execute(conn)
            .map(|n| n > 0)
    }
}
