//! Target-dependent stance from the token states of the embedding model.
//!
//! The summaries and the entity recogniser already run minilm-l6-v2 over every sentence; this head
//! reads that pass's `last_hidden_state` rows, so a mention's stance costs a few small matrix
//! products instead of a second six-layer encoder pass (the `stance-minilm-l6` cross-encoder it
//! replaces as the default). The target is given as the rows of its word pieces.
//!
//! Architecture (mirrors `train/stance/stancelib.py`, checked by `tests/fixtures/stance_parity.*`):
//! `x = states · W_in + b_in + [row is the target] · e_target + E_distance[row's distance to the
//! target, clipped]`; pre-LayerNorm transformer layers over `x`; a final LayerNorm gives `y`;
//! `t` = mean of `y` over the target rows, `context` = attention pooling of `y` queried by `t`,
//! `mean` = mean of `y`; `softmax(gelu([t, context, mean] · W1 + b1) · W2 + b2)` over
//! negative / neutral / positive. GELU is the tanh form on both sides.

use ndarray::{s, Array1, Array2, ArrayView1, ArrayView2, Axis};

use crate::error::{Error, Result};
use crate::infer::pooling::softmax_in_place;
use crate::infer::safetensors::SafeTensors;

const FORMAT: &str = "presslens-stance-head/1";
const WHAT: &str = "stance head weights";
const LAYER_NORM_EPS: f32 = 1e-5;
/// The weights trained by `train/stance/train.py`, shipped in the crate.
static BUNDLED: &[u8] = include_bytes!("../data/stance/stance_head.safetensors");

fn bad(reason: impl Into<String>) -> Error {
    Error::InvalidInput(format!("{WHAT}: {}", reason.into()))
}

struct Linear {
    /// `[in, out]`: the layer computes `x · weight + bias`.
    weight: Array2<f32>,
    bias: Array1<f32>,
}

impl Linear {
    fn read(st: &mut SafeTensors, name: &str, inputs: usize, outputs: usize) -> Result<Self> {
        let weight = st.matrix(&format!("{name}.weight"))?;
        if weight.dim() != (inputs, outputs) {
            return Err(bad(format!("{name}.weight has shape {:?}, expected ({inputs}, {outputs})", weight.dim())));
        }
        Ok(Self { weight, bias: st.vector(&format!("{name}.bias"), outputs)? })
    }

    fn apply(&self, x: ArrayView2<f32>) -> Array2<f32> {
        x.dot(&self.weight) + &self.bias
    }
}

struct LayerNorm {
    weight: Array1<f32>,
    bias: Array1<f32>,
}

impl LayerNorm {
    fn read(st: &mut SafeTensors, name: &str, width: usize) -> Result<Self> {
        Ok(Self { weight: st.vector(&format!("{name}.weight"), width)?, bias: st.vector(&format!("{name}.bias"), width)? })
    }

    fn apply(&self, x: ArrayView2<f32>) -> Array2<f32> {
        let mut out = x.to_owned();
        for mut row in out.rows_mut() {
            let n = row.len() as f32;
            let mean = row.sum() / n;
            let variance = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let scale = 1.0 / (variance + LAYER_NORM_EPS).sqrt();
            row.iter_mut().zip(self.weight.iter().zip(&self.bias)).for_each(|(v, (w, b))| *v = (*v - mean) * scale * w + b);
        }
        out
    }
}

fn gelu(v: f32) -> f32 {
    const SQRT_2_OVER_PI: f32 = 0.797_884_6;
    0.5 * v * (1.0 + (SQRT_2_OVER_PI * (v + 0.044_715 * v * v * v)).tanh())
}

struct Layer {
    ln1: LayerNorm,
    qkv: Linear,
    proj: Linear,
    ln2: LayerNorm,
    ff1: Linear,
    ff2: Linear,
}

impl Layer {
    fn forward(&self, x: &mut Array2<f32>, heads: usize) {
        let (n, d) = x.dim();
        let width = d / heads;
        let qkv = self.qkv.apply(self.ln1.apply(x.view()).view());
        let scale = 1.0 / (width as f32).sqrt();
        let mut attended = Array2::<f32>::zeros((n, d));
        for h in 0..heads {
            let q = qkv.slice(s![.., h * width..(h + 1) * width]);
            let k = qkv.slice(s![.., d + h * width..d + (h + 1) * width]);
            let v = qkv.slice(s![.., 2 * d + h * width..2 * d + (h + 1) * width]);
            let mut weights = q.dot(&k.t()) * scale;
            for mut row in weights.rows_mut() {
                if let Some(row) = row.as_slice_mut() {
                    softmax_in_place(row);
                }
            }
            attended.slice_mut(s![.., h * width..(h + 1) * width]).assign(&weights.dot(&v));
        }
        *x += &self.proj.apply(attended.view());
        let hidden = self.ff1.apply(self.ln2.apply(x.view()).view()).mapv(gelu);
        *x += &self.ff2.apply(hidden.view());
    }
}

/// The stance head's weights.
pub struct StanceHead {
    labels: Vec<String>,
    heads: usize,
    distance_clip: usize,
    input: Linear,
    target: Array1<f32>,
    distance: Array2<f32>,
    layers: Vec<Layer>,
    norm: LayerNorm,
    key: Linear,
    out1: Linear,
    out2: Linear,
}

impl StanceHead {
    /// The head shipped with presslens (`src/data/stance/stance_head.safetensors`).
    pub fn bundled() -> Result<Self> {
        Self::from_bytes(BUNDLED)
    }

    /// Parse weights written by `train/stance/train.py`, checking every shape.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let mut st = SafeTensors::parse_format(bytes, WHAT, FORMAT)?;
        let labels = st.meta_list("labels")?;
        let config: serde_json::Value = serde_json::from_str(st.meta("config")?).map_err(|e| bad(format!("metadata `config` is not JSON: {e}")))?;
        let number = |key: &str| {
            config
                .get(key)
                .and_then(serde_json::Value::as_u64)
                .and_then(|v| usize::try_from(v).ok())
                .ok_or_else(|| bad(format!("config has no number `{key}`")))
        };
        let (d, heads, ffn, layers) = (number("d")?, number("heads")?, number("ffn")?, number("layers")?);
        if heads == 0 || d % heads != 0 {
            return Err(bad(format!("{heads} heads do not divide width {d}")));
        }
        let distance_clip: usize = st.meta("distance_clip")?.parse().map_err(|_| bad("metadata `distance_clip` is not a number"))?;
        let input = Linear::read(&mut st, "inp", crate::infer::embed::DIM, d)?;
        let target = st.vector("target", d)?;
        let distance = st.matrix("distance.weight")?;
        if distance.dim() != (2 * distance_clip + 1, d) {
            return Err(bad(format!("distance.weight has shape {:?}, expected ({}, {d})", distance.dim(), 2 * distance_clip + 1)));
        }
        let layers = (0..layers)
            .map(|i| {
                let p = format!("layers.{i}");
                Ok(Layer {
                    ln1: LayerNorm::read(&mut st, &format!("{p}.ln1"), d)?,
                    qkv: Linear::read(&mut st, &format!("{p}.qkv"), d, 3 * d)?,
                    proj: Linear::read(&mut st, &format!("{p}.proj"), d, d)?,
                    ln2: LayerNorm::read(&mut st, &format!("{p}.ln2"), d)?,
                    ff1: Linear::read(&mut st, &format!("{p}.ff1"), d, ffn)?,
                    ff2: Linear::read(&mut st, &format!("{p}.ff2"), ffn, d)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            heads,
            distance_clip,
            input,
            target,
            distance,
            layers,
            norm: LayerNorm::read(&mut st, "ln", d)?,
            key: Linear::read(&mut st, "key", d, d)?,
            out1: Linear::read(&mut st, "out1", 3 * d, d)?,
            out2: Linear::read(&mut st, "out2", d, labels.len())?,
            labels,
        })
    }

    /// Class names in the order of [`StanceHead::predict`]'s columns.
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// Probabilities `(targets.len(), labels)`: how the sentence whose token states are `states`
    /// (`[pieces, 384]`, [CLS] and [SEP] included) portrays each target, given as the rows of its
    /// pieces ([`target_rows`]). An empty target (no rows) is read with no piece marked.
    pub fn predict(&self, states: ArrayView2<f32>, targets: &[Vec<usize>]) -> Array2<f32> {
        let mut out = Array2::<f32>::zeros((targets.len(), self.labels.len()));
        if states.nrows() == 0 {
            out.fill(1.0 / self.labels.len() as f32);
            return out;
        }
        let base = self.input.apply(states);
        for (rows, mut probabilities) in targets.iter().zip(out.rows_mut()) {
            let logits = self.logits(&base, rows);
            probabilities.assign(&logits);
            if let Some(row) = probabilities.as_slice_mut() {
                softmax_in_place(row);
            }
        }
        out
    }

    fn logits(&self, base: &Array2<f32>, rows: &[usize]) -> Array1<f32> {
        let n = base.nrows();
        let rows: Vec<usize> = rows.iter().copied().filter(|&r| r < n).collect();
        let mut x = base.clone();
        let (first, last) = (rows.iter().min().copied(), rows.iter().max().copied());
        for (i, mut row) in x.rows_mut().into_iter().enumerate() {
            row += &self.distance.row(self.distance_bucket(i, first, last));
        }
        for &r in &rows {
            let mut row = x.row_mut(r);
            row += &self.target;
        }
        for layer in &self.layers {
            layer.forward(&mut x, self.heads);
        }
        let y = self.norm.apply(x.view());
        let d = y.ncols();
        let target = if rows.is_empty() { Array1::zeros(d) } else { y.select(Axis(0), &rows).mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d)) };
        let mean = y.mean_axis(Axis(0)).unwrap_or_else(|| Array1::zeros(d));
        let mut weights = self.key.apply(y.view()).dot(&target) / (d as f32).sqrt();
        if let Some(w) = weights.as_slice_mut() {
            softmax_in_place(w);
        }
        let context = weights.dot(&y);
        let features = ndarray::concatenate(Axis(0), &[target.view(), context.view(), mean.view()]).unwrap_or_else(|_| Array1::zeros(3 * d));
        let hidden = self.out1.apply(features.view().insert_axis(Axis(0))).mapv(gelu);
        let logits: ArrayView1<f32> = hidden.row(0);
        logits.dot(&self.out2.weight) + &self.out2.bias
    }

    /// Row `i`'s signed distance in rows to the target span, clipped, as an index into the
    /// distance embeddings (the middle one inside the span, and everywhere when no row is marked).
    fn distance_bucket(&self, i: usize, first: Option<usize>, last: Option<usize>) -> usize {
        let clip = self.distance_clip as isize;
        let distance = match (first, last) {
            (Some(first), _) if i < first => i as isize - first as isize,
            (_, Some(last)) if i > last => i as isize - last as isize,
            _ => 0,
        };
        (distance.clamp(-clip, clip) + clip) as usize
    }
}

/// Rows of an encoding (row 0 is [CLS]) whose piece overlaps `start..end` of the text; `offsets`
/// are the encoding's. Special tokens have the empty offset (0, 0) and never belong to a target.
pub fn target_rows(offsets: &[(usize, usize)], start: usize, end: usize) -> Vec<usize> {
    offsets.iter().enumerate().filter(|&(_, &(s, e))| e > s && s < end && e > start).map(|(row, _)| row).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn fixture_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
    }

    #[test]
    fn bundled_head_loads_and_names_three_labels() {
        let head = StanceHead::bundled().unwrap();
        assert_eq!(head.labels(), ["negative", "neutral", "positive"]);
    }

    #[test]
    fn parity_with_the_python_reference() {
        let dir = fixture_dir();
        let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("stance_parity.json")).unwrap()).unwrap();
        let mut st = SafeTensors::parse(&std::fs::read(dir.join("stance_parity.safetensors")).unwrap(), "fixture").unwrap();
        let head = StanceHead::bundled().unwrap();
        let items = json["items"].as_array().unwrap();
        assert!(items.len() >= 4);
        for (i, item) in items.iter().enumerate() {
            let states = st.matrix(&format!("states_{i}")).unwrap();
            let rows: Vec<usize> = item["target_rows"].as_array().unwrap().iter().map(|r| r.as_u64().unwrap() as usize).collect();
            let expected: Vec<f32> = item["probabilities"].as_array().unwrap().iter().map(|p| p.as_f64().unwrap() as f32).collect();
            let got = head.predict(states.view(), &[rows]);
            for (g, e) in got.row(0).iter().zip(&expected) {
                assert!((g - e).abs() < 1e-4, "item {i}: {:?} vs {expected:?}", got.row(0));
            }
        }
    }

    #[test]
    fn rows_overlapping_the_span_are_the_target() {
        let offsets = [(0, 0), (0, 5), (6, 9), (9, 12), (13, 17), (0, 0)];
        assert_eq!(target_rows(&offsets, 6, 12), vec![2, 3]);
        assert_eq!(target_rows(&offsets, 0, 5), vec![1]);
        assert!(target_rows(&offsets, 20, 25).is_empty());
    }

    #[test]
    fn odd_inputs_give_probabilities_not_panics() {
        let head = StanceHead::bundled().unwrap();
        let empty = Array2::<f32>::zeros((0, crate::infer::embed::DIM));
        let p = head.predict(empty.view(), &[vec![]]);
        assert!((p.sum() - 1.0).abs() < 1e-5);
        let states = Array2::<f32>::from_elem((4, crate::infer::embed::DIM), 0.1);
        let p = head.predict(states.view(), &[vec![], vec![7, 9], vec![1, 2]]);
        for row in p.rows() {
            assert!(row.iter().all(|v| v.is_finite()) && (row.sum() - 1.0).abs() < 1e-5);
        }
        assert!(StanceHead::from_bytes(b"not a head").is_err());
    }
}
