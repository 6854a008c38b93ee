//! Integration tests: the real server over HTTP on a fresh database per test. Set
//! `HORSERACE_TEST_POSTGRES=postgres://user@host:port` to run them on PostgreSQL.

mod helpers;

mod auth;
mod bad_input;
mod bets;
mod health;
mod operations;
mod pages;
mod reports;
mod rounds;
mod teams_and_users;
mod transfer;
