//! Security: nobody where they don't belong, no input that breaks the server, no token in the
//! clear anywhere.
//!
//! ```sh
//! cargo test --test integration -- security::
//! HORSERACE_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432 cargo test --test integration -- security::
//! ```

mod authorization;
mod enumeration;
mod hostile_input;
mod limits;
mod regressions;
mod tokens;
