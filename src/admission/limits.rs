//! Limits that keep hostile documents from costing the server more than a fair query: tokens,
//! depth, list-aware complexity, recursion, directives per field, aliases and introspection
//! nesting, each rejection with its own `extensions.code`.
//!
//! Every pass over a document before execution is linear in its size: tokens are counted in
//! the text before it is parsed (the cheapest refusal), then one walk ([`measure`]) visits each
//! selection of the text once, keeping each fragment's summary for its later spreads, so a
//! fragment spread twenty times at eight levels costs 160 visits, not 20⁸. Tokens, aliases and
//! complexity are charged to a [`Budget`] that the operations of one HTTP request share.
//!
//! async-graphql checks depth, recursion and directives itself; this module sets those limits
//! and gives their errors codes. Complexity is computed here rather than with async-graphql's
//! `limit_complexity`, which counts each field once: a list field multiplies the cost of its
//! selection by its `first`/`last`/`limit` argument or, without one, by `list_factor`, so
//! `regions { cercles { communes { name } } }` costs what it may return. A connection (a page)
//! multiplies by its `first`/`last`, else the default page size, and its `nodes` or `edges` by
//! nothing more. Introspection types
//! are bounded by the schema, not the data, so their lists are not multiplied (GraphiQL's
//! introspection query passes the defaults).

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, OperationType, Selection, SelectionSet};
use async_graphql::registry::Registry;
use async_graphql::{Positioned, ServerError, ServerResult, Value, Variables};

use super::input_values;
use crate::schema::{DEFAULT_PAGE, coded};

/// The limits a request must keep. Defaults admit GraphiQL's introspection query and every
/// example of the README.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Deepest field nesting (`QUERY_TOO_DEEP`).
    pub depth: usize,
    /// Highest list-aware cost (`QUERY_TOO_COMPLEX`).
    pub complexity: u64,
    /// What a list field without a size argument multiplies its selection's cost by.
    pub list_factor: u64,
    /// Deepest nesting of selection sets and fragments, checked before anything walks the
    /// document (`RECURSION_TOO_DEEP`).
    pub recursion: usize,
    /// Most directives on one field (`TOO_MANY_DIRECTIVES`; advisory CVE-2024-47614).
    pub directives: usize,
    /// Most aliases in one request (`TOO_MANY_ALIASES`).
    pub aliases: usize,
    /// Most lexical tokens in one request's query texts (`TOO_MANY_TOKENS`).
    pub tokens: usize,
    /// Most nested introspection lists (`fields`, `interfaces`, `possibleTypes`,
    /// `inputFields`) under `__schema` or `__type` (`INTROSPECTION_TOO_DEEP`).
    pub introspection_depth: usize,
    /// Parsed documents kept, by query text (0: none).
    pub document_cache: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            depth: 16,
            complexity: 10_000,
            list_factor: 10,
            recursion: 32,
            directives: 4,
            // GraphiQL's examples use two aliases and the README's one; 30 is Apollo Router's
            // documented example.
            aliases: 30,
            // GraphiQL's introspection query has 184 tokens, the whole tree of 2010 30.
            tokens: 2_000,
            introspection_depth: 3,
            document_cache: 1_000,
        }
    }
}

/// What the schema admits: the limits, and the switches that decide how much it tells.
#[derive(Debug, Clone)]
pub struct Policy {
    pub limits: Limits,
    /// Answer introspection queries (GraphiQL needs them).
    pub introspection: bool,
    /// Suggest field names in validation errors ("did you mean"): development only, as they
    /// help probe a schema with introspection off.
    pub suggestions: bool,
    /// Automatic persisted queries kept, by hash (0: APQ off).
    pub persisted_queries: usize,
    /// Serve an Apollo Federation v2 subgraph (`_service`, `_entities`, `@key`s).
    pub federation: bool,
    /// Run the queries the fast path knows on it (`fast_path`); off, async-graphql's executor
    /// runs every query (to compare them).
    pub fast_path: bool,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            limits: Limits::default(),
            introspection: true,
            suggestions: false,
            persisted_queries: 1_000,
            federation: false,
            fast_path: true,
        }
    }
}

/// Error codes of the limits.
pub mod code {
    pub const QUERY_TOO_DEEP: &str = "QUERY_TOO_DEEP";
    pub const QUERY_TOO_COMPLEX: &str = "QUERY_TOO_COMPLEX";
    pub const RECURSION_TOO_DEEP: &str = "RECURSION_TOO_DEEP";
    pub const TOO_MANY_DIRECTIVES: &str = "TOO_MANY_DIRECTIVES";
    pub const TOO_MANY_ALIASES: &str = "TOO_MANY_ALIASES";
    pub const TOO_MANY_TOKENS: &str = "TOO_MANY_TOKENS";
    pub const INTROSPECTION_TOO_DEEP: &str = "INTROSPECTION_TOO_DEEP";
    pub const INTROSPECTION_DISABLED: &str = "INTROSPECTION_DISABLED";
    pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
    pub const PERSISTED_QUERY_NOT_SUPPORTED: &str = "PERSISTED_QUERY_NOT_SUPPORTED";
}

/// Applies the limits async-graphql checks itself to a schema under construction.
pub(crate) fn apply<Q, M, S>(
    builder: async_graphql::SchemaBuilder<Q, M, S>,
    limits: &Limits,
) -> async_graphql::SchemaBuilder<Q, M, S> {
    builder
        .limit_depth(limits.depth)
        .limit_recursive_depth(limits.recursion)
        .limit_directives(limits.directives)
}

/// The code of one of async-graphql's own limit errors (it words them, we code them).
pub(crate) fn limit_error_code(error: &ServerError) -> Option<&'static str> {
    if error
        .message
        .starts_with("The recursion depth of the query")
    {
        Some(code::RECURSION_TOO_DEEP)
    } else if error
        .message
        .starts_with("The number of directives on the field")
    {
        Some(code::TOO_MANY_DIRECTIVES)
    } else if error.message == "Query is nested too deep." {
        Some(code::QUERY_TOO_DEEP)
    } else {
        None
    }
}

/// What a document costs, as the limits' walk (`measure`) finds it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Measure {
    /// Lexical tokens of the query text (punctuators, names, numbers, strings).
    pub tokens: usize,
    /// Aliases in the text, each fragment once.
    pub aliases: usize,
    /// The list-aware cost of the operations.
    pub complexity: u64,
}

/// What is left of one HTTP request's budget of tokens, aliases and complexity: a batch's
/// operations share it, so a batch of ten costs what ten requests would, not ten budgets.
#[derive(Debug, Clone)]
pub struct Budget {
    limits: Measure,
    spent: Measure,
    /// Operations charged so far (a second one means a batch, which the messages say).
    operations: usize,
}

impl Budget {
    /// A full budget: the limits of `limits`.
    pub fn new(limits: &Limits) -> Budget {
        Budget {
            limits: Measure {
                tokens: limits.tokens,
                aliases: limits.aliases,
                complexity: limits.complexity,
            },
            spent: Measure::default(),
            operations: 0,
        }
    }

    /// What has been spent so far.
    pub fn spent(&self) -> Measure {
        self.spent
    }

    /// Tokens left for the next operation's text.
    pub(crate) fn tokens_left(&self) -> usize {
        self.limits.tokens.saturating_sub(self.spent.tokens)
    }

    /// Refuses `tokens` more than the budget has left, before the text is parsed.
    pub(crate) fn check_tokens(&self, tokens: usize) -> ServerResult<()> {
        let total = self.spent.tokens.saturating_add(tokens);
        if total > self.limits.tokens {
            return Err(coded(
                format!(
                    "The document has more than {} tokens{}; at most {} are allowed",
                    self.limits.tokens.saturating_sub(self.spent.tokens),
                    self.shared(),
                    self.limits.tokens
                ),
                code::TOO_MANY_TOKENS,
            ));
        }
        Ok(())
    }

    /// Takes `measure` from the budget, or refuses it (aliases first, then complexity) and
    /// takes nothing.
    pub(crate) fn charge(&mut self, measure: Measure) -> ServerResult<()> {
        self.check_tokens(measure.tokens)?;
        let aliases = self.spent.aliases.saturating_add(measure.aliases);
        if aliases > self.limits.aliases {
            return Err(coded(
                format!(
                    "The document has {aliases} aliases{}; at most {} are allowed",
                    self.shared(),
                    self.limits.aliases
                ),
                code::TOO_MANY_ALIASES,
            ));
        }
        let complexity = self.spent.complexity.saturating_add(measure.complexity);
        if complexity > self.limits.complexity {
            return Err(coded(
                format!(
                    "The query may cost {complexity}{}, above the limit of {} (a list field counts its selection once per item it may return)",
                    self.shared(),
                    self.limits.complexity
                ),
                code::QUERY_TOO_COMPLEX,
            ));
        }
        self.spent = Measure {
            tokens: self.spent.tokens.saturating_add(measure.tokens),
            aliases,
            complexity,
        };
        self.operations += 1;
        Ok(())
    }

    /// Words that say a figure counts the batch's earlier operations too.
    fn shared(&self) -> &'static str {
        if self.operations > 0 {
            " with the batch's earlier operations (a batch shares one budget)"
        } else {
            ""
        }
    }
}

/// How deep brackets (`{`, `[`, `(`) may nest in a text before it is parsed. async-graphql's
/// parser refuses selection sets nested deeper than 64 once it has parsed them; its grammar
/// recurses once per bracket, so this bound, checked first, is what keeps any text (a list
/// thousands deep in an argument, with the token limit raised) from exhausting a worker's
/// stack. It is not a setting: deeper selection sets could not be parsed anyway.
pub const MAX_NESTING: usize = 64;

/// What one pass over a query text found before it is parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Lexed {
    /// Lexical tokens: the spec's punctuators, names, numbers and strings (whitespace, commas
    /// and comments are not tokens).
    pub tokens: usize,
    /// The deepest nesting of brackets outside strings and comments, among the tokens counted.
    pub nesting: usize,
}

/// Counts the tokens of a GraphQL text and the depth of its brackets, stopping once past
/// `token_limit` tokens: the cheapest refusals, made before the parser sees the text (a text
/// over both limits is refused for its tokens). A character no token starts with counts as one (the parser refuses it). Linear in
/// the text, one pass, no allocation.
pub fn lex(text: &str, token_limit: usize) -> Lexed {
    let bytes = text.as_bytes();
    let mut at = 0;
    let mut tokens = 0;
    let (mut depth, mut nesting) = (0_usize, 0_usize);
    while at < bytes.len() && tokens <= token_limit {
        match bytes[at] {
            b' ' | b'\t' | b'\n' | b'\r' | b',' => at += 1,
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => {
                // A block string ends at the first `"""` not escaped as `\"""`.
                at += 3;
                while at < bytes.len() && !bytes[at..].starts_with(b"\"\"\"") {
                    at += if bytes[at..].starts_with(b"\\\"\"\"") {
                        4
                    } else {
                        1
                    };
                }
                at = (at + 3).min(bytes.len());
                tokens += 1;
            }
            b'"' => {
                at += 1;
                while at < bytes.len() && !matches!(bytes[at], b'"' | b'\n' | b'\r') {
                    at += if bytes[at] == b'\\' { 2 } else { 1 };
                }
                at = (at + 1).min(bytes.len());
                tokens += 1;
            }
            b'.' if bytes[at..].starts_with(b"...") => {
                at += 3;
                tokens += 1;
            }
            byte if byte == b'_' || byte.is_ascii_alphabetic() => {
                while at < bytes.len() && (bytes[at] == b'_' || bytes[at].is_ascii_alphanumeric()) {
                    at += 1;
                }
                tokens += 1;
            }
            byte if byte == b'-' || byte.is_ascii_digit() => {
                // A number: sign, digits, fraction and exponent, taken loosely (the parser
                // checks its form).
                at += 1;
                while at < bytes.len()
                    && (bytes[at].is_ascii_alphanumeric()
                        || bytes[at] == b'.'
                        || ((bytes[at] == b'+' || bytes[at] == b'-')
                            && matches!(bytes[at - 1], b'e' | b'E')))
                {
                    at += 1;
                }
                tokens += 1;
            }
            b'{' | b'[' | b'(' => {
                at += 1;
                tokens += 1;
                depth += 1;
                nesting = nesting.max(depth);
            }
            b'}' | b']' | b')' => {
                // An unbalanced closer is the parser's to refuse.
                at += 1;
                tokens += 1;
                depth = depth.saturating_sub(1);
            }
            _ => {
                // Another punctuator, or a character the parser refuses: one token either way.
                // A character of several bytes is skipped whole.
                at += text[at..].chars().next().map_or(1, char::len_utf8);
                tokens += 1;
            }
        }
    }
    Lexed { tokens, nesting }
}

/// Refuses a text whose brackets nest deeper than [`MAX_NESTING`], with the code the parser
/// gives the selection sets it refuses for their depth.
pub(crate) fn check_nesting(lexed: Lexed) -> ServerResult<()> {
    if lexed.nesting > MAX_NESTING {
        return Err(coded(
            format!(
                "The document nests brackets ({{, [ or () more than {MAX_NESTING} deep, the most the parser takes"
            ),
            "GRAPHQL_PARSE_FAILED",
        ));
    }
    Ok(())
}

/// What one walk of a document found, for the admission to weigh.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Walked {
    pub(crate) aliases: usize,
    pub(crate) complexity: u64,
    /// An operation asks for `__schema` or `__type` at its root (through fragments too).
    pub(crate) introspects: bool,
    /// Selections the walk visited: each selection of the text once, whatever the spreads.
    pub(crate) visited: usize,
}

/// Walks `doc` once, in time linear in its text: each operation and each fragment definition is
/// walked once, and a fragment spread takes the fragment's summary from the first walk. Refuses
/// on the way what needs no totals: selection sets or fragments nested past `recursion`
/// (`RECURSION_TOO_DEEP`), more than `directives` directives on a selection
/// (`TOO_MANY_DIRECTIVES`), spreads of unknown fragments, introspection lists nested past
/// `introspection_depth`
/// (`INTROSPECTION_TOO_DEEP`) and argument literals their types refuse
/// (`GRAPHQL_VALIDATION_FAILED`, see `input_values.rs`); returns the aliases, the complexity and whether it introspects,
/// which the admission weighs against the request's [`Budget`].
pub(crate) fn measure(
    limits: &Limits,
    registry: &Registry,
    doc: &ExecutableDocument,
    variables: &Variables,
) -> ServerResult<Walked> {
    let mut walk = Walk {
        limits,
        registry,
        doc,
        variables,
        fragments: HashMap::new(),
        aliases: 0,
        visited: 0,
    };
    let mut complexity: u64 = 0;
    let mut introspects = false;
    for (_, operation) in doc.operations.iter() {
        walk.directives(operation.node.directives.len(), "the operation")?;
        let root = match operation.node.ty {
            OperationType::Query => &registry.query_type,
            OperationType::Mutation => registry
                .mutation_type
                .as_ref()
                .unwrap_or(&registry.query_type),
            OperationType::Subscription => registry
                .subscription_type
                .as_ref()
                .unwrap_or(&registry.query_type),
        };
        let summary = walk.selection_set(&operation.node.selection_set, root, 0)?;
        complexity = complexity.saturating_add(summary.cost);
        introspects |= summary.introspects;
    }
    // Fragments no operation spreads are refused by validation, but their aliases and
    // directives count: walk them too, so that every selection of the text is seen once.
    for (name, fragment) in &doc.fragments {
        if !walk.fragments.contains_key(name.as_str()) {
            walk.fragment(name.as_str(), fragment, 0)?;
        }
    }
    Ok(Walked {
        aliases: walk.aliases,
        complexity,
        introspects,
        visited: walk.visited,
    })
}

/// What a selection set amounts to, kept per fragment so that a spread costs a look-up.
#[derive(Debug, Clone, Copy, Default)]
struct Summary {
    /// Its list-aware cost.
    cost: u64,
    /// How many selection sets and fragments nest below it, at the deepest.
    height: usize,
    /// It asks for `__schema` or `__type` (at its own level, through fragments).
    introspects: bool,
    /// How many introspection lists (`fields`, `interfaces`, `possibleTypes`, `inputFields`)
    /// nest in it, at the deepest.
    lists: usize,
}

/// The introspection fields whose lists graphql-js's `MaxIntrospectionDepthRule` counts.
const INTROSPECTION_LISTS: [&str; 4] = ["fields", "interfaces", "possibleTypes", "inputFields"];

/// One walk of a document (see [`measure`]).
struct Walk<'a> {
    limits: &'a Limits,
    registry: &'a Registry,
    doc: &'a ExecutableDocument,
    variables: &'a Variables,
    /// Fragments walked, by name; `None` while one is being walked (a spread of it then is a
    /// cycle).
    fragments: HashMap<&'a str, Option<Summary>>,
    aliases: usize,
    visited: usize,
}

impl<'a> Walk<'a> {
    fn selection_set(
        &mut self,
        set: &'a Positioned<SelectionSet>,
        parent: &str,
        depth: usize,
    ) -> ServerResult<Summary> {
        if depth > self.limits.recursion {
            return Err(self.too_deep());
        }
        let mut summary = Summary::default();
        for selection in &set.node.items {
            self.visited += 1;
            let (cost, nested) = match &selection.node {
                Selection::Field(field) => {
                    let field = &field.node;
                    let name = field.name.node.as_str();
                    self.directives(field.directives.len(), name)?;
                    self.aliases += usize::from(field.alias.is_some());
                    let meta = self
                        .registry
                        .types
                        .get(parent)
                        .and_then(|ty| ty.field_by_name(name));
                    if let Some(meta) = meta {
                        input_values::check_arguments(self.registry, meta, field)?;
                    }
                    let child_type = meta
                        .map(|meta| {
                            async_graphql::registry::MetaTypeName::concrete_typename(&meta.ty)
                        })
                        .unwrap_or("");
                    let children = if field.selection_set.node.items.is_empty() {
                        None
                    } else {
                        Some(self.selection_set(&field.selection_set, child_type, depth + 1)?)
                    };
                    let child = children.unwrap_or_default();
                    if matches!(name, "__schema" | "__type") {
                        summary.introspects = true;
                        if child.lists > self.limits.introspection_depth {
                            return Err(coded(
                                format!(
                                    "Introspection lists (`fields`, `interfaces`, `possibleTypes`, `inputFields`) nest {} deep; at most {} are allowed",
                                    child.lists, self.limits.introspection_depth
                                ),
                                code::INTROSPECTION_TOO_DEEP,
                            ));
                        }
                    }
                    let lists = child.lists + usize::from(INTROSPECTION_LISTS.contains(&name));
                    summary.lists = summary.lists.max(lists);
                    let is_list =
                        meta.is_some_and(|meta| meta.ty.trim_end_matches('!').starts_with('['));
                    let multiplier = if parent.starts_with("__") {
                        // Introspection is bounded by the schema, not the data.
                        1
                    } else if !is_list && child_type.ends_with("Connection") {
                        // A page: its `first`/`last`, else the default page size.
                        self.list_size(field, DEFAULT_PAGE as u64)
                    } else if is_list && parent.ends_with("Connection") {
                        // A page's `nodes` or `edges`: counted by the connection's field.
                        1
                    } else if is_list {
                        self.list_size(field, self.limits.list_factor)
                    } else {
                        1
                    };
                    (
                        1u64.saturating_add(multiplier.saturating_mul(child.cost)),
                        children.map(|child| child.height + 1),
                    )
                }
                Selection::InlineFragment(fragment) => {
                    self.directives(fragment.node.directives.len(), "an inline fragment")?;
                    let on = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map_or(parent, |condition| condition.node.on.node.as_str());
                    let inner = self.selection_set(&fragment.node.selection_set, on, depth + 1)?;
                    summary.introspects |= inner.introspects;
                    summary.lists = summary.lists.max(inner.lists);
                    (inner.cost, Some(inner.height + 1))
                }
                Selection::FragmentSpread(spread) => {
                    self.directives(spread.node.directives.len(), "a fragment spread")?;
                    let name = spread.node.fragment_name.node.as_str();
                    let Some((name, fragment)) = self.doc.fragments.get_key_value(name) else {
                        // Refused here, as validation would refuse it: a spread of nothing
                        // would cost nothing, and fragments fanned out onto it would pass the
                        // cost and then take async-graphql's validation, which follows every
                        // spread, through each of their expansions (a fuzzer's find: 20^7
                        // visits for 1,248 bytes).
                        return Err(coded(
                            format!(r#"Unknown fragment: "{name}""#),
                            "GRAPHQL_VALIDATION_FAILED",
                        ));
                    };
                    let inner = match self.fragments.get(name.as_str()) {
                        Some(Some(known)) => {
                            if depth + 1 + known.height > self.limits.recursion {
                                return Err(self.too_deep());
                            }
                            *known
                        }
                        Some(None) => {
                            return Err(coded(
                                format!("Cannot spread fragment \"{name}\" within itself"),
                                "GRAPHQL_VALIDATION_FAILED",
                            ));
                        }
                        None => self.fragment(name.as_str(), fragment, depth + 1)?,
                    };
                    summary.introspects |= inner.introspects;
                    summary.lists = summary.lists.max(inner.lists);
                    (inner.cost, Some(inner.height + 1))
                }
            };
            summary.cost = summary.cost.saturating_add(cost);
            if let Some(nested) = nested {
                summary.height = summary.height.max(nested);
            }
        }
        Ok(summary)
    }

    /// Walks a fragment's definition (at `depth`, where its first spread puts it) and keeps
    /// its summary.
    fn fragment(
        &mut self,
        name: &'a str,
        fragment: &'a Positioned<async_graphql::parser::types::FragmentDefinition>,
        depth: usize,
    ) -> ServerResult<Summary> {
        self.fragments.insert(name, None);
        self.directives(fragment.node.directives.len(), name)?;
        let on = fragment.node.type_condition.node.on.node.as_str();
        let summary = self.selection_set(&fragment.node.selection_set, on, depth)?;
        self.fragments.insert(name, Some(summary));
        Ok(summary)
    }

    /// Refuses more directives on one place than the limit.
    fn directives(&self, count: usize, on: &str) -> ServerResult<()> {
        if count > self.limits.directives {
            return Err(coded(
                format!(
                    "The number of directives on the field `{on}` cannot be greater than `{}`",
                    self.limits.directives
                ),
                code::TOO_MANY_DIRECTIVES,
            ));
        }
        Ok(())
    }

    fn too_deep(&self) -> ServerError {
        coded(
            format!(
                "The recursion depth of the query cannot be greater than `{}`",
                self.limits.recursion
            ),
            code::RECURSION_TOO_DEEP,
        )
    }

    /// The size a list field may return: its `first`, `last` or `limit` argument (a literal or
    /// a variable), else `otherwise`. Only a number is read, never a copy of the argument.
    fn list_size(&self, field: &async_graphql::parser::types::Field, otherwise: u64) -> u64 {
        ["first", "last", "limit"]
            .iter()
            .find_map(|name| field.get_argument(name))
            .and_then(|value| match &value.node {
                async_graphql_value::Value::Number(number) => number.as_u64(),
                async_graphql_value::Value::Variable(name) => match self.variables.get(name) {
                    Some(Value::Number(number)) => number.as_u64(),
                    _ => None,
                },
                _ => None,
            })
            .map_or(otherwise, |size| size.max(1))
    }
}

/// The cost of an answer as the complexity counts it, from what it holds: each field 1 plus
/// its value's cost, a list the sum of its items' (so a list field costs its selection once per
/// item it returned, not per item it might have). The `actualQueryCost` beside the requested
/// one in every answer's `extensions.cost`.
pub(crate) fn actual_cost(data: &Value) -> u64 {
    match data {
        Value::Object(fields) => fields
            .values()
            .map(|value| 1u64.saturating_add(actual_cost(value)))
            .fold(0, u64::saturating_add),
        Value::List(items) => items.iter().map(actual_cost).fold(0, u64::saturating_add),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use async_graphql::OutputType;

    use super::*;
    use crate::graphql::QueryRoot;

    /// `benches/hostile.rs`' fan-out: `levels` fragments, each spreading the next `width` times.
    mod hostile {
        pub fn fan_out(levels: usize, width: usize) -> String {
            let mut text = String::from("query { ...F0 }\n");
            for level in 0..levels - 1 {
                let spreads = format!(" ...F{}", level + 1).repeat(width);
                text.push_str(&format!("fragment F{level} on QueryRoot {{{spreads} }}\n"));
            }
            text + &format!("fragment F{} on QueryRoot {{ __typename }}\n", levels - 1)
        }
    }

    fn registry() -> Registry {
        let mut registry = Registry::default();
        QueryRoot::create_type_info(&mut registry);
        registry.query_type = QueryRoot::type_name().into_owned();
        registry
    }

    fn walked(text: &str) -> ServerResult<Walked> {
        let limits = Limits {
            recursion: 64,
            ..Limits::default()
        };
        let doc = async_graphql::parser::parse_query(text).unwrap();
        measure(&limits, &registry(), &doc, &Variables::default())
    }

    #[test]
    fn the_walk_visits_each_selection_of_the_text_once_whatever_the_spreads() {
        // `...F0`, then 20 spreads in each of seven fragments, then `__typename`: 142
        // selections in the text, 20^7 once expanded. One more level, 20 more visits.
        let eight = walked(&hostile::fan_out(8, 20)).unwrap();
        assert_eq!(eight.visited, 1 + 7 * 20 + 1);
        assert_eq!(eight.complexity, 20u64.pow(7));
        assert!(!eight.introspects);
        let nine = walked(&hostile::fan_out(9, 20)).unwrap();
        assert_eq!(nine.visited, 1 + 8 * 20 + 1);
        assert_eq!(nine.complexity, 20u64.pow(8));
        // Forty levels of 300 spreads: linear too.
        let forty = walked(&hostile::fan_out(40, 300)).unwrap();
        assert_eq!(forty.visited, 1 + 39 * 300 + 1);
        assert_eq!(forty.complexity, u64::MAX);
    }

    #[test]
    fn introspection_behind_fanned_out_fragments_is_found_in_one_visit_each() {
        let mut text = hostile::fan_out(8, 20);
        text = text.replace("{ __typename }", "{ __schema { queryType { name } } }");
        let walked = walked(&text).unwrap();
        assert!(walked.introspects);
        // Each selection of the text once: 141 spreads, `__schema`, `queryType`, `name`.
        assert_eq!(walked.visited, 1 + 7 * 20 + 3);
    }

    #[test]
    fn a_fan_out_onto_an_unknown_fragment_is_refused_at_its_first_spread() {
        // The fuzzer's document: the fan-out, its last fragment renamed, so that every spread
        // of the last level names no fragment.
        let text = hostile::fan_out(9, 20).replace("fragment F8 on", "fragment N8 on");
        let error = walked(&text).unwrap_err();
        assert_eq!(error.message, r#"Unknown fragment: "F8""#);
        let code = error
            .extensions
            .as_ref()
            .and_then(|e| e.get("code"))
            .cloned();
        assert_eq!(code, Some(Value::from("GRAPHQL_VALIDATION_FAILED")));
    }

    #[test]
    fn a_spread_of_a_known_fragment_still_counts_its_depth() {
        // B is walked first at depth 1; its spread inside three nested sets puts it past 3.
        let limits = Limits {
            recursion: 3,
            ..Limits::default()
        };
        let text = "{ ...B regions { cercles { communes { ...B } } } } fragment B on QueryRoot { __typename }";
        let doc = async_graphql::parser::parse_query(text).unwrap();
        let error = measure(&limits, &registry(), &doc, &Variables::default()).unwrap_err();
        assert!(
            error.message.starts_with("The recursion depth"),
            "{}",
            error.message
        );
    }

    #[test]
    fn the_actual_cost_counts_each_field_once_per_item_returned() {
        let data = async_graphql::value!({
            "regions": [
                {"name": "Kayes", "cercles": [{"name": "Bafoulabé"}, {"name": "Diéma"}]},
                {"name": "Mopti", "cercles": []},
            ],
            "country": {"name": "Mali"},
        });
        // regions 1 + (name 1 + cercles 1 + 2 × name 1) + (name 1 + cercles 1); country 1 + 1.
        assert_eq!(actual_cost(&data), 1 + 4 + 2 + 2);
    }

    #[test]
    fn tokens_are_counted_as_the_spec_lexes_them() {
        let count = |text: &str| lex(text, usize::MAX).tokens;
        assert_eq!(count("{ a }"), 3);
        assert_eq!(count("{ a, b,,, c } # { d e f"), 5);
        assert_eq!(
            count(r#"{ a(x: "s \" t", y: -1.5e+3, z: $v) @d ...F ... on T { b } }"#),
            25
        );
        assert_eq!(count(r#"{ a(x: """ block \""" "" still """) }"#), 8);
        assert_eq!(count("query { é }"), 4);
        // Stops counting past the limit.
        assert_eq!(lex(&"a ".repeat(100_000), 10).tokens, 11);
    }

    #[test]
    fn brackets_are_nested_as_written_outside_strings_and_comments() {
        let nesting = |text: &str| lex(text, usize::MAX).nesting;
        assert_eq!(nesting("{ a }"), 1);
        assert_eq!(nesting("{ a(x: [[1], [2]]) { b } } { c }"), 4);
        assert_eq!(nesting(r#"{ a(x: "{[(" y: """ [[[ """) } # {{{{"#), 2);
        // Unbalanced closers do not go below the top level.
        assert_eq!(nesting("}}} { a }"), 1);
        // Counted as far as the tokens are.
        let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(lex(&deep, usize::MAX).nesting, 100_000);
        assert_eq!(lex(&deep, 100).nesting, 101);
        assert!(check_nesting(lex(&deep, usize::MAX)).is_err());
        let at_the_bound = format!("{}1{}", "[".repeat(MAX_NESTING), "]".repeat(MAX_NESTING));
        assert!(check_nesting(lex(&at_the_bound, usize::MAX)).is_ok());
    }
}
