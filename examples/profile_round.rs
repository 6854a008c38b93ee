#[path = "../benches/suite/data.rs"]
#[allow(dead_code)]
mod data;
use std::time::Instant;
use chrono::TimeDelta;
use horserace::db::connection::connect;
use horserace::db::reports::EvidencePoint;
use horserace::db::rounds::RoundResultRow;
use horserace::db::bets::{Bet, Threshold};
fn main() {
    let db = data::database(None, "profile");
    let pool = connect(&db.url, 2).unwrap();
    let p = data::portfolio(&pool, 10_000, 100, 100);
    let mut conn = pool.get().unwrap();
    let conn = &mut *conn;
    let ws = (p.start - TimeDelta::seconds(1)).naive_utc();
    let asof = (p.now - TimeDelta::minutes(30)).naive_utc();
    {
        use horserace::services::rounds::{evidence::{gather, Terms}, evaluation::run};
        let terms = Terms { round_id: None, budget: 100_000_000, as_of: asof, window_start: Some(ws), policy: Default::default() };
        for _ in 0..2 {
            let t = Instant::now(); let g = gather(conn, &terms, None).unwrap(); println!("gather {:?}", t.elapsed());
            let t = Instant::now(); let (_, e) = run(&g, p.now).unwrap(); println!("run {:?}", t.elapsed());
            let t = Instant::now(); let s = serde_json::to_string(&e).unwrap(); println!("json {} bytes {:?}", s.len(), t.elapsed());
        }
    }
    for _ in 0..1 {
        let t = Instant::now(); let a = Bet::active(conn).unwrap(); println!("active {} {:?}", a.len(), t.elapsed());
        let t = Instant::now(); let a = Threshold::in_force_for_active(conn, asof).unwrap(); println!("thresholds {} {:?}", a.len(), t.elapsed());
        let t = Instant::now(); let a = RoundResultRow::standings_before(conn, asof).unwrap(); println!("standings {} {:?}", a.len(), t.elapsed());
        let t = Instant::now(); let a = EvidencePoint::in_window(conn, Some(ws), asof, None).unwrap(); println!("in_window {} {:?}", a.len(), t.elapsed());
        let t = Instant::now(); let a = EvidencePoint::history_before(conn, ws, 20, None).unwrap(); println!("history {} {:?}", a.len(), t.elapsed());
    }
}
