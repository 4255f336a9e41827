//! Selection logic on small hand-made embeddings, and summaries of the seeds with the real models
//! (needs PRESSLENS_MODELS and PRESSLENS_ORT_DYLIB or ORT_DYLIB_PATH, like tests/models.rs: without
//! them the model tests fail and say so, they are never skipped).

use std::collections::HashSet;
use std::sync::OnceLock;

use _native::{is_caption_remnant, select, Budget, CorpusWeights, Pick, Pipeline, PipelineOptions, SummaryWeights};
use ndarray::{arr1, arr2};

#[test]
fn selection_respects_budgets_and_skips_near_duplicates() {
    // Sentences 0 and 1 are the same direction (duplicates); 2 and 3 differ.
    let similarity = arr2(&[[1.0, 0.99, 0.1, 0.2], [0.99, 1.0, 0.1, 0.2], [0.1, 0.1, 1.0, 0.3], [0.2, 0.2, 0.3, 1.0]]);
    let scores = arr1(&[0.9, 0.85, 0.5, 0.4]);
    let words = [10, 10, 30, 5];
    let weights = SummaryWeights::default();
    let picks = select(&scores, &similarity, &words, Budget::Sentences(3), 1.0, &weights);
    let chosen: Vec<usize> = picks.iter().map(|p| p.sentence).collect();
    assert_eq!(chosen, vec![0, 2, 3], "the duplicate of the best sentence is skipped");
    assert_eq!(picks[0].duplicates, vec![1]);
    let by_words = select(&scores, &similarity, &words, Budget::Words(16), 1.0, &weights);
    assert_eq!(by_words.iter().map(|p| p.sentence).collect::<Vec<_>>(), vec![0, 3], "a 30-word sentence does not fit in 16 words");
    assert_eq!(select(&scores, &similarity, &words, Budget::Ratio(0.5), 1.0, &weights).len(), 2);
    assert!(select(&scores, &similarity, &words, Budget::Sentences(0), 1.0, &weights).is_empty());
    assert!(Budget::Ratio(0.0).validate().is_err());
}

#[test]
fn a_lower_mmr_lambda_trades_salience_for_novelty() {
    // Sentence 1 is close to 0 (cosine 0.85, under the near-duplicate threshold); 2 is unrelated.
    let similarity = arr2(&[[1.0, 0.85, 0.0], [0.85, 1.0, 0.0], [0.0, 0.0, 1.0]]);
    let scores = arr1(&[0.9, 0.8, 0.7]);
    let words = [10, 10, 10];
    let weights = SummaryWeights::default();
    let chosen = |lambda: f32| select(&scores, &similarity, &words, Budget::Sentences(2), lambda, &weights).iter().map(|p| p.sentence).collect::<Vec<_>>();
    assert_eq!(chosen(1.0), vec![0, 1], "salience only");
    assert_eq!(chosen(0.5), vec![0, 2], "0.5 x 0.8 - 0.5 x 0.85 < 0.5 x 0.7: the unrelated sentence wins");
}

#[test]
fn caption_remnants_are_recognised_but_not_prose() {
    assert!(is_caption_remnant("The United States is prepared to use force if Delcy Rodríguez pictured below does not cooperate."));
    assert!(is_caption_remnant("The call covered a number of subjects, highlighted below."));
    assert!(!is_caption_remnant("Prices fell below expectations, as seen in the first quarter."));
}

fn pipeline() -> &'static Pipeline {
    static PIPELINE: OnceLock<Pipeline> = OnceLock::new();
    PIPELINE.get_or_init(|| {
        Pipeline::new(PipelineOptions::default().with_threads(2)).unwrap_or_else(|e| panic!("set PRESSLENS_MODELS and PRESSLENS_ORT_DYLIB (see README): {e}"))
    })
}

fn seeds() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let mut paths: Vec<_> = std::fs::read_dir(dir).expect("seeds/").filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).expect("seed")).collect()
}

/// The corpus summary of the seeds: (flattened sentence texts, article of each, picks).
fn seed_corpus(max_sentences: usize) -> (Vec<String>, Vec<usize>, Vec<Pick>) {
    let (docs, doc_of, picks) = pipeline().summarize_corpus(&seeds(), max_sentences).expect("corpus summary");
    let texts = docs.iter().flat_map(|d| d.sentences.iter().map(|s| s.text.clone())).collect();
    (texts, doc_of, picks)
}

#[test]
fn corpus_bullets_group_paraphrases_and_list_one_source_sentence_per_other_outlet() {
    let (texts, doc_of, picks) = seed_corpus(5);
    assert_eq!(picks.len(), 5);
    // 001 and 003 both lead with Maduro being open to talks with the US on drug trafficking, in different words.
    let find = |needle: &str| texts.iter().position(|t| t.contains(needle)).unwrap_or_else(|| panic!("no seed sentence has {needle:?}"));
    let maduro_001 = find("expressed willingness to engage in negotiations");
    let maduro_003 = find("open to holding talks with the United States");
    assert_ne!(doc_of[maduro_001], doc_of[maduro_003]);
    let holding = |s: usize| picks.iter().filter(|p| p.sentence == s || p.duplicates.contains(&s)).count();
    assert_eq!((holding(maduro_001), holding(maduro_003)), (1, 1), "each paraphrase is in exactly one bullet: {picks:?}");
    assert!(
        picks.iter().any(|p| [p.sentence].iter().chain(&p.duplicates).filter(|&&s| s == maduro_001 || s == maduro_003).count() == 2),
        "and it is the same bullet"
    );
    for pick in &picks {
        let articles: Vec<usize> = std::iter::once(pick.sentence).chain(pick.duplicates.iter().copied()).map(|s| doc_of[s]).collect();
        let distinct: HashSet<usize> = articles.iter().copied().collect();
        assert_eq!(distinct.len(), articles.len(), "one source sentence per other article, never the bullet's own: {pick:?}");
    }
    let everywhere: HashSet<usize> = picks.iter().flat_map(|p| std::iter::once(p.sentence).chain(p.duplicates.iter().copied())).map(|s| doc_of[s]).collect();
    assert_eq!(everywhere.len(), 5, "every outlet is a bullet or a source");
    for s in picks.iter().flat_map(|p| std::iter::once(p.sentence).chain(p.duplicates.iter().copied())) {
        assert!(!is_caption_remnant(&texts[s]) && !texts[s].contains("pictured below"), "{}", texts[s]);
    }
}

#[test]
fn corpus_bullets_are_distinct_events_within_the_budget() {
    let (texts, _, picks) = seed_corpus(5);
    let shown: Vec<&str> = picks.iter().map(|p| texts[p.sentence].as_str()).collect();
    let embeddings = pipeline().embed(&shown).expect("embeddings");
    let threshold = CorpusWeights::default().event_cosine;
    for a in 0..shown.len() {
        for b in (a + 1)..shown.len() {
            let cosine = embeddings.row(a).dot(&embeddings.row(b));
            assert!(cosine < threshold, "bullets {a} and {b} tell one event ({cosine:.2}): {:?} / {:?}", shown[a], shown[b]);
        }
    }
    for budget in [0, 1, 3] {
        assert_eq!(seed_corpus(budget).2.len(), budget);
    }
}

#[test]
fn seed_summaries_have_no_caption_remnants_and_respect_budgets() {
    let summaries = pipeline().summarize_many(&seeds(), Budget::Sentences(3)).expect("summaries");
    for article in &summaries {
        assert_eq!(article.picks.len(), 3);
        for pick in &article.picks {
            let text = &article.document.sentences[pick.sentence].text;
            assert!(!is_caption_remnant(text) && text.split_whitespace().count() >= 5, "{text}");
        }
    }
    let by_words = pipeline().summarize_many(&seeds(), Budget::Words(60)).expect("summaries");
    for article in &by_words {
        let words: usize = article.picks.iter().map(|p| article.document.sentences[p.sentence].text.split_whitespace().count()).sum();
        assert!(words > 0 && words <= 60, "{words} words");
    }
}
