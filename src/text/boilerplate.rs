//! Boilerplate rules, read from `src/data/boilerplate.tsv`.

use std::sync::LazyLock;

use regex::Regex;

struct Rule {
    whole_line: bool,
    reason: &'static str,
    pattern: Regex,
}

static RULES: LazyLock<Vec<Rule>> = LazyLock::new(|| {
    include_str!("../data/boilerplate.tsv")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|line| {
            let mut fields = line.splitn(3, '\t');
            let (scope, reason, pattern) = (fields.next()?, fields.next()?, fields.next()?);
            let whole_line = scope == "line";
            let anchored = if whole_line { format!("(?i)^(?:{pattern})$") } else { format!("(?i)^(?:{pattern})") };
            // The rules are our own data, tested in `every_rule_compiles`; a bad one is skipped, not fatal.
            let pattern = Regex::new(&anchored).ok()?;
            Some(Rule { whole_line, reason, pattern })
        })
        .collect()
});

/// The reason this whole (trimmed) line is boilerplate, if it is.
pub fn line_reason(line: &str) -> Option<&'static str> {
    RULES.iter().find(|r| r.whole_line && r.pattern.is_match(line)).map(|r| r.reason)
}

/// If the line starts with removable matter (a dateline), its length in bytes and the reason.
pub fn prefix(line: &str) -> Option<(usize, &'static str)> {
    RULES.iter().filter(|r| !r.whole_line).find_map(|r| r.pattern.find(line).filter(|m| m.end() > 0).map(|m| (m.end(), r.reason)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_compiles() {
        let listed = include_str!("../data/boilerplate.tsv").lines().filter(|l| !l.trim().is_empty() && !l.starts_with('#')).count();
        assert_eq!(RULES.len(), listed);
    }

    #[test]
    fn recognises_web_furniture_but_not_prose() {
        assert_eq!(line_reason("Leave a Reply"), Some("comments"));
        assert_eq!(line_reason("Your email address will not be published. Required fields are marked *"), Some("comments"));
        assert_eq!(line_reason("en_USEnglish"), Some("language"));
        assert_eq!(line_reason("en_USEnglish es_ESEspañol"), Some("language"));
        assert_eq!(line_reason("By Jane Smith"), Some("byline"));
        assert_eq!(line_reason("Share this:"), Some("share"));
        assert_eq!(line_reason("By the end of the year, prices rose."), None);
        assert_eq!(line_reason("Leave a reply to the questions of the senators, Rubio said."), None);
        assert_eq!(line_reason("Full Report"), None);
        assert_eq!(prefix("date 2026-01-29 US Secretary"), Some((16, "dateline")));
        assert_eq!(prefix("US Secretary"), None);
    }
}
