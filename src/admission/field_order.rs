//! Puts an answer's fields in the order the query asks for them, as the GraphQL spec says they
//! should come: async-graphql 7 inserts an object's fields as their resolvers finish, so a field
//! that waits for a loader batch comes after its siblings.

use async_graphql::parser::types::{Directive, ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Value, Variables};

use super::operation::selected_operation;

/// The response keys of a selection, in the order the document first asks for each, with the
/// order inside each (the selections of all fields with the same key, merged).
#[derive(Debug, Default)]
pub(crate) struct FieldOrder {
    fields: Vec<(Name, FieldOrder)>,
}

/// How deep fragments may nest here; the limits refuse deeper documents before this runs.
const MAX_DEPTH: usize = 64;

impl FieldOrder {
    /// The order of the operation `operation_name` (or the only one) of `doc` with `variables`
    /// (for `@skip`/`@include`); empty when there is no such operation (the execution reports
    /// that).
    pub(crate) fn of(
        doc: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
    ) -> FieldOrder {
        let operation = selected_operation(doc, operation_name);
        operation.map_or_else(FieldOrder::default, |operation| {
            FieldOrder::merged(doc, variables, &[&operation.selection_set.node], 0)
        })
    }

    fn merged(
        doc: &ExecutableDocument,
        variables: &Variables,
        sets: &[&SelectionSet],
        depth: usize,
    ) -> FieldOrder {
        let mut keys: Vec<(&Name, Vec<&SelectionSet>)> = Vec::new();
        for set in sets {
            collect(doc, variables, set, &mut keys, depth);
        }
        FieldOrder {
            fields: keys
                .into_iter()
                .map(|(key, sets)| {
                    (
                        key.clone(),
                        FieldOrder::merged(doc, variables, &sets, depth + 1),
                    )
                })
                .collect(),
        }
    }

    /// Reorders `value` (an object, a list of them, or a leaf) to this order.
    pub(crate) fn apply(&self, value: &mut Value) {
        match value {
            Value::Object(map) if !self.fields.is_empty() => {
                let position = |key: &Name| self.fields.iter().position(|(known, _)| known == key);
                let mut last = 0;
                let in_order = map.keys().all(|key| match position(key) {
                    Some(at) if at >= last => {
                        last = at;
                        true
                    }
                    _ => false,
                });
                if !in_order {
                    // Unknown keys (there should be none) go last, in their order.
                    map.sort_by_cached_key(|key, _| position(key).unwrap_or(usize::MAX));
                }
                for (key, field) in map.iter_mut() {
                    if let Some(at) = position(key) {
                        self.fields[at].1.apply(field);
                    }
                }
            }
            Value::List(items) => items.iter_mut().for_each(|item| self.apply(item)),
            _ => {}
        }
    }
}

/// Whether `@skip`/`@include` leave a selection in (as the execution removes skipped ones, a
/// skipped field's key comes where its first kept selection is). A condition that cannot be
/// read keeps it (validation reports it).
fn kept(directives: &[Positioned<Directive>], variables: &Variables) -> bool {
    directives.iter().all(|directive| {
        let directive = &directive.node;
        let condition = directive
            .get_argument("if")
            .and_then(|value| match &value.node {
                async_graphql_value::Value::Boolean(condition) => Some(*condition),
                async_graphql_value::Value::Variable(name) => match variables.get(name) {
                    Some(Value::Boolean(condition)) => Some(*condition),
                    _ => None,
                },
                _ => None,
            });
        !matches!(
            (directive.name.node.as_str(), condition),
            ("skip", Some(true)) | ("include", Some(false))
        )
    })
}

/// Appends the response keys of `set` (through its fragments) not yet in `keys`, and adds each
/// field's selection set to its key's.
fn collect<'a>(
    doc: &'a ExecutableDocument,
    variables: &Variables,
    set: &'a SelectionSet,
    keys: &mut Vec<(&'a Name, Vec<&'a SelectionSet>)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for selection in &set.items {
        let directives = match &selection.node {
            Selection::Field(field) => &field.node.directives,
            Selection::InlineFragment(fragment) => &fragment.node.directives,
            Selection::FragmentSpread(spread) => &spread.node.directives,
        };
        if !kept(directives, variables) {
            continue;
        }
        // A fragment's fields join this set's, in place.
        let fragment_set = match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                let sub = &field.node.selection_set.node;
                match keys.iter_mut().find(|(known, _)| *known == key) {
                    Some((_, sets)) => sets.push(sub),
                    None => keys.push((key, vec![sub])),
                }
                None
            }
            Selection::InlineFragment(fragment) => Some(&fragment.node.selection_set.node),
            Selection::FragmentSpread(spread) => doc
                .fragments
                .get(&spread.node.fragment_name.node)
                .map(|fragment| &fragment.node.selection_set.node),
        };
        if let Some(fragment_set) = fragment_set {
            collect(doc, variables, fragment_set, keys, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::value;

    use super::*;

    #[test]
    fn fields_follow_the_document_through_aliases_fragments_and_lists() {
        let doc = parse_query(
            "query Q { b: regions { ...F name } a: country { name } } \
             fragment F on Region { cercles { code name } code }",
        )
        .unwrap();
        let mut data = value!({
            "a": { "name": "Mali" },
            "b": [ { "name": "Kayes", "code": "01", "cercles": [ { "name": "Kita", "code": "0105" } ] } ],
        });
        FieldOrder::of(&doc, Some("Q"), &Variables::default()).apply(&mut data);
        assert_eq!(
            data.to_string(),
            r#"{b: [{cercles: [{code: "0105", name: "Kita"}], code: "01", name: "Kayes"}], a: {name: "Mali"}}"#
        );
    }
}
