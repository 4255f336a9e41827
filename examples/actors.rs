//! Print the actors presslens discovers in each file, with their mention counts.
//! `cargo run --release --example actors -- seeds/*.txt`
use _native::{discover, find_mentions, Matcher};

fn main() -> std::io::Result<()> {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)?;
        let doc = _native::text::segment(&text);
        let actors = discover(&doc.sentences);
        let mentions = find_mentions(&doc.sentences, &Matcher::new(&actors));
        println!("== {path}");
        for (i, actor) in actors.iter().enumerate() {
            let forms: Vec<&str> = mentions.iter().filter(|m| m.actor == i).map(|m| m.text.as_str()).collect();
            println!("  {:<28} {:<12} {:>3}  {:?}", actor.name, actor.kind.as_str(), forms.len(), forms);
        }
    }
    Ok(())
}
