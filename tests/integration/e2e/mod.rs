//! Browser tests in headless Chromium, driven over WebDriver (chromedriver): sign in, report a
//! value through a form, run a round with a pin through the pages, and check that the bet's
//! chart shows the reported point; order work through the market's pages; and the page tour,
//! which reads every page for every role at a phone's and a laptop's width and fails on
//! anything clipped, off screen, too small to read or inaccessible (axe-core). Screenshots of
//! every page land in `target/screenshots/`.
//!
//! Ignored by a plain `cargo test`; `.ci/run` installs Chromium and axe-core and runs them with
//! `cargo test --test integration -- --ignored e2e`, where a missing browser or axe-core fails
//! the test. `CHROMIUM`, `CHROMEDRIVER` and `AXE_CORE_JS` name them when they are elsewhere.

mod browser;
mod journey;
mod market;
mod page_checks;
mod tour;
