//! Security: nobody where they don't belong, no input that breaks the server, no token in the
//! clear anywhere.
//!
//! ```sh
//! cargo test --test security
//! HORSERACE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 cargo test --test security
//! ```

#[path = "../api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

#[path = "../harness/mod.rs"]
#[allow(dead_code)]
mod harness;

mod authorization;
mod enumeration;
mod hostile_input;
mod limits;
mod tokens;
