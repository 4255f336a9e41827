//! Print the sentences and removed spans of the files given on the command line.
fn main() -> std::io::Result<()> {
    for path in std::env::args().skip(1) {
        let text = std::fs::read_to_string(&path)?;
        let doc = _native::segment(&text);
        println!("== {path}");
        for s in &doc.sentences {
            println!("{:>3} p{:<2} {:<8} [{}..{}] {}", s.index, s.paragraph, s.kind.as_str(), s.start, s.end, s.text);
        }
        for r in &doc.removed {
            println!("    removed {:<12} [{}..{}] {:?}", r.reason, r.start, r.end, &text[r.start..r.end]);
        }
    }
    Ok(())
}
