//! Learned named entities (PER, ORG, LOC, MISC) from the hidden states of the embedding model.
//!
//! The summaries already run minilm-l6-v2 over every sentence; this head reuses that pass: it
//! takes one sentence's `last_hidden_state` rows ([CLS] and [SEP] included) and the tokenizer's
//! encoding info, and returns entity spans as byte offsets into the sentence. No ONNX session of
//! its own: a few small matrix products and a Viterbi decode per sentence.
//!
//! Words are the tokenizer's pre-tokenizer words (`Encoding::get_word_ids`: whitespace and
//! punctuation split, so `U.S.` is four words). Features per word: the mean of its pieces' states
//! plus casing/shape flags of the ORIGINAL text (the encoder is uncased). The head: per-word
//! projection (ReLU), a ±window concat of projections, a hidden ReLU layer, 9 BIO logits, then a
//! BIO-constrained Viterbi decode with transition scores counted on CoNLL-2003 train.
//!
//! The weights (`src/data/ner/ner_head.safetensors`) and the feature code mirror
//! `train/ner/nerlib.py` line by line; `tests/fixtures/ner_parity.*` checks that both compute the
//! same features, logits, tags and entities from the same states.

use std::collections::HashSet;

use ndarray::{s, Array1, Array2, ArrayView2, Axis};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::infer::safetensors::SafeTensors;

/// Tag order of the head's logits (must equal the artifact's `tags` metadata).
pub const TAGS: [&str; 9] = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"];
/// Shape flags, in feature order (must equal the artifact's `shape_features` metadata).
pub const SHAPE_FEATURES: [&str; 14] = [
    "init_cap",
    "all_caps",
    "inner_cap",
    "all_lower",
    "has_digit",
    "all_digit",
    "no_alnum",
    "single_char",
    "first_word",
    "glued_prev",
    "glued_next",
    "gaz_country",
    "gaz_org",
    "caps_sentence",
];
const FORMAT: &str = "presslens-ner-head/1";
/// The weights trained with this module, shipped in the crate.
static BUNDLED: &[u8] = include_bytes!("../data/ner/ner_head.safetensors");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Location,
    /// Nationalities, events, products: not actors, but predicted so that they are not mistaken
    /// for one.
    Misc,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Location => "location",
            EntityKind::Misc => "misc",
        }
    }

    /// The CoNLL type name (PER, ORG, LOC, MISC).
    pub fn conll(self) -> &'static str {
        match self {
            EntityKind::Person => "PER",
            EntityKind::Organization => "ORG",
            EntityKind::Location => "LOC",
            EntityKind::Misc => "MISC",
        }
    }

    /// Kind of a B-/I- tag index (0 is O).
    fn of_tag(tag: usize) -> Option<Self> {
        match tag {
            1 | 2 => Some(EntityKind::Person),
            3 | 4 => Some(EntityKind::Organization),
            5 | 6 => Some(EntityKind::Location),
            7 | 8 => Some(EntityKind::Misc),
            _ => None,
        }
    }
}

/// One entity in a sentence.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    /// Byte offsets into the sentence passed to [`NerHead::tag`].
    pub start: usize,
    pub end: usize,
    pub kind: EntityKind,
    /// Mean probability of the decoded tags over the entity's words, in (0, 1].
    pub score: f32,
}

/// A pre-tokenizer word: its rows in the encoding (`first..last`, [CLS] is row 0) and its byte
/// span in the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Word {
    pub first: usize,
    pub last: usize,
    pub start: usize,
    pub end: usize,
}

/// Everything the decode computed for one sentence (for tests and debugging).
#[derive(Debug, Clone)]
pub struct Tagged {
    pub words: Vec<Word>,
    pub features: Array2<f32>,
    pub logits: Array2<f32>,
    /// Indices into [`TAGS`], one per word.
    pub tags: Vec<usize>,
    pub entities: Vec<Entity>,
}

/// The trained head: weights plus the frozen gazetteer word lists it was trained with.
#[derive(Debug, Clone)]
pub struct NerHead {
    in_mean: Array1<f32>,
    in_std: Array1<f32>,
    w1: Array2<f32>,
    b1: Array1<f32>,
    w2: Array2<f32>,
    b2: Array1<f32>,
    w3: Array2<f32>,
    b3: Array1<f32>,
    trans: Array2<f32>,
    start: Array1<f32>,
    window: usize,
    hidden: usize,
    gaz_country: HashSet<String>,
    gaz_org: HashSet<String>,
}

/// What errors about the weights file call it.
const WHAT: &str = "NER head weights";

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidInput(format!("{WHAT}: {}", reason.into()))
}

impl NerHead {
    /// The head shipped with presslens (`src/data/ner/ner_head.safetensors`).
    pub fn bundled() -> Result<Self> {
        Self::from_bytes(BUNDLED)
    }

    /// Parse weights written by `train/ner/train.py` (safetensors, F32), checking every shape.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut st = SafeTensors::parse_format(bytes, WHAT, FORMAT)?;
        if st.meta_list("tags")? != TAGS {
            return Err(bad("tag list differs from this build's"));
        }
        if st.meta_list("shape_features")? != SHAPE_FEATURES {
            return Err(bad("shape feature list differs from this build's"));
        }
        let window: usize = st.meta("window")?.parse().map_err(|_| bad("metadata `window` is not a number"))?;
        let gaz_country = st.meta_list("gaz_country")?.into_iter().collect();
        let gaz_org = st.meta_list("gaz_org")?.into_iter().collect();
        let w1 = st.matrix("w1")?;
        let (d_in, proj) = w1.dim();
        let w2 = st.matrix("w2")?;
        let hidden = w2.ncols();
        if w2.nrows() != proj * (2 * window + 1) {
            return Err(bad(format!("w2 has {} rows, expected {}", w2.nrows(), proj * (2 * window + 1))));
        }
        let w3 = st.matrix("w3")?;
        if w3.dim() != (hidden, TAGS.len()) {
            return Err(bad(format!("w3 has shape {:?}, expected ({hidden}, {})", w3.dim(), TAGS.len())));
        }
        let trans = st.matrix("trans")?;
        if trans.dim() != (TAGS.len(), TAGS.len()) {
            return Err(bad("trans is not 9x9"));
        }
        if d_in <= SHAPE_FEATURES.len() {
            return Err(bad("w1 is narrower than the shape features"));
        }
        Ok(Self {
            in_mean: st.vector("in_mean", d_in)?,
            in_std: st.vector("in_std", d_in)?,
            b1: st.vector("b1", proj)?,
            b2: st.vector("b2", hidden)?,
            b3: st.vector("b3", TAGS.len())?,
            start: st.vector("start", TAGS.len())?,
            w1,
            w2,
            w3,
            trans,
            window,
            hidden,
            gaz_country,
            gaz_org,
        })
    }

    /// Width of the hidden states the head expects (384 for minilm-l6-v2).
    pub fn state_width(&self) -> usize {
        self.w1.nrows() - SHAPE_FEATURES.len()
    }

    /// Entities of one sentence. `states`: the embedding model's `last_hidden_state` rows for this
    /// sentence's encoding, [CLS]/[SEP] included (padding rows may follow; they are ignored);
    /// `offsets` and `word_ids`: the same encoding's `get_offsets()` (byte offsets into `sentence`)
    /// and `get_word_ids()`.
    pub fn tag(&self, sentence: &str, states: ArrayView2<f32>, offsets: &[(usize, usize)], word_ids: &[Option<u32>]) -> Result<Vec<Entity>> {
        Ok(self.decode(sentence, states, offsets, word_ids)?.entities)
    }

    /// [`NerHead::tag`] with the intermediate results.
    pub fn decode(&self, sentence: &str, states: ArrayView2<f32>, offsets: &[(usize, usize)], word_ids: &[Option<u32>]) -> Result<Tagged> {
        if offsets.len() != word_ids.len() {
            return Err(Error::InvalidInput(format!("NER: {} offsets but {} word ids", offsets.len(), word_ids.len())));
        }
        if states.nrows() < offsets.len() {
            return Err(Error::InvalidInput(format!("NER: {} state rows for {} pieces", states.nrows(), offsets.len())));
        }
        if states.ncols() != self.state_width() {
            return Err(Error::InvalidInput(format!("NER: states are {} wide, the head expects {}", states.ncols(), self.state_width())));
        }
        let words = words_of(sentence, offsets, word_ids)?;
        let features = self.features(sentence, states, &words);
        let logits = self.logits(features.view());
        let (tags, entities) = self.viterbi(&logits, &words);
        Ok(Tagged { words, features, logits, tags, entities })
    }

    /// [n_words, state width + shape flags]: mean of each word's piece states, then the flags.
    pub fn features(&self, sentence: &str, states: ArrayView2<f32>, words: &[Word]) -> Array2<f32> {
        let width = self.state_width();
        let mut x = Array2::<f32>::zeros((words.len(), width + SHAPE_FEATURES.len()));
        let caps_sentence = caps_sentence(sentence, words);
        for (i, w) in words.iter().enumerate() {
            let rows = states.slice(s![w.first..w.last, ..]);
            let n = (w.last - w.first) as f32;
            let mut row = x.row_mut(i);
            for r in rows.rows() {
                for (o, v) in row.iter_mut().zip(r.iter()) {
                    *o += v;
                }
            }
            row.slice_mut(s![..width]).mapv_inplace(|v| v / n);
            let mut shape = [false; 14];
            shape[..13].copy_from_slice(&shape_flags(sentence, words, i, &self.gaz_country, &self.gaz_org));
            shape[13] = caps_sentence;
            for (o, f) in row.slice_mut(s![width..]).iter_mut().zip(shape) {
                *o = f32::from(u8::from(f));
            }
        }
        x
    }

    /// [n_words, 9] logits for the word features.
    pub fn logits(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let n = x.nrows();
        let xn = (&x - &self.in_mean) / &self.in_std;
        let p = (xn.dot(&self.w1) + &self.b1).mapv(|v| v.max(0.0));
        let proj = p.ncols();
        let k = 2 * self.window + 1;
        // Each word sees the projections of its ±window neighbours; outside the sentence, zeros
        // (as in training).
        let mut z = Array2::<f32>::zeros((n, proj * k));
        for i in 0..n {
            for j in 0..k {
                let at = i as isize + j as isize - self.window as isize;
                if at >= 0 && (at as usize) < n {
                    z.slice_mut(s![i, j * proj..(j + 1) * proj]).assign(&p.row(at as usize));
                }
            }
        }
        let h = (z.dot(&self.w2) + &self.b2).mapv(|v| v.max(0.0));
        debug_assert_eq!(h.ncols(), self.hidden);
        h.dot(&self.w3) + &self.b3
    }

    /// BIO-constrained Viterbi over log-softmax emissions; ties go to the lower tag index, as in
    /// numpy's argmax.
    fn viterbi(&self, logits: &Array2<f32>, words: &[Word]) -> (Vec<usize>, Vec<Entity>) {
        let n = logits.nrows();
        let t = TAGS.len();
        if n == 0 {
            return (Vec::new(), Vec::new());
        }
        let logp = log_softmax(logits);
        let mut score: Vec<f32> = (0..t).map(|j| self.start[j] + logp[[0, j]]).collect();
        let mut back = vec![vec![0usize; t]; n];
        for i in 1..n {
            let mut next = vec![0f32; t];
            for to in 0..t {
                let mut best = 0;
                let mut best_score = score[0] + self.trans[[0, to]];
                for (from, &prev) in score.iter().enumerate().skip(1) {
                    let c = prev + self.trans[[from, to]];
                    if c > best_score {
                        best = from;
                        best_score = c;
                    }
                }
                back[i][to] = best;
                next[to] = best_score + logp[[i, to]];
            }
            score = next;
        }
        let mut last = 0;
        for j in 1..t {
            if score[j] > score[last] {
                last = j;
            }
        }
        let mut path = vec![last; n];
        for i in (1..n).rev() {
            path[i - 1] = back[i][path[i]];
        }
        let entities = spans_from_tags(&path, words, &logp);
        (path, entities)
    }
}

fn log_softmax(z: &Array2<f32>) -> Array2<f32> {
    let mut out = z.clone();
    for mut row in out.axis_iter_mut(Axis(0)) {
        let m = row.fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        row.mapv_inplace(|v| v - m);
        let lse = row.mapv(f32::exp).sum().ln();
        row.mapv_inplace(|v| v - lse);
    }
    out
}

/// Entities from a BIO path over words: an I- that does not continue its type starts a new one.
fn spans_from_tags(path: &[usize], words: &[Word], logp: &Array2<f32>) -> Vec<Entity> {
    let mut out = Vec::new();
    let mut cur: Option<(Entity, f32, usize)> = None;
    for (i, &tag) in path.iter().enumerate() {
        let p = logp[[i, tag]].exp();
        let kind = EntityKind::of_tag(tag);
        let begins = tag % 2 == 1;
        match (kind, &mut cur) {
            (Some(k), Some((e, sum, count))) if !begins && e.kind == k => {
                e.end = words[i].end;
                *sum += p;
                *count += 1;
            }
            (Some(k), _) => {
                if let Some(done) = cur.take() {
                    out.push(finish(done));
                }
                cur = Some((Entity { start: words[i].start, end: words[i].end, kind: k, score: 0.0 }, p, 1));
            }
            (None, _) => {
                if let Some(done) = cur.take() {
                    out.push(finish(done));
                }
            }
        }
    }
    if let Some(done) = cur {
        out.push(finish(done));
    }
    out
}

fn finish((mut e, sum, count): (Entity, f32, usize)) -> Entity {
    e.score = sum / count as f32;
    e
}

/// Words from the encoding: consecutive rows with the same word id, in order. Rows without a word
/// id ([CLS], [SEP], padding) belong to none.
pub fn words_of(sentence: &str, offsets: &[(usize, usize)], word_ids: &[Option<u32>]) -> Result<Vec<Word>> {
    let mut words: Vec<Word> = Vec::new();
    for (row, (&(s, e), id)) in offsets.iter().zip(word_ids).enumerate() {
        let Some(id) = id else { continue };
        if sentence.get(s..e).is_none() {
            return Err(Error::InvalidInput(format!(
                "NER: offsets {s}..{e} of piece {row} are not a span of the {}-byte sentence (pass the encoding of this sentence, with byte offsets)",
                sentence.len()
            )));
        }
        let id = *id as usize;
        if id == words.len() {
            words.push(Word { first: row, last: row + 1, start: s, end: e });
        } else if id + 1 == words.len() {
            if let Some(w) = words.last_mut() {
                w.last = row + 1;
                w.end = w.end.max(e);
            }
        } else {
            return Err(Error::InvalidInput(format!("NER: word ids are not contiguous at piece {row}")));
        }
    }
    Ok(words)
}

/// Whether most words with letters are all caps (headlines, sports results), where casing says
/// little about names.
fn caps_sentence(sentence: &str, words: &[Word]) -> bool {
    let (mut lettered, mut caps) = (0usize, 0usize);
    for w in words {
        let text = &sentence[w.start..w.end];
        if text.chars().any(char::is_alphabetic) {
            lettered += 1;
            if text.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase) {
                caps += 1;
            }
        }
    }
    2 * caps > lettered
}

/// The first 13 shape flags of word `i`, in [`SHAPE_FEATURES`] order (mirrors `nerlib.shape_features`:
/// Rust's `char::is_uppercase`/`is_alphabetic` stand for Python's `str.isupper`/`isalpha`, which
/// agree on every cased script news is written in).
fn shape_flags(sentence: &str, words: &[Word], i: usize, gaz_country: &HashSet<String>, gaz_org: &HashSet<String>) -> [bool; 13] {
    let w = &sentence[words[i].start..words[i].end];
    let mut chars = w.chars();
    let first = chars.next();
    let mut letters = w.chars().filter(|c| c.is_alphabetic()).peekable();
    let has_letter = letters.peek().is_some();
    [
        first.is_some_and(char::is_uppercase),
        has_letter && w.chars().filter(|c| c.is_alphabetic()).all(char::is_uppercase),
        chars.any(char::is_uppercase),
        has_letter && w.chars().filter(|c| c.is_alphabetic()).all(char::is_lowercase),
        w.chars().any(|c| c.is_ascii_digit()),
        !w.is_empty() && w.chars().all(|c| c.is_ascii_digit()),
        !w.chars().any(char::is_alphanumeric),
        w.chars().count() == 1,
        i == 0,
        i > 0 && words[i - 1].end == words[i].start,
        i + 1 < words.len() && words[i + 1].start == words[i].end,
        gaz_country.contains(w),
        gaz_org.contains(w),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    struct Case {
        sentence: String,
        offsets: Vec<(usize, usize)>,
        word_ids: Vec<Option<u32>>,
        states: Array2<f32>,
        json: serde_json::Value,
    }

    fn cases() -> Vec<Case> {
        let dir = fixture_dir();
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("ner_parity.json")).unwrap()).unwrap();
        let mut st = SafeTensors::parse(&std::fs::read(dir.join("ner_parity.safetensors")).unwrap(), "fixture").unwrap();
        json["cases"]
            .as_array()
            .unwrap()
            .iter()
            .enumerate()
            .map(|(i, c)| Case {
                sentence: c["sentence"].as_str().unwrap().to_owned(),
                offsets: c["offsets"].as_array().unwrap().iter().map(|o| (o[0].as_u64().unwrap() as usize, o[1].as_u64().unwrap() as usize)).collect(),
                word_ids: c["word_ids"].as_array().unwrap().iter().map(|w| w.as_u64().map(|w| w as u32)).collect(),
                states: st.matrix(&format!("s{i}")).unwrap(),
                json: c.clone(),
            })
            .collect()
    }

    #[test]
    fn bundled_head_loads_with_the_expected_shapes() {
        let head = NerHead::bundled().unwrap();
        assert_eq!(head.state_width(), 384);
        assert!(head.gaz_country.contains("Venezuela"));
    }

    /// Python (train/ner/nerlib.py) and Rust compute the same words, shape flags, logits, tags and
    /// entities from the same hidden states.
    #[test]
    fn parity_with_the_python_reference() {
        let head = NerHead::bundled().unwrap();
        let cases = cases();
        assert!(cases.len() >= 5);
        let mut entities = 0;
        for c in &cases {
            let t = head.decode(&c.sentence, c.states.view(), &c.offsets, &c.word_ids).unwrap();
            let words: Vec<[usize; 4]> = t.words.iter().map(|w| [w.first, w.last, w.start, w.end]).collect();
            let want_words: Vec<[usize; 4]> = c.json["words"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    let v: Vec<usize> = w.as_array().unwrap().iter().map(|x| x.as_u64().unwrap() as usize).collect();
                    [v[0], v[1], v[2], v[3]]
                })
                .collect();
            assert_eq!(words, want_words, "{}", c.sentence);
            let width = head.state_width();
            for (i, row) in c.json["shape"].as_array().unwrap().iter().enumerate() {
                let want: Vec<f32> = row.as_array().unwrap().iter().map(|x| x.as_f64().unwrap() as f32).collect();
                assert_eq!(t.features.slice(s![i, width..]).to_vec(), want, "shape of word {i} in {}", c.sentence);
            }
            for (i, row) in c.json["logits"].as_array().unwrap().iter().enumerate() {
                for (j, v) in row.as_array().unwrap().iter().enumerate() {
                    let d = (t.logits[[i, j]] - v.as_f64().unwrap() as f32).abs();
                    assert!(d < 2e-3, "logit [{i},{j}] differs by {d} in {}", c.sentence);
                }
            }
            let tags: Vec<&str> = t.tags.iter().map(|&i| TAGS[i]).collect();
            let want_tags: Vec<&str> = c.json["tags"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
            assert_eq!(tags, want_tags, "{}", c.sentence);
            let got: Vec<(usize, usize, &str)> = t.entities.iter().map(|e| (e.start, e.end, e.kind.conll())).collect();
            let want: Vec<(usize, usize, &str)> = c.json["entities"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| (e["start"].as_u64().unwrap() as usize, e["end"].as_u64().unwrap() as usize, e["kind"].as_str().unwrap()))
                .collect();
            assert_eq!(got, want, "{}", c.sentence);
            for (e, w) in t.entities.iter().zip(c.json["entities"].as_array().unwrap()) {
                assert!((e.score - w["score"].as_f64().unwrap() as f32).abs() < 1e-3);
            }
            entities += got.len();
        }
        assert!(entities >= 10, "the fixture should exercise real entities, found {entities}");
    }

    /// The crate's tokenizer (Rust, byte offsets) yields the offsets and word ids the fixture was
    /// built from with the Python tokenizer (char offsets converted to bytes).
    #[test]
    fn rust_tokenizer_gives_the_fixture_encodings() {
        let models = std::env::var("PRESSLENS_MODELS").expect("set PRESSLENS_MODELS to the shared models folder");
        let path = PathBuf::from(models).join("minilm-l6-v2/tokenizer.json");
        let tok = crate::infer::tokenize::TextTokenizer::from_file(&path, 256, crate::infer::tokenize::Truncation::Single).unwrap();
        for c in cases() {
            let enc = tok.encode_texts(&[c.sentence.as_str()]).unwrap().remove(0);
            assert_eq!(enc.get_offsets(), &c.offsets[..], "{}", c.sentence);
            assert_eq!(enc.get_word_ids(), &c.word_ids[..], "{}", c.sentence);
        }
    }

    #[test]
    fn entities_of_a_known_sentence() {
        let head = NerHead::bundled().unwrap();
        let c = cases().pop().unwrap();
        let ents = head.tag(&c.sentence, c.states.view(), &c.offsets, &c.word_ids).unwrap();
        let texts: Vec<(&str, &str)> = ents.iter().map(|e| (&c.sentence[e.start..e.end], e.kind.conll())).collect();
        assert!(texts.contains(&("São Paulo", "LOC")), "{texts:?}");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let head = NerHead::bundled().unwrap();
        let c = cases().remove(0);
        // Offsets of another sentence.
        assert!(head.tag("short", c.states.view(), &c.offsets, &c.word_ids).is_err());
        // Too few state rows.
        assert!(head.tag(&c.sentence, c.states.slice(s![..2, ..]), &c.offsets, &c.word_ids).is_err());
        // Wrong width.
        assert!(head.tag(&c.sentence, c.states.slice(s![.., ..100]), &c.offsets, &c.word_ids).is_err());
        // Mismatched lengths.
        assert!(head.tag(&c.sentence, c.states.view(), &c.offsets[1..], &c.word_ids).is_err());
        // Corrupt weights.
        assert!(NerHead::from_bytes(&[]).is_err());
        assert!(NerHead::from_bytes(&BUNDLED[..BUNDLED.len() / 2]).is_err());
        let mut bytes = BUNDLED.to_vec();
        bytes[0] = 0xff;
        assert!(NerHead::from_bytes(&bytes).is_err());
        // An empty sentence has no entities.
        let empty = head.tag("", c.states.slice(s![..2, ..]), &[(0, 0), (0, 0)], &[None, None]).unwrap();
        assert!(empty.is_empty());
    }
}
