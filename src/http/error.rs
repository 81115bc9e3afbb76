//! The HTTP layer's errors: requests refused before any GraphQL runs. Each answers with its
//! status and a GraphQL-shaped body (`{"errors": [{"message", "extensions": {"code"}}]}`), so
//! clients read every failure the same way.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// 415 `UNSUPPORTED_MEDIA_TYPE`: a POST body that is not `application/json` in UTF-8.
    #[error(
        "unsupported content type `{0}`: send `application/json` (UTF-8), or use GET with the query in the URL"
    )]
    UnsupportedMediaType(String),
    /// 406 `NOT_ACCEPTABLE`: the `Accept` header admits neither of our media types.
    #[error(
        "cannot answer in any type `Accept` admits: use `application/graphql-response+json` or `application/json`"
    )]
    NotAcceptable,
    /// 413 `REQUEST_TOO_LARGE`: the body is over the limit.
    #[error("the request body is over the limit of {limit} bytes")]
    BodyTooLarge { limit: usize },
    /// 400 `INVALID_JSON`: the body is not JSON (or not UTF-8).
    #[error("the body is not valid JSON: {0}")]
    InvalidJson(String),
    /// 400 `BAD_REQUEST`: JSON, but not a GraphQL request (missing `query`, wrong types).
    #[error("{0}")]
    BadRequest(String),
    /// 400 `BATCHING_DISABLED`: a batch (a JSON array) where batching is off (the default).
    #[error("batching is off on this server: send one request (a JSON object) per POST")]
    BatchingDisabled,
    /// 400 `BATCH_TOO_LARGE`: more operations in one batch than allowed.
    #[error("the batch has {size} operations; at most {limit} are allowed")]
    BatchTooLarge { size: usize, limit: usize },
    /// 405 `METHOD_NOT_ALLOWED`: a mutation or subscription over GET.
    #[error("GET can only run queries: send {0} operations with POST")]
    NotAQuery(&'static str),
    /// 408 `REQUEST_TIMEOUT`: the body did not arrive within the time limit.
    #[error("the request body did not arrive in time")]
    BodyTimeout,
    /// 429 `RATE_LIMITED`: the client's budget over time is spent; `Retry-After` says when it
    /// has enough again.
    #[error("this client's budget over time is spent: retry in {} s", retry_after_seconds(*retry_after))]
    RateLimited { retry_after: std::time::Duration },
    /// The body could not be read from the connection.
    #[error("the request body could not be read: {0}")]
    Body(String),
    /// 404 `NOT_FOUND`: no such export file.
    #[error("{0}")]
    NotFound(String),
    /// 400 `OUT_OF_RANGE`: a date before the data begins.
    #[error("{0}")]
    OutOfRange(String),
    /// 503 `EXPORT_UNAVAILABLE`: the export could not be made (the geometry did not load).
    #[error("{0}")]
    Unavailable(String),
}

impl HttpError {
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            HttpError::NotAcceptable => StatusCode::NOT_ACCEPTABLE,
            HttpError::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            HttpError::InvalidJson(_)
            | HttpError::BadRequest(_)
            | HttpError::BatchTooLarge { .. }
            | HttpError::BatchingDisabled
            | HttpError::Body(_)
            | HttpError::OutOfRange(_) => StatusCode::BAD_REQUEST,
            HttpError::NotFound(_) => StatusCode::NOT_FOUND,
            HttpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::NotAQuery(_) => StatusCode::METHOD_NOT_ALLOWED,
            HttpError::BodyTimeout => StatusCode::REQUEST_TIMEOUT,
            HttpError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            HttpError::UnsupportedMediaType(_) => "UNSUPPORTED_MEDIA_TYPE",
            HttpError::NotAcceptable => "NOT_ACCEPTABLE",
            HttpError::BodyTooLarge { .. } => "REQUEST_TOO_LARGE",
            HttpError::InvalidJson(_) => "INVALID_JSON",
            HttpError::BadRequest(_) | HttpError::Body(_) => "BAD_REQUEST",
            HttpError::BatchTooLarge { .. } => "BATCH_TOO_LARGE",
            HttpError::BatchingDisabled => "BATCHING_DISABLED",
            HttpError::NotAQuery(_) => "METHOD_NOT_ALLOWED",
            HttpError::BodyTimeout => "REQUEST_TIMEOUT",
            HttpError::NotFound(_) => "NOT_FOUND",
            HttpError::OutOfRange(_) => "OUT_OF_RANGE",
            HttpError::Unavailable(_) => "EXPORT_UNAVAILABLE",
            HttpError::RateLimited { .. } => "RATE_LIMITED",
        }
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        let code = self.code();
        super::metrics::count_error(code);
        tracing::debug!(code, error = %self, "request refused");
        let body = json!({"errors": [{"message": self.to_string(), "extensions": {"code": code}}]});
        let mut response = (
            self.status(),
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json; charset=utf-8"),
            )],
            body.to_string(),
        )
            .into_response();
        if let HttpError::NotAQuery(_) = self {
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
        }
        if let HttpError::RateLimited { retry_after } = self {
            response.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(retry_after_seconds(retry_after)),
            );
        }
        response
    }
}

/// Whole seconds to wait, rounded up, at least 1 (`Retry-After` has no fractions).
fn retry_after_seconds(wait: std::time::Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// 500 `INTERNAL_SERVER_ERROR`: what a panic becomes (none is expected; the details go to the
/// log, not to the client).
pub fn internal_error() -> Response {
    super::metrics::count_error("INTERNAL_SERVER_ERROR");
    tracing::error!("a handler panicked");
    let body = json!({"errors": [{"message": "internal error", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]});
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        )],
        body.to_string(),
    )
        .into_response()
}
