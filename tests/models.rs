//! The real models through the Rust API. Needs PRESSLENS_MODELS (the models folder) and
//! PRESSLENS_ORT_DYLIB or ORT_DYLIB_PATH (libonnxruntime from the onnxruntime wheel); `.ci/run` and
//! `make test` set both. Without them these tests fail and say so: they are never skipped.

use std::sync::OnceLock;

use _native::{segment, Error, Pipeline, PipelineOptions};

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        Pipeline::new(PipelineOptions::default().with_threads(2)).unwrap_or_else(|e| panic!("set PRESSLENS_MODELS and PRESSLENS_ORT_DYLIB (see README): {e}"))
    })
}

/// The same models with stance read by the bundled stance head (`stance_model = None`).
fn head_pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| Pipeline::new(PipelineOptions::default().with_threads(2).with_stance_head()).unwrap_or_else(|e| panic!("head pipeline: {e}")))
}

fn cosine(a: ndarray::ArrayView1<f32>, b: ndarray::ArrayView1<f32>) -> f32 {
    a.dot(&b) / (a.dot(&a).sqrt() * b.dot(&b).sqrt())
}

fn seed_sentences() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir).expect("seeds/").filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    paths.iter().flat_map(|p| segment(&std::fs::read_to_string(p).expect("seed")).sentences.into_iter().map(|s| s.text)).collect()
}

#[test]
fn embeddings_are_unit_length_and_independent_of_batch_company() {
    let sentences = seed_sentences();
    let all = pipeline().embed(&sentences).expect("embed");
    assert_eq!(all.dim(), (sentences.len(), 384));
    for row in all.rows() {
        assert!((row.dot(&row).sqrt() - 1.0).abs() < 1e-4);
    }
    // The same sentence alone and inside a padded, length-sorted batch gives the same vector.
    for i in [0, 7, sentences.len() - 1] {
        let alone = pipeline().embed(&sentences[i..=i]).expect("embed one");
        assert!(cosine(alone.row(0), all.row(i)) > 0.9999, "row {i} changed with batch company");
    }
}

#[test]
fn embeddings_put_paraphrases_closer_than_unrelated_text() {
    let texts = [
        "Venezuela said it is open to talks with the United States on drug trafficking.",
        "Caracas is willing to negotiate with Washington about narcotics.",
        "The recipe needs two cups of flour and a pinch of salt.",
    ];
    let e = pipeline().embed(&texts).expect("embed");
    let related = cosine(e.row(0), e.row(1));
    let unrelated = cosine(e.row(0), e.row(2));
    assert!(related > unrelated + 0.3, "related {related} vs unrelated {unrelated}");
}

#[test]
fn empty_batch_gives_empty_matrix() {
    let none: [&str; 0] = [];
    assert_eq!(pipeline().embed(&none).expect("embed").dim(), (0, 384));
}

#[test]
fn target_sentiment_reads_the_target_not_the_sentence() {
    assert_eq!(pipeline().stance_labels(), ["negative", "neutral", "positive"]);
    let sentence = "Rubio praised Rodriguez for her courage, while he condemned Maduro as a brutal criminal.";
    let p = pipeline().target_sentiment(&["Rodriguez", "Maduro"], &[sentence, sentence]).expect("stance");
    assert_eq!(p.dim(), (2, 3));
    for row in p.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-5);
    }
    let score = |r: usize| p[[r, 2]] - p[[r, 0]];
    assert!(score(0) > score(1) + 0.3, "Rodriguez {} should be portrayed better than Maduro {}", score(0), score(1));
}

#[test]
fn mismatched_stance_inputs_are_an_error() {
    let err = pipeline().target_sentiment(&["Rubio"], &["One.", "Two."]).expect_err("lengths differ");
    assert!(matches!(err, Error::InvalidInput(_)), "{err}");
}

#[test]
fn missing_models_name_every_place_tried() {
    let err = _native::locate_model("no-such-model", Some(std::path::Path::new("/nonexistent/models"))).expect_err("missing");
    let message = err.to_string();
    assert!(message.contains("/nonexistent/models/no-such-model") && message.contains("PRESSLENS_MODELS"), "{message}");
}

/// CI installs the CPU-only `onnxruntime` wheel: asking it for CUDA must say so (false), and a CUDA
/// pipeline must fail when it is built, naming the package to install, not at first use.
#[test]
fn cuda_on_the_cpu_only_runtime_is_a_clear_error_at_construction() {
    pipeline(); // loads the runtime from the environment, as every test here does
    assert!(!_native::has_cuda(None).expect("ask the runtime"), "this test needs the CPU-only onnxruntime wheel");
    let result = Pipeline::new(PipelineOptions::default().with_threads(1).with_device(_native::Device::Cuda));
    match result {
        Err(Error::RuntimeLibrary(message)) => assert!(message.contains("onnxruntime-gpu"), "{message}"),
        Err(other) => panic!("expected a RuntimeLibrary error, got {other}"),
        Ok(_) => panic!("a CUDA pipeline was built on a CPU-only runtime"),
    }
}

#[test]
fn a_target_that_is_not_in_its_sentence_is_an_error_naming_it() {
    let err = head_pipeline().target_sentiment(&["Rubio"], &["Maduro spoke in Caracas."]).expect_err("absent target");
    assert!(matches!(&err, Error::InvalidInput(m) if m.contains("\"Rubio\"") && m.contains("span")), "{err}");
    // Case is not what makes a target absent.
    let p = head_pipeline().target_sentiment(&["maduro"], &["Maduro spoke in Caracas."]).expect("case-blind");
    assert_eq!(p.dim(), (1, 3));
}

#[test]
fn a_mention_past_the_encoders_256_pieces_is_read_on_a_window_around_it() {
    let filler = "The committee met on Monday and discussed the agenda for the coming year in some detail, ".repeat(30);
    let sentence = format!("{filler}and Acme was fined heavily for defrauding thousands of its customers.");
    let start = sentence.find("Acme").expect("target");
    let far = head_pipeline().span_sentiment(&[sentence.as_str()], &[(0, start, start + 4)]).expect("far mention");
    let window = _native::mention_window(&sentence, start, start + 4);
    let text = &sentence[window.clone()];
    let near = head_pipeline().span_sentiment(&[text], &[(0, start - window.start, start - window.start + 4)]).expect("window");
    for (a, b) in far.iter().zip(near.iter()) {
        assert!((a - b).abs() < 1e-5, "{far:?} vs {near:?}");
    }
    // And the window's reading is a reading of Acme: an earlier name in the same text reads otherwise.
    let committee = head_pipeline().span_sentiment(&[sentence.as_str()], &[(0, 4, 13)]).expect("committee");
    assert!((committee[[0, 0]] - far[[0, 0]]).abs() > 1e-3, "{committee:?} vs {far:?}");
}

#[test]
fn the_stance_head_needs_no_stance_model_and_reads_the_target() {
    assert!(pipeline().model_dirs().1.is_some_and(|d| d.ends_with("stance-minilm-l6")), "the cross-encoder is the default");
    assert!(head_pipeline().model_dirs().1.is_none(), "the head pipeline loads no stance model");
    assert_eq!(head_pipeline().stance_labels(), ["negative", "neutral", "positive"]);
    let sentence = "Rubio praised Rodriguez for her courage, while he condemned Maduro as a brutal criminal.";
    let p = head_pipeline().target_sentiment(&["Rodriguez", "Maduro"], &[sentence, sentence]).expect("stance");
    assert!(p[[0, 2]] - p[[0, 0]] > p[[1, 2]] - p[[1, 0]] + 0.3, "{p:?}");
}
