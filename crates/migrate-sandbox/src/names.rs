//! Names and patterns shared by every layer: `*` globs over index, alias and task names, and which
//! index names are system indexes. A leaf: it imports nothing from the crate.

/// The index where finished tasks store their results.
pub const TASK_INDEX: &str = ".tasks";

/// Simple `*` glob matching.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            match rest.strip_prefix(part) {
                Some(r) => rest = r,
                None => return false,
            }
        } else if i + 1 == parts.len() {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(p) => rest = &rest[p + part.len()..],
                None => return false,
            }
        }
    }
    true
}

/// Whether an index is a system index (today: `.tasks`).
pub fn is_system(name: &str) -> bool {
    name == TASK_INDEX
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches() {
        assert!(glob("logs-*", "logs-2024"));
        assert!(glob("*-2024", "logs-2024"));
        assert!(glob("l*s-*4", "logs-2024"));
        assert!(!glob("logs-*", "metrics"));
        assert!(glob("*", "anything"));
    }
}
