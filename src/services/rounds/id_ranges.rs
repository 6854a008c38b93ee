//! A committed round's list of report ids, written compactly as ranges: `1-5000,5002,5004-9000`.
//! Reports arrive with rising ids, so a round over a million reports is usually a few ranges.

/// Writes sorted, distinct ids as ranges.
pub fn encode(ids: &[i64]) -> String {
    let mut out = String::new();
    let mut iter = ids.iter().copied().peekable();
    while let Some(start) = iter.next() {
        let mut end = start;
        while iter.peek() == Some(&(end + 1)) {
            end += 1;
            iter.next();
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out.push_str(&start.to_string());
        } else {
            out.push_str(&format!("{start}-{end}"));
        }
    }
    out
}

/// Reads ranges back into ids, refusing anything malformed.
pub fn decode(text: &str) -> Result<Vec<i64>, String> {
    let mut ids = Vec::new();
    if text.is_empty() {
        return Ok(ids);
    }
    for part in text.split(',') {
        let bad = || format!("malformed report id range {part:?}");
        let (start, end) = match part.split_once('-') {
            Some((a, b)) => (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?),
            None => {
                let id: i64 = part.parse().map_err(|_| bad())?;
                (id, id)
            }
        };
        if end < start || ids.last().is_some_and(|&last| start <= last) {
            return Err(bad());
        }
        ids.extend(start..=end);
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_round_trip() {
        let ids = [1, 2, 3, 5, 7, 8, 9, 10, 42];
        let text = encode(&ids);
        assert_eq!(text, "1-3,5,7-10,42");
        assert_eq!(decode(&text).unwrap(), ids);
        assert_eq!(encode(&[]), "");
        assert_eq!(decode("").unwrap(), Vec::<i64>::new());
    }

    #[test]
    fn malformed_ranges_are_refused() {
        assert!(decode("3-1").is_err());
        assert!(decode("1,1").is_err());
        assert!(decode("a").is_err());
        assert!(decode("5,2").is_err());
    }
}
