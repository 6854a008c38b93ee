//! How the lab's answers read in a terminal and a spreadsheet: the tables of
//! `horserace lab simulate` and `recommend`, and the CSV of a simulation. Shares are shown as
//! people read them ("89.1% ± 4.2": a mean and a standard deviation in percentage points).

use crate::cli::table::{Align, Table};
use crate::engine::Policy;
use crate::lab::{Point, Recommendation, Simulation, Stat, Summary};

/// One row per policy: every metric's mean ± sd over the seeds.
pub fn simulation_table(simulation: &Simulation) -> String {
    let mut table = Table::new(&[
        ("policy", Align::Left),
        ("winners_share", Align::Right),
        ("winners_killed", Align::Right),
        ("losers_funded", Align::Right),
        ("turnover", Align::Right),
        ("truly winning", Align::Right),
        ("killed: winners / losers", Align::Right),
    ]);
    for result in &simulation.policies {
        let s = &result.summary;
        let mut cells = vec![policy_label(&result.policy)];
        cells.extend(share_cells(s));
        cells.push(format!("{:.1}", s.truly_winning.mean));
        cells.push(format!(
            "{:.1} / {:.1}",
            s.killed_winners.mean, s.killed_losers.mean
        ));
        table.row(cells);
    }
    format!(
        "Scenario {}, {} (mean ± sd over the seeds):\n\n{}",
        simulation.scenario,
        seeds_label(&simulation.seeds),
        table.render()
    )
}

/// One row per policy and seed.
pub fn simulation_csv(simulation: &Simulation) -> anyhow::Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "policy_number",
        "policy",
        "seed",
        "bets",
        "truly_winning",
        "killed_winners",
        "killed_losers",
        "winners_share",
        "winners_killed",
        "losers_funded",
        "turnover",
    ])?;
    for (number, result) in (1u32..).zip(&simulation.policies) {
        let label = policy_label(&result.policy);
        for run in &result.runs {
            let m = &run.metrics;
            out.write_record([
                number.to_string(),
                label.clone(),
                run.seed.to_string(),
                m.bets.to_string(),
                m.truly_winning.to_string(),
                m.killed_winners.to_string(),
                m.killed_losers.to_string(),
                m.winners_share.to_string(),
                m.winners_killed.to_string(),
                m.losers_funded.to_string(),
                m.turnover.to_string(),
            ])?;
        }
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// The front, the default's point, the pick, and both on the test seeds.
pub fn recommendation_table(r: &Recommendation) -> String {
    let mut front = Table::new(&[
        ("evidence_windows", Align::Right),
        ("confidence", Align::Right),
        ("kill_after_misses", Align::Right),
        ("selection_pressure", Align::Right),
        ("exploration_share", Align::Right),
        ("winners_share", Align::Right),
        ("winners_killed", Align::Right),
    ]);
    for p in &r.front {
        front.row(vec![
            p.policy.evidence_windows.to_string(),
            p.policy.confidence.to_string(),
            p.policy.kill_after_misses.to_string(),
            p.policy.selection_pressure.to_string(),
            p.policy.exploration_share.to_string(),
            percent(p.winners_share),
            percent(p.winners_killed),
        ]);
    }
    let mut test = Table::new(&[
        ("policy", Align::Left),
        ("winners_share", Align::Right),
        ("winners_killed", Align::Right),
        ("losers_funded", Align::Right),
        ("turnover", Align::Right),
    ]);
    for (name, summary) in [
        ("recommended", &r.test.recommended),
        ("default", &r.test.default),
    ] {
        let mut cells = vec![name.to_owned()];
        cells.extend(share_cells(summary));
        test.row(cells);
    }
    let on_front = if r.default.on_front {
        "on the front"
    } else {
        "not on the front"
    };
    format!(
        "Scenario {}: {} policies searched on the training {}.\n\n\
         The Pareto front on the training seeds (means; higher winners_share and lower \
         winners_killed are better):\n\n{}\n\n\
         The default policy on the training seeds: {} ({on_front}).\n\
         Recommended: {} ({}; the front's greatest winners_share - winners_killed).\n\n\
         On the test {}, never seen by the search (mean ± sd over the seeds):\n\n{}",
        r.scenario,
        r.policies,
        seeds_label(&r.train_seeds),
        front.render(),
        point_figures(&r.default.point),
        policy_label(&r.recommended.policy),
        point_figures(&r.recommended),
        seeds_label(&r.test_seeds),
        test.render()
    )
}

fn point_figures(p: &Point) -> String {
    format!(
        "winners_share {}, winners_killed {}",
        percent(p.winners_share),
        percent(p.winners_killed)
    )
}

/// The four shares of a summary, as "mean% ± sd".
fn share_cells(s: &Summary) -> [String; 4] {
    [
        spread(&s.winners_share),
        spread(&s.winners_killed),
        spread(&s.losers_funded),
        spread(&s.turnover),
    ]
}

/// "89.1% ± 4.2": the mean and the sd of a share, in percentage points.
fn spread(s: &Stat) -> String {
    format!("{:.1}% ± {:.1}", s.mean * 100.0, s.sd * 100.0)
}

fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// The knobs that differ from the engine's default policy, `name=value`, or "default".
pub fn policy_label(policy: &Policy) -> String {
    let (Ok(serde_json::Value::Object(ours)), Ok(serde_json::Value::Object(defaults))) = (
        serde_json::to_value(policy),
        serde_json::to_value(Policy::default()),
    ) else {
        return format!("{policy:?}");
    };
    let changed: Vec<String> = ours
        .iter()
        .filter(|(k, v)| defaults.get(*k) != Some(v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    if changed.is_empty() {
        "default".to_owned()
    } else {
        changed.join(", ")
    }
}

/// "seeds 1..20" for a run of consecutive seeds, "seeds 3, 5, 9" otherwise.
pub fn seeds_label(seeds: &[u64]) -> String {
    let consecutive = seeds.windows(2).all(|w| w[0].checked_add(1) == Some(w[1]));
    match (seeds.first(), seeds.last()) {
        (Some(a), Some(b)) if seeds.len() > 2 && consecutive => format!("seeds {a}..{b}"),
        (Some(a), _) if seeds.len() == 1 => format!("seed {a}"),
        _ => format!(
            "seeds {}",
            seeds
                .iter()
                .map(u64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}
