//! The deployment files agree with the server and with each other: `docker-compose.yml`'s
//! structure (replicas, health checks, limits, settings that exist, nginx's mounts), the
//! `Dockerfile`, and the settings documented in the README's table and in `.env.example`.
//! No Docker engine runs here; `.ci/nginx-replicas.sh` runs the nginx configuration itself.
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use clap::{CommandFactory, Parser};
use mali_admin::config::Config;
use serde::Deserialize;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn read(path: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join(path))
        .unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// The variables the server reads: each setting's, and `RUST_LOG` (tracing's filter).
fn setting_variables() -> BTreeMap<String, Option<String>> {
    let mut variables: BTreeMap<String, Option<String>> = Config::command()
        .get_arguments()
        .filter_map(|arg| {
            let env = arg.get_env()?.to_str()?.to_owned();
            Some((env, arg.get_long().map(|long| format!("--{long}"))))
        })
        .collect();
    variables.insert("RUST_LOG".to_owned(), None);
    variables
}

// The parts of the compose file this deployment uses. Unknown keys are refused, so that a
// misspelt key (`healtcheck`) fails here rather than being ignored by Docker.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Compose {
    services: BTreeMap<String, Service>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Service {
    build: Option<String>,
    image: String,
    command: Option<Vec<String>>,
    env_file: Option<Vec<EnvFile>>,
    environment: Option<BTreeMap<String, String>>,
    expose: Option<Vec<String>>,
    ports: Option<Vec<String>>,
    volumes: Option<Vec<String>>,
    depends_on: Option<BTreeMap<String, Dependency>>,
    deploy: Deploy,
    healthcheck: Healthcheck,
    stop_grace_period: Option<String>,
    restart: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EnvFile {
    path: String,
    required: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Dependency {
    condition: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Deploy {
    replicas: Option<u32>,
    resources: Resources,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Resources {
    limits: ResourceSet,
    reservations: Option<ResourceSet>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResourceSet {
    cpus: String,
    memory: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Healthcheck {
    test: Vec<String>,
    interval: String,
    timeout: String,
    retries: u32,
    start_period: String,
}

fn compose() -> Compose {
    serde_norway::from_str(&read("docker-compose.yml")).unwrap()
}

/// Megabytes of a compose memory size (`256M`, `1G`).
fn megabytes(size: &str) -> u64 {
    let (number, unit) = size.split_at(size.len() - 1);
    let number: u64 = number.parse().unwrap();
    match unit {
        "M" => number,
        "G" => number * 1024,
        _ => panic!("memory {size} is not in M or G"),
    }
}

fn check_limits(name: &str, resources: &Resources) {
    let cpus: f64 = resources.limits.cpus.parse().unwrap();
    assert!(cpus > 0.0 && cpus <= 4.0, "{name}: {cpus} CPUs");
    let memory = megabytes(&resources.limits.memory);
    assert!((64..=4096).contains(&memory), "{name}: {memory} MB");
    if let Some(reservations) = &resources.reservations {
        assert!(megabytes(&reservations.memory) <= memory, "{name}");
        assert!(reservations.cpus.parse::<f64>().unwrap() <= cpus, "{name}");
    }
}

/// The `include`d files of nginx.conf, in order.
fn nginx_includes() -> Vec<String> {
    read("deploy/nginx/nginx.conf")
        .lines()
        .filter_map(|line| line.trim().strip_prefix("include "))
        .map(|rest| rest.trim_end_matches(';').trim().to_owned())
        .collect()
}

#[test]
fn the_api_service_runs_several_health_checked_limited_replicas_with_real_settings() {
    let compose = compose();
    let api = &compose.services["api"];
    assert_eq!(api.build.as_deref(), Some("."));
    assert_eq!(api.image, "mali-admin:latest");
    assert!(api.deploy.replicas.unwrap() >= 2, "{:?}", api.deploy);
    check_limits("api", &api.deploy.resources);
    assert!(
        api.ports.is_none(),
        "the replicas are reached through nginx only"
    );
    assert_eq!(api.restart, "unless-stopped");

    // Every variable is one the server reads, and its value parses as the flag would.
    let variables = setting_variables();
    let environment = api.environment.as_ref().unwrap();
    let mut args = vec!["mali-admin".to_owned()];
    for (name, value) in environment {
        let flag = variables
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not a setting of the server"));
        if let Some(flag) = flag {
            args.push(format!("{flag}={value}"));
        }
    }
    let config = Config::try_parse_from(&args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
    assert_eq!(config.listen.to_string(), "0.0.0.0");
    let port = config.port.to_string();
    assert_eq!(api.expose.as_deref(), Some(&[port.clone()][..]));

    // The health check asks the replica itself, on its port, whether it is ready.
    let test = &api.healthcheck.test;
    assert_eq!(test[0], "CMD");
    assert_eq!(
        test.last().unwrap(),
        &format!("http://127.0.0.1:{port}/readyz")
    );
    assert!(api.healthcheck.retries >= 1);
    for duration in [
        &api.healthcheck.interval,
        &api.healthcheck.timeout,
        &api.healthcheck.start_period,
    ] {
        assert!(duration.ends_with('s'), "{duration}");
    }
    assert!(api.stop_grace_period.is_some());

    // Settings come from .env, which may be absent; .env.example is its template.
    let env_files = api.env_file.as_ref().unwrap();
    assert_eq!(env_files.len(), 1);
    assert_eq!(
        (env_files[0].path.as_str(), env_files[0].required),
        (".env", false)
    );
    assert!(Path::new(ROOT).join(".env.example").is_file());
}

#[test]
fn nginx_mounts_the_repository_files_it_includes_waits_for_healthy_replicas_and_publishes_its_port()
{
    let compose = compose();
    let nginx = &compose.services["nginx"];
    let api = &compose.services["api"];
    assert!(
        nginx.image.starts_with("nginx:1."),
        "pin nginx's version: {}",
        nginx.image
    );
    check_limits("nginx", &nginx.deploy.resources);
    assert!(nginx.deploy.replicas.is_none());
    assert_eq!(
        nginx.depends_on.as_ref().unwrap()["api"].condition,
        "service_healthy"
    );

    // The main file is the one `-c` names; the files it includes sit beside it.
    let command = nginx.command.as_ref().unwrap();
    let main = &command[command.iter().position(|a| a == "-c").unwrap() + 1];
    let directory = Path::new(main).parent().unwrap();
    let mounts: BTreeMap<&Path, &str> = nginx
        .volumes
        .as_ref()
        .unwrap()
        .iter()
        .map(|volume| {
            let parts: Vec<&str> = volume.split(':').collect();
            assert_eq!(parts.len(), 3, "{volume}");
            assert_eq!(parts[2], "ro", "{volume} should be read-only");
            let source = parts[0].strip_prefix("./").unwrap();
            assert!(
                Path::new(ROOT).join(source).is_file(),
                "{source} is not a file of the repository"
            );
            (Path::new(parts[1]), source)
        })
        .collect();
    assert_eq!(mounts[Path::new(main)], "deploy/nginx/nginx.conf");
    let includes = nginx_includes();
    assert_eq!(includes, ["upstream.conf", "listen.conf"]);
    for include in &includes {
        assert!(
            mounts.contains_key(directory.join(include).as_path()),
            "{include} is not mounted beside {main}"
        );
    }
    assert_eq!(mounts.len(), 1 + includes.len());

    // The upstream names the api service on the port the replicas listen on.
    let upstream = read(mounts[directory.join("upstream.conf").as_path()]);
    let port = &api.environment.as_ref().unwrap()["PORT"];
    assert!(upstream.contains("upstream api {"), "{upstream}");
    assert!(
        upstream.contains(&format!("server api:{port} max_fails=")),
        "{upstream}"
    );
    assert!(read("deploy/nginx/nginx.conf").contains("proxy_pass http://api;"));

    // nginx publishes the port it listens on, and its health check asks its own endpoint.
    let listen = read(mounts[directory.join("listen.conf").as_path()]);
    let listen_port = listen
        .lines()
        .find_map(|line| line.trim().strip_prefix("listen "))
        .unwrap()
        .trim_end_matches(';');
    assert_eq!(
        nginx.ports.as_deref(),
        Some(&[format!("{listen_port}:{listen_port}")][..])
    );
    assert_eq!(
        nginx.healthcheck.test.last().unwrap(),
        &format!("http://127.0.0.1:{listen_port}/nginx-health")
    );
    assert!(read("deploy/nginx/nginx.conf").contains("location = /nginx-health"));
}

#[test]
fn the_dockerfile_builds_in_one_stage_and_runs_as_a_non_root_user_in_another() {
    let dockerfile = read("Dockerfile");
    let instructions: Vec<(&str, &str)> = dockerfile
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with(' ') && !line.is_empty())
        .filter_map(|line| line.split_once(' '))
        .collect();
    let all = |keyword: &str| -> Vec<&str> {
        instructions
            .iter()
            .filter(|(k, _)| *k == keyword)
            .map(|(_, rest)| *rest)
            .collect()
    };
    let stages = all("FROM");
    assert_eq!(stages.len(), 2, "{stages:?}");
    assert!(stages[0].ends_with(" AS build"), "{stages:?}");
    assert!(
        all("COPY")
            .iter()
            .any(|copy| copy.starts_with("--from=build "))
    );
    let user = all("USER");
    assert_eq!(user.len(), 1);
    assert!(!["root", "0"].contains(&user[0]), "{user:?}");
    assert_eq!(all("STOPSIGNAL"), ["SIGTERM"]);
    assert_eq!(all("HEALTHCHECK").len(), 1);
    let compose = compose();
    let port = &compose.services["api"].environment.as_ref().unwrap()["PORT"];
    assert_eq!(all("EXPOSE"), [port.as_str()]);

    // The build stage copies every file cargo needs, and only files that exist.
    let copied: BTreeSet<&str> = all("COPY")
        .iter()
        .filter(|copy| !copy.starts_with("--"))
        .flat_map(|copy| {
            let words: Vec<&str> = copy.split_whitespace().collect();
            words[..words.len() - 1].to_vec()
        })
        .collect();
    for source in &copied {
        assert!(Path::new(ROOT).join(source).exists(), "COPY {source}");
    }
    for needed in ["Cargo.toml", "Cargo.lock", "src", "data", "build.rs"] {
        if Path::new(ROOT).join(needed).exists() {
            assert!(
                copied.contains(needed),
                "the Dockerfile does not copy {needed}"
            );
        }
    }
}

#[test]
fn the_readme_table_lists_every_setting_with_its_flag_and_nothing_else() {
    let readme = read("README.md");
    let section = readme
        .split("\n## Settings\n")
        .nth(1)
        .unwrap()
        .split("\n## ")
        .next()
        .unwrap();
    let rows: BTreeMap<String, Option<String>> = section
        .lines()
        .filter(|line| {
            line.starts_with("| ") && !line.starts_with("| flag") && !line.starts_with("| ---")
        })
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let unquote = |cell: &str| cell.trim_matches('`').to_owned();
            let flag = (!cells[1].is_empty()).then(|| unquote(cells[1]));
            (unquote(cells[2]), flag)
        })
        .collect();
    assert_eq!(rows, setting_variables());
}

#[test]
fn env_example_has_every_setting_with_a_comment_and_nothing_else() {
    let example = read(".env.example");
    let lines: Vec<&str> = example.lines().collect();
    let mut names = BTreeSet::new();
    for (i, line) in lines.iter().enumerate() {
        let assignment = line.trim_start_matches("# ");
        let Some((name, _)) = assignment.split_once('=') else {
            continue;
        };
        if !name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        {
            continue;
        }
        assert!(names.insert(name.to_owned()), "{name} twice");
        let comment = lines[..i].last().unwrap();
        assert!(
            comment.starts_with("# ") && !comment.contains('='),
            "{name} has no comment above it"
        );
    }
    let expected: BTreeSet<String> = setting_variables().into_keys().collect();
    assert_eq!(names, expected);
}
