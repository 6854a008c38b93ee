//! The grid, the Pareto front and the recommendation; and threads that change no figure.

use super::{hard, other_policy, small_grid};
use crate::engine::Policy;
use crate::lab::{
    Grid, LabError, Point, dominates, pareto_front, recommend_with_threads, simulate, stat,
    summarise,
};

fn point(share: f64, killed: f64) -> Point {
    let train = summarise(&[]);
    Point {
        grid_index: None,
        policy: Policy::default(),
        winners_share: share,
        winners_killed: killed,
        train,
    }
}

#[test]
fn the_default_grid_is_the_documented_one_in_a_fixed_order() {
    let grid = Grid::default();
    let policies = grid.policies();
    assert_eq!(policies.len(), 4 * 5 * 5 * 6 * 2);
    assert_eq!(grid.len(), 1200);
    // evidence_windows outermost: the v1 policies come first.
    assert!(policies[..300].iter().all(|p| p.evidence_windows == 1));
    assert_eq!(policies[300].evidence_windows, 2);
    // Within it, confidence outermost, exploration_share innermost.
    assert_eq!(
        (policies[0].confidence, policies[0].exploration_share),
        (0.6, 0.0)
    );
    assert_eq!(policies[1].exploration_share, 0.1);
    assert_eq!(policies[2].selection_pressure, 0.5);
    assert_eq!(policies[12].kill_after_misses, 2);
    assert_eq!(policies[60].confidence, 0.7);
    assert!(policies.contains(&Policy::default()));
    // Knobs the grid does not move stay at the default.
    assert!(
        policies
            .iter()
            .all(|p| p.max_share == 0.40 && p.min_reports == 3)
    );
}

#[test]
fn a_grid_with_a_knob_the_engine_refuses_names_it() {
    let bad = Grid {
        selection_pressure: vec![1.0, 11.0],
        ..small_grid()
    };
    match bad.validate() {
        Err(LabError::Grid { field, reason }) => {
            assert_eq!(field, "selection_pressure");
            assert!(
                reason.contains("11.0") && reason.contains("between 0 and 10"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    let empty = Grid {
        confidence: vec![],
        ..small_grid()
    };
    assert!(matches!(
        empty.validate(),
        Err(LabError::Grid {
            field: "confidence",
            ..
        })
    ));
    let file = Grid::from_json(r#"{"confidence": [0.9]}"#).unwrap();
    assert_eq!(file.confidence, vec![0.9]);
    assert_eq!(file.kill_after_misses, Grid::default().kill_after_misses);
    assert!(
        Grid::from_json(r#"{"confidance": [0.9]}"#)
            .unwrap_err()
            .to_string()
            .contains("confidance")
    );
}

#[test]
fn the_front_holds_no_dominated_point_and_every_other_point_is_dominated() {
    let points = [
        point(0.80, 0.10),
        point(0.90, 0.20),
        point(0.85, 0.10), // dominates the first
        point(0.90, 0.20), // equal to the second: neither dominates
        point(0.70, 0.05),
        point(0.60, 0.30), // dominated by everything above it
        point(0.95, 0.40),
    ];
    let front = pareto_front(&points);
    assert_eq!(front, vec![1, 2, 3, 4, 6]);
    for (i, p) in points.iter().enumerate() {
        let dominated = points.iter().any(|q| dominates(q, p));
        assert_eq!(front.contains(&i), !dominated, "point {i}");
    }
    assert!(!dominates(&points[1], &points[3]));
}

#[test]
fn the_recommendation_comes_from_the_front_and_the_threads_change_nothing() {
    let run = |threads| {
        recommend_with_threads(
            &hard(),
            &small_grid(),
            &[1, 2, 3],
            &[4, 5],
            threads,
            &mut |_, _| {},
        )
        .unwrap()
    };
    let one = run(1);
    let json = serde_json::to_string(&one).unwrap();
    assert_eq!(json, serde_json::to_string(&run(2)).unwrap());
    assert_eq!(json, serde_json::to_string(&run(3)).unwrap());

    // The grid lacks the default policy, so it was run beside the grid.
    assert_eq!(one.policies, 5);
    assert_eq!(one.default.point.grid_index, None);
    assert!(!one.front.is_empty());
    for a in &one.front {
        assert!(one.front.iter().all(|b| !dominates(b, a)), "{a:?}");
    }
    assert!(
        one.front
            .windows(2)
            .all(|w| w[0].winners_killed <= w[1].winners_killed)
    );
    let score = |p: &Point| p.winners_share - p.winners_killed;
    assert!(one.front.contains(&one.recommended));
    assert!(
        one.front
            .iter()
            .all(|p| score(p) <= score(&one.recommended))
    );
    assert_eq!(
        one.default.on_front,
        one.front.iter().all(|p| !dominates(p, &one.default.point))
    );
    assert_eq!(one.test.recommended.runs, 2);
    assert_eq!(one.test_seeds, vec![4, 5]);
}

#[test]
fn seeds_are_checked() {
    let refuse = |train: &[u64], test: &[u64]| {
        recommend_with_threads(&hard(), &small_grid(), train, test, 1, &mut |_, _| {}).unwrap_err()
    };
    assert!(matches!(
        refuse(&[], &[2]),
        LabError::Seeds { field: "train", .. }
    ));
    assert!(matches!(
        refuse(&[1, 1], &[2]),
        LabError::Seeds { field: "train", .. }
    ));
    let overlap = refuse(&[1, 2], &[2, 3]);
    assert!(
        matches!(overlap, LabError::Seeds { field: "test", .. }),
        "{overlap}"
    );
    let many: Vec<u64> = (1..=41).collect();
    assert!(simulate(&hard(), &[Policy::default()], &many, 1, &mut |_, _| {}).is_err());
    let bad = Policy {
        confidence: 1.5,
        ..Policy::default()
    };
    let err = simulate(&hard(), &[Policy::default(), bad], &[1], 1, &mut |_, _| {})
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "policy 2: the policy's confidence must be strictly between 0.5 and 1"
    );
}

#[test]
fn a_simulation_is_the_same_on_any_number_of_threads() {
    let policies = [Policy::default(), other_policy()];
    let mut calls = Vec::new();
    let one = simulate(&hard(), &policies, &[1, 2, 3], 1, &mut |d, t| {
        calls.push((d, t))
    })
    .unwrap();
    let four = simulate(&hard(), &policies, &[1, 2, 3], 4, &mut |_, _| {}).unwrap();
    assert_eq!(
        serde_json::to_string(&one).unwrap(),
        serde_json::to_string(&four).unwrap()
    );
    assert_eq!(calls.last(), Some(&(3, 3)));
    let summary = &one.policies[1].summary;
    let shares: Vec<f64> = one.policies[1]
        .runs
        .iter()
        .map(|r| r.metrics.winners_share)
        .collect();
    assert_eq!(summary.winners_share, stat(&shares));
}
