//! The layout keeps the architecture visible: no import circle between the library's modules,
//! and no folder of `src/` holding more than about a quarter of its lines.
//!
//! A module's imports are the `crate::…` and `super::…` paths it names outside its comments and
//! its `#[cfg(test)] mod tests`; a path into one of its own ancestors is not counted (a child
//! module using its parent's types is how Rust nests modules).

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The share of `src/`'s lines one folder may hold, in per cent ("about a quarter").
const MAX_FOLDER_SHARE: usize = 27;

type Module = Vec<String>;

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

/// The library's modules (the binaries left out), by path, with their source.
fn modules() -> BTreeMap<Module, String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files
        .into_iter()
        .filter_map(|file| {
            let relative = file.strip_prefix(&src).ok()?.with_extension("");
            let mut parts: Module = relative
                .iter()
                .map(|part| part.to_string_lossy().into_owned())
                .collect();
            if parts.first().is_some_and(|first| first == "bin") || parts == ["main"] {
                return None;
            }
            if parts
                .last()
                .is_some_and(|last| last == "mod" || last == "lib")
            {
                parts.pop();
            }
            Some((parts, fs::read_to_string(&file).expect("a source file")))
        })
        .collect()
}

/// The code of a module without its comments and its unit tests.
fn code(source: &str) -> String {
    let without_tests = source
        .split("#[cfg(test)]\nmod tests")
        .next()
        .unwrap_or_default();
    without_tests
        .lines()
        .filter(|line| !line.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every path the code names from `crate::` or `super::`, with the items of `use` groups
/// (`use super::{a, b::C}`) spelled out, as the segments after the root.
fn paths(code: &str) -> Vec<(bool, Vec<String>)> {
    let mut found = Vec::new();
    let bytes: Vec<char> = code.chars().collect();
    let mut at = 0;
    while at < bytes.len() {
        let rest: String = bytes[at..bytes.len().min(at + 8)].iter().collect();
        let root = if rest.starts_with("crate::") {
            Some((true, 7))
        } else if rest.starts_with("super::") {
            Some((false, 7))
        } else {
            None
        };
        let preceded_by_word = at > 0 && (bytes[at - 1].is_alphanumeric() || bytes[at - 1] == '_');
        let Some((from_crate, skip)) = root.filter(|_| !preceded_by_word) else {
            at += 1;
            continue;
        };
        let (mut segments, end) = segments_from(&bytes, at + skip);
        if bytes.get(end) == Some(&'{') {
            // A group: each item is a path below the segments read so far.
            let close = matching_brace(&bytes, end);
            let inner: String = bytes[end + 1..close].iter().collect();
            for item in split_top_level(&inner) {
                let item_chars: Vec<char> = item.trim().chars().collect();
                let (more, _) = segments_from(&item_chars, 0);
                let mut path = segments.clone();
                path.extend(more);
                found.push((from_crate, path));
            }
            at = close;
        } else {
            found.push((from_crate, std::mem::take(&mut segments)));
            at = end;
        }
    }
    found
}

/// Reads `a::b::c` from `start`; stops before anything else (and after a trailing `::`).
fn segments_from(chars: &[char], start: usize) -> (Vec<String>, usize) {
    let mut segments = Vec::new();
    let mut at = start;
    loop {
        let begin = at;
        while at < chars.len() && (chars[at].is_alphanumeric() || chars[at] == '_') {
            at += 1;
        }
        if at > begin {
            segments.push(chars[begin..at].iter().collect());
        }
        if chars.get(at) == Some(&':') && chars.get(at + 1) == Some(&':') {
            at += 2;
        } else {
            return (segments, at);
        }
    }
}

fn matching_brace(chars: &[char], open: usize) -> usize {
    let mut depth = 0;
    for (at, c) in chars.iter().enumerate().skip(open) {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return at;
                }
            }
            _ => {}
        }
    }
    chars.len()
}

/// The items of a `use` group, split at its top-level commas.
fn split_top_level(inner: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut depth = 0;
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(String::new());
                continue;
            }
            _ => {}
        }
        if let Some(last) = items.last_mut() {
            last.push(c);
        }
    }
    items
}

/// The module a path lands in: the longest prefix of it that is a module.
fn resolve(known: &BTreeMap<Module, String>, path: &[String]) -> Option<Module> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|prefix| known.contains_key(prefix))
}

/// Which modules each module imports.
fn imports(known: &BTreeMap<Module, String>) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
    for (module, source) in known {
        // `super` is the module's parent, whichever file holds the module.
        let parent: Module = module[..module.len().saturating_sub(1)].to_vec();
        for (from_crate, path) in paths(&code(source)) {
            let full: Module = if from_crate {
                path
            } else {
                parent.iter().cloned().chain(path).collect()
            };
            let Some(target) = resolve(known, &full) else {
                continue;
            };
            let is_ancestor = target.len() < module.len() && module.starts_with(&target);
            if target != *module && !is_ancestor {
                edges.entry(module.clone()).or_default().insert(target);
            }
        }
    }
    edges
}

/// A circle of imports, if there is one.
fn find_circle(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        module: &Module,
        edges: &BTreeMap<Module, BTreeSet<Module>>,
        done: &mut BTreeSet<Module>,
        stack: &mut Vec<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(at) = stack.iter().position(|m| m == module) {
            return Some(stack[at..].to_vec());
        }
        if done.contains(module) {
            return None;
        }
        stack.push(module.clone());
        for next in edges.get(module).into_iter().flatten() {
            if let Some(circle) = visit(next, edges, done, stack) {
                return Some(circle);
            }
        }
        stack.pop();
        done.insert(module.clone());
        None
    }
    let mut done = BTreeSet::new();
    edges
        .keys()
        .find_map(|module| visit(module, edges, &mut done, &mut Vec::new()))
}

#[test]
fn the_library_modules_import_one_another_without_a_circle() {
    let known = modules();
    let edges = imports(&known);
    // The walk must see the imports it is meant to judge.
    let schema_units: Module = vec!["schema".into(), "units".into()];
    let schema_types: Module = vec!["schema".into(), "types".into()];
    let query: Module = vec!["graphql".into(), "query".into()];
    assert!(edges[&schema_units].contains(&schema_types));
    assert!(edges[&query].contains(&vec!["schema".to_owned()]));
    let circle = find_circle(&edges).map(|circle| {
        circle
            .iter()
            .map(|module| module.join("/"))
            .collect::<Vec<_>>()
    });
    assert_eq!(circle, None, "an import circle");
}

#[test]
fn the_walk_finds_a_circle_when_there_is_one() {
    let a: Module = vec!["a".into()];
    let b: Module = vec!["b".into()];
    let mut edges = BTreeMap::new();
    edges.insert(a.clone(), BTreeSet::from([b.clone()]));
    edges.insert(b.clone(), BTreeSet::from([a]));
    assert!(find_circle(&edges).is_some());
    edges.insert(b, BTreeSet::new());
    assert_eq!(find_circle(&edges), None);
}

#[test]
fn use_groups_are_read_item_by_item() {
    let found =
        paths("use super::{date::Date, types::{A, B}};\nlet x = crate::model::AdminGraph::new();");
    assert_eq!(
        found,
        vec![
            (false, vec!["date".to_owned(), "Date".to_owned()]),
            (false, vec!["types".to_owned()]),
            (
                true,
                vec![
                    "model".to_owned(),
                    "AdminGraph".to_owned(),
                    "new".to_owned()
                ]
            ),
        ]
    );
}

#[test]
fn no_folder_holds_more_than_about_a_quarter_of_the_code() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut by_folder: BTreeMap<String, usize> = BTreeMap::new();
    let mut total = 0;
    for file in &files {
        let lines = fs::read_to_string(file)
            .expect("a source file")
            .lines()
            .count();
        total += lines;
        let relative = file.strip_prefix(&src).expect("under src/");
        if relative.components().count() > 1 {
            let folder = relative.iter().next().expect("a first component");
            *by_folder
                .entry(folder.to_string_lossy().into_owned())
                .or_default() += lines;
        }
    }
    assert!(by_folder.len() >= 6, "the folders: {by_folder:?}");
    for (folder, lines) in &by_folder {
        assert!(
            lines * 100 <= total * MAX_FOLDER_SHARE,
            "src/{folder}/ holds {lines} of {total} lines"
        );
    }
}
