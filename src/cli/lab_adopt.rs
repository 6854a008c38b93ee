//! `horserace lab adopt` and `horserace lab adoptions`: the committee adopts a policy as the
//! portfolio's default for new drafts (with its reason and the lab run it came from); the
//! committee and execs list what was adopted. A new draft starts from the latest adoption when
//! it came after the last committed round (`docs/lab.md`, "Adopting a policy").

use super::lab::load_policy;
use super::round::{actor, api};
use super::table::{Align, Table};
use crate::db::DatabaseUrl;
use crate::domain::time;
use crate::services::lab::adopt::{adopt, adoptions};

#[derive(Debug, clap::Args)]
pub struct AdoptArgs {
    /// The policy as a JSON object (missing knobs take the engine's defaults) or a file.
    #[arg(long)]
    pub policy: String,
    /// Why the committee adopts it; shown wherever the policy is.
    #[arg(long)]
    pub reason: String,
    /// The lab run it came from, in words (e.g. "lab recommend --scenario hard").
    #[arg(long)]
    pub lab_run: Option<String>,
}

/// Adopts the policy as the named committee member.
pub fn run_adopt(url: &DatabaseUrl, acting_as: &str, args: AdoptArgs) -> anyhow::Result<()> {
    let policy = load_policy(1, &args.policy)?;
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let actor = actor(&mut conn, acting_as)?;
    let done = adopt(
        &mut conn,
        &actor,
        (&policy, &args.reason, args.lab_run.as_deref()),
        time::now(),
    )
    .map_err(api)?;
    println!(
        "Adopted policy {} as the default for new drafts: {}",
        done.id,
        serde_json::to_string(&done.policy)?
    );
    Ok(())
}

/// Lists the adoptions, the one in force first.
pub fn run_list(url: &DatabaseUrl, acting_as: &str) -> anyhow::Result<()> {
    let pool = crate::db::connection::connect(url, 1, crate::db::connection::POOL_WAIT)?;
    let mut conn = pool.get()?;
    let actor = actor(&mut conn, acting_as)?;
    let mut table = Table::new(&[
        ("id", Align::Right),
        ("adopted (UTC)", Align::Left),
        ("policy", Align::Left),
        ("reason", Align::Left),
        ("lab run", Align::Left),
    ]);
    for a in adoptions(&mut conn, &actor).map_err(api)? {
        table.row(vec![
            a.id.to_string(),
            a.adopted_at.format("%Y-%m-%d %H:%M").to_string(),
            serde_json::to_string(&a.policy)?,
            a.reason,
            a.lab_run.unwrap_or_default(),
        ]);
    }
    println!("{}", table.render());
    Ok(())
}
