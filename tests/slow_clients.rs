//! Slow and idle clients over a real socket: a client that never finishes its headers or its
//! body is cut off, a normal request is answered while thousands of them hold connections, a
//! connection serves a bounded number of requests, and `/readyz` turns 503 as soon as shutdown
//! begins.
#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use mali_admin::http::{HttpSettings, ServeSettings, router_with, serve_with};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

/// A server on a free loopback port; drop (or send on) the sender to shut it down.
async fn start(
    http: HttpSettings,
    serve: ServeSettings,
) -> (
    SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    let router = router_with(Arc::new(common::api()), http);
    let server = tokio::spawn(serve_with(listener, router, serve, async {
        stopped.await.ok();
    }));
    (address, stop, server)
}

/// Reads until the server closes the connection (or `limit` passes); returns what came and how
/// long it took.
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> (String, Duration) {
    let started = Instant::now();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(limit, stream.read_to_end(&mut answer)).await;
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let serve = ServeSettings {
        header_timeout: Duration::from_millis(300),
        ..ServeSettings::default()
    };
    let (address, _stop, _server) = start(HttpSettings::default(), serve).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Slow: ")
        .await
        .unwrap();
    let (_, elapsed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(
        elapsed >= Duration::from_millis(250) && elapsed < Duration::from_secs(2),
        "{elapsed:?}"
    );
    // A connection that sends nothing at all is closed as soon.
    let mut silent = TcpStream::connect(address).await.unwrap();
    let (_, elapsed) = read_until_closed(&mut silent, Duration::from_secs(5)).await;
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
    // And an idle keep-alive connection after its first answer.
    let mut idle = TcpStream::connect(address).await.unwrap();
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let (answer, elapsed) = read_until_closed(&mut idle, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn a_client_that_never_finishes_its_body_gets_408() {
    let http = HttpSettings {
        body_timeout: Some(Duration::from_millis(300)),
        ..HttpSettings::default()
    };
    let (address, _stop, _server) = start(http, ServeSettings::default()).await;
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"query\":",
        )
        .await
        .unwrap();
    let (answer, elapsed) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("REQUEST_TIMEOUT"), "{answer}");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[tokio::test]
async fn a_normal_request_is_answered_while_two_thousand_slow_connections_are_open() {
    let (address, _stop, _server) = start(HttpSettings::default(), ServeSettings::default()).await;
    let mut slow = Vec::with_capacity(2_000);
    for _ in 0..2_000 {
        let mut stream = TcpStream::connect(address).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: loc")
            .await
            .unwrap();
        slow.push(stream);
    }
    let started = Instant::now();
    let body: serde_json::Value = common::http::post_over_socket(
        &reqwest::Client::new(),
        &format!("http://{address}/graphql"),
        r#"{ cercle(code: "1903") { name } }"#,
    )
    .await;
    assert_eq!(body["data"]["cercle"]["name"], "Bankass");
    // Answered before any slow connection timed out (10 s): the server did not wait for them.
    assert!(
        started.elapsed() < ServeSettings::default().header_timeout,
        "{:?}",
        started.elapsed()
    );
    // The slow ones are all still open (the header timeout is 10 s): none was dropped to make
    // room.
    let mut probe = [0u8; 1];
    let open = slow
        .iter_mut()
        .filter(|stream| stream.try_read(&mut probe).is_err())
        .count();
    assert_eq!(open, 2_000);
}

#[tokio::test]
async fn connections_past_the_cap_wait_and_a_connection_serves_a_bounded_number_of_requests() {
    let serve = ServeSettings {
        max_connections: 2,
        keep_alive_requests: 3,
        header_timeout: Duration::from_millis(500),
        ..ServeSettings::default()
    };
    let (address, _stop, _server) = start(HttpSettings::default(), serve).await;
    // Two silent connections take both slots; a third is accepted only once they time out.
    let _first = TcpStream::connect(address).await.unwrap();
    let _second = TcpStream::connect(address).await.unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    let mut third = TcpStream::connect(address).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut buffer = [0u8; 256];
    let read = tokio::time::timeout(Duration::from_secs(5), third.read(&mut buffer))
        .await
        .unwrap()
        .unwrap();
    assert!(String::from_utf8_lossy(&buffer[..read]).starts_with("HTTP/1.1 200"));
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "{:?}",
        started.elapsed()
    );

    // Three requests on one connection: the third answer says `Connection: close`.
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(&b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n".repeat(3))
        .await
        .unwrap();
    let (answers, _) = read_until_closed(&mut stream, Duration::from_secs(5)).await;
    assert_eq!(answers.matches("HTTP/1.1 200").count(), 3, "{answers}");
    assert_eq!(answers.matches("connection: close").count(), 1, "{answers}");
}

#[tokio::test]
async fn readyz_turns_503_as_soon_as_shutdown_begins_and_requests_are_served_while_draining() {
    let serve = ServeSettings {
        drain: Duration::from_millis(700),
        ..ServeSettings::default()
    };
    let (address, stop, server) = start(HttpSettings::default(), serve).await;
    let client = reqwest::Client::new();
    let ready = client
        .get(format!("http://{address}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 200);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(body["draining"], false);

    stop.send(()).unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let ready = client
        .get(format!("http://{address}/readyz"))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    let body: serde_json::Value = ready.json().await.unwrap();
    assert_eq!(
        (&body["ready"], &body["draining"]),
        (&false.into(), &true.into())
    );
    // Still serving, on a new connection too.
    let answer: serde_json::Value = common::http::post_over_socket(
        &reqwest::Client::new(),
        &format!("http://{address}/graphql"),
        "{ country { name } }",
    )
    .await;
    assert_eq!(answer["data"]["country"]["name"], "Mali");
    // Then it stops.
    tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(TcpStream::connect(address).await.is_err());
}
