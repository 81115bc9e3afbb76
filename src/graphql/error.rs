//! The API's errors, each with a stable `extensions.code` clients can branch on.

use async_graphql::{Error, ErrorExtensionValues, ErrorExtensions, ServerError, Value};

/// Errors a resolver returns; the variant's code goes to `extensions.code`. Convert with
/// [`ErrorExtensions::extend`], never with `?` alone: async-graphql's blanket `From<Display>`
/// would drop the code.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// `NOT_FOUND`: no unit ever had this name or code.
    #[error("no {level} is or was named or coded `{query}`")]
    NotFound { level: &'static str, query: String },
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
            ApiError::NotFound { .. } => "NOT_FOUND",
            ApiError::Ambiguous { .. } => "AMBIGUOUS",
            ApiError::OutOfRange { .. } => "OUT_OF_RANGE",
            ApiError::BadInput(_) => "BAD_USER_INPUT",
            ApiError::InvalidCursor(_) => "INVALID_CURSOR",
        }
    }
}

impl ErrorExtensions for ApiError {
    fn extend(&self) -> Error {
        Error::new(self.to_string()).extend_with(|_, ext| {
            ext.set("code", self.code());
            if let ApiError::Ambiguous { candidates, .. } = self {
                let list: Vec<Value> = candidates
                    .iter()
                    .map(|c| {
                        let mut object = async_graphql::indexmap::IndexMap::new();
                        object.insert(
                            async_graphql::Name::new("code"),
                            Value::from(c.code.as_str()),
                        );
                        object.insert(
                            async_graphql::Name::new("name"),
                            Value::from(c.name.as_str()),
                        );
                        object.insert(
                            async_graphql::Name::new("within"),
                            Value::from(c.within.as_str()),
                        );
                        Value::Object(object)
                    })
                    .collect();
                ext.set("candidates", Value::List(list));
            }
        })
    }
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
