//! The portfolio page: the server's own time for it, over months of rounds.

use horserace::db::connection::{POOL_WAIT, connect};

use crate::data;
use crate::measure::Samples;
use crate::{Line, Scale};

use super::serve;

pub(super) async fn portfolio_page(scale: Scale, postgres: Option<&str>) -> Line {
    let db = data::database(postgres, "page");
    let pool = connect(&db.url, 4, POOL_WAIT).unwrap();
    let p = data::portfolio(&pool, scale.bets, 3, 100.min(scale.bets));
    data::round_history(&pool, &p, scale.rounds);
    let cookie = {
        let mut conn = pool.get().unwrap();
        let issued = horserace::services::users::issue_token(
            &mut conn,
            1,
            "bench",
            horserace::domain::TokenKind::Session,
            None,
            None,
            p.now,
        )
        .unwrap();
        format!("hr_session={}", issued.secret.expose())
    };
    let base = serve(&db).await;
    let client = reqwest::Client::new();
    // The target is the server's time, which it answers in `Server-Timing`; the time the
    // client saw (the network and this client on top) is noted beside it.
    let get = || async {
        let started = std::time::Instant::now();
        let r = client
            .get(format!("{base}/"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let timing = r.headers()["server-timing"].to_str().unwrap().to_owned();
        let _ = r.text().await.unwrap();
        let server: f64 = timing.strip_prefix("app;dur=").unwrap().parse().unwrap();
        (server, started.elapsed().as_secs_f64() * 1e3)
    };
    for _ in 0..3 {
        get().await;
    }
    let (mut times, mut seen) = (Vec::new(), Vec::new());
    for _ in 0..scale.page_requests {
        let (server, client) = get().await;
        times.push(server);
        seen.push(client);
    }
    let (times, seen) = (Samples(times), Samples(seen));
    let p95 = times.quantile(0.95);
    Line {
        path: "portfolio page",
        ratio: None,
        met: p95 < 100.0,
        measured: times,
        unit: "ms",
        ceiling_name: "(absolute)",
        ceiling: None,
        target: "p95 < 100 ms",
        note: format!(
            "server time p95 {p95:.1} ms over {} requests (the client saw p95 {:.1} ms); {} bets, {} rounds",
            scale.page_requests,
            seen.quantile(0.95),
            scale.bets,
            scale.rounds
        ),
    }
}
