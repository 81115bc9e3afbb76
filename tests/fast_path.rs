//! The fast path against async-graphql's generic executor: over many generated queries (every
//! unit field it plans, aliases, named and inline fragments, `@skip`/`@include` with literals
//! and variables, dates, failing lookups and fields it does not plan) its bytes must equal the
//! generic executor's answer serialized as the HTTP endpoint does, and it must decline every
//! query whose answer has errors. Also: one batch per nesting level, the plan cached with its
//! document, and the same bytes through the HTTP endpoint with the fast path on and off.
#![allow(clippy::unwrap_used)]

mod common;

use async_graphql::{Request, Response, Variables};
use mali_admin::graphql::{Api, ApiSettings, Operations, Policy, build_api_with};
use serde::Serialize;

fn api(fast_path: bool) -> Api {
    build_api_with(
        common::graph(),
        &ApiSettings {
            today: Some(common::date(common::TODAY)),
        },
        &Policy {
            fast_path,
            ..Policy::default()
        },
    )
}

/// The body the HTTP endpoint writes for an answer (`src/http/graphql.rs`'s `encode`).
fn generic_body(response: &Response) -> Vec<u8> {
    #[derive(Serialize)]
    struct Answer<'a> {
        data: &'a async_graphql::Value,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        errors: &'a [async_graphql::ServerError],
        #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
        extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
    }
    serde_json::to_vec(&Answer {
        data: &response.data,
        errors: &response.errors,
        extensions: &response.extensions,
    })
    .unwrap()
}

fn request(query: &str, variables: &serde_json::Value) -> Request {
    Request::new(query).variables(Variables::from_json(variables.clone()))
}

/// What each executor answered: the fast path's body (if it took the query) and the generic
/// one's; `None` when admission refused the query.
async fn both(
    api: &Api,
    query: &str,
    variables: &serde_json::Value,
) -> Option<(Option<Vec<u8>>, Response)> {
    let mut admitted = api.admit(request(query, variables), Operations::Any).ok()?;
    let fast = api.run_fast(&mut admitted).await;
    let generic = api
        .run(api.admit(request(query, variables), Operations::Any).ok()?)
        .await;
    Some((fast, generic))
}

/// Asserts the fast path took `query` and answered the generic executor's bytes.
async fn assert_same(api: &Api, query: &str, variables: &serde_json::Value) -> Vec<u8> {
    let (fast, generic) = both(api, query, variables).await.expect("admitted");
    assert!(generic.errors.is_empty(), "{query}: {:?}", generic.errors);
    let fast = fast.unwrap_or_else(|| panic!("the fast path declined {query}"));
    assert_bytes(&fast, &generic_body(&generic), query);
    fast
}

/// Asserts two answers are the same bytes, showing where they part.
fn assert_bytes(fast: &[u8], generic: &[u8], what: &str) {
    if fast != generic {
        let at = fast
            .iter()
            .zip(generic)
            .position(|(a, b)| a != b)
            .unwrap_or(fast.len().min(generic.len()));
        let around = |bytes: &[u8]| {
            String::from_utf8_lossy(&bytes[at.saturating_sub(80)..(at + 80).min(bytes.len())])
                .into_owned()
        };
        panic!(
            "{what}\nthe fast path's answer parts at byte {at}:\n  fast:    {}\n  generic: {}",
            around(fast),
            around(generic)
        );
    }
}

#[tokio::test]
async fn the_load_tests_queries_answer_the_same_bytes() {
    let api = api(true);
    let tree = include_str!("../loadtest/queries/tree2009.graphql").replace("__ALIAS__", "t1");
    let body = assert_same(&api, &tree, &serde_json::json!({})).await;
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
    let regions = answer["data"]["t1"].as_array().unwrap();
    assert_eq!(regions.len(), 9);
    let communes: usize = regions
        .iter()
        .flat_map(|r| r["cercles"].as_array().unwrap())
        .map(|c| c["communes"].as_array().unwrap().len())
        .sum();
    assert_eq!(communes, 697);
    let cercle = include_str!("../loadtest/queries/cercle2009.graphql").replace("__ALIAS__", "c");
    let body = assert_same(&api, &cercle, &serde_json::json!({})).await;
    let answer: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(answer["data"]["c"]["name"], "Kati");
    assert_eq!(answer["data"]["c"]["population"], 956_753);
    assert_eq!(
        answer["data"]["c"]["communes"].as_array().unwrap().len(),
        37
    );
}

#[tokio::test]
async fn hand_written_queries_answer_the_same_bytes() {
    let api = api(true);
    let none = serde_json::json!({});
    for query in [
        r#"{ __typename country { __typename id code name level asOf from until regions { number kind areaKm2 } } }"#,
        r#"{ b: cercle(name: "Bankass") { name in2010: region(asOf: "2010-01-01") { name } region { name } population(year: 1998) communesKnown } }"#,
        r#"{ commune(name: "Diédougou", cercle: "Kati") { name urban cercle { name } region { code } population(year: 2009) seedName note aliases confidence } }"#,
        r#"query Q { regions(asOf: "2010-01-01") { ...R name } } fragment R on Region { code cercles { ... on AdminUnit { name } ...C } } fragment C on Cercle { name code }"#,
        r#"{ regions(asOf: "2017-06-01") { name cercles { name } cercles { code communes { name } } } }"#,
        r#"{ region(name: "Mopti", asOf: "2010-01-01") { validFrom validUntil from until communes { name cercle { name } } } }"#,
        r#"{ a: regions(asOf: "2009-04-01") { name @skip(if: true) code @include(if: false) number ... @include(if: true) { kind } } }"#,
        r#"{ cercle(code: "ML0503") { name note } x: cercle(code: "1903", asOf: "2024-01-01") { name region { name } } }"#,
        r#"{ regions { name population(year: 2023) cercles { name population(year: 2009) } } }"#,
    ] {
        assert_same(&api, query, &none).await;
    }
    // Variables: dates, years and conditions.
    assert_same(
        &api,
        r#"query($d: Date, $y: Int!, $yes: Boolean!, $no: Boolean = false) { regions(asOf: $d) { name population(year: $y) code @include(if: $yes) number @include(if: $no) cercles @skip(if: $no) { name } } }"#,
        &serde_json::json!({"d": "2010-01-01", "y": 2009, "yes": true}),
    )
    .await;
}

#[tokio::test]
async fn queries_with_errors_or_unplanned_fields_go_to_the_generic_executor() {
    let api = api(true);
    let none = serde_json::json!({});
    for (query, errors) in [
        (r#"{ cercle(name: "Atlantis") { name } }"#, true),
        (r#"{ commune(name: "Diédougou") { name } }"#, true),
        (r#"{ regions(asOf: "1990-01-01") { name } }"#, true),
        (
            r#"{ region(name: "Mopti") { cercles(asOf: "1990-01-01") { name } } }"#,
            true,
        ),
        (
            r#"{ region(name: "Mopti") { codes { system value } } }"#,
            false,
        ),
        (r#"{ region(name: "Mopti") { parent { name } } }"#, false),
        (r#"{ regions(filter: { name: "ka" }) { name } }"#, false),
        (r#"{ search(text: "kati") { label } }"#, false),
        (r#"{ __schema { queryType { name } } }"#, false),
        (r#"{ regions { name status } }"#, false),
    ] {
        let (fast, generic) = both(&api, query, &none)
            .await
            .unwrap_or_else(|| panic!("not admitted: {query}"));
        assert!(fast.is_none(), "the fast path took {query}");
        assert_eq!(
            !generic.errors.is_empty(),
            errors,
            "{query}: {:?}",
            generic.errors
        );
    }
    // Off, the fast path takes nothing.
    let off = self::api(false);
    let (fast, _) = both(&off, r#"{ regions { name } }"#, &none).await.unwrap();
    assert!(fast.is_none());
}

/// A document the fast path can plan but async-graphql's rules refuse: the plan's validation
/// takes the request's document, and the generic executor that then answers parses it again.
#[tokio::test]
async fn a_planned_document_that_the_rules_refuse_gets_their_errors() {
    let api = api(true);
    for query in [
        r#"query($unused: Int) { cercle(code: "0204") { name } }"#,
        r#"{ cercle(code: "0204") { name } } fragment Unused on Cercle { name }"#,
    ] {
        let mut admitted = api.admit(Request::new(query), Operations::Any).unwrap();
        assert!(api.run_fast(&mut admitted).await.is_none(), "{query}");
        let after = api.run(admitted).await;
        let fresh = api
            .run(api.admit(Request::new(query), Operations::Any).unwrap())
            .await;
        assert_eq!(after.errors.len(), 1, "{query}: {:?}", after.errors);
        assert!(after.data == async_graphql::Value::Null, "{query}");
        assert_eq!(
            serde_json::to_value(&after.errors).unwrap(),
            serde_json::to_value(&fresh.errors).unwrap()
        );
    }
}

#[tokio::test]
async fn the_fast_path_loads_one_batch_per_level() {
    let api = api(true);
    let query =
        r#"{ regions(asOf: "2010-01-01") { cercles { communes { name region { name } } } } }"#;
    let mut admitted = api.admit(Request::new(query), Operations::Any).unwrap();
    assert!(api.run_fast(&mut admitted).await.is_some());
    let stats = &api.loader_stats;
    // The same counts as the generic executor's (tests/graphql_queries.rs).
    assert_eq!(stats.descendants.batches(), 2);
    assert_eq!(stats.descendants.keys(), 9 + 49);
    assert_eq!(stats.ancestors.batches(), 1);
    assert_eq!(stats.ancestors.keys(), 697);
}

#[tokio::test]
async fn a_cached_documents_plan_is_compiled_once_and_answers_each_day() {
    let api = api(true);
    let query = r#"{ regions { name cercles { name } } }"#;
    let mut bodies = Vec::new();
    for _ in 0..4 {
        let mut admitted = api.admit(Request::new(query), Operations::Any).unwrap();
        // From the second run the document is cached, and from the third its plan with it.
        bodies.push(api.run_fast(&mut admitted).await.unwrap());
    }
    assert!(bodies.iter().all(|body| body == &bodies[0]));
    assert_eq!(api.loader_stats.descendants.batches(), 4);
    assert_same(&api, query, &serde_json::json!({})).await;
}

/// A small deterministic generator (xorshift), so that a failure names its seed and query.
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Ty {
    Country,
    Region,
    Cercle,
    Commune,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Country => "Country",
            Ty::Region => "Region",
            Ty::Cercle => "Cercle",
            Ty::Commune => "Commune",
        }
    }
}

/// One generated query: its text, its fragments, and whether the fast path must take it.
struct Query {
    fragments: Vec<String>,
    plannable: bool,
    aliases: usize,
}

const DATES: &[&str] = &[
    "\"2009-04-01\"",
    "\"2010-01-01\"",
    "\"2016-01-19\"",
    "\"2017-06-01\"",
    "\"2023-03-13\"",
    "\"2024-01-01\"",
    "$d",
];

impl Query {
    fn alias(&mut self, rng: &mut Gen) -> String {
        if rng.chance(20) {
            self.aliases += 1;
            format!("a{}: ", self.aliases)
        } else {
            String::new()
        }
    }

    /// A field with arguments other than the usual ones gets a key of its own: two fields of
    /// one key with different arguments are a conflict, which async-graphql's validation does
    /// not always see through fragments (it then merges both answers; the fast path declines).
    fn unique_alias_if(&mut self, differs: bool, alias: String) -> String {
        if differs && alias.is_empty() {
            self.aliases += 1;
            format!("u{}: ", self.aliases)
        } else {
            alias
        }
    }

    fn directive(&mut self, rng: &mut Gen) -> &'static str {
        if rng.chance(85) {
            return "";
        }
        rng.pick(&[
            " @skip(if: true)",
            " @skip(if: false)",
            " @include(if: true)",
            " @include(if: false)",
            " @include(if: $yes)",
            " @skip(if: $yes)",
            " @include(if: $no)",
        ])
    }

    fn date_arg(&mut self, rng: &mut Gen) -> String {
        if rng.chance(60) {
            String::new()
        } else {
            format!("(asOf: {})", rng.pick(DATES))
        }
    }

    /// A selection set on `ty`, `depth` levels under the root.
    fn selection(&mut self, rng: &mut Gen, ty: Ty, depth: usize) -> String {
        let mut out = String::from("{ ");
        let count = 1 + rng.below(4);
        for _ in 0..count {
            let item = self.item(rng, ty, depth);
            out.push_str(&item);
            out.push(' ');
        }
        out.push('}');
        out
    }

    fn item(&mut self, rng: &mut Gen, ty: Ty, depth: usize) -> String {
        match rng.below(10) {
            0 => {
                // An inline fragment on the type or an interface.
                let condition = rng.pick(&["", "on AdminUnit ", "on Node "]);
                let condition = if condition.is_empty() && rng.chance(50) {
                    format!("on {} ", ty.name())
                } else {
                    condition.to_owned()
                };
                let directive = self.directive(rng);
                let inner = if condition == "on Node " {
                    format!("{{ {}id }}", self.alias(rng))
                } else {
                    self.selection(rng, ty, depth)
                };
                format!("... {condition}{}{inner}", directive.trim_start())
            }
            1 if self.fragments.len() < 6 => {
                let name = format!("F{}", self.fragments.len());
                let on = if rng.chance(30) {
                    "AdminUnit"
                } else {
                    ty.name()
                };
                // Reserve the slot first: fragments may nest.
                self.fragments.push(String::new());
                let index = self.fragments.len() - 1;
                let inner = if on == "AdminUnit" {
                    self.common_fields(rng)
                } else {
                    self.selection(rng, ty, depth)
                };
                self.fragments[index] = format!("fragment {name} on {on} {inner}");
                let directive = self.directive(rng);
                format!("...{name}{directive}")
            }
            _ => self.field(rng, ty, depth),
        }
    }

    /// Fields every unit has, as a fragment on `AdminUnit` may select them.
    fn common_fields(&mut self, rng: &mut Gen) -> String {
        let mut out = String::from("{ ");
        for _ in 0..1 + rng.below(3) {
            let field = rng.pick(&[
                "name",
                "code",
                "level",
                "asOf",
                "from",
                "until",
                "__typename",
                "confidence",
            ]);
            out.push_str(&format!("{}{field} ", self.alias(rng)));
        }
        out.push('}');
        out
    }

    fn field(&mut self, rng: &mut Gen, ty: Ty, depth: usize) -> String {
        let alias = self.alias(rng);
        let directive = self.directive(rng);
        let mut scalars = vec![
            "__typename",
            "id",
            "code",
            "name",
            "aliases",
            "level",
            "asOf",
            "from",
            "until",
            "validFrom",
            "validUntil",
            "confidence",
            "seedName",
            "note",
            "population(year: 2009)",
            "population(year: 1998)",
            "population(year: 2023)",
            "population(year: $y)",
        ];
        let mut nested: Vec<(&str, Ty, bool)> = Vec::new();
        match ty {
            Ty::Country => nested.push(("regions", Ty::Region, true)),
            Ty::Region => {
                scalars.extend(["number", "kind", "areaKm2"]);
                nested.push(("cercles", Ty::Cercle, true));
                nested.push(("communes", Ty::Commune, true));
            }
            Ty::Cercle => {
                scalars.push("communesKnown");
                nested.push(("communes", Ty::Commune, true));
                nested.push(("region", Ty::Region, false));
            }
            Ty::Commune => {
                scalars.push("urban");
                nested.push(("cercle", Ty::Cercle, false));
                nested.push(("region", Ty::Region, false));
            }
        }
        // Fields the fast path leaves to the generic executor, now and then.
        if rng.chance(3) {
            self.plannable = false;
            let field = rng.pick(&["codes { system value }", "status", "populations { year }"]);
            return format!("{alias}{field}{directive}");
        }
        // Nested lists only a few levels down, so that the complexity limit admits the query.
        if depth < 3 && rng.chance(30) {
            let (name, inner_ty, list) = nested[rng.below(nested.len())];
            // Going up from a list of communes and down again is what the limits refuse.
            if list || depth < 2 {
                let args = self.date_arg(rng);
                let alias = self.unique_alias_if(!args.is_empty(), alias);
                let inner = self.selection(rng, inner_ty, depth + 1);
                return format!("{alias}{name}{args}{directive} {inner}");
            }
        }
        let field = scalars[rng.below(scalars.len())];
        let alias = self.unique_alias_if(field.contains('(') && !field.contains("2009"), alias);
        format!("{alias}{field}{directive}")
    }

    /// A root field and whether it fails (a lookup that finds nothing or several).
    fn root(&mut self, rng: &mut Gen) -> String {
        let alias = self.alias(rng);
        let directive = self.directive(rng);
        let (field, ty) = match rng.below(9) {
            0..=2 => (format!("regions{}", self.date_arg(rng)), Ty::Region),
            3 => (format!("country{}", self.date_arg(rng)), Ty::Country),
            4 => {
                let which = rng.pick(&["name: \"Mopti\"", "code: \"05\"", "name: \"Tombouctou\""]);
                (format!("region({which})"), Ty::Region)
            }
            5 => {
                let which = rng.pick(&[
                    "code: \"0204\"",
                    "name: \"Bankass\"",
                    "code: \"ML0503\"",
                    "name: \"Kati\", region: \"Koulikoro\"",
                ]);
                (format!("cercle({which})"), Ty::Cercle)
            }
            6 => {
                let which = rng.pick(&["name: \"Diédougou\", cercle: \"Kati\"", "name: \"Alata\""]);
                (format!("commune({which})"), Ty::Commune)
            }
            7 => {
                // Errors: the generic executor must answer them.
                self.plannable = false;
                let which = rng.pick(&[
                    "cercle(name: \"Atlantis\")",
                    "commune(name: \"Diédougou\")",
                    "region(name: \"Mopti\", asOf: \"1990-01-01\")",
                ]);
                (
                    which.to_owned(),
                    if which.starts_with("cercle") {
                        Ty::Cercle
                    } else if which.starts_with("commune") {
                        Ty::Commune
                    } else {
                        Ty::Region
                    },
                )
            }
            _ => {
                let date = rng.pick(DATES);
                (format!("region(code: \"05\", asOf: {date})"), Ty::Region)
            }
        };
        let inner = self.selection(rng, ty, 0);
        format!("{alias}{field}{directive} {inner}")
    }
}

#[tokio::test]
async fn generated_queries_answer_the_same_bytes_on_both_executors() {
    let api = api(true);
    let variables = serde_json::json!({"d": "2010-01-01", "y": 2009, "yes": true, "no": false});
    let mut rng = Gen(0x9e37_79b9_7f4a_7c15);
    let (mut taken, mut declined, mut refused) = (0, 0, 0);
    for n in 0..400 {
        let mut query = Query {
            fragments: Vec::new(),
            plannable: true,
            aliases: 0,
        };
        let mut roots = String::new();
        for _ in 0..1 + rng.below(2) {
            roots.push_str(&query.root(&mut rng));
            roots.push(' ');
        }
        if rng.chance(10) {
            roots.push_str("__typename ");
        }
        let body = format!("{{ {roots}}} {}", query.fragments.join(" "));
        // Only the variables it uses: an unused one is a validation error.
        let definitions: Vec<&str> = [
            ("$d", "$d: Date"),
            ("$y", "$y: Int!"),
            ("$yes", "$yes: Boolean!"),
            ("$no", "$no: Boolean!"),
        ]
        .into_iter()
        .filter(|(name, _)| {
            body.match_indices(name).any(|(at, _)| {
                !body[at + name.len()..].starts_with(|c: char| c.is_ascii_alphanumeric())
            })
        })
        .map(|(_, definition)| definition)
        .collect();
        let text = if definitions.is_empty() {
            format!("query Q {body}")
        } else {
            format!("query Q({}) {body}", definitions.join(", "))
        };
        let Some((fast, generic)) = both(&api, &text, &variables).await else {
            refused += 1;
            continue;
        };
        let generic_bytes = generic_body(&generic);
        match fast {
            Some(fast) => {
                taken += 1;
                assert!(
                    generic.errors.is_empty(),
                    "#{n} {text}: {:?}",
                    generic.errors
                );
                assert_bytes(&fast, &generic_bytes, &format!("#{n} {text}"));
            }
            None => {
                declined += 1;
                // Only what it does not plan, or what fails, goes to the generic executor.
                assert!(
                    !query.plannable || !generic.errors.is_empty(),
                    "#{n}: the fast path declined {text}: {:?}",
                    generic.errors
                );
            }
        }
    }
    eprintln!("generated: {taken} on the fast path, {declined} declined, {refused} refused");
    // Most generated queries are for the fast path, some for the generic executor; few are
    // refused by the limits.
    assert!(
        taken >= 180,
        "taken {taken}, declined {declined}, refused {refused}"
    );
    assert!(
        declined >= 20,
        "taken {taken}, declined {declined}, refused {refused}"
    );
    assert!(
        refused <= 40,
        "taken {taken}, declined {declined}, refused {refused}"
    );
}

#[tokio::test]
async fn the_http_endpoint_answers_the_same_bytes_with_the_fast_path_on_and_off() {
    use common::http::{GRAPHQL_RESPONSE, post_query, send};
    use mali_admin::http::{HttpSettings, router_with};
    let settings = HttpSettings {
        response_cache_bytes: 0,
        ..HttpSettings::default()
    };
    let on = common::http::api_with(&Policy::default());
    let off = common::http::api_with(&Policy {
        fast_path: false,
        ..Policy::default()
    });
    let on_app = router_with(on.clone(), settings.clone());
    let off_app = router_with(off.clone(), settings);
    let tree = include_str!("../loadtest/queries/tree2009.graphql").replace("__ALIAS__", "t");
    for query in [
        tree.as_str(),
        r#"{ cercle(code: "0204", asOf: "2009-04-01") { name communes { name population(year: 2009) } } }"#,
        r#"{ cercle(name: "Atlantis") { name } }"#,
    ] {
        let a = send(&on_app, post_query(query, GRAPHQL_RESPONSE)).await;
        let b = send(&off_app, post_query(query, GRAPHQL_RESPONSE)).await;
        assert_eq!(a.status, b.status, "{query}");
        assert_eq!(a.text(), b.text(), "{query}");
        assert_eq!(
            a.header("content-type"),
            b.header("content-type"),
            "{query}"
        );
    }
    // Both loaded the tree and the cercle in their batches (2 + 1 each).
    assert_eq!(on.loader_stats.descendants.batches(), 3);
    assert_eq!(off.loader_stats.descendants.batches(), 3);
}
