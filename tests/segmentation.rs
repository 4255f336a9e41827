//! Sentence segmentation on the seed articles (boundaries written by hand from reading them) and
//! on the edge cases news text is full of.

use _native::{segment, Document, SentenceKind};

fn seed(name: &str) -> String {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds");
    let path = std::fs::read_dir(&dir)
        .expect("seeds/ folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.file_name().is_some_and(|f| f.to_string_lossy().starts_with(name)))
        .unwrap_or_else(|| panic!("no seed starting with {name}"));
    std::fs::read_to_string(path).expect("readable seed")
}

/// Offsets slice the original to the sentence text, sentences are in order and do not overlap,
/// and removed spans neither overlap sentences nor each other.
fn assert_offsets_valid(text: &str, doc: &Document) {
    let mut last_end = 0;
    for (i, s) in doc.sentences.iter().enumerate() {
        assert_eq!(s.index, i);
        assert_eq!(&text[s.start..s.end], s.text, "sentence {i} does not slice back");
        assert!(s.start >= last_end, "sentence {i} overlaps the previous one");
        assert!(!s.text.trim().is_empty() && s.text.trim() == s.text, "sentence {i} is blank or untrimmed: {:?}", s.text);
        last_end = s.end;
    }
    for r in &doc.removed {
        assert!(doc.sentences.iter().all(|s| s.end <= r.start || s.start >= r.end), "removed span {r:?} overlaps a sentence");
    }
}

/// Each expected sentence is given by its kind and its first words.
fn assert_sentences(text: &str, expected: &[(SentenceKind, &str)]) {
    let doc = segment(text);
    assert_offsets_valid(text, &doc);
    let got: Vec<(SentenceKind, &str)> = doc.sentences.iter().map(|s| (s.kind, s.text.as_str())).collect();
    assert_eq!(got.len(), expected.len(), "sentence count differs; got:\n{:#?}", got);
    for (i, ((kind, text), (want_kind, opening))) in got.iter().zip(expected).enumerate() {
        // Scraped text is full of no-break spaces; the sentence keeps them, the comparison folds them.
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(text.starts_with(opening), "sentence {i} should start with {opening:?}, got {text:?}");
        assert_eq!(kind, want_kind, "sentence {i} ({opening:?}) has the wrong kind");
    }
}

use SentenceKind::{Body as B, Bullet as L, Headline as H};

#[test]
fn seed_000_rubio_dialogue() {
    assert_sentences(
        &seed("000"),
        &[
            (H, "Dialogue with Venezuela on Drug Trafficking"),
            (B, "Rubio explained that, for the first time"),
            (B, "US Secretary of State Marco Rubio stated this morning"),
            (B, "According to journalist David Alandete"),
            (B, "Rubio was tasked by Trump"),
            (B, "The Secretary of State is also coordinating"),
            (B, "The US official explained"),
            (B, "Although he did not elaborate"),
            (B, "“Drug trafficking is a threat"),
            (B, "We are committed to pursuing"),
            (B, "Furthermore, he highlighted"),
            (B, "Rubio has been emphatic"),
            (H, "If Delcy Rodríguez does not Cooperate"),
            (B, "The hearing will mark Rubio’s first public appearance before Congress since the operation that"),
            (B, "The United States is prepared to use force"),
            (B, "According to the agency"),
            (B, "Bloomberg indicated that"),
            (B, "According to information cited by Bloomberg"),
            (B, "The hearing will mark Rubio’s first public appearance before Congress since the operation in Caracas"),
            (B, "According to Bloomberg, Rubio will defend the operation as a law enforcement action that resulted in no U.S. casualties."),
            (B, "However, Bloomberg also reports"),
            (H, "University Leaders Challenge"),
            (H, "Impatience marks the fifth night"),
            (B, "The families of political prisoners"),
        ],
    );
}

#[test]
fn seed_001_headings_and_bullets() {
    let text = seed("001");
    assert_sentences(
        &text,
        &[
            (H, "Venezuela Open to U.S. Talks on Drug Trafficking Amid Escalating Military Actions"),
            (B, "CARACAS, Venezuela (AP) — Venezuelan President"),
            (B, "The remarks were made"),
            (H, "Why It Matters"),
            (B, "The prospect of renewed dialogue between Venezuela and the U.S. comes"),
            (B, "This potential negotiation showcases"),
            (H, "Key Developments"),
            (L, "Maduro indicated Venezuela’s readiness"),
            (L, "He criticized U.S. actions"),
            (L, "The Trump administration has escalated"),
            (L, "The CIA conducted a drone strike"),
            (H, "Full Report"),
            (B, "In an interview with Spanish journalist"),
            (B, "He urged for serious discussions"),
            (B, "It is clear that they seek"),
            (B, "Maduro confirmed that Venezuela"),
            (B, "He emphasized that the country"),
            (B, "U.S. strikes have reportedly"),
            (B, "These military actions"),
            (B, "In a move that heightens tensions"),
            (B, "This escalation signals"),
            (B, "When pressed about the recent drone strike"),
            (H, "Context & Previous Events"),
            (B, "The U.S. has conducted"),
            (B, "These actions were part"),
            (B, "Additionally, President Donald Trump"),
        ],
    );
    let doc = segment(&text);
    let markers: Vec<&str> = doc.removed.iter().filter(|r| r.reason == "bullet marker").map(|r| &text[r.start..r.end]).collect();
    assert_eq!(markers, vec!["- "; 4]);
    // Bullets, headings and the paragraphs around them are separate paragraphs.
    let paragraphs: std::collections::BTreeSet<usize> = doc.sentences.iter().map(|s| s.paragraph).collect();
    assert_eq!(paragraphs.len(), 18);
}

#[test]
fn seed_002_dateline_removed() {
    let text = seed("002");
    assert_sentences(
        &text,
        &[
            (B, "US Secretary of State Marco Rubio announced"),
            (B, "During a speech in the Senate"),
            (B, "This is reported by UNN."),
            (B, "The Donald Trump administration"),
            (B, "Marco Rubio stressed"),
            (B, "The State Department has already begun"),
            (B, "For the first time in 20 years, we are having serious conversations"),
            (B, "According to him"),
            (H, "Meeting with the opposition and intelligence data"),
            (B, "Despite the State Department's optimism"),
            (B, "Against this background"),
            (B, "After the talks, Machado"),
            (B, "The situation remains dynamic"),
            (B, "Washington's main goal"),
        ],
    );
    let doc = segment(&text);
    assert!(doc.sentences[6].text.ends_with("Russian presence. - Rubio stated."), "an attribution after a dash stays with its quote");
    let dateline = doc.removed.iter().find(|r| r.reason == "dateline").expect("dateline reported");
    assert_eq!(text[dateline.start..dateline.end].trim(), "date 2026-01-29");
}

#[test]
fn seed_003_boilerplate_removed() {
    let text = seed("003");
    assert_sentences(
        &text,
        &[
            (H, "Maduro Says Venezuela Open to U.S. Talks"),
            (B, "Venezuelan President Nicolás Maduro has said"),
            (B, "Speaking in a recent televised interview"),
            (B, "Maduro rejected long-standing U.S. accusations"),
            (B, "He said Venezuelan authorities"),
            (B, "The remarks come amid"),
            (B, "Washington has repeatedly accused"),
            (B, "Maduro has also criticized"),
            (B, "At the same time"),
            (B, "He pointed to limited U.S. involvement"),
            (B, "U.S. officials have not publicly responded"),
            (B, "Analysts say the offer"),
        ],
    );
    let reasons: Vec<String> = segment(&text).removed.into_iter().map(|r| r.reason).collect();
    assert_eq!(reasons, vec!["comments", "comments", "language"]);
}

#[test]
fn seed_004_quotes_inside_sentences() {
    assert_sentences(
        &seed("004"),
        &[
            (B, "In a significant development"),
            (B, "He communicated directly"),
            (B, "Rodriguez characterized the hour-long call as “long, productive, and courteous.”"),
            (B, "It represents a historic step"),
            (B, "In the runup to the discussion"),
            (B, "Trump’s comments suggested"),
            (B, "He declared the second wave"),
            (B, "He framed this compromise"),
            (B, "The former president congratulated"),
            (B, "“I think we’re getting along very well with Venezuela,” Trump stated"),
            (B, "He’s set to meet"),
            (B, "This meeting underscores"),
            (B, "The phone call covered"),
            (B, "It covered oil, minerals"),
            (B, "In an interview with InSight Crime"),
            (B, "She has been vocal"),
            (B, "In recent weeks"),
            (B, "Rodriguez highlighted the US’ investment"),
            (B, "She stated that “messages of hatred"),
            (B, "It is a fast-moving"),
            (B, "Both leaders are understandably anxious"),
            (B, "Maduro and Flores are now in US custody."),
            (B, "This dialogue has the potential"),
        ],
    );
}

fn texts(text: &str) -> Vec<String> {
    let doc = segment(text);
    assert_offsets_valid(text, &doc);
    doc.sentences.into_iter().map(|s| s.text).collect()
}

#[test]
fn quotes_with_the_full_stop_inside() {
    assert_eq!(texts("He said “yes.” Then he left."), ["He said “yes.”", "Then he left."]);
    assert_eq!(texts("\"It works.\" She smiled."), ["\"It works.\"", "She smiled."]);
    assert_eq!(texts("“Why?” he asked. Nobody knew."), ["“Why?” he asked.", "Nobody knew."]);
}

#[test]
fn abbreviations_and_initials() {
    assert_eq!(texts("Mr. Rubio met Gen. Padrino on Jan. 3 at 10 a.m. in Caracas."), ["Mr. Rubio met Gen. Padrino on Jan. 3 at 10 a.m. in Caracas."]);
    assert_eq!(texts("The talks were held in the U.S. The outcome is unclear."), ["The talks were held in the U.S.", "The outcome is unclear."]);
    assert_eq!(texts("He works for the U.S. Treasury. It pays."), ["He works for the U.S. Treasury.", "It pays."]);
    assert_eq!(texts("Donald J. Trump spoke. J. K. Rowling wrote."), ["Donald J. Trump spoke.", "J. K. Rowling wrote."]);
    assert_eq!(texts("Dr. Smith, of Acme Inc. He left."), ["Dr. Smith, of Acme Inc.", "He left."]);
}

#[test]
fn numbers_and_money() {
    assert_eq!(texts("Profits rose 1.5% to $4.2bn. Shares fell 0.3 points."), ["Profits rose 1.5% to $4.2bn.", "Shares fell 0.3 points."]);
    assert_eq!(texts("It fell in 2019. In 2020 it rose."), ["It fell in 2019.", "In 2020 it rose."]);
}

#[test]
fn glued_sentences() {
    assert_eq!(texts("She was paid.She said no."), ["She was paid.", "She said no."]);
    assert_eq!(texts("Sales rose to $11.1bn.For the year, profit grew."), ["Sales rose to $11.1bn.", "For the year, profit grew."]);
    assert_eq!(texts("It was said.”She agreed."), ["It was said.”", "She agreed."]);
    assert_eq!(texts("Visit example.com today."), ["Visit example.com today."]);
}

#[test]
fn bullets_blank_runs_and_headlines() {
    let text = "Top Stories\n\n\n\n- First item here.\n• Second item\n2. Third item.\n\n\n\nBody text. More text.";
    let doc = segment(text);
    assert_offsets_valid(text, &doc);
    let got: Vec<(SentenceKind, &str)> = doc.sentences.iter().map(|s| (s.kind, s.text.as_str())).collect();
    assert_eq!(got, [(H, "Top Stories"), (L, "First item here."), (L, "Second item"), (L, "Third item."), (B, "Body text."), (B, "More text.")]);
    assert_eq!(doc.removed.iter().filter(|r| r.reason == "bullet marker").count(), 3);
}

#[test]
fn boilerplate_lines_are_removed_and_reported() {
    let text = "Real news sentence.\nLeave a Reply\nYour email address will not be published.\nen_USEnglish\nShare this:\n";
    let doc = segment(text);
    assert_eq!(texts(text), ["Real news sentence."]);
    assert_eq!(doc.removed.len(), 4);
}

#[test]
fn hard_wrapped_lines_are_joined() {
    // Text wrapped at about 70 columns, as e-mail and wire copy often are.
    let text =
        "The foreign minister said on Tuesday that the talks with the\nUnited States would resume on Monday in the capital, as\nplanned. Nobody objected.";
    assert_eq!(
        texts(text),
        ["The foreign minister said on Tuesday that the talks with the\nUnited States would resume on Monday in the capital, as\nplanned.", "Nobody objected."]
    );
}

#[test]
fn other_scripts_and_empty_input() {
    assert_eq!(texts("¿Qué pasa? Nada. Todo bien."), ["¿Qué pasa?", "Nada.", "Todo bien."]);
    assert_eq!(texts("今天很好。明天也好。"), ["今天很好。", "明天也好。"]);
    assert_eq!(texts("مرحبا بكم. هذا خبر."), ["مرحبا بكم.", "هذا خبر."]);
    assert!(texts("").is_empty());
    assert!(texts(" \n\t \r\n ").is_empty());
    assert_eq!(texts("word"), ["word"]);
    assert_eq!(texts("Windows lines.\r\nSecond line.\r\n"), ["Windows lines.", "Second line."]);
}
