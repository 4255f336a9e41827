//! From raw text to blocks: lines are trimmed, boilerplate lines and prefixes removed, list items
//! and headings separated, and hard-wrapped lines joined back into one block.

use super::boilerplate;
use super::RemovedSpan;
use super::SentenceKind;

/// A paragraph, heading or list item: `text[start..end]`, trimmed, to split into sentences.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub start: usize,
    pub end: usize,
    pub paragraph: usize,
    pub kind: SentenceKind,
}

#[derive(Debug, Default)]
pub struct Layout {
    pub blocks: Vec<Block>,
    pub removed: Vec<RemovedSpan>,
}

/// A line, trimmed, after its boilerplate prefix and bullet marker were taken off.
struct Line {
    start: usize,
    end: usize,
    bullet: bool,
}

/// A line with no closing punctuation and at most this many words reads as a heading.
const MAX_HEADLINE_WORDS: usize = 30;
/// A line ending mid-sentence that is at least this long is taken to be hard-wrapped prose.
const MIN_WRAPPED_LINE_BYTES: usize = 40;

/// `lower_case`: the article is lower-case prose (`sentences::is_lower_case_prose`), where the case
/// of a line's first or last word says nothing about whether it runs on.
pub fn lay_out(text: &str, lower_case: bool) -> Layout {
    let mut layout = Layout::default();
    let mut paragraph: Vec<Line> = Vec::new();
    let mut paragraph_index = 0;
    let mut flush = |paragraph: &mut Vec<Line>, layout: &mut Layout| {
        push_blocks(text, paragraph, &mut paragraph_index, &mut layout.blocks, lower_case);
        paragraph.clear();
    };
    for (line_start, line_end) in line_ranges(text) {
        let Some((mut start, end)) = trim(text, line_start, line_end) else {
            flush(&mut paragraph, &mut layout);
            continue;
        };
        if let Some(reason) = boilerplate::line_reason(&text[start..end]) {
            layout.removed.push(RemovedSpan { start, end, reason: reason.to_owned() });
            flush(&mut paragraph, &mut layout);
            continue;
        }
        if let Some((len, reason)) = boilerplate::prefix(&text[start..end]) {
            layout.removed.push(RemovedSpan { start, end: start + len, reason: reason.to_owned() });
            start += len;
        }
        let bullet_len = bullet_marker_len(&text[start..end]);
        if bullet_len > 0 {
            layout.removed.push(RemovedSpan { start, end: start + bullet_len, reason: "bullet marker".to_owned() });
            start += bullet_len;
        }
        let Some((start, end)) = trim(text, start, end) else { continue };
        paragraph.push(Line { start, end, bullet: bullet_len > 0 });
    }
    flush(&mut paragraph, &mut layout);
    layout.removed.sort_by_key(|r| r.start);
    layout
}

/// Byte ranges of lines, without their line breaks. `\r` is left in and trimmed as whitespace, so
/// Windows line ends do not create blank lines.
fn line_ranges(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let rest = &text[start..];
        match rest.char_indices().find(|&(_, c)| matches!(c, '\n' | '\u{2028}' | '\u{2029}' | '\u{0B}' | '\u{0C}' | '\u{85}')) {
            Some((at, c)) => {
                let range = (start, start + at);
                start += at + c.len_utf8();
                Some(range)
            }
            None => {
                done = true;
                Some((start, text.len()))
            }
        }
    })
}

/// Trim whitespace and invisible format characters; `None` when nothing is left.
fn trim(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let slice = &text[start..end];
    let is_blank = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '\u{200B}'..='\u{200F}' | '\u{FEFF}' | '\u{2060}');
    let left = slice.len() - slice.trim_start_matches(is_blank).len();
    let right = slice.trim_end_matches(is_blank).len();
    (right > left).then_some((start + left, start + right))
}

/// Length of a leading list marker and the space after it ("- ", "• ", "3. ", "b) "), or 0.
fn bullet_marker_len(line: &str) -> usize {
    let mut chars = line.char_indices();
    let Some((_, first)) = chars.next() else { return 0 };
    let marker_end = if matches!(first, '-' | '*' | '•' | '–' | '—' | '·' | '▪' | '►' | '‣' | '◦' | '●' | '○' | '■' | '□' | '➢' | '→')
    {
        first.len_utf8()
    } else if first.is_ascii_digit() {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        match line.as_bytes().get(digits) {
            Some(b'.' | b')') if digits <= 3 => digits + 1,
            _ => return 0,
        }
    } else {
        return 0;
    };
    let rest = &line[marker_end..];
    let space = rest.len() - rest.trim_start().len();
    if space == 0 || rest.trim_start().is_empty() {
        return 0;
    }
    marker_end + space
}

/// The line ends with sentence-closing punctuation, possibly followed by closing quotes or brackets.
pub fn ends_with_terminal(line: &str) -> bool {
    // Closing quotes and brackets, and trailing emoji and other symbols ("Great news! 🎉"), sit
    // after the full stop that decides.
    let decoration = |c: char| !c.is_ascii() && !c.is_alphanumeric() && !super::sentences::is_terminator(c);
    let trimmed = line.trim_end_matches(|c: char| super::sentences::is_closer(c) || c.is_whitespace() || decoration(c));
    trimmed.ends_with(|c: char| super::sentences::is_terminator(c))
}

/// Whether `next` continues the sentence of `prev` (a hard-wrapped line) rather than starting anew.
/// News text puts one paragraph, heading or list item on a line, so a line break is a boundary
/// unless the text plainly runs on across it. In lower-case prose only a soft end (a comma...)
/// says so: every line there starts and ends with a lower-case word, headings too.
fn continues(prev: &str, next: &str, lower_case: bool) -> bool {
    if !lower_case && next.chars().next().is_some_and(char::is_lowercase) {
        return true;
    }
    if ends_with_terminal(prev) {
        return false;
    }
    let last_word_lower = !lower_case && prev.split_whitespace().last().and_then(|w| w.chars().next()).is_some_and(char::is_lowercase);
    let soft_end = prev.ends_with([',', ';', '(', '-']);
    (last_word_lower || soft_end) && prev.len() >= MIN_WRAPPED_LINE_BYTES
}

/// Group a paragraph's lines into blocks (each its own paragraph number) and append them.
fn push_blocks(text: &str, lines: &[Line], paragraph: &mut usize, blocks: &mut Vec<Block>, lower_case: bool) {
    let mut groups: Vec<(usize, usize, bool, usize)> = Vec::new(); // start, end, bullet, line count
    for (i, line) in lines.iter().enumerate() {
        let joins = i > 0 && !line.bullet && continues(&text[lines[i - 1].start..lines[i - 1].end], &text[line.start..line.end], lower_case);
        match groups.last_mut() {
            Some(group) if joins => {
                group.1 = line.end;
                group.3 += 1;
            }
            _ => groups.push((line.start, line.end, line.bullet, 1)),
        }
    }
    for (start, end, bullet, line_count) in groups {
        let body = &text[start..end];
        let kind = if bullet {
            SentenceKind::Bullet
        } else if line_count == 1 && !ends_with_terminal(body) && body.split_whitespace().count() <= MAX_HEADLINE_WORDS {
            SentenceKind::Headline
        } else {
            SentenceKind::Body
        };
        blocks.push(Block { start, end, paragraph: *paragraph, kind });
        *paragraph += 1;
    }
}
