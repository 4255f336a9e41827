//! Byte offsets (Rust) to code-point offsets (Python `str` indices).

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
