//! Browser tests in headless Chromium, driven over WebDriver (chromedriver): sign in, report a
//! value through a form, run a round with a pin through the pages, and check that the bet's
//! chart shows the reported point; read the market's pages at a phone's and a laptop's width
//! without sideways scrolling and order work through them. Screenshots of every page land in
//! `target/screenshots/`.
//!
//! Ignored by a plain `cargo test`; `.ci/run` installs Chromium and runs them with
//! `cargo test --test integration -- --ignored e2e`, where a missing browser fails the test.
//! `CHROMIUM` and `CHROMEDRIVER` name the binaries when they are not in `/usr/bin`.

mod browser;
mod journey;
mod market;
