//! The one schema both backends share (the common subset of SQLite and PostgreSQL), written by
//! hand to match `migrations/sqlite` and `migrations/postgres`. Timestamps are UTC.

diesel::table! {
    portfolio (id) {
        id -> BigInt,
        name -> Text,
        currency -> Text,
        created_at -> Timestamp,
        billing_period_months -> Integer,
    }
}

diesel::table! {
    teams (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        max_members -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        name -> Text,
        role -> Text,
        team_id -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        hash -> Text,
        hint -> Text,
        label -> Text,
        kind -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    arenas (id) {
        id -> BigInt,
        name -> Text,
        description -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    bets (id) {
        id -> BigInt,
        slug -> Text,
        arena_id -> BigInt,
        team_id -> BigInt,
        title -> Text,
        thesis -> Text,
        metric_name -> Text,
        metric_unit -> Text,
        direction -> Text,
        baseline -> Double,
        seed_request -> Nullable<BigInt>,
        stage -> Text,
        status -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        activated_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    thresholds (id) {
        id -> BigInt,
        bet_id -> BigInt,
        target -> Double,
        effective_from -> Timestamp,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> BigInt,
        bet_id -> BigInt,
        value -> Double,
        observed_at -> Timestamp,
        reported_by -> BigInt,
        received_at -> Timestamp,
        source -> Nullable<Text>,
        idempotency_key -> Nullable<Text>,
        request_digest -> Nullable<Text>,
        supersedes -> Nullable<BigInt>,
    }
}

diesel::table! {
    rounds (id) {
        id -> BigInt,
        budget -> BigInt,
        currency -> Text,
        as_of -> Timestamp,
        window_start -> Nullable<Timestamp>,
        policy -> Text,
        status -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        preview -> Nullable<Text>,
        previewed_at -> Nullable<Timestamp>,
        committed_by -> Nullable<BigInt>,
        committed_at -> Nullable<Timestamp>,
        reserve -> Nullable<BigInt>,
        engine_input -> Nullable<Text>,
        report_ids -> Nullable<Text>,
    }
}

diesel::table! {
    round_pins (round_id, bet_id) {
        round_id -> BigInt,
        bet_id -> BigInt,
        pinned_grant -> Nullable<BigInt>,
        waive_kill -> Bool,
        reason -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    round_results (round_id, bet_id) {
        round_id -> BigInt,
        bet_id -> BigInt,
        team_id -> BigInt,
        n -> Integer,
        level -> Nullable<Double>,
        se -> Nullable<Double>,
        nu -> Nullable<Integer>,
        threshold -> Double,
        p_beat -> Nullable<Double>,
        outcome -> Text,
        streak -> Integer,
        progress -> Nullable<Double>,
        fitness -> Double,
        weight -> Double,
        prev_grant -> BigInt,
        target -> Double,
        granted -> BigInt,
        pinned -> Bool,
        kill_waived -> Bool,
        decision -> Text,
        reasons -> Text,
        last_report_at -> Nullable<Timestamp>,
        stale -> Bool,
        outlier_report_ids -> Text,
    }
}

diesel::table! {
    accounts (id) {
        id -> BigInt,
        kind -> Text,
        team_id -> Nullable<BigInt>,
        name -> Text,
        overdraft_limit -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    ledger_entries (id) {
        id -> BigInt,
        from_account -> BigInt,
        to_account -> BigInt,
        amount -> BigInt,
        round_id -> Nullable<BigInt>,
        bet_id -> Nullable<BigInt>,
        memo -> Text,
        created_at -> Timestamp,
        kind -> Text,
        billing_run_id -> Nullable<BigInt>,
        subscription_id -> Nullable<BigInt>,
        request_id -> Nullable<BigInt>,
        service_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<BigInt>,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<BigInt>,
        detail -> Text,
    }
}

diesel::table! {
    services (id) {
        id -> BigInt,
        name -> Text,
        provider_team_id -> BigInt,
        description -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    service_plans (id) {
        id -> BigInt,
        service_id -> BigInt,
        effective_from -> Timestamp,
        price -> BigInt,
        quantity_unit -> Nullable<Text>,
        capacity -> Nullable<BigInt>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    request_types (id) {
        id -> BigInt,
        plan_id -> BigInt,
        name -> Text,
        unit -> Text,
        unit_price -> BigInt,
    }
}

diesel::table! {
    subscriptions (id) {
        id -> BigInt,
        service_id -> BigInt,
        team_id -> BigInt,
        bet_id -> Nullable<BigInt>,
        quantity -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Nullable<Timestamp>,
        created_by -> BigInt,
        created_at -> Timestamp,
        cancelled_by -> Nullable<BigInt>,
        cancelled_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    requests (id) {
        id -> BigInt,
        service_id -> BigInt,
        team_id -> BigInt,
        request_type_id -> BigInt,
        quantity -> BigInt,
        purpose -> Text,
        bet_id -> Nullable<BigInt>,
        max_total -> BigInt,
        status -> Text,
        quote_total -> Nullable<BigInt>,
        quote_expires_at -> Nullable<Timestamp>,
        quoted_at -> Nullable<Timestamp>,
        offer -> Nullable<BigInt>,
        accepted_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        closed_by -> Nullable<BigInt>,
        close_reason -> Nullable<Text>,
        created_by -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    billing_runs (id) {
        id -> BigInt,
        period_start -> Timestamp,
        period_end -> Timestamp,
        status -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        preview -> Nullable<Text>,
        previewed_at -> Nullable<Timestamp>,
        committed_by -> Nullable<BigInt>,
        committed_at -> Nullable<Timestamp>,
        charged -> Nullable<BigInt>,
        unpaid -> Nullable<BigInt>,
    }
}

diesel::table! {
    unpaid_charges (billing_run_id, subscription_id) {
        billing_run_id -> BigInt,
        subscription_id -> BigInt,
        service_id -> BigInt,
        team_id -> BigInt,
        provider_team_id -> BigInt,
        bet_id -> Nullable<BigInt>,
        amount -> BigInt,
        shortfall -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> BigInt,
        key -> Text,
        operation -> Text,
        request_digest -> Text,
        object_id -> BigInt,
        created_at -> Timestamp,
    }
}

// The races' tables, in a file of their own.
mod race_tables;
pub use race_tables::{race_racers, races};

diesel::table! {
    policy_adoptions (id) {
        id -> BigInt,
        policy -> Text,
        reason -> Text,
        lab_run -> Nullable<Text>,
        adopted_by -> BigInt,
        adopted_at -> Timestamp,
    }
}

diesel::joinable!(users -> teams (team_id));
diesel::joinable!(tokens -> users (user_id));
diesel::joinable!(bets -> arenas (arena_id));
diesel::joinable!(bets -> teams (team_id));
diesel::joinable!(thresholds -> bets (bet_id));
diesel::joinable!(reports -> bets (bet_id));
diesel::joinable!(round_pins -> rounds (round_id));
diesel::joinable!(round_results -> rounds (round_id));
diesel::joinable!(round_results -> bets (bet_id));
diesel::joinable!(accounts -> teams (team_id));
diesel::joinable!(services -> teams (provider_team_id));
diesel::joinable!(service_plans -> services (service_id));
diesel::joinable!(request_types -> service_plans (plan_id));
diesel::joinable!(subscriptions -> services (service_id));
diesel::joinable!(requests -> services (service_id));
diesel::joinable!(requests -> request_types (request_type_id));
diesel::joinable!(unpaid_charges -> billing_runs (billing_run_id));

diesel::allow_tables_to_appear_in_same_query!(
    portfolio,
    teams,
    users,
    tokens,
    arenas,
    bets,
    thresholds,
    reports,
    rounds,
    round_pins,
    round_results,
    accounts,
    ledger_entries,
    audit_log,
    services,
    service_plans,
    request_types,
    subscriptions,
    requests,
    billing_runs,
    unpaid_charges,
    idempotency_keys,
    races,
    race_racers,
    policy_adoptions,
);

diesel::joinable!(round_results -> teams (team_id));
diesel::joinable!(race_racers -> races (race_id));
diesel::joinable!(race_racers -> bets (bet_id));
diesel::joinable!(races -> arenas (arena_id));

// The page summaries group a round's results by arena and by bet.
diesel::allow_columns_to_appear_in_same_group_by_clause!(
    round_results::round_id,
    arenas::id,
    arenas::name,
    bets::id,
    bets::title,
    bets::status,
);
