//! The terminal commands: the real binary run once on a database.

/// Runs `horserace <args>` on `database_url`; whether it succeeded, its stdout and its stderr.
pub fn cli(database_url: &str, args: &[&str]) -> (bool, String, String) {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_horserace"))
        .args(args)
        .env("DATABASE_URL", database_url)
        .env("HORSERACE_LOG", "warn")
        .output()
        .expect("the binary runs");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}
