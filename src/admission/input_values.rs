//! The values a request gives, checked before execution where async-graphql does not check
//! them as the GraphQL spec asks:
//! - variables are coerced against their operation's definitions ("CoerceVariableValues"): a
//!   `String!` left out, or given as `null`, or a value of the wrong type, is a request error
//!   (`BAD_USER_INPUT`, a 400), whether or not the variable is used;
//! - every `Int` of the document, literal or inside a list or input object, keeps to Int's 32
//!   bits (`GRAPHQL_VALIDATION_FAILED`): async-graphql's validation takes any 64-bit integer,
//!   so a literal out of range in a field that never ran went unseen.
//!
//! The literals are checked field by field in the limits' one walk of the document
//! (`limits.rs`: each selection once, a fragment once, against its own type condition), so the
//! work stays linear in the document's size.

use async_graphql::parser::types::{ExecutableDocument, Field};
use async_graphql::registry::{MetaField, MetaType, MetaTypeName, Registry};
use async_graphql::{ServerError, Variables};
use async_graphql_value::Value;

use super::operation::selected_operation;
use crate::schema::with_code;

/// Checks the request's variables against the definitions of the operation it runs. A
/// document without that operation is left to the execution, which reports it.
pub(crate) fn check_variables(
    registry: &Registry,
    doc: &ExecutableDocument,
    operation_name: Option<&str>,
    variables: &Variables,
) -> Result<(), ServerError> {
    let Some(operation) = selected_operation(doc, operation_name) else {
        return Ok(());
    };
    for definition in &operation.variable_definitions {
        let definition = &definition.node;
        let name = definition.name.node.as_str();
        let ty = definition.var_type.node.to_string();
        let refuse = |reason: String| {
            Err(with_code(
                ServerError::new(
                    format!("variable `${name}` of type `{ty}`: {reason}"),
                    Some(definition.name.pos),
                ),
                "BAD_USER_INPUT",
            ))
        };
        match variables.get(&definition.name.node) {
            None if definition.default_value.is_none() && !definition.var_type.node.nullable => {
                return refuse("required, but not given".to_owned());
            }
            None => {}
            Some(value) => {
                if let Err(reason) = check_value(registry, &ty, &value.clone().into_value()) {
                    return refuse(reason);
                }
            }
        }
    }
    Ok(())
}

/// Checks the argument literals of one field against their types. The limits' walk calls it on
/// each field it visits, so the literals are checked in the one walk of the document.
pub(crate) fn check_arguments(
    registry: &Registry,
    meta: &MetaField,
    field: &Field,
) -> Result<(), ServerError> {
    for (name, value) in &field.arguments {
        let Some(argument) = meta.args.get(name.node.as_str()) else {
            continue; // an unknown argument: validation reports it
        };
        if let Err(reason) = check_value(registry, &argument.ty, &value.node) {
            return Err(with_code(
                ServerError::new(
                    format!(
                        "invalid value for argument `{}` of type `{}`: {reason}",
                        name.node, argument.ty
                    ),
                    Some(value.pos),
                ),
                "GRAPHQL_VALIDATION_FAILED",
            ));
        }
    }
    Ok(())
}

/// Whether `value` can be coerced to the input type `ty` (as the registry writes types:
/// `[String!]!`). Variables inside a literal are checked with the variables.
fn check_value(registry: &Registry, ty: &str, value: &Value) -> Result<(), String> {
    if let Value::Variable(_) = value {
        return Ok(());
    }
    match MetaTypeName::create(ty) {
        MetaTypeName::NonNull(inner) => match value {
            Value::Null => Err("null where a value is required".to_owned()),
            _ => check_value(registry, inner, value),
        },
        MetaTypeName::List(inner) => match value {
            Value::Null => Ok(()),
            Value::List(items) => items
                .iter()
                .try_for_each(|item| check_value(registry, inner, item)),
            // A single value stands for a list of one.
            single => check_value(registry, inner, single),
        },
        MetaTypeName::Named(name) => match value {
            Value::Null => Ok(()),
            _ => check_named(registry, name, value),
        },
    }
}

fn check_named(registry: &Registry, name: &str, value: &Value) -> Result<(), String> {
    let wrong = || Err(format!("{value} is not a valid `{name}`"));
    match registry.types.get(name) {
        Some(MetaType::Scalar { is_valid, .. }) => {
            if name == "Int" {
                let fits = matches!(value, Value::Number(n)
                    if n.as_i64().is_some_and(|n| i32::try_from(n).is_ok()));
                return if fits {
                    Ok(())
                } else {
                    Err(format!(
                        "{value} is not an Int (32 bits: -2147483648 to 2147483647)"
                    ))
                };
            }
            let Some(is_valid) = is_valid else {
                return Ok(());
            };
            match value.clone().into_const() {
                Some(constant) if !is_valid(&constant) => wrong(),
                _ => Ok(()),
            }
        }
        Some(MetaType::Enum { enum_values, .. }) => match value {
            // Variables come from JSON, where an enum value is a string.
            Value::Enum(item) if enum_values.contains_key(item.as_str()) => Ok(()),
            Value::String(item) if enum_values.contains_key(item.as_str()) => Ok(()),
            _ => wrong(),
        },
        Some(MetaType::InputObject { input_fields, .. }) => {
            let Value::Object(given) = value else {
                return wrong();
            };
            if let Some(unknown) = given
                .keys()
                .find(|key| !input_fields.contains_key(key.as_str()))
            {
                return Err(format!("`{name}` has no field `{unknown}`"));
            }
            for field in input_fields.values() {
                match given.get(field.name.as_str()) {
                    Some(item) => check_value(registry, &field.ty, item)
                        .map_err(|reason| format!("field `{}`: {reason}", field.name))?,
                    None if field.ty.ends_with('!') && field.default_value.is_none() => {
                        return Err(format!("`{name}` needs its field `{}`", field.name));
                    }
                    None => {}
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::QueryRoot;
    use async_graphql::OutputType;

    fn registry() -> Registry {
        let mut registry = Registry::default();
        QueryRoot::create_type_info(&mut registry);
        registry.query_type = "QueryRoot".to_owned();
        registry
    }

    fn literals(query: &str) -> Result<(), ServerError> {
        let doc = async_graphql::parser::parse_query(query).expect("the test query parses");
        let limits = super::super::limits::Limits::default();
        super::super::limits::measure(&limits, &registry(), &doc, &Variables::default()).map(|_| ())
    }

    fn variables(query: &str, values: serde_json::Value) -> Result<(), ServerError> {
        let doc = async_graphql::parser::parse_query(query).expect("the test query parses");
        check_variables(&registry(), &doc, None, &Variables::from_json(values))
    }

    #[test]
    fn an_int_beyond_32_bits_is_refused_wherever_it_stands() {
        assert!(
            literals("{ regions { growth(fromYear: 1998, toYear: 2009) { percent } } }").is_ok()
        );
        for query in [
            "{ regions { growth(fromYear: 1998, toYear: -1677298009304) { percent } } }",
            "{ ...F } fragment F on QueryRoot { search(text: \"a\", first: 4294967296) { label } }",
            "{ ... on QueryRoot { communes(first: 2147483648) { totalCount } } }",
        ] {
            let error = literals(query).expect_err(query);
            assert!(error.message.contains("32 bits"), "{}", error.message);
        }
    }

    #[test]
    fn a_required_variable_must_be_given_and_not_null() {
        let query = "query C($n: String!) { cercle(name: $n) { name } }";
        assert!(variables(query, serde_json::json!({"n": "Kati"})).is_ok());
        for values in [
            serde_json::json!({}),
            serde_json::json!({"n": null}),
            serde_json::json!({"n": 5}),
        ] {
            let error = variables(query, values.clone()).expect_err("refused");
            assert!(
                error.message.starts_with("variable `$n` of type `String!`"),
                "{values}: {}",
                error.message
            );
        }
        let dated = "query D($d: Date) { regions(asOf: $d) { name } }";
        assert!(variables(dated, serde_json::json!({})).is_ok());
        assert!(variables(dated, serde_json::json!({"d": "2010-13-45"})).is_err());
        let ordered = "query O($o: UnitOrder) { regions(orderBy: $o) { name } }";
        assert!(
            variables(
                ordered,
                serde_json::json!({"o": {"field": "POPULATION", "year": 2009}})
            )
            .is_ok()
        );
        assert!(variables(ordered, serde_json::json!({"o": {"field": "SIZE"}})).is_err());
        assert!(variables(ordered, serde_json::json!({"o": {"color": "red"}})).is_err());
    }
}
