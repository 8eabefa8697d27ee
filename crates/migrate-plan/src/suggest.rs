//! "Did you mean …?" suggestions and lists of allowed values for help lines.

/// The closest candidate to `word`, if one is close enough to be a likely typo.
pub(crate) fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let word_lower = word.to_ascii_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for c in candidates {
        let score = strsim::jaro_winkler(&word_lower, &c.to_ascii_lowercase());
        let close = score >= 0.82 || strsim::levenshtein(&word_lower, c) <= 2.min(c.len() / 3 + 1);
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// "`a`, `b` or `c`".
pub(crate) fn one_of<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| format!("`{}`", s.as_ref())).collect();
    match quoted.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// "a, b or c" for phrases already formatted.
pub(crate) fn join_or(items: &[String]) -> String {
    match items {
        [] => "a different value".into(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let keys = ["source", "destination", "indexes", "strategy"];
        assert_eq!(did_you_mean("destinaton", keys), Some("destination"));
        assert_eq!(did_you_mean("index", keys), Some("indexes"));
        assert_eq!(did_you_mean("zzz", keys), None);
        assert_eq!(one_of(&["a", "b", "c"]), "`a`, `b` or `c`");
    }
}
