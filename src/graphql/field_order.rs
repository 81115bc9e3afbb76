//! Puts an answer's fields in the order the query asks for them, as the GraphQL spec says they
//! should come: async-graphql 7 inserts an object's fields as their resolvers finish, so a field
//! that waits for a loader batch comes after its siblings.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::{Name, Value};

use super::admission::selected_operation;

/// The response keys of a selection, in the order the document first asks for each, with the
/// order inside each (the selections of all fields with the same key, merged).
#[derive(Debug, Default)]
pub(crate) struct FieldOrder {
    fields: Vec<(Name, FieldOrder)>,
}

/// How deep fragments may nest here; the limits refuse deeper documents before this runs.
const MAX_DEPTH: usize = 64;

impl FieldOrder {
    /// The order of the operation `operation_name` (or the only one) of `doc`; empty when there is
    /// no such operation (the execution reports that).
    pub(crate) fn of(doc: &ExecutableDocument, operation_name: Option<&str>) -> FieldOrder {
        let operation = selected_operation(doc, operation_name);
        operation.map_or_else(FieldOrder::default, |operation| {
            FieldOrder::merged(doc, &[&operation.selection_set.node], 0)
        })
    }

    fn merged(doc: &ExecutableDocument, sets: &[&SelectionSet], depth: usize) -> FieldOrder {
        let mut keys: Vec<(&Name, Vec<&SelectionSet>)> = Vec::new();
        for set in sets {
            collect(doc, set, &mut keys, depth);
        }
        FieldOrder {
            fields: keys
                .into_iter()
                .map(|(key, sets)| (key.clone(), FieldOrder::merged(doc, &sets, depth + 1)))
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

/// Appends the response keys of `set` (through its fragments) not yet in `keys`, and adds each
/// field's selection set to its key's.
fn collect<'a>(
    doc: &'a ExecutableDocument,
    set: &'a SelectionSet,
    keys: &mut Vec<(&'a Name, Vec<&'a SelectionSet>)>,
    depth: usize,
) {
    if depth > MAX_DEPTH {
        return;
    }
    for selection in &set.items {
        match &selection.node {
            Selection::Field(field) => {
                let key = &field.node.response_key().node;
                let sub = &field.node.selection_set.node;
                match keys.iter_mut().find(|(known, _)| *known == key) {
                    Some((_, sets)) => sets.push(sub),
                    None => keys.push((key, vec![sub])),
                }
            }
            Selection::InlineFragment(fragment) => {
                collect(doc, &fragment.node.selection_set.node, keys, depth + 1);
            }
            Selection::FragmentSpread(spread) => {
                if let Some(fragment) = doc.fragments.get(&spread.node.fragment_name.node) {
                    collect(doc, &fragment.node.selection_set.node, keys, depth + 1);
                }
            }
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
        FieldOrder::of(&doc, Some("Q")).apply(&mut data);
        assert_eq!(
            data.to_string(),
            r#"{b: [{cercles: [{code: "0105", name: "Kita"}], code: "01", name: "Kayes"}], a: {name: "Mali"}}"#
        );
    }
}
