//! Hostile GraphQL documents, each at most the body limit (128 KiB), that cost a server without
//! linear admission far more than their size: fragment fan-out, floods of tokens, deep list and
//! object literals, strings full of escapes, thousands of fields, directive floods. Shared by
//! the admission benchmark (`benches/admission.rs`), the limits tests (`tests/limits.rs`) and
//! the fuzz targets' seed corpus (`fuzz/`), each of which includes this file by path.

/// The body limit the documents stay within (`--max-body-bytes`' default).
pub const BODY_LIMIT: usize = 128 * 1024;

/// `query { ...F0 }` and `levels` fragments, each spreading the next `width` times; the last
/// asks for `__typename`. Expanded, `width^levels` fields: with 20 and 8, 1,098 bytes and
/// 2.56 × 10¹⁰ fields.
pub fn fan_out(levels: usize, width: usize) -> String {
    let mut text = String::from("query { ...F0 }\n");
    for level in 0..levels.saturating_sub(1) {
        text.push_str(&format!("fragment F{level} on QueryRoot {{"));
        for _ in 0..width {
            text.push_str(&format!(" ...F{}", level + 1));
        }
        text.push_str(" }\n");
    }
    text.push_str(&format!(
        "fragment F{} on QueryRoot {{ __typename }}\n",
        levels.saturating_sub(1)
    ));
    text
}

/// Repeats `unit` between `before` and `after` as often as fits in the body limit.
fn filled(before: &str, unit: &str, after: &str) -> String {
    let room = BODY_LIMIT - before.len() - after.len();
    let mut text = String::with_capacity(BODY_LIMIT);
    text.push_str(before);
    text.push_str(&unit.repeat(room / unit.len()));
    text.push_str(after);
    text
}

/// Depth-matched brackets: `open` `count` times, `core`, then `close` as many times.
fn nested(before: &str, open: &str, core: &str, close: &str, after: &str) -> String {
    let room = BODY_LIMIT - before.len() - after.len() - core.len();
    let count = room / (open.len() + close.len());
    format!(
        "{before}{}{core}{}{after}",
        open.repeat(count),
        close.repeat(count)
    )
}

/// The hostile corpus, by name.
pub fn corpus() -> Vec<(&'static str, String)> {
    vec![
        // The 1,098-byte document, one level more, and the widest that fits.
        ("fan_out_8x20", fan_out(8, 20)),
        ("fan_out_9x20", fan_out(9, 20)),
        ("fan_out_40x300", fan_out(40, 300)),
        // The fuzzer's find: the fan-out onto a fragment that does not exist (the last one
        // renamed), which cost nothing to a walk that skipped unknown spreads.
        (
            "fan_out_onto_unknown",
            fan_out(9, 20).replace("fragment F8 on", "fragment N8 on"),
        ),
        // 128 KiB of tokens: a list literal of 65,000 numbers.
        (
            "tokens",
            filled("{ search(text: \"ba\", first: ", "1,", "1) { label } }"),
        ),
        // 128 KiB of punctuators only.
        ("punctuators", filled("{ __typename } ", "!", "")),
        // Deep literals: `[[[…]]]` and `{a:{a:…}}`.
        (
            "deep_list",
            nested("{ search(text: ", "[", "\"ba\"", "]", ") { label } }"),
        ),
        // 3,000 deep: the list above is so deep that pest 2.9's stack probe refused it, but
        // this one passed pest's grammar and overflowed a worker's stack in async-graphql's
        // tree-builder (`parse_value`). With the token limit lifted it aborted the server,
        // until brackets were counted before parsing.
        (
            "deep_list_3000",
            format!(
                "{{ search(text: {}\"ba\"{}) {{ label }} }}",
                "[".repeat(3_000),
                "]".repeat(3_000)
            ),
        ),
        (
            "deep_object",
            nested("{ search(text: ", "{a:", "1", "}", ") { label } }"),
        ),
        // Deep selection sets.
        (
            "deep_selections",
            nested("{ ", "regions { ", "name", " }", " }"),
        ),
        (
            "deep_inline_fragments",
            nested("{ ", "... on QueryRoot { ", "__typename", " }", " }"),
        ),
        // A string full of escapes.
        (
            "escapes",
            filled("{ search(text: \"", "\\u00e9\\n\\\"", "\") { label } }"),
        ),
        // Ten thousand `__typename`s, and as many as fit.
        (
            "typenames_10000",
            format!("{{ {} }}", "__typename ".repeat(10_000)),
        ),
        ("typenames_full", filled("{ ", "__typename ", "}")),
        // Thousands of aliases.
        ("aliases", filled("{ ", "a: __typename ", "}")),
        // Directive floods: on one field, and on every field.
        (
            "directives_one_field",
            filled("{ __typename ", "@skip(if: false) ", "}"),
        ),
        (
            "directives_every_field",
            filled("{ ", "__typename @skip(if: false) ", "}"),
        ),
        // Introspection nested as deep as fits.
        (
            "introspection_nested",
            nested(
                "{ __schema { types { ",
                "fields { type { ",
                "name",
                " } }",
                " } } }",
            ),
        ),
        // Fragments that spread each other in a cycle.
        (
            "fragment_cycle",
            "{ ...A } fragment A on QueryRoot { ...B } fragment B on QueryRoot { ...A }".to_owned(),
        ),
        // Many operations in one document.
        ("operations", operations()),
    ]
}

/// Named operations, `query Q0 { __typename } query Q1 …`, as many as fit.
fn operations() -> String {
    let mut text = String::new();
    for n in 0.. {
        let operation = format!("query Q{n} {{ __typename }} ");
        if text.len() + operation.len() > BODY_LIMIT {
            break;
        }
        text.push_str(&operation);
    }
    text
}
