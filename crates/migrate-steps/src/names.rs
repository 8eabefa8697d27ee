//! Index names and patterns as the steps match them (a leaf: it imports nothing of the crate).

pub(crate) use migrate_graph::requests::expand::is_pattern;

/// System indexes a pattern never picks up, even one starting with `.` (they can only be named):
/// `.tasks` holds the cluster's own task results, never migration data.
pub fn is_system(name: &str) -> bool {
    name == ".tasks"
}

/// True when `name` matches `pattern` (`*` any run of characters, `?` one character).
pub fn matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether an allowlist entry (`host:port`, `*` wildcards, any case) admits `host_port`.
pub(crate) fn admits(entry: &str, host_port: &str) -> bool {
    fn glob(p: &[u8], s: &[u8]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some((b'*', rest)) => (0..=s.len()).any(|i| glob(rest, &s[i..])),
            Some((c, rest)) => s
                .split_first()
                .is_some_and(|(d, srest)| c.eq_ignore_ascii_case(d) && glob(rest, srest)),
        }
    }
    glob(entry.trim().as_bytes(), host_port.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_never_pick_up_the_task_results_index() {
        assert!(is_system(".tasks"));
        assert!(!is_system(".tasks-old") && !is_system("tasks"));
    }

    #[test]
    fn wildcards_match_like_the_cluster() {
        assert!(matches("logs-debug-*", "logs-debug-2026"));
        assert!(matches("logs-?", "logs-a"));
        assert!(matches("logs-a", "logs-a"));
        assert!(!matches("logs-?", "logs-ab"));
        assert!(!matches("logs-debug-*", "logs-2026"));
        assert!(matches("*-old", "movies-old"));
        assert!(!matches("*-old", "movies-older"));
        assert!(matches("a*b*c", "axxbyyc"));
    }

    #[test]
    fn allowlist_globs() {
        assert!(admits("10.0.0.1:9200", "10.0.0.1:9200"));
        assert!(admits("10.0.0.*:9200", "10.0.0.7:9200"));
        assert!(admits("*:*", "h:1"));
        assert!(!admits("10.0.0.1:9200", "10.0.0.1:9201"));
    }
}
