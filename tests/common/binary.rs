//! The real binary, started on a free port for a test, with its stderr read line by line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Kills the server when the test ends, passed or not.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The next line of stderr that contains `needle`; a missing line fails the test (after 20 s,
/// so that it cannot hang) rather than passing.
pub fn line_with(lines: &mpsc::Receiver<String>, needle: &str) -> String {
    loop {
        match lines.recv_timeout(Duration::from_secs(20)) {
            Ok(line) if line.contains(needle) => return line,
            Ok(_) => {}
            Err(error) => panic!("no line with {needle:?} on stderr: {error}"),
        }
    }
}

/// The server started with `args`, the lines of its stderr, and its address.
pub fn start(args: &[&str]) -> (Server, mpsc::Receiver<String>, String) {
    start_logging(args, "info")
}

/// [`start`] with `RUST_LOG` set to `filter` (which must let the `listening` line through).
pub fn start_logging(args: &[&str], filter: &str) -> (Server, mpsc::Receiver<String>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mali-admin"))
        .args(["--listen", "127.0.0.1", "--port", "0"])
        .args(args)
        .env("RUST_LOG", filter)
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
