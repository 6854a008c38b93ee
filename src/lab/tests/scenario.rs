//! The scenario format: the built-in scenario, the defaults, and a refusal naming each field.

use super::hard;
use crate::lab::{LabError, NoiseKind, Scenario, builtin};

#[test]
fn the_hard_scenario_is_the_documented_one() {
    let s = hard();
    assert_eq!(s.name, "hard");
    assert_eq!((s.bets, s.arenas, s.rounds), (30, 3, 6));
    assert_eq!(s.round_interval_days, 91.0);
    assert_eq!(
        (
            s.reports.interval_days,
            s.reports.jitter_days,
            s.reports.probability
        ),
        (30.0, 5.0, 1.0)
    );
    assert_eq!(
        (s.noise.kind, s.noise.sd),
        (NoiseKind::Multiplicative, 0.30)
    );
    assert_eq!(s.new_bets_per_round, 0);
    assert!((s.threshold() - 120.0).abs() < 1e-12);
    assert!(matches!(
        builtin("easy"),
        Err(LabError::UnknownScenario(..))
    ));
}

#[test]
fn missing_fields_take_the_documented_defaults() {
    let s = Scenario::from_json(r#"{"name": "small", "bets": 4, "rounds": 3}"#).unwrap();
    assert_eq!(
        (s.arenas, s.round_interval_days, s.budget),
        (1, 91.0, 100_000_000)
    );
    assert_eq!((s.baseline, s.threshold_lift), (100.0, 0.20));
    assert_eq!((s.true_progress.mean, s.true_progress.sd), (1.0, 0.0));
    assert_eq!(
        (s.progress_per_year.mean, s.progress_per_year.sd),
        (0.0, 0.0)
    );
    assert_eq!(
        (
            s.reports.interval_days,
            s.reports.jitter_days,
            s.reports.probability
        ),
        (30.0, 0.0, 1.0)
    );
    assert_eq!((s.noise.kind, s.noise.sd), (NoiseKind::Multiplicative, 0.0));
    assert_eq!((s.new_bets_per_round, s.description.as_str()), (0, ""));
    // The scenario command prints every field; what it prints reads back the same.
    let printed = serde_json::to_string_pretty(&s).unwrap();
    assert_eq!(Scenario::from_json(&printed).unwrap(), s);
}

#[test]
fn each_bad_field_is_refused_by_its_name() {
    type Spoil = fn(&mut Scenario);
    let cases: [(&str, Spoil); 24] = [
        ("name", |s| s.name = " ".into()),
        ("bets", |s| s.bets = 0),
        ("bets", |s| s.bets = 10_001),
        ("arenas", |s| s.arenas = 0),
        ("arenas", |s| s.arenas = 31),
        ("rounds", |s| s.rounds = 1),
        ("rounds", |s| s.rounds = 41),
        ("round_interval_days", |s| s.round_interval_days = 0.0),
        ("round_interval_days", |s| s.round_interval_days = 2_000.0),
        ("budget", |s| s.budget = 0),
        ("budget", |s| s.budget = 1_000_000_000_000_001),
        ("baseline", |s| s.baseline = 0.0),
        ("threshold_lift", |s| s.threshold_lift = 0.0),
        ("threshold_lift", |s| s.threshold_lift = f64::MAX),
        ("true_progress.mean", |s| s.true_progress.mean = f64::NAN),
        ("true_progress.sd", |s| s.true_progress.sd = -0.1),
        ("progress_per_year.sd", |s| s.progress_per_year.sd = -1.0),
        ("reports.interval_days", |s| s.reports.interval_days = 0.0),
        ("reports.jitter_days", |s| s.reports.jitter_days = 30.0),
        ("reports.probability", |s| s.reports.probability = 1.5),
        ("noise.sd", |s| s.noise.sd = 6.0),
        ("noise.sd", |s| {
            s.noise.kind = NoiseKind::Additive;
            s.noise.sd = -1.0;
        }),
        ("new_bets_per_round", |s| s.new_bets_per_round = 2_000),
        // 30 bets reporting every 0.005 days for 546 days: over 3 million reports.
        ("reports.interval_days", |s| {
            s.reports.interval_days = 0.005;
            s.reports.jitter_days = 0.0;
        }),
    ];
    for (field, spoil) in cases {
        let mut s = hard();
        spoil(&mut s);
        match s.validate() {
            Err(LabError::Scenario { field: named, .. }) => assert_eq!(named, field),
            other => panic!("{field}: {other:?}"),
        }
        let message = s.validate().unwrap_err().to_string();
        assert!(
            message.starts_with(&format!("the scenario's {field} ")),
            "{message}"
        );
    }
    // An unknown field, or one of the wrong type, is refused with its name by the parser.
    let text = serde_json::to_string(&hard()).unwrap();
    let unknown = text.replacen("\"bets\"", "\"betz\"", 1);
    let err = Scenario::from_json(&unknown).unwrap_err().to_string();
    assert!(err.contains("betz"), "{err}");
    let nested = text.replacen("\"jitter_days\"", "\"jiter_days\"", 1);
    let err = Scenario::from_json(&nested).unwrap_err().to_string();
    assert!(err.contains("jiter_days"), "{err}");
    let kind = text.replacen("\"multiplicative\"", "\"squared\"", 1);
    let err = Scenario::from_json(&kind).unwrap_err().to_string();
    assert!(err.contains("squared"), "{err}");
}

#[test]
fn late_bets_enter_at_their_round_and_start_at_the_round_before() {
    let s = Scenario {
        new_bets_per_round: 2,
        ..hard()
    };
    assert_eq!(s.total_bets(), 30 + 2 * 5);
    assert_eq!(s.entry_round(29), 1);
    assert_eq!((s.entry_round(30), s.entry_round(31)), (2, 2));
    assert_eq!(s.entry_round(39), 6);
    let world = crate::lab::generate(&s, 2);
    let late = &world.bets[32];
    assert_eq!((late.entry_round, late.start_day), (3, 182.0));
    assert!(late.reports.iter().all(|r| r.at > world.as_ofs[1]));
    assert_eq!(late.progress_at(182.0), late.true_progress);
}
