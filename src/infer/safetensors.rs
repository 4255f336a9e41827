//! A minimal reader of safetensors files, the format of the heads presslens ships
//! (`src/data/ner/`, `src/data/stance/`): 8-byte little-endian header length, a JSON header
//! (`name -> {dtype, shape, data_offsets}` plus `__metadata__`), then the raw tensors.

use std::collections::HashMap;

use ndarray::{Array1, Array2};

use crate::error::{Error, Result};

/// The tensors and metadata of one file. Only F32 tensors are accepted: that is all the recipes
/// write.
pub(crate) struct SafeTensors {
    /// What the file is, for error messages ("NER head weights").
    what: &'static str,
    tensors: HashMap<String, (Vec<usize>, Vec<f32>)>,
    metadata: HashMap<String, String>,
}

impl SafeTensors {
    fn bad(&self, reason: String) -> Error {
        Error::InvalidInput(format!("{}: {reason}", self.what))
    }

    /// Parse a file whose `format` metadata must be `format` (the recipe that wrote it and the Rust
    /// module that reads it agree on it).
    pub(crate) fn parse_format(bytes: &[u8], what: &'static str, format: &str) -> Result<Self> {
        let st = Self::parse(bytes, what)?;
        let found = st.meta("format")?;
        if found != format {
            return Err(st.bad(format!("format `{found}`, expected `{format}`")));
        }
        Ok(st)
    }

    pub(crate) fn parse(bytes: &[u8], what: &'static str) -> Result<Self> {
        let bad = |reason: String| Error::InvalidInput(format!("{what}: {reason}"));
        let len_bytes: [u8; 8] = bytes.get(..8).and_then(|b| b.try_into().ok()).ok_or_else(|| bad("shorter than 8 bytes".into()))?;
        let header_len = usize::try_from(u64::from_le_bytes(len_bytes)).map_err(|_| bad("header length overflows".into()))?;
        let data_start = header_len.checked_add(8).ok_or_else(|| bad("header length overflows".into()))?;
        let header = bytes.get(8..data_start).ok_or_else(|| bad("header runs past the end of the file".into()))?;
        let data = &bytes[data_start..];
        let header: serde_json::Value = serde_json::from_slice(header).map_err(|e| bad(format!("header is not JSON: {e}")))?;
        let header = header.as_object().ok_or_else(|| bad("header is not a JSON object".into()))?;
        let mut tensors = HashMap::new();
        let mut metadata = HashMap::new();
        for (name, info) in header {
            if name == "__metadata__" {
                let map = info.as_object().ok_or_else(|| bad("__metadata__ is not an object".into()))?;
                for (k, v) in map {
                    metadata.insert(k.clone(), v.as_str().ok_or_else(|| bad(format!("metadata `{k}` is not a string")))?.to_owned());
                }
                continue;
            }
            let dtype = info.get("dtype").and_then(|v| v.as_str()).unwrap_or("");
            if dtype != "F32" {
                return Err(bad(format!("tensor `{name}` has dtype `{dtype}`, expected F32")));
            }
            let shape: Vec<usize> = info
                .get("shape")
                .and_then(|v| v.as_array())
                .ok_or_else(|| bad(format!("tensor `{name}` has no shape")))?
                .iter()
                .map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok()))
                .collect::<Option<_>>()
                .ok_or_else(|| bad(format!("tensor `{name}` has a bad shape")))?;
            let offsets: Vec<usize> = info
                .get("data_offsets")
                .and_then(|v| v.as_array())
                .map(|a| a.iter().filter_map(|d| d.as_u64().and_then(|d| usize::try_from(d).ok())).collect())
                .unwrap_or_default();
            let [a, b] = offsets[..] else {
                return Err(bad(format!("tensor `{name}` has bad data_offsets")));
            };
            let raw = data.get(a..b).ok_or_else(|| bad(format!("tensor `{name}` runs past the end of the file")))?;
            let count: usize = shape.iter().product();
            if raw.len() != count * 4 {
                return Err(bad(format!("tensor `{name}`: {} bytes for shape {shape:?}", raw.len())));
            }
            let values = raw.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
            tensors.insert(name.clone(), (shape, values));
        }
        Ok(Self { what, tensors, metadata })
    }

    pub(crate) fn take(&mut self, name: &str) -> Result<(Vec<usize>, Vec<f32>)> {
        self.tensors.remove(name).ok_or_else(|| self.bad(format!("tensor `{name}` is missing")))
    }

    pub(crate) fn matrix(&mut self, name: &str) -> Result<Array2<f32>> {
        let (shape, values) = self.take(name)?;
        let [r, c] = shape[..] else {
            return Err(self.bad(format!("tensor `{name}` is not a matrix: {shape:?}")));
        };
        Array2::from_shape_vec((r, c), values).map_err(|e| self.bad(format!("tensor `{name}`: {e}")))
    }

    pub(crate) fn vector(&mut self, name: &str, len: usize) -> Result<Array1<f32>> {
        let (shape, values) = self.take(name)?;
        if shape != [len] {
            return Err(self.bad(format!("tensor `{name}` has shape {shape:?}, expected [{len}]")));
        }
        Ok(Array1::from_vec(values))
    }

    pub(crate) fn meta(&self, key: &str) -> Result<&str> {
        self.metadata.get(key).map(String::as_str).ok_or_else(|| self.bad(format!("metadata `{key}` is missing")))
    }

    pub(crate) fn meta_list(&self, key: &str) -> Result<Vec<String>> {
        serde_json::from_str(self.meta(key)?).map_err(|e| self.bad(format!("metadata `{key}` is not a JSON list of strings: {e}")))
    }
}
