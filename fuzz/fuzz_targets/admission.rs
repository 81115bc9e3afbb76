//! The admission (token count, parse, the limits' walk) over arbitrary documents: never a
//! panic, never a hang (libFuzzer's `-timeout`), and every refusal carries a code that is not
//! `INTERNAL_SERVER_ERROR`.
#![no_main]

use std::sync::{Arc, OnceLock};

use async_graphql::{Request, Value};
use libfuzzer_sys::fuzz_target;
use mali_admin::dataset::{DataSource, load_dataset};
use mali_admin::graphql::{Api, ApiSettings, Limits, Operations, Policy, build_api_with};
use mali_admin::model::AdminGraph;

/// Two APIs over the embedded data: the defaults, and introspection off with the token limit
/// lifted (so that the walks see every document the parser accepts).
fn apis() -> &'static [Api; 2] {
    static APIS: OnceLock<[Api; 2]> = OnceLock::new();
    APIS.get_or_init(|| {
        let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
        let graph = Arc::new(AdminGraph::build(dataset));
        let open = Policy {
            introspection: false,
            limits: Limits {
                tokens: usize::MAX,
                document_cache: 0,
                ..Limits::default()
            },
            ..Policy::default()
        };
        [
            build_api_with(graph.clone(), &ApiSettings::default(), &Policy::default()),
            build_api_with(graph, &ApiSettings::default(), &open),
        ]
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for api in apis() {
        if let Err(refused) = api.admit(Request::new(text.as_ref()), Operations::Any) {
            let error = refused.into_error();
            let code = error
                .extensions
                .as_ref()
                .and_then(|e| e.get("code"))
                .cloned();
            assert!(
                code.is_some(),
                "a refusal without a code: {}",
                error.message
            );
            assert_ne!(
                code,
                Some(Value::from("INTERNAL_SERVER_ERROR")),
                "{}",
                error.message
            );
        }
    }
});
