//! Writes the hostile corpus of `benches/hostile.rs` into a folder, one file a document: the
//! seeds of the fuzz targets (`.ci/fuzz.sh`). `cargo run --example hostile_corpus -- DIR`.

#[path = "../benches/hostile.rs"]
mod hostile;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: hostile_corpus DIR");
        std::process::exit(2);
    };
    std::fs::create_dir_all(&dir)?;
    for (name, text) in hostile::corpus() {
        std::fs::write(std::path::Path::new(&dir).join(name), text)?;
    }
    Ok(())
}
