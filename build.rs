//! Build script: bundles GraphiQL from the npm package in `graphiql/` (its `package-lock.json`
//! pins every file) into `OUT_DIR`, and writes the list of the bundle's files for
//! `src/http/graphiql.rs` to embed, so the server serves the page without any CDN.
//!
//! `MALI_ADMIN_GRAPHIQL_DIST` names a folder holding an already built bundle (`node build.mjs
//! <folder>` in `graphiql/`, e.g. in a Node stage of a container build); without it this script
//! needs `npm` and `node` (Node 18 or later) and runs `npm ci` (only when `node_modules` does
//! not match the lock file) and the bundler. It writes nothing outside `OUT_DIR` and
//! `graphiql/node_modules`.

use std::env;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The environment variable naming a folder with a prebuilt bundle.
const PREBUILT: &str = "MALI_ADMIN_GRAPHIQL_DIST";

/// Written into `node_modules` after a successful `npm ci`: the lock file it installed.
const INSTALLED_LOCK: &str = ".mali-admin-installed-lock.json";

fn main() {
    if let Err(message) = run() {
        // Cargo prints a failed build script's stderr: say what is missing and how to fix it.
        eprintln!("error: building GraphiQL's assets: {message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest_dir = PathBuf::from(env_var("CARGO_MANIFEST_DIR")?);
    let out_dir = PathBuf::from(env_var("OUT_DIR")?);
    let package = manifest_dir.join("graphiql");

    println!("cargo:rerun-if-env-changed={PREBUILT}");
    let dist = match env::var_os(PREBUILT) {
        Some(prebuilt) => {
            let prebuilt = PathBuf::from(prebuilt);
            println!("cargo:rerun-if-changed={}", prebuilt.display());
            prebuilt
        }
        None => {
            for watched in [
                "package.json",
                "package-lock.json",
                "build.mjs",
                "src",
                "examples",
            ] {
                println!("cargo:rerun-if-changed={}", package.join(watched).display());
            }
            let dist = out_dir.join("graphiql");
            bundle(&package, &dist)?;
            dist
        }
    };
    let listing = asset_list(&dist)?;
    fs::write(out_dir.join("graphiql_assets.rs"), listing)
        .map_err(|error| format!("writing the asset list into {}: {error}", out_dir.display()))
}

fn env_var(name: &str) -> Result<String, String> {
    env::var(name).map_err(|_| format!("cargo did not set {name}"))
}

/// `npm ci` when needed, then `node build.mjs <dist>`.
fn bundle(package: &Path, dist: &Path) -> Result<(), String> {
    for tool in ["node", "npm"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success());
        if !found {
            return Err(format!(
                "`{tool}` was not found. GraphiQL is bundled from npm packages at build time: \
                 install Node.js 18 or later with npm (Debian: `apt-get install nodejs npm`), \
                 or set {PREBUILT} to a folder built by `node build.mjs <folder>` in graphiql/."
            ));
        }
    }
    let lock = fs::read(package.join("package-lock.json"))
        .map_err(|error| format!("reading graphiql/package-lock.json: {error}"))?;
    let stamp = package.join("node_modules").join(INSTALLED_LOCK);
    if fs::read(&stamp).ok().as_deref() != Some(lock.as_slice()) {
        command(
            Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(package),
            "npm ci",
        )?;
        fs::write(&stamp, &lock)
            .map_err(|error| format!("writing {}: {error}", stamp.display()))?;
    }
    command(
        Command::new("node")
            .arg("build.mjs")
            .arg(dist)
            .current_dir(package),
        "node build.mjs",
    )
}

fn command(command: &mut Command, what: &str) -> Result<(), String> {
    let status = command
        .status()
        .map_err(|error| format!("running `{what}`: {error}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{what}` in graphiql/ failed ({status})"))
    }
}

/// Rust source listing the bundle's files: name, media type, bytes (`include_bytes!`).
fn asset_list(dist: &Path) -> Result<String, String> {
    let entries = fs::read_dir(dist)
        .map_err(|error| format!("reading the bundle folder {}: {error}", dist.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|error| error.to_string())?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    files.sort();
    let scripts = files
        .iter()
        .filter(|path| has_extension(path, "js"))
        .count();
    let sheets = files
        .iter()
        .filter(|path| has_extension(path, "css"))
        .count();
    if scripts != 1 || sheets != 1 {
        return Err(format!(
            "{} should hold one .js and one .css file, it holds {scripts} and {sheets}",
            dist.display()
        ));
    }
    let mut source = String::from(
        "// Generated by build.rs from the GraphiQL bundle.\npub(crate) const ASSETS: &[Asset] = &[\n",
    );
    for path in &files {
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| format!("{}: not a UTF-8 file name", path.display()))?;
        let extension = path.extension().and_then(|ext| ext.to_str()).unwrap_or("");
        let media_type = match extension {
            "js" => "text/javascript; charset=utf-8",
            "css" => "text/css; charset=utf-8",
            "woff2" => "font/woff2",
            "woff" => "font/woff",
            "ttf" => "font/ttf",
            "png" => "image/png",
            "svg" => "image/svg+xml",
            // Source maps and license files are not served.
            "map" | "txt" => continue,
            other => return Err(format!("{}: no media type for .{other}", path.display())),
        };
        let absolute = path
            .canonicalize()
            .map_err(|error| format!("{}: {error}", path.display()))?;
        let _ = writeln!(
            source,
            "    Asset {{ name: {name:?}, media_type: {media_type:?}, body: include_bytes!({:?}) }},",
            absolute.display().to_string()
        );
    }
    source.push_str("];\n");
    Ok(source)
}

fn has_extension(path: &Path, extension: &str) -> bool {
    path.extension().is_some_and(|ext| ext == extension)
}
