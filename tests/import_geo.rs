//! `import-geo` is reproducible: run on `../shared/reference/` (skipped with a message if
//! absent) with our cercles, communes and hand matches, it writes exactly the bytes of
//! `data/geo/`.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;

use mali_admin::dataset::GEO_FILES;

#[test]
fn import_geo_writes_the_same_bytes_as_data_geo() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let reference = root.join("../shared/reference");
    if !reference.join("geo").is_dir() {
        eprintln!(
            "SKIPPED: {} is absent, so the import cannot be run again",
            reference.display()
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("geo")).unwrap();
    for file in [
        "cercles.csv",
        "communes.csv",
        "communes_created_2023.csv",
        "geo/hand_matches.csv",
    ] {
        std::fs::copy(root.join("data").join(file), dir.path().join(file)).unwrap();
    }
    let output = Command::new(env!("CARGO_BIN_EXE_import-geo"))
        .arg(&reference)
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&output.stdout).trim(),
        format!(
            "wrote {}: 701 COD-AB communes matched to 701 of our 704, 3 of ours without a shape",
            dir.path().join("geo").display()
        )
    );
    for file in GEO_FILES.iter().chain(&["geo/commune_pcodes.csv"]) {
        let written = std::fs::read(dir.path().join(file)).unwrap();
        let shipped = std::fs::read(root.join("data").join(file)).unwrap();
        assert!(
            written == shipped,
            "{file} differs from what the import writes"
        );
    }
}
