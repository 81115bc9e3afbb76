//! Bad input never hurts: malformed, mistyped and absurd requests each get a clear 4xx or a
//! coded GraphQL error, in process and over a real socket, and the server answers the next
//! request.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::http::{GRAPHQL_RESPONSE, app, post, post_query, send};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A hostile request, and the status and code it must get.
struct Case {
    name: &'static str,
    request: fn() -> Request<Body>,
    status: StatusCode,
    code: Option<&'static str>,
}

fn raw(method: Method, content_type: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::builder()
        .method(method)
        .uri("/graphql")
        .header(header::ACCEPT, GRAPHQL_RESPONSE);
    if let Some(content_type) = content_type {
        request = request.header(header::CONTENT_TYPE, content_type);
    }
    request.body(body.into()).unwrap()
}

fn cases() -> Vec<Case> {
    vec![
        Case {
            name: "malformed JSON",
            request: || post(r#"{"query": "{ regions { name } }""#, GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("INVALID_JSON"),
        },
        Case {
            name: "invalid UTF-8",
            request: || {
                post(
                    &b"{\"query\": \"{ regions { name \xff\xfe } }\"}"[..],
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("INVALID_JSON"),
        },
        Case {
            name: "a parameter given twice",
            request: || {
                post(
                    r#" {"query": "{ __typename }", "query": "{ dataVersion }"}"#,
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("INVALID_JSON"),
        },
        Case {
            name: "trailing text after the object",
            request: || post(r#"{"query": "{ __typename }"} {}"#, GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("INVALID_JSON"),
        },
        Case {
            name: "empty body",
            request: || post("", GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_REQUEST"),
        },
        Case {
            name: "a JSON string instead of an object",
            request: || post(r#""{ regions { name } }""#, GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_REQUEST"),
        },
        Case {
            name: "query as a number",
            request: || post(r#"{"query": 42}"#, GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_REQUEST"),
        },
        Case {
            name: "variables as a list",
            request: || {
                post(
                    r#"{"query": "{ __typename }", "variables": [1]}"#,
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_REQUEST"),
        },
        Case {
            name: "no query",
            request: || post(r#"{"qeury": "{ __typename }"}"#, GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_REQUEST"),
        },
        Case {
            name: "PUT",
            request: || {
                raw(
                    Method::PUT,
                    Some("application/json"),
                    r#"{"query": "{ __typename }"}"#,
                )
            },
            status: StatusCode::METHOD_NOT_ALLOWED,
            code: None,
        },
        Case {
            name: "DELETE",
            request: || raw(Method::DELETE, None, ""),
            status: StatusCode::METHOD_NOT_ALLOWED,
            code: None,
        },
        Case {
            name: "text/plain body",
            request: || raw(Method::POST, Some("text/plain"), "{ __typename }"),
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: Some("UNSUPPORTED_MEDIA_TYPE"),
        },
        Case {
            name: "no content type",
            request: || raw(Method::POST, None, r#"{"query": "{ __typename }"}"#),
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: Some("UNSUPPORTED_MEDIA_TYPE"),
        },
        Case {
            name: "JSON in latin-1",
            request: || {
                raw(
                    Method::POST,
                    Some("application/json; charset=iso-8859-1"),
                    r#"{"query": "{ __typename }"}"#,
                )
            },
            status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
            code: Some("UNSUPPORTED_MEDIA_TYPE"),
        },
        Case {
            name: "unknown operation",
            request: || {
                post(
                    r#"{"query": "query A { __typename }", "operationName": "B"}"#,
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_REQUEST"),
        },
        Case {
            name: "variable of the wrong type",
            request: || {
                post(
                    json!({"query": "query($year: Int!) { regions { population(year: $year) } }", "variables": {"year": "two thousand"}}).to_string(),
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_USER_INPUT"),
        },
        Case {
            name: "a required variable left out",
            request: || {
                post(
                    json!({"query": "query C($n: String!) { cercle(name: $n) { name } }", "variables": {}}).to_string(),
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_USER_INPUT"),
        },
        Case {
            name: "a required variable given as null",
            request: || {
                post(
                    json!({"query": "query C($n: String!) { cercle(name: $n) { name } }", "variables": {"n": null}}).to_string(),
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_USER_INPUT"),
        },
        Case {
            name: "a variable that is not a date",
            request: || {
                post(
                    json!({"query": "query D($d: Date) { regions(asOf: $d) { name } }", "variables": {"d": "2010-13-45"}}).to_string(),
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_USER_INPUT"),
        },
        Case {
            name: "a number where a date is expected",
            request: || post_query("{ regions(asOf: 2010) { name } }", GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("GRAPHQL_VALIDATION_FAILED"),
        },
        Case {
            name: "a date literal that is no date, in a nested field",
            request: || {
                post_query(
                    r#"{ cercle(name: "Kati") { name region(asOf: "2010-13-45") { name } } }"#,
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("GRAPHQL_VALIDATION_FAILED"),
        },
        Case {
            name: "an Int beyond 32 bits in a field that never runs (an empty list)",
            request: || {
                post_query(
                    r#"{ region(name: "Bamako") { cercles { growth(fromYear: 1998, toYear: -1677298009304) { percent } } } }"#,
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("GRAPHQL_VALIDATION_FAILED"),
        },
        Case {
            name: "an integer beyond 64 bits in the document",
            request: || {
                post_query(
                    "{ regions { population(year: 99999999999999999999999) } }",
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("GRAPHQL_VALIDATION_FAILED"),
        },
        Case {
            name: "a number beyond f64 in the variables",
            request: || {
                post(
                    r#"{"query": "query($year: Int!) { regions { population(year: $year) } }", "variables": {"year": 1e400}}"#,
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("INVALID_JSON"),
        },
        Case {
            name: "a date in year 99999",
            request: || {
                post_query(
                    r#"{ regions(asOf: "99999-01-01") { name } }"#,
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("GRAPHQL_VALIDATION_FAILED"),
        },
        Case {
            // 30,000 tokens: refused by their count before the parser sees them.
            name: "ten thousand nested braces",
            request: || {
                post_query(
                    &format!("{}{}", "{ a ".repeat(10_000), "}".repeat(10_000)),
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("TOO_MANY_TOKENS"),
        },
        Case {
            // Within the token limit, the parser's own nesting limit refuses it.
            name: "five hundred nested braces",
            request: || {
                post_query(
                    &format!("{}{}", "{ a ".repeat(500), "}".repeat(500)),
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("GRAPHQL_PARSE_FAILED"),
        },
        Case {
            name: "a NUL in the query",
            request: || post_query("{ regions\u{0} { name } }", GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("GRAPHQL_PARSE_FAILED"),
        },
        Case {
            name: "a huge body",
            request: || post(vec![b' '; 4 * 1024 * 1024], GRAPHQL_RESPONSE),
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: Some("REQUEST_TOO_LARGE"),
        },
        Case {
            name: "a huge batch",
            request: || {
                post(
                    format!("[{}]", [r#"{"query": "{ __typename }"}"#; 1000].join(",")),
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BATCHING_DISABLED"),
        },
        Case {
            // Batching is off by default (tests/limits.rs has batches with it on).
            name: "an empty batch",
            request: || post("[]", GRAPHQL_RESPONSE),
            status: StatusCode::BAD_REQUEST,
            code: Some("BATCHING_DISABLED"),
        },
        Case {
            name: "variables in the URL that are not JSON",
            request: || {
                common::http::get(
                    &[("query", "{ __typename }"), ("variables", "{oops")],
                    GRAPHQL_RESPONSE,
                )
            },
            status: StatusCode::BAD_REQUEST,
            code: Some("BAD_REQUEST"),
        },
    ]
}

const GOOD: &str = r#"{ cercle(code: "1903") { name } }"#;

#[tokio::test]
async fn every_bad_request_gets_its_status_and_code_and_the_next_request_is_answered() {
    let app = app();
    for case in cases() {
        let reply = send(&app, (case.request)()).await;
        assert_eq!(reply.status, case.status, "{}: {}", case.name, reply.text());
        // INTERNAL_SERVER_ERROR means a bug of ours, never a client's mistake.
        assert!(
            !reply.text().contains("INTERNAL_SERVER_ERROR"),
            "{}: {}",
            case.name,
            reply.text()
        );
        if let Some(code) = case.code {
            assert_eq!(reply.code(), code, "{}", case.name);
        }
        let next = send(&app, post_query(GOOD, GRAPHQL_RESPONSE)).await;
        assert_eq!(next.status, StatusCode::OK, "after {}", case.name);
        assert_eq!(next.json()["data"]["cercle"]["name"], "Bankass");
    }
}

/// Sends raw bytes on a new connection and returns what came back (status line first).
async fn raw_exchange(address: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut answer)).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn the_real_server_survives_bad_input_over_a_socket() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mali_admin::http::serve(listener, app(), async {
        stopped.await.ok();
    }));
    let client = reqwest::Client::new();
    let url = format!("http://{address}/graphql");

    // Every case of the in-process test, over the socket.
    for case in cases() {
        let request = (case.request)();
        let (parts, body) = request.into_parts();
        let body = http_body_util::BodyExt::collect(body)
            .await
            .unwrap()
            .to_bytes();
        let mut builder = client.request(parts.method, format!("http://{address}{}", parts.uri));
        for (name, value) in &parts.headers {
            builder = builder.header(name, value);
        }
        let reply = builder.body(body).send().await.unwrap();
        assert_eq!(reply.status(), case.status, "{}", case.name);
    }

    // Garbage that is not HTTP, a request line without end, a header flood: the connection
    // is refused or closed; the server goes on.
    let answer = raw_exchange(address, b"\x00\x01\x02 not http at all\r\n\r\n").await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    let mut flood = b"GET /healthz HTTP/1.1\r\nHost: x\r\n".to_vec();
    for n in 0..2000 {
        flood.extend_from_slice(format!("X-Junk-{n}: {}\r\n", "y".repeat(50)).as_bytes());
    }
    flood.extend_from_slice(b"\r\n");
    let answer = raw_exchange(address, &flood).await;
    assert!(
        answer.is_empty()
            || answer.starts_with("HTTP/1.1 431")
            || answer.starts_with("HTTP/1.1 400"),
        "{answer}"
    );
    // A body that lies about its length.
    let answer = raw_exchange(
        address,
        b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 999999999\r\nConnection: close\r\n\r\n{\"query\"",
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    let reply: serde_json::Value = common::http::post_over_socket(&client, &url, GOOD).await;
    assert_eq!(reply["data"]["cercle"]["name"], "Bankass");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_real_server_outlives_a_list_nested_thousands_deep() {
    // With the token limit raised, a list 3,000 deep in an argument overflowed a worker's stack
    // in the parser and aborted the whole process; its brackets are now counted first.
    let (mut server, _lines, address) = common::binary::start(&["--max-tokens", "100000"]);
    let url = format!("http://{address}/graphql");
    let client = reqwest::Client::new();
    for depth in [3_000, 20_000] {
        let query = format!(
            r#"{{ regions(asOf: {}"2009-04-01"{}) {{ name }} }}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        );
        let reply = common::http::post_over_socket(&client, &url, &query).await;
        assert_eq!(
            reply["errors"][0]["extensions"]["code"], "GRAPHQL_PARSE_FAILED",
            "{depth}: {reply}"
        );
    }
    let reply = common::http::post_over_socket(&client, &url, GOOD).await;
    assert_eq!(reply["data"]["cercle"]["name"], "Bankass");
    assert!(server.0.try_wait().unwrap().is_none(), "the server stopped");
}
