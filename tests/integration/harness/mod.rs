//! What every suite shares, written once: the server in this process ([`spawn_app`]) and as
//! child processes ([`Server`]), a JSON client ([`Api`], [`Reply`]), fresh databases
//! ([`FreshDatabase`]), the small portfolio most tests start from ([`World`]), the terminal
//! commands ([`cli`]), a fingerprint of everything stored (to prove that a refused request wrote
//! nothing), a seeded random number generator, exact conversions between integers and floats,
//! and instants as the server writes them.

mod app;
mod cli;
mod client;
mod database;
mod demo;
mod fingerprint;
mod numbers;
mod process;
mod rng;
mod time;
mod world;

pub use app::{TestApp, spawn_app, spawn_app_with, spawn_unlimited};
pub use cli::cli;
pub use client::{Api, REQUEST_TIMEOUT, Reply, is_envelope, read_reply};
pub use database::{FreshDatabase, backend_name, connect, postgres_server};
pub use demo::serve_demo;
pub use fingerprint::{fingerprint, fingerprint_diff};
pub use numbers::{count, exact_f64, whole_i64};
pub use process::{Server, ServerOptions};
pub use rng::{Rng, SeedGuard, seed_from_env};
pub use time::{at, days_ago};
pub use world::World;
