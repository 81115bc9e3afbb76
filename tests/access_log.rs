//! The access log of the real binary: one line per request on stderr, by default, written while
//! the server runs (its writer buffers what queues up, and must still flush every line once the
//! queue is empty, not at exit).
#![allow(clippy::unwrap_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the server when the test ends, passed or not.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The next line of stderr that contains `needle`; a missing line fails the test (after 20 s,
/// so that it cannot hang) rather than passing.
fn line_with(lines: &mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => {}
            Err(error) => panic!("no line with {needle:?} on stderr: {error}"),
        }
    }
}

/// The server started with `args`, the lines of its stderr, and its address.
fn start(args: &[&str]) -> (Server, mpsc::Receiver<String>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mali-admin"))
        .args(["--listen", "127.0.0.1", "--port", "0"])
        .args(args)
        .env("RUST_LOG", "info")
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let server = Server(child);
    let (send, lines) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if send.send(line).is_err() {
                break;
            }
        }
    });
    let listening = line_with(&lines, "listening: GraphiQL at http://");
    let address = listening
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_owned();
    (server, lines, address)
}

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

#[tokio::test]
async fn the_last_lines_are_written_when_the_server_stops() {
    let (mut server, lines, address) = start(&[]);
    let url = format!("http://{address}/graphql");
    let body = common::http::post_over_socket(&reqwest::Client::new(), &url, BANKASS).await;
    assert_eq!(body["data"]["cercle"]["name"], "Bankass");
    // At once, before the batch's delay has passed, most of the time.
    let stopped = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    assert!(server.0.wait().unwrap().success());
    let rest: Vec<String> = lines.iter().collect();
    assert!(
        rest.iter()
            .any(|line| line.contains(" access: POST /graphql 200 ")),
        "{rest:#?}"
    );
}
