//! Issue 21 through the Rust API: out-of-range options are refused before anything is loaded or
//! allocated, and a mention deep in a long sentence is scored on text that contains it.

use _native::{check_budget, max_threads, stance_context, Budget, Error, Pipeline, PipelineOptions, CONTEXT_WINDOW_BYTES, MAX_BATCH_SIZE, MAX_LANES};

#[test]
fn out_of_range_options_are_input_errors_before_loading() {
    // A models folder that does not exist: were the ranges not checked first, the error would be
    // a missing runtime or model, not invalid input.
    let base = || PipelineOptions::default().with_models_dir("/nonexistent/presslens-models");
    let cases = [
        ("batch_size", base().with_batch_size(10_000_000_000)),
        ("batch_size", base().with_batch_size(MAX_BATCH_SIZE + 1)),
        ("batch_size", base().with_batch_size(usize::MAX)),
        ("lanes", base().with_threads(2).with_lanes(3)),
        ("lanes", base().with_lanes(MAX_LANES + 1)),
        ("threads", base().with_threads(5000)),
        ("threads", base().with_threads(max_threads() + 1)),
        ("max_article_sentences", base().with_max_article_sentences(0)),
        ("max_article_sentences", base().with_max_article_sentences(usize::MAX)),
    ];
    for (name, options) in cases {
        match Pipeline::new(options) {
            Err(Error::InvalidInput(message)) => assert!(message.starts_with(name) && message.contains(" and "), "{message}"),
            Err(other) => panic!("{name}: expected an input error, got {other}"),
            Ok(_) => panic!("{name}: accepted"),
        }
    }
}

#[test]
fn summary_budgets_have_ranges() {
    assert!(check_budget(Budget::Sentences(usize::MAX)).is_err());
    assert!(check_budget(Budget::Words(usize::MAX)).is_err());
    assert!(check_budget(Budget::Sentences(3)).is_ok());
}

#[test]
fn the_stance_context_of_a_long_sentence_is_bounded_and_holds_the_mention() {
    let sentence = "and Zq0001 said this is ok, ".repeat(4000);
    for (i, (start, _)) in sentence.match_indices("Zq").enumerate().step_by(97) {
        let end = start + 6;
        let window = stance_context(&sentence, start, end);
        assert!(window.len() <= CONTEXT_WINDOW_BYTES + 6, "mention {i}: {} bytes", window.len());
        let offset = window.as_ptr() as usize - sentence.as_ptr() as usize;
        assert!(offset <= start && offset + window.len() >= end, "mention {i} outside its window");
    }
}
