//! Multi-row INSERTs that stay prepared. Diesel compiles a multi-row INSERT of a slice afresh
//! on every call (its SQL depends on the row count), and compiling it cost more than running
//! it for the group commit's few dozen rows. An INSERT of an array has one SQL text per length,
//! so diesel keeps it prepared: rows go in as runs of a few fixed lengths.

use diesel::QueryResult;
use diesel::result::Error;

use super::DbConnection;

/// The run lengths, longest first. Each length costs one prepared statement per table and
/// backend; any count of rows splits into at most three runs of each.
const RUNS: [usize; 5] = [256, 64, 16, 4, 1];

/// One table's INSERT of an array of rows.
pub trait InsertRun<Row> {
    /// What the INSERT gives back (the stored rows, or nothing).
    type Out;

    /// Inserts exactly `N` rows with one statement.
    fn insert<const N: usize>(conn: &mut DbConnection, rows: &[Row; N]) -> QueryResult<Self::Out>;
}

/// Inserts `rows` in order as runs of the lengths in [`RUNS`]; one output per run.
pub fn insert_in_runs<Row, I: InsertRun<Row>>(
    conn: &mut DbConnection,
    rows: &[Row],
) -> QueryResult<Vec<I::Out>> {
    let mut out = Vec::new();
    let mut rest = rows;
    while !rest.is_empty() {
        let (run, after) = rest.split_at(run_length(rest.len()));
        out.push(match run.len() {
            256 => I::insert::<256>(conn, exact(run)?)?,
            64 => I::insert::<64>(conn, exact(run)?)?,
            16 => I::insert::<16>(conn, exact(run)?)?,
            4 => I::insert::<4>(conn, exact(run)?)?,
            _ => I::insert::<1>(conn, exact(run)?)?,
        });
        rest = after;
    }
    Ok(out)
}

/// The longest run that fits in `remaining` rows (at least 1 when rows remain).
fn run_length(remaining: usize) -> usize {
    RUNS.into_iter().find(|&n| n <= remaining).unwrap_or(1)
}

fn exact<Row, const N: usize>(run: &[Row]) -> QueryResult<&[Row; N]> {
    run.try_into()
        .map_err(|_| Error::QueryBuilderError("a run of rows has the wrong length".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runs(mut n: usize) -> Vec<usize> {
        let mut out = Vec::new();
        while n > 0 {
            let run = run_length(n);
            out.push(run);
            n -= run;
        }
        out
    }

    #[test]
    fn rows_split_into_the_longest_runs_that_fit() {
        assert_eq!(runs(0), Vec::<usize>::new());
        assert_eq!(runs(1), vec![1]);
        assert_eq!(runs(29), vec![16, 4, 4, 4, 1]);
        assert_eq!(runs(1_000), vec![256, 256, 256, 64, 64, 64, 16, 16, 4, 4]);
        for n in 0..2_000 {
            assert_eq!(runs(n).iter().sum::<usize>(), n);
        }
    }
}
