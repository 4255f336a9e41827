//! Cost of the NER head per sentence, on the hidden states of the parity fixture (no encoder run):
//! `cargo run --release --example ner_speed`. The encoder pass is shared with the summaries, so
//! this is what entities add on top of it.
use std::time::Instant;

use _native::NerHead;
use ndarray::Array2;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(dir.join("ner_parity.json"))?)?;
    let raw = std::fs::read(dir.join("ner_parity.safetensors"))?;
    let n = u64::from_le_bytes(raw[..8].try_into()?) as usize;
    let header: serde_json::Value = serde_json::from_slice(&raw[8..8 + n])?;
    let head = NerHead::bundled()?;
    let mut cases = Vec::new();
    for (i, c) in json["cases"].as_array().ok_or("no cases")?.iter().enumerate() {
        let info = &header[format!("s{i}")];
        let (a, b) = (info["data_offsets"][0].as_u64().ok_or("offsets")? as usize, info["data_offsets"][1].as_u64().ok_or("offsets")? as usize);
        let vals: Vec<f32> = raw[8 + n + a..8 + n + b].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect();
        let rows = vals.len() / 384;
        let states = Array2::from_shape_vec((rows, 384), vals)?;
        let offsets: Vec<(usize, usize)> =
            c["offsets"].as_array().ok_or("offsets")?.iter().map(|o| (o[0].as_u64().unwrap_or(0) as usize, o[1].as_u64().unwrap_or(0) as usize)).collect();
        let word_ids: Vec<Option<u32>> = c["word_ids"].as_array().ok_or("word_ids")?.iter().map(|w| w.as_u64().map(|w| w as u32)).collect();
        let words = c["words"].as_array().map_or(0, Vec::len);
        cases.push((c["sentence"].as_str().unwrap_or("").to_owned(), states, offsets, word_ids, words));
    }
    let rounds = 500;
    let t = Instant::now();
    let mut found = 0;
    for _ in 0..rounds {
        for (s, st, o, w, _) in &cases {
            found += head.tag(s, st.view(), o, w)?.len();
        }
    }
    let secs = t.elapsed().as_secs_f64();
    let sentences = rounds * cases.len();
    let words: usize = rounds * cases.iter().map(|c| c.4).sum::<usize>();
    println!(
        "{sentences} sentences ({words} words, {found} entities) in {secs:.3}s: {:.1} us/sentence, {:.2} us/word",
        secs * 1e6 / sentences as f64,
        secs * 1e6 / words as f64
    );
    Ok(())
}
