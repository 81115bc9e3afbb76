//! Limits against abuse: each hostile request is refused with its own code, while GraphiQL's
//! introspection query and the README's largest example pass the defaults.
#![allow(clippy::unwrap_used)]

mod common;
#[path = "../benches/hostile.rs"]
#[allow(dead_code)]
mod hostile;

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use common::http::{GRAPHQL_RESPONSE, app, app_with, post, post_query, send};
use mali_admin::graphql::{Limits, MAX_NESTING, Operations, Policy};
use mali_admin::http::HttpSettings;

/// GraphiQL's introspection query (graphql-js `getIntrospectionQuery` with every option on).
const INTROSPECTION: &str = include_str!("fixtures/introspection.graphql");

/// The README's whole-tree example: every commune of 2010 under its cercle and region.
const WHOLE_TREE_2010: &str = r#"{ regions(asOf: "2010-01-01") { name cercles { name communes { name urban population(year: 2009) } } communes { name } } }"#;

/// Sends `query` as a POST accepting `application/graphql-response+json`; asserts it is
/// refused before execution (400, no `data`) and returns its code.
async fn refused(app: &mali_admin::http::App, query: &str) -> String {
    let reply = send(app, post_query(query, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert!(reply.json().get("data").is_none(), "{}", reply.text());
    reply.code()
}

#[tokio::test]
async fn graphiqls_introspection_query_passes_the_default_limits() {
    let reply = send(&app(), post_query(INTROSPECTION, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let body = reply.json();
    assert!(body.get("errors").is_none(), "{body}");
    let types = body["data"]["__schema"]["types"].as_array().unwrap();
    assert!(types.iter().any(|ty| ty["name"] == "Cercle"));
}

#[tokio::test]
async fn the_whole_tree_of_2010_passes_the_default_limits() {
    let reply = send(&app(), post_query(WHOLE_TREE_2010, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.json()["data"]["regions"].as_array().unwrap().len(), 9);
}

#[tokio::test]
async fn nested_introspection_is_too_deep() {
    // The classic: introspection lists are not multiplied, so the depth of their nesting is
    // limited, as graphql-js's MaxIntrospectionDepthRule does: at most three nested `fields`,
    // `interfaces`, `possibleTypes` or `inputFields`.
    let nested = |lists: usize| {
        format!(
            "{{ __schema {{ types {{ {} name {} }} }} }}",
            "fields { type { ".repeat(lists),
            "} } ".repeat(lists)
        )
    };
    // The issue's query, as written: four nested `fields`.
    let four = "{ __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }";
    assert!(four.split_whitespace().eq(nested(4).split_whitespace()));
    assert_eq!(refused(&app(), four).await, "INTROSPECTION_TOO_DEEP");
    let reply = send(&app(), post_query(&nested(3), GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    // Counted through fragments, and through `interfaces` and `possibleTypes`.
    let through_fragments = "{ __schema { types { ...A } } } \
        fragment A on __Type { interfaces { ...B } } \
        fragment B on __Type { possibleTypes { ...C } } \
        fragment C on __Type { fields { type { ...D } } } \
        fragment D on __Type { inputFields { name } }";
    assert_eq!(
        refused(&app(), through_fragments).await,
        "INTROSPECTION_TOO_DEEP"
    );
    // Deeper still, the depth limit stops it too.
    assert_eq!(refused(&app(), &nested(8)).await, "INTROSPECTION_TOO_DEEP");
}

#[tokio::test]
async fn nested_lists_are_too_complex() {
    let query = "{ regions { cercles { communes { cercle { region { cercles { communes { name } } } } } } } }";
    let reply = send(&app(), post_query(query, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "QUERY_TOO_COMPLEX");
    let message = reply.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("above the limit of 10000"), "{message}");
}

#[tokio::test]
async fn a_page_weighs_what_its_first_asks_for() {
    // 1 + first × (nodes: 1 + name 1 + codes (1 + 10 × 1)) = 1 + 13 × first.
    let page = |first: u32| {
        format!("{{ units(first: {first}) {{ nodes {{ name codes {{ value }} }} }} }}")
    };
    let reply = send(&app(), post_query(&page(100), GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(refused(&app(), &page(1000)).await, "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn a_document_known_to_the_cache_is_weighed_again_with_new_variables() {
    // search's `first` sizes its list: 1 + n × (1 + (1 + 10 × (1 + (1 + 10 × 2)))) = 1 + 222 n,
    // under the default limit of 10,000 for 5 hits, over it for 100.
    let query = r#"query($n: Int!) { search(text: "ba", first: $n) { label path { name codes { system value } } } }"#;
    let request = |n: u32| {
        let body = serde_json::json!({ "query": query, "variables": { "n": n } });
        post(body.to_string(), GRAPHQL_RESPONSE)
    };
    let app = app();
    // Twice, so the document is cached.
    for _ in 0..2 {
        let reply = send(&app, request(5)).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    }
    let reply = send(&app, request(100)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_eq!(reply.code(), "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn a_chain_of_doubling_fragments_is_refused_at_once() {
    // F0 spreads F1 twice, F1 spreads F2 twice, ...: 2^25 fields once expanded. Walks that are
    // not memoised would take hours; the complexity check answers at once.
    let mut query = String::from("{ ...F0 }\n");
    for n in 0..25 {
        query.push_str(&format!(
            "fragment F{n} on Query {{ ...F{next} ...F{next} }}\n",
            next = n + 1
        ));
    }
    query.push_str("fragment F25 on Query { regions { name } }\n");
    // That it is refused at once, not after the expansion, is shown by the walk's visit count
    // (the admission's unit tests) and the benchmark, not by a timer here.
    assert_eq!(refused(&app(), &query).await, "QUERY_TOO_COMPLEX");
}

#[tokio::test]
async fn nested_inline_fragments_recurse_too_deep() {
    let query = format!(
        "{{ {}__typename{} }}",
        "... on Query { ".repeat(40),
        " }".repeat(40)
    );
    assert_eq!(refused(&app(), &query).await, "RECURSION_TOO_DEEP");
}

#[tokio::test]
async fn a_directive_flood_on_one_field_is_refused() {
    // CVE-2024-47614: without `limit_directives`, thousands of directives on a field exhaust
    // the server.
    // 200 of them (1,200 tokens, within the token limit); a thousand are refused by their
    // tokens before the document is parsed.
    let query = format!(
        "{{ regions {{ name {} }} }}",
        "@skip(if: false) ".repeat(200)
    );
    assert_eq!(refused(&app(), &query).await, "TOO_MANY_DIRECTIVES");
    let allowed = "{ regions { name @skip(if: false) @include(if: true) } }";
    let reply = send(&app(), post_query(allowed, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

#[tokio::test]
async fn more_than_thirty_aliases_are_refused() {
    let aliases = |count: usize| {
        let aliases: String = (0..count).map(|n| format!("a{n}: __typename ")).collect();
        format!("{{ {aliases} }}")
    };
    let reply = send(&app(), post_query(&aliases(30), GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(reply.json()["data"]["a29"], "QueryRoot");
    assert_eq!(refused(&app(), &aliases(31)).await, "TOO_MANY_ALIASES");
    // A thousand are 3,000 tokens: refused before parsing.
    assert_eq!(refused(&app(), &aliases(1000)).await, "TOO_MANY_TOKENS");
}

#[tokio::test]
async fn more_than_two_thousand_tokens_are_refused_before_parsing() {
    // `{`, `}` and 1,998 names: 2,000 tokens, admitted; one more is refused.
    let typenames = |count: usize| format!("{{ {} }}", "__typename ".repeat(count));
    let reply = send(&app(), post_query(&typenames(1998), GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(refused(&app(), &typenames(1999)).await, "TOO_MANY_TOKENS");
    // Commas and comments are not tokens; a string is one, whatever its escapes.
    let reply = send(
        &app(),
        post_query(
            &format!(
                "{{ __type(name: \"{}\",,,,) {{ name }} }} # {}",
                "\\u00e9".repeat(3000),
                "x ".repeat(3000)
            ),
            GRAPHQL_RESPONSE,
        ),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
}

#[tokio::test]
async fn brackets_nested_past_sixty_four_are_refused_before_the_parser_recurses_into_them() {
    // With the token limit lifted, a list 5,000 deep in an argument overflowed the parser's
    // stack and aborted the server (pest recurses once per bracket). Now its nesting is counted
    // with its tokens and the text refused with the parser's code before it is parsed.
    let app = app_with(
        &Policy {
            limits: Limits {
                tokens: usize::MAX,
                ..Limits::default()
            },
            ..Policy::default()
        },
        HttpSettings::default(),
    );
    let list = |depth: usize| {
        format!(
            r#"{{ regions(asOf: {}"2009-04-01"{}) {{ name }} }}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        )
    };
    // The operation's braces and the arguments' parentheses count too: 62, 64 and 65 deep.
    for depth in [60, 62, 63, 5_000, 60_000] {
        let reply = send(&app, post_query(&list(depth), GRAPHQL_RESPONSE)).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
        let message = reply.json()["errors"][0]["message"].to_string();
        if depth + 2 <= MAX_NESTING {
            // Within the bound, it is parsed, and refused as a list where a date goes.
            assert_eq!(reply.code(), "GRAPHQL_VALIDATION_FAILED", "{message}");
        } else {
            assert_eq!(reply.code(), "GRAPHQL_PARSE_FAILED", "{message}");
            assert!(message.contains("more than 64 deep"), "{message}");
        }
    }
    // Selection sets too, whatever the recursion limit says.
    let braces = format!("{}{}", "{ a ".repeat(5_000), "}".repeat(5_000));
    assert_eq!(refused(&app, &braces).await, "GRAPHQL_PARSE_FAILED");
}

#[tokio::test]
async fn the_fan_out_document_is_refused_at_once_in_every_mode() {
    // The issue's 1,098 bytes: eight fragments, each spreading the next twenty times, 20^7
    // fields once expanded. It stalled a worker for 16 s with introspection off, when the
    // introspection check followed every spread.
    let query = hostile::fan_out(8, 20);
    assert_eq!(query.len(), 1_099);
    let modes = [
        Policy::default(),
        Policy {
            introspection: false,
            ..Policy::default()
        },
        Policy {
            introspection: false,
            limits: Limits {
                tokens: usize::MAX,
                document_cache: 0,
                ..Limits::default()
            },
            ..Policy::default()
        },
    ];
    for policy in modes {
        let app = app_with(&policy, HttpSettings::default());
        for query in [query.clone(), hostile::fan_out(9, 20)] {
            // Microseconds in a release build (the benchmark); the visit count proves it linear.
            assert_eq!(refused(&app, &query).await, "QUERY_TOO_COMPLEX");
        }
    }
}

#[tokio::test]
async fn a_fan_out_onto_an_unknown_fragment_is_refused_before_validation() {
    // 1,248 bytes a fuzzer found: spreads of a fragment that does not exist cost nothing, so the
    // fan-out above them passed the cost check and hung async-graphql's validation, which
    // follows every spread (20^7 visits). Now the admission's walk refuses the first one.
    let (_, query) = hostile::corpus()
        .into_iter()
        .find(|(name, _)| *name == "fan_out_onto_unknown")
        .expect("the corpus holds it");
    for introspection in [true, false] {
        let policy = Policy {
            introspection,
            ..Policy::default()
        };
        let app = app_with(&policy, HttpSettings::default());
        assert_eq!(refused(&app, &query).await, "GRAPHQL_VALIDATION_FAILED");
    }
}

#[tokio::test]
async fn every_hostile_document_is_answered_quickly_and_the_server_goes_on() {
    // The benchmark's corpus (benches/hostile.rs), up to the body limit, in each mode: each is
    // refused with a code or admitted. That the walks are linear is shown by counting their
    // visits (the admission's unit tests) and timed only in the benchmark (BENCHMARKS.md has
    // the release figures, all under 5 ms), never here: a timer in a test fails on a loaded
    // machine, not on slow code.
    for introspection in [true, false] {
        for tokens in [Limits::default().tokens, usize::MAX] {
            let policy = Policy {
                introspection,
                limits: Limits {
                    tokens,
                    ..Limits::default()
                },
                ..Policy::default()
            };
            let api = common::http::api_with(&policy);
            for (name, text) in hostile::corpus() {
                let outcome = api.admit(async_graphql::Request::new(text), Operations::Any);
                if let Err(refused) = outcome {
                    let error = refused.into_error();
                    let code = error.extensions.as_ref().and_then(|e| e.get("code"));
                    assert!(code.is_some(), "{name}: {}", error.message);
                    assert_ne!(
                        code,
                        Some(&async_graphql::Value::from("INTERNAL_SERVER_ERROR")),
                        "{name}"
                    );
                }
            }
            let answer = api.execute(r#"{ cercle(code: "1903") { name } }"#).await;
            assert!(answer.errors.is_empty());
        }
    }
}

#[tokio::test]
async fn each_limit_is_configurable() {
    let strict = |limits: Limits| {
        app_with(
            &Policy {
                limits,
                ..Policy::default()
            },
            HttpSettings::default(),
        )
    };
    let depth_2 = strict(Limits {
        depth: 2,
        ..Limits::default()
    });
    assert_eq!(
        refused(&depth_2, r#"{ cercle(code: "1903") { region { name } } }"#).await,
        "QUERY_TOO_DEEP"
    );
    // regions × cercles: 1 + 10 × (1 + 10 × 1) = 111 with the default list factor of 10.
    let complexity_100 = strict(Limits {
        complexity: 100,
        ..Limits::default()
    });
    assert_eq!(
        refused(&complexity_100, "{ regions { cercles { name } } }").await,
        "QUERY_TOO_COMPLEX"
    );
    let reply = send(
        &complexity_100,
        post_query("{ regions { name number } }", GRAPHQL_RESPONSE),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let one_alias = strict(Limits {
        aliases: 1,
        ..Limits::default()
    });
    assert_eq!(
        refused(&one_alias, "{ a: __typename b: __typename }").await,
        "TOO_MANY_ALIASES"
    );
    let reply = send(
        &one_alias,
        post_query("{ a: __typename }", GRAPHQL_RESPONSE),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    let no_directives = strict(Limits {
        directives: 0,
        ..Limits::default()
    });
    assert_eq!(
        refused(&no_directives, "{ __typename @skip(if: false) }").await,
        "TOO_MANY_DIRECTIVES"
    );
    let recursion_3 = strict(Limits {
        recursion: 3,
        ..Limits::default()
    });
    assert_eq!(
        refused(
            &recursion_3,
            "{ ... on Query { ... on Query { ... on Query { ... on Query { __typename } } } } }"
        )
        .await,
        "RECURSION_TOO_DEEP"
    );
}

#[tokio::test]
async fn an_oversized_body_is_refused_with_413() {
    let query = format!("{{ __typename }} # {}", "x".repeat(200 * 1024));
    let reply = send(&app(), post_query(&query, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(reply.code(), "REQUEST_TOO_LARGE");
}

/// The router with batching on.
fn batching() -> mali_admin::http::App {
    app_with(
        &Policy::default(),
        HttpSettings {
            batching: true,
            ..HttpSettings::default()
        },
    )
}

#[tokio::test]
async fn batching_is_off_by_default() {
    let one = r#"{"query": "{ cercle(code: \"1903\") { name } }"}"#;
    let reply = send(&app(), post(format!("[{one}, {one}]"), GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_eq!(reply.code(), "BATCHING_DISABLED");
}

#[tokio::test]
async fn a_batch_runs_each_operation_and_a_huge_batch_is_refused() {
    let one = r#"{"query": "{ cercle(code: \"1903\") { name } }"}"#;
    let reply = send(
        &batching(),
        post(format!("[{one}, {one}]"), GRAPHQL_RESPONSE),
    )
    .await;
    assert_eq!(reply.status, StatusCode::OK);
    let answers = reply.json();
    assert_eq!(answers.as_array().unwrap().len(), 2);
    assert_eq!(answers[1]["data"]["cercle"]["name"], "Bankass");

    let huge = format!("[{}]", [one; 11].join(","));
    let reply = send(&batching(), post(huge, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.code(), "BATCH_TOO_LARGE");
}

#[tokio::test]
async fn a_batch_shares_one_budget_of_complexity_aliases_and_tokens() {
    let batch = |query: &str, count: usize| {
        let one = serde_json::json!({ "query": query }).to_string();
        post(
            format!("[{}]", vec![one; count].join(",")),
            GRAPHQL_RESPONSE,
        )
    };
    let codes = |answers: &serde_json::Value| -> Vec<String> {
        answers
            .as_array()
            .unwrap()
            .iter()
            .map(
                |answer| match answer["errors"][0]["extensions"]["code"].as_str() {
                    Some(code) => code.to_owned(),
                    None => "ok".to_owned(),
                },
            )
            .collect()
    };
    // regions × cercles × communes costs 1,111: nine fit in 10,000, the tenth does not.
    let tree = "{ regions { cercles { communes { name } } } }";
    let reply = send(&batching(), batch(tree, 10)).await;
    assert_eq!(reply.status, StatusCode::OK);
    let answers = reply.json();
    let mut expected = vec!["ok".to_owned(); 9];
    expected.push("QUERY_TOO_COMPLEX".to_owned());
    assert_eq!(codes(&answers), expected);
    let message = answers[9]["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("a batch shares one budget"), "{message}");
    assert!(message.contains("may cost 11110"), "{message}");
    // 30 aliases in all: three operations of ten, then the fourth is refused.
    let aliases: String = (0..10).map(|n| format!("a{n}: __typename ")).collect();
    let reply = send(&batching(), batch(&format!("{{ {aliases} }}"), 4)).await;
    assert_eq!(
        codes(&reply.json()),
        ["ok", "ok", "ok", "TOO_MANY_ALIASES"].map(str::to_owned)
    );
    // 2,000 tokens in all: 600 each, the fourth is refused before it is parsed.
    let typenames = format!("{{ {} }}", "__typename ".repeat(598));
    let reply = send(&batching(), batch(&typenames, 4)).await;
    assert_eq!(
        codes(&reply.json()),
        ["ok", "ok", "ok", "TOO_MANY_TOKENS"].map(str::to_owned)
    );
    // Answers the response cache holds are charged all the same.
    let app = batching();
    for _ in 0..3 {
        let reply = send(&app, batch(tree, 10)).await;
        assert_eq!(codes(&reply.json())[9], "QUERY_TOO_COMPLEX");
    }
}

#[tokio::test]
async fn a_query_past_the_time_limit_is_stopped_with_timeout() {
    // The whole tree takes several levels of the loaders; the deadline is checked between
    // them, so a zero limit stops it after the first, every time. On async-graphql's
    // executor: the fast path answers the tree in one synchronous pass (tens of µs).
    let settings = HttpSettings {
        timeout: Some(Duration::ZERO),
        ..HttpSettings::default()
    };
    let policy = Policy {
        fast_path: false,
        ..Policy::default()
    };
    let app = app_with(&policy, settings);
    let reply = send(&app, post_query(WHOLE_TREE_2010, GRAPHQL_RESPONSE)).await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        reply.text()
    );
    assert_eq!(reply.code(), "TIMEOUT");
    assert!(reply.json().get("data").is_none());
}

#[tokio::test]
async fn introspection_can_be_switched_off() {
    let closed = Policy {
        introspection: false,
        ..Policy::default()
    };
    let app = app_with(&closed, HttpSettings::default());
    let reply = send(&app, post_query(INTROSPECTION, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{}", reply.text());
    assert_eq!(reply.code(), "INTROSPECTION_DISABLED");
    // Ordinary queries still work.
    let reply = send(&app, post_query("{ regions { name } }", GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK);
}

#[tokio::test]
async fn field_suggestions_are_off_in_production_and_on_in_development() {
    let query = "{ regoins { name } }";
    let reply = send(&app(), post_query(query, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.code(), "GRAPHQL_VALIDATION_FAILED");
    assert!(!reply.text().contains("Did you mean"), "{}", reply.text());

    let development = Policy {
        suggestions: true,
        ..Policy::default()
    };
    let reply = send(
        &app_with(&development, HttpSettings::default()),
        post_query(query, GRAPHQL_RESPONSE),
    )
    .await;
    assert!(reply.text().contains("Did you mean"), "{}", reply.text());
}

#[tokio::test]
async fn a_body_that_never_arrives_is_given_up_after_the_time_limit() {
    let settings = HttpSettings {
        body_timeout: Some(Duration::from_millis(100)),
        ..HttpSettings::default()
    };
    let app = app_with(&Policy::default(), settings);
    let never = futures_util::stream::pending::<Result<axum::body::Bytes, std::io::Error>>();
    let started = Instant::now();
    let reply = send(
        &app,
        post(axum::body::Body::from_stream(never), GRAPHQL_RESPONSE),
    )
    .await;
    assert_eq!(reply.status, StatusCode::REQUEST_TIMEOUT);
    assert_eq!(reply.code(), "REQUEST_TIMEOUT");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn every_answer_carries_its_requested_and_actual_cost() {
    // Requested: 1 + 10 × (1 + 10 × 1) with the list factor of 10; actual: the 9 units of 2010
    // and their 49 cercles, 1 + 9 + 49.
    let query = r#"{ regions(asOf: "2010-01-01") { cercles { name } } }"#;
    let reply = send(&app(), post_query(query, GRAPHQL_RESPONSE)).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text());
    assert_eq!(
        reply.json()["extensions"]["cost"],
        serde_json::json!({"requestedQueryCost": 111, "actualQueryCost": 1 + 9 + 49})
    );
    // Over GET too, and from the response cache alike.
    for _ in 0..3 {
        let reply = send(
            &app(),
            common::http::get(&[("query", query)], GRAPHQL_RESPONSE),
        )
        .await;
        assert_eq!(reply.json()["extensions"]["cost"]["actualQueryCost"], 59);
    }
}
