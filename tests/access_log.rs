//! The access log of the real binary: one line per request on stderr, by default, written while
//! the server runs (its writer buffers what queues up, and must still flush every line once the
//! queue is empty, not at exit).
#![allow(clippy::unwrap_used)]

mod common;

use std::process::Command;
use std::sync::mpsc;

use common::binary::{Server, line_with, start, start_logging};

const BANKASS: &str = r#"{ cercle(code: "1903") { name } }"#;

#[tokio::test]
async fn each_request_writes_one_access_line_while_the_server_runs() {
    let (_server, lines, address) = start(&[]);
    let url = format!("http://{address}/graphql");
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let body = common::http::post_over_socket(&client, &url, BANKASS).await;
        assert_eq!(body["data"]["cercle"]["name"], "Bankass");
    }
    let healthz = client
        .get(format!("http://{address}/healthz"))
        .header("x-request-id", "the-client-s-id")
        .send()
        .await
        .unwrap();
    assert_eq!(healthz.status(), 200);

    // The three POSTs, then the GET, in order, each with its status, bytes and request id.
    for _ in 0..3 {
        let line = line_with(&lines, " access: ");
        let fields: Vec<&str> = line.split(" access: ").nth(1).unwrap().split(' ').collect();
        assert_eq!(&fields[..3], ["POST", "/graphql", "200"], "{line}");
        assert!(fields[3].parse::<u64>().is_ok(), "micros in {line}");
        assert_eq!(fields[4], "µs", "{line}");
        assert!(fields[5].parse::<u64>().unwrap() > 0, "bytes in {line}");
        assert_eq!(fields[6], "B", "{line}");
        // A request id the server made (a UUID).
        assert_eq!(fields[7].strip_prefix("id=").unwrap().len(), 36, "{line}");
    }
    let line = line_with(&lines, " access: ");
    assert!(line.contains(" access: GET /healthz 200 "), "{line}");
    assert!(line.ends_with(" B id=the-client-s-id"), "{line}");
}

#[tokio::test]
async fn with_json_logs_an_access_line_is_one_json_object() {
    let (_server, lines, address) = start(&["--log-format", "json"]);
    let url = format!("http://{address}/graphql?query=%7B%20country%20%7B%20name%20%7D%20%7D");
    let answer = reqwest::Client::new()
        .get(&url)
        .header("x-request-id", "json-line")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let line = line_with(&lines, r#""target":"access""#);
    let entry: serde_json::Value = serde_json::from_str(&line).unwrap();
    assert_eq!(entry["level"], "INFO", "{line}");
    assert_eq!(entry["method"], "GET", "{line}");
    assert_eq!(
        entry["uri"], "/graphql?query=%7B%20country%20%7B%20name%20%7D%20%7D",
        "{line}"
    );
    assert_eq!(entry["status"], 200, "{line}");
    assert_eq!(entry["id"], "json-line", "{line}");
    assert!(entry["bytes"].as_u64().unwrap() > 0, "{line}");
    assert!(entry["micros"].is_u64(), "{line}");
    assert!(
        entry["timestamp"].as_str().unwrap().ends_with('Z'),
        "{line}"
    );
}

/// Asks the server for Bankass, stops it with SIGTERM at once (before the batch's delay has
/// passed, most of the time), and returns what it wrote to stderr after starting.
async fn ask_once_and_stop(
    (mut server, lines, address): (Server, mpsc::Receiver<String>, String),
) -> Vec<String> {
    let url = format!("http://{address}/graphql");
    let body = common::http::post_over_socket(&reqwest::Client::new(), &url, BANKASS).await;
    assert_eq!(body["data"]["cercle"]["name"], "Bankass");
    let stopped = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.0.wait().unwrap().success());
    lines.iter().collect()
}

#[tokio::test]
async fn the_last_lines_are_written_when_the_server_stops() {
    let rest = ask_once_and_stop(start(&[])).await;
    assert!(
        rest.iter()
            .any(|line| line.contains(" access: POST /graphql 200 ")),
        "{rest:#?}"
    );
}

#[tokio::test]
async fn rust_log_without_info_for_access_writes_no_line() {
    let rest = ask_once_and_stop(start_logging(&[], "warn,mali_admin=info")).await;
    assert!(
        !rest.iter().any(|line| line.contains(" access: ")),
        "{rest:#?}"
    );
}

/// The whole tree of 2010, on async-graphql's executor: several levels of the loaders, more
/// than a millisecond in any build.
const WHOLE_TREE_2010: &str = r#"{ regions(asOf: "2010-01-01") { name cercles { name communes { name urban population(year: 2009) } } } }"#;

#[tokio::test]
async fn an_answer_5xx_is_logged_as_an_error_without_the_access_lines() {
    let (_server, lines, address) = start_logging(
        &["--fast-path", "false", "--timeout-ms", "1"],
        "warn,mali_admin=info",
    );
    let answer = reqwest::Client::new()
        .post(format!("http://{address}/graphql"))
        .json(&serde_json::json!({ "query": WHOLE_TREE_2010 }))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 503);
    let line = line_with(&lines, "response failed");
    assert!(line.contains("ERROR"), "{line}");
    assert!(line.contains("status=503"), "{line}");
    assert!(line.contains("route=\"/graphql\""), "{line}");
}

#[tokio::test]
async fn request_spans_and_answer_lines_come_with_a_debug_filter() {
    let (_server, lines, address) = start_logging(&[], "warn,mali_admin=info,tower_http=debug");
    let body = common::http::post_over_socket(
        &reqwest::Client::new(),
        &format!("http://{address}/graphql"),
        BANKASS,
    )
    .await;
    assert_eq!(body["data"]["cercle"]["name"], "Bankass");
    let line = line_with(&lines, "finished processing request");
    assert!(line.contains("DEBUG"), "{line}");
    assert!(line.contains("status=200"), "{line}");
}

#[tokio::test]
async fn a_sigterm_as_soon_as_the_server_listens_drains_it() {
    // The signal's handlers are installed before the `listening` line: a SIGTERM that comes
    // at once ends the server cleanly (exit 0, its last line written), never by the default
    // action of the signal.
    for round in 0..10 {
        let (mut server, lines, _) = start(&[]);
        let stopped = Command::new("kill")
            .args(["-TERM", &server.0.id().to_string()])
            .status()
            .unwrap();
        assert!(stopped.success());
        let status = server.0.wait().unwrap();
        assert!(status.success(), "round {round}: {status}");
        line_with(&lines, "shutting down");
    }
}
