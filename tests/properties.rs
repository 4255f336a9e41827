//! Property tests over arbitrary Unicode: cleaning, segmentation and actor matching never panic,
//! offsets always slice back to the returned text, sentences are ordered and never overlap each
//! other or the removed spans, and nothing but whitespace is lost.
//!
//! `PROPTEST_CASES=100000 cargo test --release --test properties` runs a longer campaign.

use _native::text::segment;
use _native::{discover, find_mentions, ActorSpec, Matcher};
use proptest::prelude::*;

/// Text shaped like scraped news: words, names, initials, numbers, quotes, bullets, blank lines,
/// boilerplate, emoji and other scripts, glued in any order.
fn newsy() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "Marco Rubio",
        "Rubio",
        "U.S.",
        "US",
        "Mr.",
        "Jan.",
        "a.m.",
        "$4.2bn",
        "1.5",
        "said",
        "the",
        "Delcy Rodríguez",
        "Rodriguez",
        "Secretary of State",
        "President",
        "Venezuela",
        "Caracas",
        "Venezuelan",
        "paid.She",
        "\u{201c}Hello.\u{201d}",
        "\"Yes.\"",
        ". ",
        "! ",
        "? ",
        ", ",
        "\n",
        "\n\n\n",
        "- ",
        "* ",
        "• ",
        "1. ",
        "Leave a Reply",
        "Your email address will not be published",
        "en_USEnglish",
        "Key Developments",
        "🇻🇪",
        "👩\u{200d}👩",
        "\u{0301}",
        "مادورو",
        "Путин",
        "習近平",
        "\u{200f}",
        "\t",
        "\r\n",
        "'s",
        "’s",
        "O'Brien",
        "—",
        "(AP)",
        "CARACAS",
        "...",
        "…",
        "\u{0}",
        "\u{feff}",
        " ",
    ]);
    prop::collection::vec(prop_oneof![3 => pieces.prop_map(str::to_owned), 1 => any::<char>().prop_map(String::from), 1 => "[A-Za-z]{1,8}"], 0..80)
        .prop_map(|parts| parts.join(" "))
}

fn check_document(text: &str) -> Result<(), TestCaseError> {
    let doc = segment(text);
    let mut covered = vec![false; text.len()];
    let mut last_end = 0;
    for (i, s) in doc.sentences.iter().enumerate() {
        prop_assert_eq!(s.index, i);
        prop_assert!(s.start < s.end && s.end <= text.len(), "empty or out-of-range sentence {:?}", s);
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert_eq!(&text[s.start..s.end], s.text.as_str());
        prop_assert!(s.start >= last_end, "sentences overlap or go backwards at {}", i);
        prop_assert!(!s.text.trim().is_empty(), "blank sentence");
        last_end = s.end;
        covered[s.start..s.end].iter_mut().for_each(|c| *c = true);
    }
    for r in &doc.removed {
        prop_assert!(r.start < r.end && r.end <= text.len() && text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        prop_assert!(!covered[r.start..r.end].iter().any(|&c| c), "removed span overlaps a sentence: {:?}", r);
        covered[r.start..r.end].iter_mut().for_each(|c| *c = true);
    }
    for (offset, c) in text.char_indices() {
        prop_assert!(covered[offset] || c.is_whitespace() || c.is_control() || c == '\u{feff}' || c == '\u{200f}', "lost {:?} at byte {}", c, offset);
    }
    let actors = discover(&doc.sentences);
    let given = vec![ActorSpec::given("United States", ["US", "U.S.", "Washington"]), ActorSpec::given("Delcy Rodríguez", ["Rodríguez"])];
    for specs in [&actors, &given] {
        for m in find_mentions(&doc.sentences, &Matcher::new(specs)) {
            let s = &doc.sentences[m.sentence];
            prop_assert!(s.start <= m.start && m.start < m.end && m.end <= s.end);
            prop_assert_eq!(&text[m.start..m.end], m.text.as_str());
            prop_assert!(m.actor < specs.len());
        }
    }
    for a in &actors {
        prop_assert!(!a.name.trim().is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(2000), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode_is_segmented_and_matched_safely(text in any::<String>()) {
        check_document(&text)?;
    }

    #[test]
    fn news_shaped_text_is_segmented_and_matched_safely(text in newsy()) {
        check_document(&text)?;
    }
}
