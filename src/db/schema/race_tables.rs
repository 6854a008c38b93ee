//! The tables of races and their racers (`migrations/*/2026-12-04-000006_races`).

diesel::table! {
    races (id) {
        id -> BigInt,
        arena_id -> BigInt,
        name -> Text,
        measure -> Text,
        metric_name -> Nullable<Text>,
        metric_unit -> Nullable<Text>,
        direction -> Nullable<Text>,
        starts_at -> Timestamp,
        finish_at -> Timestamp,
        confidence -> Double,
        min_reports -> Integer,
        prize -> Nullable<BigInt>,
        status -> Text,
        winner_bet_id -> Nullable<BigInt>,
        decision_reason -> Nullable<Text>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        prize_round_id -> Nullable<BigInt>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    race_racers (race_id, bet_id) {
        race_id -> BigInt,
        bet_id -> BigInt,
        team_id -> BigInt,
        racing -> Bool,
        fate -> Nullable<Text>,
        left_at -> Nullable<Timestamp>,
    }
}
