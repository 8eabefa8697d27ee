//! The verification table: one row per check and index, rendered as aligned text for errors and
//! recorded as JSON in the step's outputs.

use serde::Serialize;

/// One comparison.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub check: String,
    pub index: String,
    pub source: String,
    pub destination: String,
    pub ok: bool,
}

/// Comparisons of one verify step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Table {
    pub rows: Vec<Row>,
}

impl Table {
    pub fn push(
        &mut self,
        check: &str,
        index: &str,
        source: String,
        destination: String,
        ok: bool,
    ) {
        self.rows.push(Row {
            check: check.to_owned(),
            index: index.to_owned(),
            source,
            destination,
            ok,
        });
    }

    /// Rows that differ.
    pub fn failures(&self) -> impl Iterator<Item = &Row> {
        self.rows.iter().filter(|r| !r.ok)
    }

    pub fn all_ok(&self) -> bool {
        self.rows.iter().all(|r| r.ok)
    }

    /// Aligned text, header first, `DIFFERS` in the last column where a check failed.
    pub fn render(&self) -> String {
        let header = ["check", "index", "source", "destination", "result"];
        let cells: Vec<[String; 5]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.check.clone(),
                    r.index.clone(),
                    r.source.clone(),
                    r.destination.clone(),
                    if r.ok { "ok" } else { "DIFFERS" }.to_owned(),
                ]
            })
            .collect();
        let mut width = header.map(str::len);
        for row in &cells {
            for (w, c) in width.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let line = |row: &[String]| {
            let mut s = String::new();
            for (i, (c, w)) in row.iter().zip(width).enumerate() {
                if i + 1 == row.len() {
                    s.push_str(c);
                } else {
                    s.push_str(&format!("{c:<w$}  "));
                }
            }
            s.trim_end().to_owned()
        };
        let mut out = line(&header.map(str::to_owned));
        for row in &cells {
            out.push('\n');
            out.push_str(&line(row));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_aligned_rows() {
        let mut t = Table::default();
        t.push("doc count", "movies", "100".into(), "99".into(), false);
        t.push("health", "movies", "-".into(), "green".into(), true);
        assert_eq!(
            t.render(),
            "check      index   source  destination  result\n\
             doc count  movies  100     99           DIFFERS\n\
             health     movies  -       green        ok"
        );
        assert!(!t.all_ok());
        assert_eq!(t.failures().count(), 1);
    }
}
