//! Policy ranges: every field out of range is rejected, naming the field; the edges pass.

use super::*;

fn with_policy(policy: Policy) -> RoundInput {
    round(1_000, policy, vec![flat(1, 100, 200.0)])
}

#[test]
fn every_policy_field_out_of_range_is_rejected() {
    let d = Policy::default;
    let bad: Vec<(&str, Policy)> = vec![
        (
            "confidence",
            Policy {
                confidence: 0.5,
                ..d()
            },
        ),
        (
            "confidence",
            Policy {
                confidence: 1.0,
                ..d()
            },
        ),
        (
            "confidence",
            Policy {
                confidence: f64::NAN,
                ..d()
            },
        ),
        (
            "min_reports",
            Policy {
                min_reports: 2,
                ..d()
            },
        ),
        (
            "selection_pressure",
            Policy {
                selection_pressure: -0.1,
                ..d()
            },
        ),
        (
            "selection_pressure",
            Policy {
                selection_pressure: 10.5,
                ..d()
            },
        ),
        (
            "selection_pressure",
            Policy {
                selection_pressure: f64::NAN,
                ..d()
            },
        ),
        (
            "progress_cap",
            Policy {
                progress_cap: 0.0,
                ..d()
            },
        ),
        (
            "progress_cap",
            Policy {
                progress_cap: f64::INFINITY,
                ..d()
            },
        ),
        (
            "progress_cap",
            Policy {
                progress_cap: f64::NAN,
                ..d()
            },
        ),
        (
            "kill_after_misses",
            Policy {
                kill_after_misses: 0,
                ..d()
            },
        ),
        (
            "exploration_share",
            Policy {
                exploration_share: -0.01,
                ..d()
            },
        ),
        (
            "exploration_share",
            Policy {
                exploration_share: 1.01,
                ..d()
            },
        ),
        (
            "exploration_share",
            Policy {
                exploration_share: f64::NAN,
                ..d()
            },
        ),
        (
            "max_share",
            Policy {
                max_share: 0.0,
                ..d()
            },
        ),
        (
            "max_share",
            Policy {
                max_share: 1.01,
                ..d()
            },
        ),
        (
            "max_share",
            Policy {
                max_share: f64::NAN,
                ..d()
            },
        ),
        (
            "min_grant",
            Policy {
                min_grant: -1,
                ..d()
            },
        ),
    ];
    for (field, policy) in bad {
        match rejected(&with_policy(policy.clone())) {
            EngineError::InvalidPolicy { field: f, .. } => assert_eq!(f, field, "{policy:?}"),
            other => panic!("{policy:?} gave {other:?}"),
        }
    }
    let message = rejected(&with_policy(Policy {
        confidence: 1.0,
        ..d()
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
