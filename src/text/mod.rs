//! Text cleaning and sentence segmentation that keep byte offsets into the original text.
//!
//! Nothing is rewritten: every sentence is an exact slice `text[start..end]` of the input, and every
//! stretch that cleaning leaves out (boilerplate lines, datelines, bullet markers) is reported in
//! [`Document::removed`] with its reason. Whitespace between sentences is neither.

mod abbrev;
mod boilerplate;
mod layout;
// Only the Python layer needs code-point offsets; unit tests run without the `python` feature.
#[cfg(any(test, feature = "python"))]
pub(crate) mod offsets;
mod sentences;

pub use sentences::{MAX_SENTENCE_BYTES, PIECE_BYTES};
use serde::Serialize;

/// Where a sentence came from in the article's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SentenceKind {
    /// Running text.
    Body,
    /// A line without closing punctuation: a headline, sub-heading or teaser.
    Headline,
    /// An item of a bulleted or numbered list (its marker is not part of the sentence).
    Bullet,
}

impl SentenceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SentenceKind::Body => "body",
            SentenceKind::Headline => "headline",
            SentenceKind::Bullet => "bullet",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sentence {
    pub text: String,
    /// Byte offsets into the original text; `text == original[start..end]`.
    pub start: usize,
    pub end: usize,
    /// Position among the document's sentences, from 0.
    pub index: usize,
    /// Paragraph number, from 0. A paragraph is a block of text between line breaks (hard-wrapped
    /// lines are joined); a heading or list item is a paragraph of its own.
    pub paragraph: usize,
    pub kind: SentenceKind,
}

/// A stretch of the original text that cleaning left out, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemovedSpan {
    pub start: usize,
    pub end: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Document {
    pub sentences: Vec<Sentence>,
    pub removed: Vec<RemovedSpan>,
}

/// Clean and segment one article. A sentence over [`MAX_SENTENCE_BYTES`] (text without sentence
/// punctuation) comes back as pieces of at most [`PIECE_BYTES`].
pub fn segment(text: &str) -> Document {
    let lower_case = sentences::is_lower_case_prose(text);
    let layout = layout::lay_out(text, lower_case);
    let mut sentences = Vec::new();
    for block in &layout.blocks {
        let ranges = sentences::split(text, block.start, block.end, lower_case).into_iter().flat_map(|(start, end)| sentences::cap_length(text, start, end));
        for (start, end) in ranges {
            sentences.push(Sentence { text: text[start..end].to_owned(), start, end, index: sentences.len(), paragraph: block.paragraph, kind: block.kind });
        }
    }
    Document { sentences, removed: layout.removed }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unpunctuated_article_becomes_bounded_pieces() {
        let text = "Rubio met the envoy in Caracas and the talks went on for hours ".repeat(5000);
        let doc = segment(&text);
        assert!(doc.sentences.len() > text.len() / PIECE_BYTES, "{} pieces", doc.sentences.len());
        for (i, s) in doc.sentences.iter().enumerate() {
            assert!(s.end - s.start <= PIECE_BYTES && s.index == i && text[s.start..s.end] == s.text);
        }
    }

    #[test]
    fn a_lowercased_article_keeps_its_sentences() {
        let cased = "Talks In Caracas\nRubio met the envoy in Caracas. The talks went on for hours. Mr. Smith said the U.S. would help.\n\nWhy it matters\nOfficials left on Monday.";
        let lowered = cased.to_lowercase();
        let texts: Vec<String> = segment(&lowered).sentences.into_iter().map(|s| s.text).collect();
        let expected = [
            "talks in caracas",
            "rubio met the envoy in caracas.",
            "the talks went on for hours.",
            "mr. smith said the u.s. would help.",
            "why it matters",
            "officials left on monday.",
        ];
        assert_eq!(texts, expected, "headings stay apart, sentences split");
        assert_eq!(segment(cased).sentences.len(), 6);
    }
}
