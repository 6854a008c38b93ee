//! Tests of the portfolio's charts: which bets the money chart names, and every title.

use super::*;

fn bet(id: i64, values: &[i64]) -> Candidate {
    Candidate {
        id,
        title: format!("Bet {id}"),
        status: BetStatus::Active,
        values: values.to_vec(),
    }
}

/// What is left for "other bets" in each round once `named` are taken out.
fn rest_shares(candidates: &[Candidate], named: &[usize], totals: &[i64]) -> Vec<f64> {
    totals
        .iter()
        .enumerate()
        .map(|(r, t)| {
            let taken: i64 = named.iter().map(|&i| candidates[i].values[r]).sum();
            approx::share(t - taken, *t)
        })
        .collect()
}

#[test]
fn names_the_fewest_bets_that_leave_the_rest_a_fifth_at_most() {
    // Three big bets, ten of 3% each, and 10% for bets that are not candidates.
    let mut candidates = vec![
        bet(1, &[40, 10, 10]),
        bet(2, &[10, 40, 10]),
        bet(3, &[10, 10, 40]),
    ];
    candidates.extend((10..20).map(|id| bet(id, &[3, 3, 3])));
    let totals = [100, 100, 100];
    let named = pick_named(&candidates, &totals);
    assert!(
        rest_shares(&candidates, &named, &totals)
            .iter()
            .all(|s| *s <= 0.2),
        "{named:?}"
    );
    // The three big bets leave 40% each round; 20 more units must go, 7 bets of 3.
    assert_eq!(named.len(), 3 + 7, "{named:?}");
    assert_eq!(&named[..3], &[0, 1, 2], "most funded first, then by id");
}

#[test]
fn never_more_than_twelve_and_none_when_few_bets_take_everything() {
    let candidates: Vec<Candidate> = (1..=24).map(|id| bet(id, &[5, 5])).collect();
    let named = pick_named(&candidates, &[120, 120]);
    assert_eq!(
        named.len(),
        12,
        "the rest stays at 50%, but twelve is the most"
    );
    let two = [bet(7, &[60, 0]), bet(9, &[40, 100])];
    let named = pick_named(&two, &[100, 100]);
    assert_eq!(named, [1, 0], "bet 9 took more in all");
    assert!(pick_named(&two, &[0, 0]).is_empty(), "nothing granted");
    assert!(pick_named(&[], &[100]).is_empty());
}

#[test]
fn the_money_title_says_who_took_how_much() {
    let c = Currency::usd();
    assert_eq!(
        money_title(&[("Lens", 30_000), ("Atlas", 20_000)], 60_000, 4, &c),
        "2 bets took 83% of the USD 600.00 granted over 4 rounds; Lens the most, 50%"
    );
    assert_eq!(
        money_title(&[("Lens", 30_000), ("Atlas", 20_000)], 50_000, 3, &c),
        "Lens took the most of the USD 500.00 granted to 2 bets over 3 rounds: 60%"
    );
    assert_eq!(
        money_title(&[("Lens", 10_000)], 10_000, 1, &c),
        "Lens took all of the USD 100.00 granted in 1 round"
    );
    assert_eq!(
        money_title(&[("Lens", 10_000)], 40_000, 1, &c),
        "1 bet took 25% of the USD 400.00 granted in 1 round; Lens the most, 25%"
    );
    assert_eq!(
        money_title(&[], 0, 2, &c),
        "Nothing was granted over 2 rounds"
    );
}

fn bars(items: &[(&str, i64)]) -> Vec<Bar> {
    items
        .iter()
        .map(|(label, value)| Bar {
            label: (*label).to_owned(),
            value: *value,
            note: None,
        })
        .collect()
}

#[test]
fn the_arena_title_names_where_the_most_went() {
    let c = Currency::usd();
    let two = bars(&[("Mobile messaging", 58_000), ("Payments", 42_000)]);
    assert_eq!(
        arena_title(4, &two, 100_000, &c),
        "Where round 4's money went: 58% of USD 1,000.00 to Mobile messaging, the most of 2 \
         arenas"
    );
    assert_eq!(
        arena_title(1, &two[..1], 58_000, &c),
        "Where round 1's money went: all of USD 580.00 to Mobile messaging"
    );
    assert_eq!(
        arena_title(2, &bars(&[("Payments", 0)]), 0, &c),
        "Where round 2's money went: nowhere, it granted nothing"
    );
}

#[test]
fn the_team_title_names_who_got_the_most() {
    let c = Currency::usd();
    let three = bars(&[
        ("Pod Alpha", 18_000),
        ("Pod Bravo", 12_000),
        ("Kestrel", 5_000),
    ]);
    assert_eq!(
        team_title(4, &three, 100_000, &c),
        "Pod Alpha got the most of round 4: 18% of USD 1,000.00, among 3 teams"
    );
    assert_eq!(
        team_title(1, &three[..1], 18_000, &c),
        "Pod Alpha got all of round 1's USD 180.00"
    );
    assert_eq!(
        team_title(3, &[], 0, &c),
        "Round 3 granted nothing to any team"
    );
}

#[test]
fn the_money_chart_keys_bets_by_id_and_greys_the_rest() {
    let c = Currency::usd();
    let categories = ["R1 2026-03-31".to_owned(), "R2 2026-06-30".to_owned()];
    let mut candidates = vec![bet(5, &[50, 50]), bet(8, &[30, 30])];
    candidates.extend((20..30).map(|id| bet(id, &[1, 1])));
    let html = money_chart(&c, &categories, &candidates, &[100, 100]);
    assert!(html.contains("<title>Bet 5: USD 0.50 in R1 2026-03-31</title>"));
    assert!(html.contains("<title>other bets: USD 0.20 in R1 2026-03-31</title>"));
    assert!(html.contains("fill=\"#A0A0A0\""), "the rest is grey");
    assert!(html.contains(">2 bets took 80% of the USD 2.00 granted over 2 rounds;"));
    // Bet 8 keeps its fill when bet 5 is gone and ten small bets are named beside it. A
    // patterned fill's id is the chart's own, so it is compared by the fill it names.
    let fill = |html: &str| {
        let at = html.find("<title>Bet 8: ").unwrap_or(0);
        let paint = html[..at].rsplit("fill=\"").next()?.split('"').next()?;
        Some(paint.rsplit('-').next().unwrap_or(paint).to_owned())
    };
    let alone = money_chart(&c, &categories, &candidates[1..], &[50, 50]);
    assert_eq!(fill(&html), fill(&alone));
}
