//! Policy ranges: every field out of range is rejected, naming the field; the edges pass.

use super::*;

fn with_policy(policy: Policy) -> RoundInput {
    round(1_000, policy, vec![flat(1, 100, 200.0)])
}

/// A change that puts one field of a policy out of range.
type Spoil = fn(&mut Policy);

#[test]
fn every_policy_field_out_of_range_is_rejected() {
    // One field spoiled at a time, everything else the defaults.
    let bad: [(&str, Spoil); 18] = [
        ("confidence", |p| p.confidence = 0.5),
        ("confidence", |p| p.confidence = 1.0),
        ("confidence", |p| p.confidence = f64::NAN),
        ("min_reports", |p| p.min_reports = 2),
        ("selection_pressure", |p| p.selection_pressure = -0.1),
        ("selection_pressure", |p| p.selection_pressure = 10.5),
        ("selection_pressure", |p| p.selection_pressure = f64::NAN),
        ("progress_cap", |p| p.progress_cap = 0.0),
        ("progress_cap", |p| p.progress_cap = f64::INFINITY),
        ("progress_cap", |p| p.progress_cap = f64::NAN),
        ("kill_after_misses", |p| p.kill_after_misses = 0),
        ("exploration_share", |p| p.exploration_share = -0.01),
        ("exploration_share", |p| p.exploration_share = 1.01),
        ("exploration_share", |p| p.exploration_share = f64::NAN),
        ("max_share", |p| p.max_share = 0.0),
        ("max_share", |p| p.max_share = 1.01),
        ("max_share", |p| p.max_share = f64::NAN),
        ("min_grant", |p| p.min_grant = -1),
    ];
    for (field, spoil) in bad {
        let mut policy = Policy::default();
        spoil(&mut policy);
        match rejected(&with_policy(policy.clone())) {
            EngineError::InvalidPolicy { field: f, .. } => assert_eq!(f, field, "{policy:?}"),
            other => panic!("{policy:?} gave {other:?}"),
        }
    }
    let message = rejected(&with_policy(Policy {
        confidence: 1.0,
        ..Policy::default()
    }))
    .to_string();
    assert_eq!(
        message,
        "the policy's confidence must be strictly between 0.5 and 1"
    );
}

#[test]
fn policy_range_edges_are_accepted() {
    let d = Policy::default;
    for policy in [
        Policy {
            confidence: 0.51,
            min_reports: 3,
            ..d()
        },
        Policy {
            confidence: 0.99,
            ..d()
        },
        Policy {
            selection_pressure: 0.0,
            exploration_share: 0.0,
            ..d()
        },
        Policy {
            selection_pressure: 10.0,
            exploration_share: 1.0,
            ..d()
        },
        Policy {
            max_share: 1.0,
            kill_after_misses: 1,
            min_grant: 0,
            ..d()
        },
        Policy {
            progress_cap: 1e-9,
            ..d()
        },
    ] {
        assert!(policy.validate().is_ok(), "{policy:?}");
        run(&with_policy(policy));
    }
}
