//! Byte offsets (Rust) to code-point offsets (Python `str` indices).
//!
//! Pure text code kept outside `src/python/` so that `cargo test` covers it without pyo3; only the
//! Python layer uses it.

/// Converts a non-decreasing sequence of byte offsets by scanning forward once.
pub struct CharOffsets<'t> {
    text: &'t str,
    byte: usize,
    chars: usize,
}

impl<'t> CharOffsets<'t> {
    pub fn new(text: &'t str) -> Self {
        Self { text, byte: 0, chars: 0 }
    }

    /// The code-point index of byte offset `byte`, which must be a char boundary and not smaller
    /// than the previous one asked for (otherwise counting restarts from the beginning).
    pub fn at(&mut self, byte: usize) -> usize {
        if byte < self.byte {
            self.byte = 0;
            self.chars = 0;
        }
        self.chars += self.text.get(self.byte..byte).map_or(0, |s| s.chars().count());
        self.byte = byte;
        self.chars
    }

    pub fn span(&mut self, start: usize, end: usize) -> (usize, usize) {
        (self.at(start), self.at(end))
    }
}

/// Code-point indices for any set of byte offsets into `text`, in one forward scan.
pub fn char_indices_of(text: &str, bytes: impl IntoIterator<Item = usize>) -> std::collections::HashMap<usize, usize> {
    let mut wanted: Vec<usize> = bytes.into_iter().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut offsets = CharOffsets::new(text);
    wanted.into_iter().map(|b| (b, offsets.at(b))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Accents (2 bytes), CJK (3 bytes), emoji (4 bytes) and a flag (two 4-byte code points).
    const TEXT: &str = "Café Nicolás: 北京 says ☕ ok 🎉🇻🇪 end";

    /// Every char boundary with the code-point index Python would use for it.
    fn boundaries(text: &str) -> Vec<(usize, usize)> {
        text.char_indices().map(|(b, _)| b).chain([text.len()]).enumerate().map(|(c, b)| (b, c)).collect()
    }

    #[test]
    fn forward_scan_matches_python_indices_on_multibyte_text() {
        let mut offsets = CharOffsets::new(TEXT);
        for (byte, chars) in boundaries(TEXT) {
            assert_eq!(offsets.at(byte), chars, "byte {byte}");
        }
        assert_eq!(offsets.at(TEXT.len()), TEXT.chars().count());
        // The text really is multi-byte: otherwise this test would prove nothing.
        assert!(TEXT.len() > TEXT.chars().count() + 10);
    }

    #[test]
    fn spans_slice_the_same_text_in_both_units() {
        let mut offsets = CharOffsets::new(TEXT);
        let chars: Vec<char> = TEXT.chars().collect();
        for needle in ["Nicolás", "北京", "☕", "🎉🇻🇪", "end"] {
            let start = TEXT.find(needle).unwrap_or_else(|| panic!("{needle} is in the text"));
            let (a, b) = offsets.span(start, start + needle.len());
            assert_eq!(chars[a..b].iter().collect::<String>(), needle);
        }
    }

    #[test]
    fn queries_going_backwards_restart_the_count() {
        let all = boundaries(TEXT);
        let mut offsets = CharOffsets::new(TEXT);
        // Descending, then jumping about: each answer must be right, not an accumulated drift.
        for &(byte, chars) in all.iter().rev() {
            assert_eq!(offsets.at(byte), chars, "byte {byte} going backwards");
        }
        for i in [7usize, 2, 30, 11, 11, 0, 25] {
            let (byte, chars) = all[i % all.len()];
            assert_eq!(offsets.at(byte), chars, "byte {byte} out of order");
        }
    }

    #[test]
    fn char_indices_of_answers_unsorted_and_repeated_offsets() {
        let all = boundaries(TEXT);
        let asked: Vec<usize> = [9usize, 3, 9, 0, all.len() - 1, 17, 3].iter().map(|&i| all[i].0).collect();
        let got = char_indices_of(TEXT, asked.iter().copied());
        assert_eq!(got.len(), 5, "one entry per distinct offset");
        for byte in asked {
            assert_eq!(got[&byte], TEXT[..byte].chars().count(), "byte {byte}");
        }
    }

    #[test]
    fn ascii_and_empty_text_are_the_identity() {
        let mut offsets = CharOffsets::new("plain ascii");
        assert_eq!(offsets.span(0, 5), (0, 5));
        assert_eq!(offsets.at(11), 11);
        assert_eq!(CharOffsets::new("").at(0), 0);
        assert!(char_indices_of("", std::iter::empty()).is_empty());
    }
}
