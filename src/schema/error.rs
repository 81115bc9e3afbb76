//! The API's errors, each with a stable `extensions.code` clients can branch on.

use async_graphql::{
    Context, Error, ErrorExtensionValues, ErrorExtensions, Name, Result, ServerError, Value,
};

/// Errors a resolver returns; the variant's code goes to `extensions.code`. Convert with
/// [`ErrorExtensions::extend`], never with `?` alone: async-graphql's blanket `From<Display>`
/// would drop the code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `NOT_FOUND`: no unit ever had this name or code. `hint` says what the name is instead
    /// (Bamako is the District, not a cercle); `suggestions` (also in
    /// `extensions.suggestions`) are the nearest names, best first.
    #[error(
        "no {level} is or was named or coded `{query}`{hint}{}",
        suggested(suggestions)
    )]
    NotFound {
        level: &'static str,
        query: String,
        hint: String,
        suggestions: Vec<Candidate>,
    },
    /// `NOT_FOUND`: a global ID that is well formed but names no object of this API.
    #[error("no object of this API has this ID")]
    UnknownId,
    /// `AMBIGUOUS`: several units answer to the name; `extensions.candidates` lists them.
    #[error(
        "{count} {level}s are named `{name}`: add an argument to choose one (see extensions.candidates)"
    )]
    Ambiguous {
        level: &'static str,
        name: String,
        count: usize,
        candidates: Vec<Candidate>,
    },
    /// `OUT_OF_RANGE`: a date before the data begins (1996-11-04).
    #[error(
        "{date} is before the data begins ({start}): the communes were created by law 96-059 on {start}"
    )]
    OutOfRange { date: String, start: String },
    /// `BAD_USER_INPUT`: arguments that cannot be answered as given.
    #[error("{0}")]
    BadInput(String),
    /// `INVALID_CURSOR`: a pagination cursor this API did not give.
    #[error("`{0}` is not a cursor of this list: use the `cursor` of an edge")]
    InvalidCursor(String),
    /// `INVALID_CURSOR`: a cursor of another list (another filter, order or date).
    #[error(
        "`{0}` is a cursor of another list (another filter, order or date): page on with this list's own cursors"
    )]
    ForeignCursor(String),
}

/// A unit among several that answer to one name.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub code: String,
    pub name: String,
    /// Where the unit lies, e.g. "Kati cercle, Koulikoro region".
    pub within: String,
}

impl ApiError {
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotFound { .. } | ApiError::UnknownId => "NOT_FOUND",
            ApiError::Ambiguous { .. } => "AMBIGUOUS",
            ApiError::OutOfRange { .. } => "OUT_OF_RANGE",
            ApiError::BadInput(_) => "BAD_USER_INPUT",
            ApiError::InvalidCursor(_) | ApiError::ForeignCursor(_) => "INVALID_CURSOR",
        }
    }
}

impl ApiError {
    /// `NOT_FOUND` for `query` at `level`, with neither hint nor suggestions.
    pub fn not_found(level: &'static str, query: impl Into<String>) -> ApiError {
        ApiError::NotFound {
            level,
            query: query.into(),
            hint: String::new(),
            suggestions: Vec::new(),
        }
    }
}

/// " (did you mean X, in Y?)" for the message of a `NOT_FOUND` with suggestions.
fn suggested(suggestions: &[Candidate]) -> String {
    let names: Vec<String> = suggestions
        .iter()
        .map(|c| {
            if c.within.is_empty() {
                format!("`{}`", c.name)
            } else {
                format!("`{}` ({})", c.name, c.within)
            }
        })
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!("; did you mean {}?", names.join(" or "))
    }
}

fn candidate_values(candidates: &[Candidate]) -> Value {
    Value::List(
        candidates
            .iter()
            .map(|c| {
                let mut object = async_graphql::indexmap::IndexMap::new();
                object.insert(Name::new("code"), Value::from(c.code.as_str()));
                object.insert(Name::new("name"), Value::from(c.name.as_str()));
                object.insert(Name::new("within"), Value::from(c.within.as_str()));
                Value::Object(object)
            })
            .collect(),
    )
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> Error {
        Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code());
            match self {
                ApiError::Ambiguous { candidates, .. } => {
                    ext.set("candidates", candidate_values(candidates));
                }
                ApiError::NotFound { suggestions, .. } if !suggestions.is_empty() => {
                    ext.set("suggestions", candidate_values(suggestions));
                }
                _ => {}
            }
        })
    }
}

/// The answer of a nullable field, as the GraphQL spec handles field errors: an error is
/// recorded at the field's path and the field answers `null`, so that it is present in
/// `data` and its parent (and its siblings) stay. async-graphql would instead pass the error
/// up to the nearest nullable parent.
pub(crate) fn or_null<T>(ctx: &Context<'_>, answer: Result<Option<T>>) -> Option<T> {
    answer.unwrap_or_else(|error| {
        ctx.add_error(ctx.set_error_path(error.into_server_error(ctx.item.pos)));
        None
    })
}

/// A request-level error (no position, no path) with `code`.
pub(crate) fn coded(message: impl Into<String>, code: &str) -> ServerError {
    with_code(ServerError::new(message, None), code)
}

/// Sets `code` unless the error has one.
pub(crate) fn with_code(mut error: ServerError, code: &str) -> ServerError {
    let extensions = error
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
    error
}
