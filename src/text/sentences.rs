//! Sentence boundaries inside one block of text.
//!
//! A boundary is a run of terminators (. ! ? … and the CJK full stops) plus any closing quotes or
//! brackets, followed by either whitespace and something that can open a sentence (a capital or
//! uncased letter, a digit, an opening quote or bracket), or, glued without a space, a capitalised
//! word after a lower-case word ("paid.She said"). Full stops after abbreviations, initials and
//! inside numbers are not boundaries; see `abbrev` for the lists.

use super::abbrev::{self, Abbrev};

pub fn is_terminator(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | '…' | '。' | '！' | '？' | '‼' | '⁉')
}

pub fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | '»' | '›' | ')' | ']' | '}' | '」' | '』')
}

fn is_opener_punct(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '«' | '‹' | '(' | '[' | '{' | '「' | '『' | '¿' | '¡')
}

fn is_cjk_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

/// Split `text[start..end]` into trimmed sentence ranges (byte offsets into `text`).
pub fn split(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    let block = &text[start..end];
    let mut sentences = Vec::new();
    let mut sentence_start = 0;
    let mut i = 0;
    while let Some(c) = block[i..].chars().next() {
        if !is_terminator(c) {
            i += c.len_utf8();
            continue;
        }
        let term_start = i;
        let term_end = i + block[i..].chars().take_while(|&c| is_terminator(c)).map(char::len_utf8).sum::<usize>();
        let close_end = term_end + block[term_end..].chars().take_while(|&c| is_closer(c)).map(char::len_utf8).sum::<usize>();
        if is_boundary(block, sentence_start, term_start, term_end, close_end) {
            push_trimmed(&mut sentences, block, start, sentence_start, close_end);
            sentence_start = close_end;
        }
        i = close_end.max(term_end);
    }
    push_trimmed(&mut sentences, block, start, sentence_start, block.len());
    sentences
}

fn push_trimmed(out: &mut Vec<(usize, usize)>, block: &str, offset: usize, from: usize, to: usize) {
    let piece = &block[from..to];
    let left = piece.len() - piece.trim_start().len();
    let right = piece.trim_end().len();
    if right > left {
        out.push((offset + from + left, offset + from + right));
    }
}

fn is_boundary(block: &str, sentence_start: usize, term_start: usize, term_end: usize, close_end: usize) -> bool {
    let terminators = &block[term_start..term_end];
    let after = &block[close_end..];
    let Some(next) = after.chars().next() else { return true };
    let single_full_stop = terminators == ".";
    let ellipsis = terminators.starts_with("..") || terminators.contains('…');
    let word = word_before(block, sentence_start, term_start);

    if !next.is_whitespace() {
        return is_glued_boundary(block, term_start, terminators, word, after);
    }
    let rest = after.trim_start();
    let Some(first) = rest.chars().next() else { return true };
    if !(opens_sentence(first)) {
        return false;
    }
    if ellipsis || !single_full_stop {
        return true;
    }
    match abbrev::classify(word) {
        Abbrev::No => true,
        Abbrev::NeverEnds => false,
        Abbrev::MayEnd => abbrev::is_opener(next_word(rest)),
    }
}

/// Glued sentences: "paid.She", "2004.The", "said.”She", and CJK stops, which take no space.
fn is_glued_boundary(block: &str, term_start: usize, terminators: &str, word: &str, after: &str) -> bool {
    if terminators.chars().any(is_cjk_stop) {
        return true;
    }
    if terminators.chars().count() != 1 {
        return false;
    }
    let prev_ok = block[..term_start].chars().next_back().is_some_and(|c| c.is_lowercase() || c.is_ascii_digit());
    let after = after.trim_start_matches(is_opener_punct);
    let mut next = after.chars();
    let capitalised_word = matches!((next.next(), next.next()), (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase());
    prev_ok && capitalised_word && word.chars().count() >= 2 && abbrev::classify(word) == Abbrev::No
}

/// Capital or uncased letters, digits, opening quotes and brackets, and non-ASCII symbols such as
/// emoji open a sentence; lower case and dashes ("presence. - Rubio stated.") continue one.
fn opens_sentence(c: char) -> bool {
    let symbol = !c.is_ascii() && !c.is_alphanumeric() && !c.is_whitespace() && !matches!(c, '–' | '—' | '‐' | '‑' | '…');
    (c.is_alphabetic() && !c.is_lowercase()) || c.is_numeric() || is_opener_punct(c) || symbol
}

/// The token right before the terminator, without leading punctuation ("(U.S" -> "U.S").
fn word_before(block: &str, sentence_start: usize, term_start: usize) -> &str {
    let before = &block[sentence_start..term_start];
    let token = before.rsplit(char::is_whitespace).next().unwrap_or(before);
    token.trim_start_matches(|c: char| !c.is_alphanumeric())
}

/// The first word of `rest`, letters only, after any opening punctuation.
fn next_word(rest: &str) -> &str {
    let rest = rest.trim_start_matches(is_opener_punct);
    let end = rest.find(|c: char| !c.is_alphabetic()).unwrap_or(rest.len());
    &rest[..end]
}
