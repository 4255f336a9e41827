//! Word tokens with byte offsets, as name matching needs them.
//!
//! A token is a run of letters and digits; inner apostrophes stay ("O'Brien"), a possessive
//! `'s`/`’s` is cut off (the mention of "Trump’s administration" is "Trump"), hyphens split
//! ("US-Venezuela" mentions both), and dotted initialisms keep their dots ("U.S.", "U.N.").
//! Each token also carries its accent-folded form, so "Rodríguez" matches "Rodriguez".

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token<'a> {
    pub text: &'a str,
    /// Byte offsets into the tokenised string.
    pub start: usize,
    pub end: usize,
    /// Accent-folded, case kept.
    pub folded: String,
    /// The token is followed by a possessive `'s` (cut off from `text`).
    pub possessive: bool,
    /// Only spaces separate this token from the next one (no comma, quote, dash...).
    pub joined_to_next: bool,
}

impl Token<'_> {
    pub fn is_capitalised(&self) -> bool {
        self.text.chars().next().is_some_and(char::is_uppercase)
    }

    pub fn is_all_caps(&self) -> bool {
        self.text.chars().any(char::is_alphabetic) && !self.text.chars().any(char::is_lowercase)
    }

    /// Folded and lower-cased: the key for case-insensitive lookups.
    pub fn key(&self) -> String {
        self.folded.to_lowercase()
    }
}

/// Remove accents (NFD, drop combining marks), keep case.
pub fn fold(text: &str) -> String {
    text.nfd().filter(|c| !is_combining_mark(*c)).collect()
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '\u{2019}'
}

pub fn tokenize(text: &str) -> Vec<Token<'_>> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let byte_at = |i: usize| chars.get(i).map_or(text.len(), |&(b, _)| b);
    let mut tokens: Vec<Token<'_>> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].1.is_alphanumeric() {
            i += 1;
            continue;
        }
        let begin = i;
        let mut possessive = false;
        while i < chars.len() {
            let c = chars[i].1;
            let next = chars.get(i + 1).map(|&(_, c)| c);
            if c.is_alphanumeric() {
                i += 1;
            } else if is_apostrophe(c) && next.is_some_and(char::is_alphabetic) {
                let after = chars.get(i + 2).map(|&(_, c)| c);
                if matches!(next, Some('s' | 'S')) && !after.is_some_and(char::is_alphanumeric) {
                    possessive = true;
                    break;
                }
                i += 1;
            } else if c == '.' && is_initialism(&chars[begin..i]) && (next.is_some_and(char::is_alphabetic) || is_single_letter_run(&chars[begin..i])) {
                // U.S. / U.N. / U.S.A.: keep the dots, including the last one.
                i += 1;
            } else {
                break;
            }
        }
        let (start, end) = (byte_at(begin), byte_at(i));
        let token_text = &text[start..end];
        tokens.push(Token { text: token_text, start, end, folded: fold(token_text), possessive, joined_to_next: false });
        if possessive {
            i += 2;
        }
    }
    for k in 0..tokens.len().saturating_sub(1) {
        let gap_start = tokens[k].end + if tokens[k].possessive { text[tokens[k].end..].chars().take(2).map(char::len_utf8).sum() } else { 0 };
        let gap = text.get(gap_start..tokens[k + 1].start).unwrap_or("");
        tokens[k].joined_to_next = !tokens[k].possessive && gap.chars().all(|c| c == ' ' || c == '\u{a0}') && !gap.is_empty();
    }
    tokens
}

/// Single capital letters separated by dots so far ("U", "U.S", "U.S.A").
fn is_initialism(run: &[(usize, char)]) -> bool {
    !run.is_empty() && run.iter().enumerate().all(|(k, &(_, c))| if k % 2 == 0 { c.is_uppercase() } else { c == '.' })
}

/// At least two letters already dotted ("U.S" before its final dot).
fn is_single_letter_run(run: &[(usize, char)]) -> bool {
    run.len() >= 3
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<&str> {
        tokenize(s).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn initialisms_possessives_and_hyphens() {
        assert_eq!(texts("the U.S. and Trump’s US-Venezuela plan."), vec!["the", "U.S.", "and", "Trump", "US", "Venezuela", "plan"]);
        assert_eq!(texts("O'Brien's view, A. Smith"), vec!["O'Brien", "view", "A", "Smith"]);
    }

    #[test]
    fn folding_and_joins() {
        let tokens = tokenize("Delcy Rodríguez, Maduro");
        assert_eq!(tokens[1].folded, "Rodriguez");
        assert!(tokens[0].joined_to_next);
        assert!(!tokens[1].joined_to_next, "a comma breaks a name");
        assert_eq!(&"Delcy Rodríguez, Maduro"[tokens[1].start..tokens[1].end], "Rodríguez");
    }
}
