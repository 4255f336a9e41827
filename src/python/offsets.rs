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
