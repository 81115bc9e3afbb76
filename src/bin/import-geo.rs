//! `import-geo`: reads OCHA's COD-AB boundaries and populated places
//! (`../shared/reference/geo/`) and writes `data/geo/`: the commune shapes keyed by p-code, the
//! match of every COD-AB commune to one of ours, Bamako's quartiers and the populated places.
//! Run again on the same files, it writes the same bytes (features and rows in p-code order,
//! coordinates as the source gives them; places rounded to 6 decimals, about 0.1 m).
//!
//! ```sh
//! cargo run --bin import-geo -- [REFERENCE_DIR] [DATA_DIR]   # defaults: ../shared/reference data
//! ```
//!
//! Matching a COD-AB commune to one of ours, in this order (the `match` column says which):
//! 0. `hand`: the few matches made by hand, with their reason (`data/geo/hand_matches.csv`);
//! 1. `name`: in the cercle COD-AB puts it in (its `admin2Pcod`, our cercle of that p-code), a
//!    name, seed label or alias of ours folds to COD-AB's name, once "Commune" ("Kayes
//!    Commune") is dropped and numbers are written as Roman numerals ("Gadougou 1");
//! 2. `truncated`: COD-AB's names are cut at 20 characters ("Nioro Tougoune Ranga");
//!    `short-name`: one name is the other's first words ("Benkadi", "Benkadi Habaladougou");
//! 3. `spelling`: in the same cercle, the one commune left whose name is closest (normalised
//!    Damerau-Levenshtein at least 0.7, and each the other's best: "Sitakily"/"Sitakilly");
//! 4. `other-cercle`: the same in another cercle, at least 0.85: seed 001 and COD-AB place the
//!    commune in different cercles, a discrepancy kept visible (both cercles are written).
//!
//! What is left is listed in `commune_pcodes.csv` with an empty p-code and the reason.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use geo::{BoundingRect, Contains, MultiPolygon, Point};
use mali_admin::model::fold_name;
use rstar::{AABB, RTree, RTreeObject};
use serde_json::Value;

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let reference = PathBuf::from(args.next().unwrap_or_else(|| "../shared/reference".into()));
    let data = PathBuf::from(args.next().unwrap_or_else(|| "data".into()));
    let geo_dir = reference.join("geo");
    let out = data.join("geo");
    std::fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;

    let cercles = read_cercles(&data.join("cercles.csv"))?;
    let communes = read_communes(&data.join("communes.csv"))?;
    let shapes = read_features(&geo_dir.join("cod_ab_mli_adm3.geojson"), 3)?;
    let hand = read_hand_matches(&data.join("geo/hand_matches.csv"))?;
    let mut matches = match_communes(&shapes, &communes, &cercles, &hand);
    // Communes created after COD-AB's release (2015) have no shape of their own.
    for (code, name) in read_created_communes(&data.join("communes_created_2023.csv"))? {
        matches.push(Match {
            commune: code,
            name,
            seed_cercle: String::new(),
            pcode: None,
            cod_ab_name: String::new(),
            cod_ab_cercle: String::new(),
            how: "none",
            note: "created in 2023, after COD-AB's release (2015): no shape of its own; its land \
                   lies inside the shape of the commune it came from"
                .to_owned(),
        });
    }

    let ours_by_pcode: HashMap<&str, &str> = matches
        .iter()
        .filter_map(|m| Some((m.pcode.as_deref()?, m.commune.as_str())))
        .collect();
    write(
        &out.join("commune_pcodes.csv"),
        &commune_pcodes_csv(&matches),
    )?;
    write(
        &out.join("communes.geojson"),
        &feature_collection(&shapes, |f| {
            format!(
                r#""pcode":{},"name":{},"commune":{}"#,
                json_string(&f.pcode),
                json_string(&f.name),
                json_string(ours_by_pcode.get(f.pcode.as_str()).copied().unwrap_or(""))
            )
        }),
    )?;
    let country = read_features(&geo_dir.join("cod_ab_mli_adm0.geojson"), 0)?;
    write(
        &out.join("country.geojson"),
        &feature_collection(&country, |_| r#""pcode":"ML","name":"Mali""#.to_owned()),
    )?;

    let quartiers = read_features(&geo_dir.join("cod_ab_mli_adm4_bamako.geojson"), 4)?;
    write(
        &out.join("quartiers.geojson"),
        &feature_collection(&quartiers, |f| {
            format!(
                r#""pcode":{},"name":{},"commune":{}"#,
                json_string(&f.pcode),
                json_string(&f.name),
                json_string(
                    ours_by_pcode
                        .get(f.parent_pcode.as_str())
                        .copied()
                        .unwrap_or("")
                )
            )
        }),
    )?;
    write(
        &out.join("quartiers.csv"),
        &quartiers_csv(
            &quartiers,
            &ours_by_pcode,
            &reference.join("bamako_quartiers.csv"),
        )?,
    )?;

    let places = places_csv(
        &geo_dir.join("cod_mli_populated_places.csv"),
        &shapes,
        &ours_by_pcode,
    )?;
    write(&out.join("places.csv"), &places)?;
    let unmatched = matches.iter().filter(|m| m.pcode.is_none()).count();
    // (Alata, Intadjedite, and the communes created in 2023.)
    println!(
        "wrote {}: {} COD-AB communes matched to {} of our {}, {unmatched} of ours without a shape",
        out.display(),
        shapes.len(),
        matches.len() - unmatched,
        matches.len()
    );
    Ok(())
}

fn write(path: &Path, text: &str) -> anyhow::Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

// ---------------------------------------------------------------------------------------------
// Reading

/// A COD-AB feature: its p-code, name, the p-code of the unit above and its geometry (as the
/// source's JSON, written back unchanged).
struct Feature {
    pcode: String,
    name: String,
    parent_pcode: String,
    /// The source's alternative name (quartiers have some).
    alt_name: String,
    geometry: Value,
    shape: MultiPolygon<f64>,
}

/// The features of a COD-AB file of admin `level` (0: the country, 3: communes, 4: quartiers).
fn read_features(path: &Path, level: u8) -> anyhow::Result<Vec<Feature>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let collection: geojson::FeatureCollection = text
        .parse()
        .with_context(|| format!("{} is not a GeoJSON FeatureCollection", path.display()))?;
    let mut features = Vec::with_capacity(collection.features.len());
    for feature in collection.features {
        let text = |key: String| {
            feature
                .property(&key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned()
        };
        let geometry = feature
            .geometry
            .as_ref()
            .with_context(|| format!("{}: a feature without geometry", path.display()))?;
        let shape = match geo::Geometry::<f64>::try_from(geometry.value.clone())? {
            geo::Geometry::Polygon(p) => MultiPolygon(vec![p]),
            geo::Geometry::MultiPolygon(m) => m,
            other => bail!("{}: not a polygon: {other:?}", path.display()),
        };
        features.push(Feature {
            pcode: if level == 0 {
                text("admin0Pcod".into())
            } else {
                text(format!("admin{level}Pcod"))
            },
            name: text(format!("admin{level}Name")),
            parent_pcode: if level == 0 {
                String::new()
            } else {
                text(format!("admin{}Pcod", level - 1))
            },
            alt_name: text(format!("admin{level}AltN")),
            geometry: serde_json::to_value(geometry)?,
            shape,
        });
    }
    features.sort_by(|a, b| a.pcode.cmp(&b.pcode));
    Ok(features)
}

/// Our cercle code of each COD-AB cercle p-code (Bamako's `ML0901`: `00`, the district).
fn read_cercles(path: &Path) -> anyhow::Result<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut by_pcode = HashMap::from([("ML0901".to_owned(), "00".to_owned())]);
    for row in reader.deserialize::<HashMap<String, String>>() {
        let row = row?;
        if let (Some(code), Some(pcode)) = (row.get("code"), row.get("ocha_pcode"))
            && !pcode.is_empty()
        {
            by_pcode.insert(pcode.clone(), code.clone());
        }
    }
    Ok(by_pcode)
}

/// The communes created in 2023 (`communes_created_2023.csv`, if the data has it): code, name.
fn read_created_communes(path: &Path) -> anyhow::Result<Vec<(String, String)>> {
    if !path.exists() {
        return Ok(Vec::new());
    }
    let mut reader = csv::Reader::from_path(path)?;
    let mut created = Vec::new();
    for row in reader.deserialize::<HashMap<String, String>>() {
        let row = row?;
        let field = |key: &str| row.get(key).cloned().unwrap_or_default();
        created.push((field("code"), field("name")));
    }
    Ok(created)
}

/// One of our communes, with the names it may be matched by.
struct Commune {
    code: String,
    name: String,
    /// The seed cercle's 2023 code (`00` for Bamako).
    cercle: String,
    /// Matching keys of its name, seed label and aliases.
    keys: Vec<String>,
}

fn read_communes(path: &Path) -> anyhow::Result<Vec<Commune>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut communes = Vec::new();
    for row in reader.deserialize::<HashMap<String, String>>() {
        let row = row?;
        let field = |key: &str| row.get(key).cloned().unwrap_or_default();
        let mut keys = vec![match_key(&field("name")), match_key(&field("seed_name"))];
        keys.extend(
            field("aliases")
                .split(';')
                .filter(|a| !a.is_empty())
                .map(match_key),
        );
        keys.sort();
        keys.dedup();
        communes.push(Commune {
            code: field("code"),
            name: field("name"),
            cercle: field("parent"),
            keys,
        });
    }
    Ok(communes)
}

/// The folded name without the word "commune" and with numbers as Roman numerals, spaces
/// removed: "Kayes Commune" → "kayes", "Gadougou 1" → "gadougoui", "Commune III" → "iii".
fn match_key(name: &str) -> String {
    fold_name(name)
        .split(' ')
        .filter(|word| *word != "commune")
        .map(|word| match word {
            "1" => "i",
            "2" => "ii",
            "3" => "iii",
            "4" => "iv",
            "5" => "v",
            "6" => "vi",
            other => other,
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Matching

struct Match {
    commune: String,
    name: String,
    seed_cercle: String,
    pcode: Option<String>,
    cod_ab_name: String,
    cod_ab_cercle: String,
    how: &'static str,
    note: String,
}

/// The matches made by hand (`data/geo/hand_matches.csv`): COD-AB p-code → (our code, reason).
fn read_hand_matches(path: &Path) -> anyhow::Result<HashMap<String, (String, String)>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut hand = HashMap::new();
    for row in reader.deserialize::<HashMap<String, String>>() {
        let row = row?;
        let field = |key: &str| row.get(key).cloned().unwrap_or_default();
        hand.insert(field("pcode"), (field("commune"), field("reason")));
    }
    Ok(hand)
}

fn match_communes(
    shapes: &[Feature],
    communes: &[Commune],
    cercles: &HashMap<String, String>,
    hand: &HashMap<String, (String, String)>,
) -> Vec<Match> {
    // Index into `communes` of each COD-AB feature's match, and how it was made.
    let mut found: Vec<Option<(usize, &'static str, f64)>> = vec![None; shapes.len()];
    let mut taken = vec![false; communes.len()];
    let cercle_of = |f: &Feature| cercles.get(&f.parent_pcode).cloned().unwrap_or_default();

    // 0: by hand, with the reason.
    for (i, feature) in shapes.iter().enumerate() {
        if let Some((code, _)) = hand.get(&feature.pcode)
            && let Some(j) = communes.iter().position(|c| c.code == *code)
        {
            found[i] = Some((j, "hand", 1.0));
            taken[j] = true;
        }
    }

    // 1 and 2: exact keys, then COD-AB's truncation, within the cercle.
    for (how, test) in [
        (
            "name",
            (|key: &str, ours: &str| key == ours) as fn(&str, &str) -> bool,
        ),
        ("truncated", |key: &str, ours: &str| {
            key.len() >= 15 && ours.len() > key.len() && ours.starts_with(key)
        }),
        // One name is the other's first words: "Benkadi" / "Benkadi Habaladougou", "Kokry
        // Centre" / "Kokry".
        ("short-name", |key: &str, ours: &str| {
            key.len().min(ours.len()) >= 5 && (ours.starts_with(key) || key.starts_with(ours))
        }),
    ] {
        for (i, feature) in shapes.iter().enumerate() {
            if found[i].is_some() {
                continue;
            }
            let key = match_key(&feature.name);
            let cercle = cercle_of(feature);
            let candidates: Vec<usize> = (0..communes.len())
                .filter(|&j| {
                    !taken[j]
                        && communes[j].cercle == cercle
                        && communes[j].keys.iter().any(|k| test(&key, k))
                })
                .collect();
            if let [j] = candidates[..] {
                found[i] = Some((j, how, 1.0));
                taken[j] = true;
            }
        }
    }
    // 3 and 4: the closest spelling, within the cercle, then anywhere.
    for (how, same_cercle, threshold) in [("spelling", true, 0.7), ("other-cercle", false, 0.85)] {
        loop {
            let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
            for (i, feature) in shapes.iter().enumerate() {
                if found[i].is_some() {
                    continue;
                }
                let key = match_key(&feature.name);
                let cercle = cercle_of(feature);
                for (j, commune) in communes.iter().enumerate() {
                    if taken[j] || (same_cercle && commune.cercle != cercle) {
                        continue;
                    }
                    let score = commune
                        .keys
                        .iter()
                        .map(|k| strsim::normalized_damerau_levenshtein(&key, k))
                        .fold(0.0, f64::max);
                    if score >= threshold {
                        pairs.push((score, i, j));
                    }
                }
            }
            // The best pair whose two sides have no better partner.
            pairs.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            let Some(&(score, i, j)) = pairs.iter().find(|(score, i, j)| {
                !pairs
                    .iter()
                    .any(|(s, i2, j2)| s > score && (i2 == i || j2 == j))
            }) else {
                break;
            };
            found[i] = Some((j, how, score));
            taken[j] = true;
        }
    }

    let mut by_commune: HashMap<usize, (usize, &'static str, f64)> = HashMap::new();
    for (i, m) in found.iter().enumerate() {
        if let Some((j, how, score)) = m {
            by_commune.insert(*j, (i, how, *score));
        }
    }
    let unmatched_shapes: Vec<&Feature> = shapes
        .iter()
        .zip(&found)
        .filter(|(_, m)| m.is_none())
        .map(|(f, _)| f)
        .collect();
    communes
        .iter()
        .enumerate()
        .map(|(j, commune)| match by_commune.get(&j) {
            Some(&(i, how, score)) => {
                let feature = &shapes[i];
                let cod_ab_cercle = cercle_of(feature);
                let note = match how {
                    "hand" => hand
                        .get(&feature.pcode)
                        .map(|(_, reason)| format!("by hand: {reason}"))
                        .unwrap_or_default(),
                    "spelling" => format!("spelling differs (similarity {score:.2})"),
                    "other-cercle" => format!(
                        "seed 001 puts it in cercle {}, COD-AB in {} (similarity {score:.2})",
                        commune.cercle, cod_ab_cercle
                    ),
                    _ => String::new(),
                };
                Match {
                    commune: commune.code.clone(),
                    name: commune.name.clone(),
                    seed_cercle: commune.cercle.clone(),
                    pcode: Some(feature.pcode.clone()),
                    cod_ab_name: feature.name.clone(),
                    cod_ab_cercle,
                    how,
                    note,
                }
            }
            None => Match {
                commune: commune.code.clone(),
                name: commune.name.clone(),
                seed_cercle: commune.cercle.clone(),
                pcode: None,
                cod_ab_name: String::new(),
                cod_ab_cercle: String::new(),
                how: "none",
                note: if unmatched_shapes.is_empty() {
                    "no COD-AB shape: every one of COD-AB's communes is matched to another; \
                     its land lies inside neighbours' shapes"
                        .to_owned()
                } else {
                    format!(
                        "no COD-AB shape matched; left in COD-AB: {}",
                        unmatched_shapes
                            .iter()
                            .map(|f| format!("{} {}", f.pcode, f.name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                },
            },
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Writing

fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

fn csv_line(fields: &[&str]) -> String {
    let mut line = fields
        .iter()
        .map(|f| csv_field(f))
        .collect::<Vec<_>>()
        .join(",");
    line.push('\n');
    line
}

fn json_string(value: &str) -> String {
    Value::String(value.to_owned()).to_string()
}

fn commune_pcodes_csv(matches: &[Match]) -> String {
    let mut text = csv_line(&[
        "commune",
        "name",
        "seed_cercle",
        "pcode",
        "cod_ab_name",
        "cod_ab_cercle",
        "match",
        "note",
    ]);
    for m in matches {
        text.push_str(&csv_line(&[
            &m.commune,
            &m.name,
            &m.seed_cercle,
            m.pcode.as_deref().unwrap_or(""),
            &m.cod_ab_name,
            &m.cod_ab_cercle,
            m.how,
            &m.note,
        ]));
    }
    text
}

/// One feature a line, so that a change shows as a line in a diff.
fn feature_collection(features: &[Feature], properties: impl Fn(&Feature) -> String) -> String {
    let mut text = String::from("{\"type\":\"FeatureCollection\",\"features\":[\n");
    for (n, feature) in features.iter().enumerate() {
        let _ = writeln!(
            text,
            "{{\"type\":\"Feature\",\"properties\":{{{}}},\"geometry\":{}}}{}",
            properties(feature),
            feature.geometry,
            if n + 1 < features.len() { "," } else { "" }
        );
    }
    text.push_str("]}\n");
    text
}

/// Bamako's quartiers: COD-AB's p-code, name and commune, and the name of
/// `bamako_quartiers.csv` each matches (by folded name, COD-AB's alternative name, or the
/// closest spelling in the same commune); that file's names left over are listed as such.
fn quartiers_csv(
    quartiers: &[Feature],
    ours_by_pcode: &HashMap<&str, &str>,
    list: &Path,
) -> anyhow::Result<String> {
    let mut reader = csv::Reader::from_path(list)?;
    // (our commune code, name) of the other list, by the commune's COD-AB name ("Commune I").
    let mut listed: Vec<(String, String, bool)> = Vec::new();
    for row in reader.deserialize::<HashMap<String, String>>() {
        let row = row?;
        listed.push((
            row.get("commune").cloned().unwrap_or_default(),
            row.get("quartier").cloned().unwrap_or_default(),
            false,
        ));
    }
    let roman = |commune_pcode: &str| -> String {
        let n = commune_pcode
            .get(6..8)
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0);
        let numerals = ["", "I", "II", "III", "IV", "V", "VI"];
        format!("Commune {}", numerals.get(n).copied().unwrap_or(""))
    };
    let mut text = csv_line(&["pcode", "name", "commune", "other_name", "match"]);
    let mut rows = Vec::new();
    for (pass, threshold) in [(0, 1.0), (1, 0.75)] {
        for q in quartiers {
            if pass == 1
                && rows
                    .iter()
                    .any(|(p, _, _): &(String, String, &str)| *p == q.pcode)
            {
                continue;
            }
            let commune_name = roman(&q.parent_pcode);
            let keys = [match_key(&q.name), match_key(&q.alt_name)];
            let best = listed
                .iter()
                .enumerate()
                .filter(|(_, (c, _, used))| !used && *c == commune_name)
                // "Sema II" is not "Sema I": names whose numbers differ never match.
                .filter(|(_, (_, name, _))| numeral(name) == numeral(&q.name))
                .map(|(k, (_, name, _))| {
                    let key = match_key(name);
                    let score = keys
                        .iter()
                        .filter(|k| !k.is_empty())
                        .map(|k| strsim::normalized_damerau_levenshtein(k, &key))
                        .fold(0.0, f64::max);
                    (score, k)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            match best {
                Some((score, k)) if score >= threshold => {
                    listed[k].2 = true;
                    let how = if score >= 1.0 { "name" } else { "spelling" };
                    rows.push((q.pcode.clone(), listed[k].1.clone(), how));
                }
                _ if pass == 1 => rows.push((q.pcode.clone(), String::new(), "none")),
                _ => {}
            }
        }
    }
    let by_pcode: BTreeMap<&str, (&str, &str)> = rows
        .iter()
        .map(|(p, n, h)| (p.as_str(), (n.as_str(), *h)))
        .collect();
    for q in quartiers {
        let (other, how) = by_pcode
            .get(q.pcode.as_str())
            .copied()
            .unwrap_or(("", "none"));
        text.push_str(&csv_line(&[
            &q.pcode,
            &q.name,
            ours_by_pcode
                .get(q.parent_pcode.as_str())
                .copied()
                .unwrap_or(""),
            other,
            how,
        ]));
    }
    for (commune, name, used) in &listed {
        if !used {
            text.push_str(&csv_line(&[
                "",
                "",
                "",
                name,
                &format!("unmatched in {commune}"),
            ]));
        }
    }
    Ok(text)
}

/// The number a quartier's name ends with, as a Roman numeral: "Sema II" → "ii",
/// "Badialan1" → "i", "Quartier Sema" → "".
fn numeral(name: &str) -> String {
    let folded = fold_name(name);
    let digits: String = folded
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect();
    if !digits.is_empty() && digits.len() < 3 {
        return match_key(&digits.chars().rev().collect::<String>());
    }
    match folded.rsplit(' ').next() {
        Some(word @ ("i" | "ii" | "iii" | "iv" | "v" | "vi")) if folded.contains(' ') => {
            word.to_owned()
        }
        _ => String::new(),
    }
}

/// A commune shape in the R-tree: its bounding box, and its index in the shapes.
struct Envelope {
    aabb: AABB<[f64; 2]>,
    index: usize,
}

impl RTreeObject for Envelope {
    type Envelope = AABB<[f64; 2]>;
    fn envelope(&self) -> Self::Envelope {
        self.aabb
    }
}

/// The populated places: p-code, name, kind, location, our commune (from COD-AB's
/// `admin3Pcod`) and, where the point falls in another commune's shape, that commune.
fn places_csv(
    path: &Path,
    shapes: &[Feature],
    ours_by_pcode: &HashMap<&str, &str>,
) -> anyhow::Result<String> {
    let tree = RTree::bulk_load(
        shapes
            .iter()
            .enumerate()
            .filter_map(|(index, f)| {
                let rect = f.shape.bounding_rect()?;
                Some(Envelope {
                    aabb: AABB::from_corners(rect.min().into(), rect.max().into()),
                    index,
                })
            })
            .collect(),
    );
    let mut reader = csv::Reader::from_path(path)?;
    let mut rows: Vec<(String, String)> = Vec::new();
    for row in reader.deserialize::<HashMap<String, String>>() {
        let row = row?;
        let field = |key: &str| row.get(key).map(String::as_str).unwrap_or("");
        let kind = match field("popPlaceCl") {
            "1" => "capital",
            "2" => "region_seat",
            "3" => "cercle_seat",
            "4" => "commune_seat",
            "5" => "village",
            other => bail!("{}: unknown popPlaceCl {other}", path.display()),
        };
        let longitude: f64 = field("longitude").parse()?;
        let latitude: f64 = field("latitude").parse()?;
        let point = Point::new(longitude, latitude);
        let commune_pcode = field("admin3Pcod");
        let commune = ours_by_pcode.get(commune_pcode).copied().unwrap_or("");
        let inside: Vec<&Feature> = tree
            .locate_in_envelope_intersecting(&AABB::from_point([longitude, latitude]))
            .map(|e| &shapes[e.index])
            .filter(|f| f.shape.contains(&point))
            .collect();
        let in_shape_of = match inside.first() {
            _ if inside.iter().any(|f| f.pcode == commune_pcode) => String::new(),
            Some(f) => ours_by_pcode
                .get(f.pcode.as_str())
                .copied()
                .unwrap_or("")
                .to_owned(),
            None => "-".to_owned(),
        };
        let line = csv_line(&[
            field("pcode"),
            field("featureNam"),
            kind,
            &format!("{longitude:.6}"),
            &format!("{latitude:.6}"),
            commune,
            commune_pcode,
            &in_shape_of,
        ]);
        rows.push((field("pcode").to_owned(), line));
    }
    rows.sort();
    let mut text = csv_line(&[
        "pcode",
        "name",
        "kind",
        "longitude",
        "latitude",
        "commune",
        "commune_pcode",
        "in_shape_of",
    ]);
    for (_, line) in rows {
        text.push_str(&line);
    }
    Ok(text)
}
