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

/// Clean and segment one article.
pub fn segment(text: &str) -> Document {
    let layout = layout::lay_out(text);
    let mut sentences = Vec::new();
    for block in &layout.blocks {
        for (start, end) in sentences::split(text, block.start, block.end) {
            sentences.push(Sentence { text: text[start..end].to_owned(), start, end, index: sentences.len(), paragraph: block.paragraph, kind: block.kind });
        }
    }
    Document { sentences, removed: layout.removed }
}
