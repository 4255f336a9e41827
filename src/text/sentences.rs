//! Sentence boundaries inside one block of text.
//!
//! A boundary is a run of terminators (. ! ? … and the CJK full stops) plus any closing quotes or
//! brackets, followed by either whitespace and something that can open a sentence (a capital or
//! uncased letter, a digit, an opening quote or bracket), or, glued without a space, a capitalised
//! word after a lower-case word ("paid.She said"). Full stops after abbreviations, initials and
//! inside numbers are not boundaries; see `abbrev` for the lists. In lower-case prose (a lowercased
//! article: see [`is_lower_case_prose`]) a single full stop before a lower-case word is a boundary
//! too, unless the word before it is an abbreviation or a lone letter ("e.g. the", "u.s.
//! officials", "mr. smith", "j. trump").
//!
//! A "sentence" longer than [`MAX_SENTENCE_BYTES`] is text without sentence punctuation; it is cut
//! into pieces of at most [`PIECE_BYTES`] (see [`cap_length`]).

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

/// Upper-case letters are under 1 in this many of a lower-case text's letters. Cased news has 1 in
/// 75 or more (the fewest of 916 BBC and seed articles: 1.3%); a lowercased article has none.
const LOWER_CASE_LETTERS_PER_CAPITAL: usize = 200;

/// Whether `text` is lower-case prose, where a full stop before a lower-case word ends a sentence.
/// Decided for the whole article: in cased text ". word" is a stray full stop ("established in May
/// 2003. with both parties"), and splitting there would change cased segmentation.
pub fn is_lower_case_prose(text: &str) -> bool {
    let (mut letters, mut capitals) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        capitals += usize::from(c.is_uppercase());
    }
    letters > 0 && capitals * LOWER_CASE_LETTERS_PER_CAPITAL < letters
}

/// Split `text[start..end]` into trimmed sentence ranges (byte offsets into `text`); `lower_case`:
/// the article is lower-case prose ([`is_lower_case_prose`]).
pub fn split(text: &str, start: usize, end: usize, lower_case: bool) -> Vec<(usize, usize)> {
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
        if is_boundary(block, sentence_start, term_start, term_end, close_end, lower_case) {
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

fn is_boundary(block: &str, sentence_start: usize, term_start: usize, term_end: usize, close_end: usize, lower_case: bool) -> bool {
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
    if !opens_sentence(first) {
        return lower_case && is_lowercase_boundary(terminators, term_end == close_end, word, first);
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

/// Lower-case prose: "the talks went on. then they left." Only a single full stop with nothing
/// closing after it, after a word that is no abbreviation and no lone letter (a lowercased initial,
/// "donald j. trump"), before a lower-case letter.
fn is_lowercase_boundary(terminators: &str, nothing_closes: bool, word: &str, first: char) -> bool {
    terminators == "."
        && nothing_closes
        && first.is_lowercase()
        && word.chars().count() >= 2
        && word.chars().any(char::is_alphanumeric)
        && abbrev::classify(word) == Abbrev::No
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

/// A sentence longer than this is not prose with sentence punctuation (the longest of 18,682
/// sentences in 916 news articles is 385 bytes): it is cut into pieces, so that
/// `max_article_sentences` bounds the text an analysis reads.
pub const MAX_SENTENCE_BYTES: usize = 1000;

/// Pieces of an over-long sentence are at most this long, about a long news sentence, so that a
/// capped analysis reads about as much of an unpunctuated article as of a punctuated one (and each
/// piece fits the encoder's 256 word pieces).
pub const PIECE_BYTES: usize = 300;

/// `(start, end)` as it is if it is at most [`MAX_SENTENCE_BYTES`] long, else its pieces: each at
/// most [`PIECE_BYTES`], ending after the last clause mark (`,` `;` `:`) of its second half, else
/// at the last whitespace, else at a character boundary (text without spaces); trimmed, in order,
/// covering everything but whitespace.
pub fn cap_length(text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
    if end - start <= MAX_SENTENCE_BYTES {
        return vec![(start, end)];
    }
    let mut pieces = Vec::new();
    let mut from = start;
    while end - from > PIECE_BYTES {
        let cut = from + piece_end(&text[from..end]);
        push_trimmed(&mut pieces, text, 0, from, cut);
        from = cut;
    }
    push_trimmed(&mut pieces, text, 0, from, end);
    pieces
}

/// Where the first piece of `rest` (longer than [`PIECE_BYTES`]) ends, in bytes; never 0.
fn piece_end(rest: &str) -> usize {
    let mut limit = PIECE_BYTES;
    while !rest.is_char_boundary(limit) {
        limit -= 1;
    }
    let window = &rest[..limit];
    let clause = window.rmatch_indices([',', ';', ':']).map(|(at, _)| at + 1).find(|&at| at >= limit / 2 && rest[at..].starts_with(char::is_whitespace));
    let space = window.rfind(char::is_whitespace).filter(|&at| at > 0);
    // A first character longer than the limit cannot happen (4 bytes at most), so `limit` > 0.
    clause.or(space).unwrap_or(limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sentences(text: &str) -> Vec<&str> {
        split(text, 0, text.len(), is_lower_case_prose(text)).into_iter().map(|(a, b)| &text[a..b]).collect()
    }

    #[test]
    fn lowercase_prose_is_split_at_full_stops() {
        assert_eq!(sentences("the talks went on. then they left. in 2004. the end"), ["the talks went on.", "then they left.", "in 2004.", "the end"]);
    }

    #[test]
    fn lowercase_rule_keeps_abbreviations_initials_and_dotted_words() {
        for text in [
            "officials met e.g. the envoys",
            "the u.s. officials met",
            "mr. smith spoke",
            "donald j. trump spoke",
            "apple inc. said so",
            "smith et al. found it",
            "the vote vs. the poll",
            "we met at 3 p.m. yesterday",
            "in jan. talks began",
        ] {
            assert_eq!(sentences(text), [text], "{text}");
        }
    }

    #[test]
    fn lowercase_rule_leaves_ellipses_questions_and_quotes_alone() {
        for text in ["well... maybe not", "“why?” he asked", "he said “no.” then left", "it was a lot!! then more"] {
            assert_eq!(sentences(text), [text], "{text}");
        }
    }

    #[test]
    fn cased_text_is_split_as_before() {
        assert_eq!(sentences("Mr. Rubio met officials in the U.S. The talks went on."), ["Mr. Rubio met officials in the U.S.", "The talks went on."]);
        assert_eq!(sentences("He paid.She left."), ["He paid.", "She left."]);
        // A stray full stop in cased text (BBC business 315) is not a boundary.
        let stray = "The joint venture was established in May 2003. with both parties having a 40% stake in the venture - Millennium Alcobev.";
        assert_eq!(sentences(stray), [stray]);
    }

    #[test]
    fn lower_case_prose_is_told_by_its_share_of_capitals() {
        assert!(is_lower_case_prose("the talks went on. then they left."));
        assert!(!is_lower_case_prose("The talks went on. then they left."));
        assert!(!is_lower_case_prose("") && !is_lower_case_prose("12 34."));
    }

    #[test]
    fn short_sentences_are_not_cut() {
        let text = "word ".repeat(199) + "end";
        assert_eq!(text.len(), MAX_SENTENCE_BYTES - 2);
        assert_eq!(cap_length(&text, 0, text.len()), [(0, text.len())]);
    }

    #[test]
    fn long_text_is_cut_into_pieces_at_clauses_then_spaces() {
        let text = "the talks went on and on, said the envoy of the country ".repeat(200);
        let pieces = cap_length(&text, 0, text.len());
        assert!(pieces.len() >= text.len() / PIECE_BYTES);
        let mut last = 0;
        for &(a, b) in &pieces {
            assert!(a >= last && b - a <= PIECE_BYTES && !text[a..b].starts_with(' ') && !text[a..b].ends_with(' '));
            last = b;
        }
        assert!(pieces[..pieces.len() - 1].iter().all(|&(_, b)| text[..b].ends_with(',')), "clause marks are preferred");
        let kept: String = pieces.iter().map(|&(a, b)| &text[a..b]).collect::<Vec<_>>().join(" ");
        assert_eq!(kept, text.trim_end(), "nothing but whitespace is lost");
    }

    #[test]
    fn text_without_spaces_is_cut_at_character_boundaries() {
        let text = "北京".repeat(1000);
        let pieces = cap_length(&text, 0, text.len());
        assert!(pieces.iter().all(|&(a, b)| b - a <= PIECE_BYTES && text.is_char_boundary(a) && text.is_char_boundary(b)));
        assert_eq!(pieces.iter().map(|&(a, b)| b - a).sum::<usize>(), text.len());
    }
}
