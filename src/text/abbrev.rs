//! Abbreviation lists for the sentence splitter, read from `src/data/abbreviations.txt`.

use std::collections::HashSet;
use std::sync::LazyLock;

pub struct Abbreviations {
    never_ends: HashSet<&'static str>,
    may_end: HashSet<&'static str>,
    openers: HashSet<&'static str>,
}

static LISTS: LazyLock<Abbreviations> = LazyLock::new(|| {
    let mut lists = Abbreviations { never_ends: HashSet::new(), may_end: HashSet::new(), openers: HashSet::new() };
    let mut section = "";
    for line in include_str!("../data/abbreviations.txt").lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            section = line;
            continue;
        }
        let target = match section {
            "[never_ends]" => &mut lists.never_ends,
            "[may_end]" => &mut lists.may_end,
            _ => &mut lists.openers,
        };
        target.extend(line.split_whitespace());
    }
    lists
});

/// What a full stop after `word` (the token before it, without leading punctuation) means.
#[derive(Debug, PartialEq, Eq)]
pub enum Abbrev {
    /// Not an abbreviation: the full stop can end the sentence.
    No,
    /// The sentence goes on after it.
    NeverEnds,
    /// It ends the sentence only if the next word opens sentences.
    MayEnd,
}

pub fn classify(word: &str) -> Abbrev {
    let lower = word.to_lowercase();
    if LISTS.never_ends.contains(lower.as_str()) && word.chars().next().is_some_and(char::is_alphabetic) {
        return Abbrev::NeverEnds;
    }
    if LISTS.may_end.contains(lower.as_str()) || is_initial(word) || is_dotted(word) {
        return Abbrev::MayEnd;
    }
    Abbrev::No
}

pub fn is_opener(word: &str) -> bool {
    LISTS.openers.contains(word.to_lowercase().as_str())
}

/// A single capital letter, as in "Donald J. Trump".
fn is_initial(word: &str) -> bool {
    let mut chars = word.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if c.is_uppercase())
}

/// Letters with inner full stops: U.S, a.m, Ph.D, e.g.
fn is_dotted(word: &str) -> bool {
    word.contains('.') && word.split('.').all(|part| (1..=3).contains(&part.chars().count()) && part.chars().all(char::is_alphabetic))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_the_usual_suspects() {
        assert_eq!(classify("Mr"), Abbrev::NeverEnds);
        assert_eq!(classify("Jan"), Abbrev::NeverEnds);
        assert_eq!(classify("U.S"), Abbrev::MayEnd);
        assert_eq!(classify("p.m"), Abbrev::MayEnd);
        assert_eq!(classify("J"), Abbrev::MayEnd);
        assert_eq!(classify("Inc"), Abbrev::MayEnd);
        assert_eq!(classify("drugs"), Abbrev::No);
        assert_eq!(classify("2019"), Abbrev::No);
        assert!(is_opener("The") && !is_opener("Treasury"));
    }
}
