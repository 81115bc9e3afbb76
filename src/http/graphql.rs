//! The GraphQL endpoint over HTTP, after the GraphQL-over-HTTP spec: `Accept` chooses between
//! `application/graphql-response+json` and `application/json`; a request that fails before
//! execution (parse, validation, variables, limits) is a 400 with the former and a 200 with
//! the latter, and has no `data`; GET runs queries only and is cacheable; POST takes one
//! request or, with batching on, a bounded batch (a JSON array) whose operations share one
//! budget. Every operation is admitted and run by the [`Api`](crate::graphql::Api).

use std::sync::Arc;

use async_graphql::{Request, Response as GqlResponse};
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Extension, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures_util::future::{BoxFuture, join_all};
use serde::Deserialize;
use serde_json::{Map, Value};

use super::cache::{self, AnswerKey, CacheKey};
use super::error::HttpError;
use super::server::Connection;
use super::{AppState, metrics};
use crate::graphql::{Admitted, Operations, Refused};

/// The media types we answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Media {
    /// `application/graphql-response+json`: HTTP statuses tell request errors.
    GraphqlResponse,
    /// `application/json`: always 200 for a well-formed request.
    Json,
}

impl Media {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        })
    }

    fn tag(self) -> &'static str {
        match self {
            Media::GraphqlResponse => "gr",
            Media::Json => "json",
        }
    }
}

/// Chooses the media type from `Accept`: the one with the higher quality, an exact mention
/// before a wildcard; no header, or only wildcards, means `application/json` (as the spec asks
/// until clients have moved to the new type).
pub fn negotiate(headers: &HeaderMap) -> Result<Media, HttpError> {
    // Several `Accept` headers are one list; one, the common case, is read where it is.
    let mut values = headers.get_all(header::ACCEPT).iter();
    let joined: String;
    let accept = match (values.next(), values.next()) {
        (None, _) => "",
        (Some(value), None) => value.to_str().unwrap_or(""),
        (Some(_), Some(_)) => {
            joined = headers
                .get_all(header::ACCEPT)
                .iter()
                .filter_map(|value| value.to_str().ok())
                .collect::<Vec<_>>()
                .join(",");
            &joined
        }
    };
    if accept.trim().is_empty() {
        return Ok(Media::Json);
    }
    // (quality, exact) for each of our types; None when not admitted.
    let mut graphql_response: Option<(u32, bool)> = None;
    let mut json: Option<(u32, bool)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let Some(media) = parts.next() else {
            continue;
        };
        let quality = parts
            .filter_map(|parameter| parameter.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .map_or(1000, |q| (q.clamp(0.0, 1.0) * 1000.0) as u32);
        let admit = |slot: &mut Option<(u32, bool)>, exact: bool| {
            let candidate = (quality, exact);
            // An exact mention overrides wildcards, whatever its quality.
            match slot {
                Some((_, true)) if !exact => {}
                Some(current) if current.1 == exact && current.0 >= quality => {}
                _ => *slot = Some(candidate),
            }
        };
        let is = |name: &str| media.eq_ignore_ascii_case(name);
        if is("application/graphql-response+json") {
            admit(&mut graphql_response, true);
        } else if is("application/json") {
            admit(&mut json, true);
        } else if is("application/*") || is("*/*") {
            admit(&mut graphql_response, false);
            admit(&mut json, false);
        }
    }
    let graphql_response = graphql_response.filter(|(q, _)| *q > 0);
    let json = json.filter(|(q, _)| *q > 0);
    match (graphql_response, json) {
        (None, None) => Err(HttpError::NotAcceptable),
        (Some(_), None) => Ok(Media::GraphqlResponse),
        (None, Some(_)) => Ok(Media::Json),
        (Some((gq, gexact)), Some((jq, jexact))) => {
            if gq > jq || (gq == jq && gexact && !jexact) {
                Ok(Media::GraphqlResponse)
            } else {
                Ok(Media::Json)
            }
        }
    }
}

/// The parameters of a GET request, each a string of the query string.
#[derive(Debug, Deserialize)]
pub struct GetParams {
    query: Option<String>,
    #[serde(rename = "operationName")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// `GET /graphql?query=…`: queries only; answers are cacheable.
pub async fn get(
    State(state): State<Arc<AppState>>,
    connection: Option<Extension<Connection>>,
    headers: HeaderMap,
    params: Result<Query<GetParams>, QueryRejection>,
) -> Result<Response, HttpError> {
    let client = Client::of(&state, &headers, connection.as_deref());
    let media = negotiate(&headers)?;
    let Query(params) = params.map_err(|error| HttpError::BadRequest(error.body_text()))?;
    let json = |name: &str, text: Option<String>| match text {
        None => Ok(Value::Null),
        Some(text) => serde_json::from_str(&text)
            .map_err(|error| HttpError::BadRequest(format!("`{name}` is not JSON: {error}"))),
    };
    let params = Params {
        query: params.query.map_or(Value::Null, Value::String),
        operation_name: params.operation_name.map_or(Value::Null, Value::String),
        variables: json("variables", params.variables)?,
        extensions: json("extensions", params.extensions)?,
    };
    let checked = graphql_request(params)?;
    let key = AnswerKey::Parameters(checked.cache_key(state.api.today()));

    let etag = cache::etag(state.api.data_version(), state.api.today(), media.tag());
    // Only queries' answers are cached, so a cached answer needs no more checks. Otherwise a
    // mutation is refused, and a revalidation of a query that keeps the limits costs no
    // execution.
    let outcome = match cached(&state, &key) {
        Some(outcome) => {
            client.charge(&state, outcome.cost)?;
            if cache::not_modified(&headers, &etag) {
                return Ok(not_modified_response(&state, etag));
            }
            outcome
        }
        None => match state
            .api
            .admit(checked.into_request(), Operations::QueriesOnly)
        {
            Err(Refused::NotAQuery(kind)) => return Err(HttpError::NotAQuery(kind)),
            Err(refused) => refusal(refused),
            Ok(admitted) => {
                client.charge(&state, admitted.measure.complexity)?;
                if cache::not_modified(&headers, &etag) {
                    return Ok(not_modified_response(&state, etag));
                }
                execute(&state, admitted, key).await
            }
        },
    };
    let cacheable = outcome.cacheable;
    let mut response = outcome.into_response(media);
    let headers = response.headers_mut();
    if cacheable {
        headers.insert(header::ETAG, etag);
        headers.insert(
            header::CACHE_CONTROL,
            cache::cache_control(state.settings.cache_max_age),
        );
    } else {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    headers.insert(header::VARY, HeaderValue::from_static("accept"));
    Ok(response)
}

/// 304: the client's copy, tagged `etag`, is current.
fn not_modified_response(state: &AppState, etag: HeaderValue) -> Response {
    metrics::count_not_modified();
    let mut response = StatusCode::NOT_MODIFIED.into_response();
    let headers = response.headers_mut();
    headers.insert(header::ETAG, etag);
    headers.insert(
        header::CACHE_CONTROL,
        cache::cache_control(state.settings.cache_max_age),
    );
    headers.insert(header::VARY, HeaderValue::from_static("accept"));
    response
}

/// `POST /graphql` with a JSON body: one request (an object) or a batch (an array).
pub async fn post(
    State(state): State<Arc<AppState>>,
    request: axum::extract::Request,
) -> Result<Response, HttpError> {
    // The request's parts by reference: the `HeaderMap` extractor would copy them.
    let (parts, body) = request.into_parts();
    let headers = &parts.headers;
    let client = Client::of(&state, headers, parts.extensions.get::<Connection>());
    let media = negotiate(headers)?;
    check_content_type(headers)?;
    let limit = state.settings.max_body_bytes;
    // A declared length over the limit is refused before reading anything.
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(HttpError::BodyTooLarge { limit });
    }
    let reading = axum::body::to_bytes(body, limit);
    let read = match state.settings.body_timeout {
        // A body that trickles in must not hold the connection for ever.
        Some(timeout) => tokio::time::timeout(timeout, reading)
            .await
            .map_err(|_| HttpError::BodyTimeout)?,
        None => reading.await,
    };
    let bytes = read.map_err(|error| {
        // `to_bytes` reports an over-long body as a length-limit error in its sources.
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(&error);
        while let Some(current) = source {
            if current.is::<http_body_util::LengthLimitError>() {
                return HttpError::BodyTooLarge { limit };
            }
            source = current.source();
        }
        HttpError::Body(error.to_string())
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(HttpError::BadRequest(
            "the body is empty: send a JSON object with a `query`".into(),
        ));
    }
    let today = state.api.today();
    let invalid_json = |error: serde_json::Error| HttpError::InvalidJson(error.to_string());
    // One request, the common case, is read straight into its parameters; anything else as
    // JSON, to tell a batch from what is neither.
    if bytes.iter().find(|byte| !byte.is_ascii_whitespace()) == Some(&b'{') {
        let key = AnswerKey::Body {
            bytes: bytes.clone(),
            today,
        };
        if let Some(outcome) = cached(&state, &key) {
            client.charge(&state, outcome.cost)?;
            return Ok(outcome.into_response(media));
        }
        let params: Params = serde_json::from_slice(&bytes).map_err(invalid_json)?;
        return Ok(run(&state, &client, graphql_request(params)?, key)
            .await?
            .into_response(media));
    }
    let value: Value = serde_json::from_slice(&bytes).map_err(invalid_json)?;
    match value {
        Value::Array(items) => {
            if !state.settings.batching {
                return Err(HttpError::BatchingDisabled);
            }
            if items.is_empty() {
                return Err(HttpError::BadRequest("the batch is empty".into()));
            }
            if items.len() > state.settings.max_batch {
                return Err(HttpError::BatchTooLarge {
                    size: items.len(),
                    limit: state.settings.max_batch,
                });
            }
            let mut requests = Vec::with_capacity(items.len());
            for (index, item) in items.into_iter().enumerate() {
                if !item.is_object() {
                    return Err(HttpError::BadRequest(format!(
                        "batch item {index} is not a JSON object"
                    )));
                }
                let params = Params::deserialize(item).map_err(invalid_json)?;
                let checked = graphql_request(params)?;
                let key = AnswerKey::Parameters(checked.cache_key(today));
                requests.push((checked.into_request(), key));
            }
            // One budget for the whole request: each operation is admitted, in order, against
            // what the earlier ones left, so a batch of ten costs what one request may. Every
            // operation is admitted (and charged) before its answer is looked up in the
            // response cache.
            let mut budget = state.api.budget();
            let admitted: Vec<_> = requests
                .into_iter()
                .map(|(request, key)| {
                    let admitted = state
                        .api
                        .admit_within(request, Operations::Any, &mut budget);
                    (admitted, key)
                })
                .collect();
            // The batch's operations are charged together, before any runs.
            let points = admitted
                .iter()
                .filter_map(|(admitted, _)| admitted.as_ref().ok())
                .map(|admitted| admitted.measure.complexity)
                .fold(0, u64::saturating_add);
            client.charge(&state, points)?;
            let outcomes = join_all(admitted.into_iter().map(|(admitted, key)| {
                let state = &state;
                async move {
                    match admitted {
                        Err(refused) => refusal(refused),
                        Ok(admitted) => match cached(state, &key) {
                            Some(outcome) => outcome,
                            None => execute(state, admitted, key).await,
                        },
                    }
                }
            }))
            .await;
            let bodies: Vec<&[u8]> = outcomes
                .iter()
                .map(|outcome| outcome.body.as_ref())
                .collect();
            let mut body =
                Vec::with_capacity(bodies.iter().map(|b| b.len() + 1).sum::<usize>() + 2);
            body.push(b'[');
            for (index, part) in bodies.iter().enumerate() {
                if index > 0 {
                    body.push(b',');
                }
                body.extend_from_slice(part);
            }
            body.push(b']');
            Ok((
                StatusCode::OK,
                [(header::CONTENT_TYPE, media.content_type())],
                body,
            )
                .into_response())
        }
        _ => Err(HttpError::BadRequest(
            "the body must be a JSON object (a request) or an array (a batch)".into(),
        )),
    }
}

fn check_content_type(headers: &HeaderMap) -> Result<(), HttpError> {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return Err(HttpError::UnsupportedMediaType("(none)".into()));
    };
    let text = value.to_str().unwrap_or("(not text)");
    let mut parts = text.split(';').map(str::trim);
    let media = parts.next().unwrap_or("").to_ascii_lowercase();
    let utf8 = parts
        .filter_map(|parameter| {
            let (name, value) = parameter.split_once('=')?;
            name.trim()
                .eq_ignore_ascii_case("charset")
                .then(|| value.trim().trim_matches('"').to_ascii_lowercase())
        })
        .all(|charset| charset == "utf-8" || charset == "utf8");
    if media == "application/json" && utf8 {
        Ok(())
    } else {
        Err(HttpError::UnsupportedMediaType(text.to_owned()))
    }
}

/// The parameters of a request (a POST body, a batch's item, a GET's query string), each as
/// the client sent it; missing is `null`. Their types are checked by [`graphql_request`].
#[derive(Debug, Default, Deserialize)]
struct Params {
    #[serde(default)]
    query: Value,
    #[serde(default, rename = "operationName")]
    operation_name: Value,
    #[serde(default)]
    variables: Value,
    #[serde(default)]
    extensions: Value,
}

/// A request whose parameters passed their checks; it becomes async-graphql's request only
/// when it is to be admitted, since a hit in the response cache needs nothing but its key.
struct Checked {
    /// The query's text, or empty when only a persisted query's hash was sent.
    query: String,
    /// The persisted query's hash, when one was sent.
    persisted: Option<String>,
    operation: Option<String>,
    variables: Map<String, Value>,
    extensions: Vec<(String, async_graphql::Value)>,
}

impl Checked {
    /// Its answer's key in the response cache (a GET's or a batch item's: a single POST is
    /// looked up by its body's bytes).
    fn cache_key(&self, today: chrono::NaiveDate) -> CacheKey {
        CacheKey {
            query: self.query.clone(),
            persisted: self.persisted.clone(),
            operation: self.operation.clone(),
            // A map of JSON values, with string keys, always serializes; `{}` when empty.
            variables: serde_json::to_string(&self.variables).unwrap_or_default(),
            today,
        }
    }

    fn into_request(self) -> Request {
        let mut request = Request::new(self.query).variables(async_graphql::Variables::from_json(
            Value::Object(self.variables),
        ));
        request.operation_name = self.operation;
        request.extensions.extend(self.extensions);
        request
    }
}

/// Checks the parameters' types.
fn graphql_request(params: Params) -> Result<Checked, HttpError> {
    let extensions = match params.extensions {
        Value::Null => Map::new(),
        Value::Object(map) => map,
        _ => {
            return Err(HttpError::BadRequest(
                "`extensions` must be an object".into(),
            ));
        }
    };
    let persisted = extensions
        .get("persistedQuery")
        .and_then(|value| value.get("sha256Hash"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let query = match params.query {
        Value::String(query) => query,
        Value::Null if persisted.is_some() => String::new(),
        Value::Null => {
            return Err(HttpError::BadRequest(
                "the request has no `query` (a string)".into(),
            ));
        }
        _ => return Err(HttpError::BadRequest("`query` must be a string".into())),
    };
    let operation = match params.operation_name {
        Value::Null => None,
        Value::String(name) => Some(name),
        _ => {
            return Err(HttpError::BadRequest(
                "`operationName` must be a string".into(),
            ));
        }
    };
    let variables = match params.variables {
        Value::Null => Map::new(),
        Value::Object(map) => map,
        _ => {
            return Err(HttpError::BadRequest(
                "`variables` must be an object".into(),
            ));
        }
    };
    let extensions = extensions
        .into_iter()
        .map(
            |(name, value)| match async_graphql::Value::from_json(value) {
                Ok(value) => Ok((name, value)),
                Err(error) => Err(HttpError::BadRequest(format!(
                    "extension `{name}` is not valid: {error}"
                ))),
            },
        )
        .collect::<Result<_, _>>()?;
    Ok(Checked {
        query,
        persisted,
        operation,
        variables,
        extensions,
    })
}

/// The answer to one operation.
struct Outcome {
    body: Bytes,
    /// Failed before execution: no `data`; a 400 in `application/graphql-response+json`.
    request_error: bool,
    timed_out: bool,
    /// No errors: safe to cache.
    cacheable: bool,
    /// The requested cost it was admitted with (0 when refused).
    cost: u64,
}

impl Outcome {
    fn into_response(self, media: Media) -> Response {
        let status = if self.timed_out {
            StatusCode::SERVICE_UNAVAILABLE
        } else if self.request_error && media == Media::GraphqlResponse {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        (
            status,
            [(header::CONTENT_TYPE, media.content_type())],
            self.body,
        )
            .into_response()
    }
}

/// Runs one operation of a POST, whose answer the response cache does not hold (under
/// `key`): admitted, charged to the client's budget over time, and executed.
async fn run(
    state: &AppState,
    client: &Client,
    checked: Checked,
    key: AnswerKey,
) -> Result<Outcome, HttpError> {
    Ok(
        match state.api.admit(checked.into_request(), Operations::Any) {
            Ok(admitted) => {
                client.charge(state, admitted.measure.complexity)?;
                execute(state, admitted, key).await
            }
            Err(refused) => refusal(refused),
        },
    )
}

/// The client a request comes from, for the rate limit (none when it is off).
struct Client(Option<String>);

impl Client {
    fn of(state: &AppState, headers: &HeaderMap, connection: Option<&Connection>) -> Client {
        Client(
            state
                .rate
                .as_ref()
                .map(|rate| rate.client(headers, connection)),
        )
    }

    /// Takes `points` from the client's budget over time, or refuses with `RATE_LIMITED`.
    fn charge(&self, state: &AppState, points: u64) -> Result<(), HttpError> {
        match (&state.rate, &self.0) {
            (Some(rate), Some(client)) => rate
                .charge(client, points)
                .map_err(|retry_after| HttpError::RateLimited { retry_after }),
            _ => Ok(()),
        }
    }
}

/// The answer to a request refused before execution.
fn refusal(refused: Refused) -> Outcome {
    encode(&GqlResponse::from_errors(vec![refused.into_error()]))
}

/// The answer the response cache holds for `key`.
fn cached(state: &AppState, key: &AnswerKey) -> Option<Outcome> {
    state.cache.get(key).map(|cached| Outcome {
        body: cached.body,
        request_error: false,
        timed_out: false,
        cacheable: true,
        cost: cached.cost,
    })
}

/// Executes an admitted operation within the time limit (on the fast path when its plan covers
/// it), and caches an answer without errors. Boxed: with async-graphql's executor inside, its
/// future is kilobytes, which every handler's future would otherwise carry (and move) on each
/// request, the response cache's hits included.
fn execute(state: &AppState, admitted: Admitted, key: AnswerKey) -> BoxFuture<'_, Outcome> {
    Box::pin(execute_within_limit(state, admitted, key))
}

async fn execute_within_limit(state: &AppState, mut admitted: Admitted, key: AnswerKey) -> Outcome {
    let cost = admitted.measure.complexity;
    let deadline = state
        .settings
        .timeout
        .map(|limit| std::time::Instant::now() + limit);
    let execution = async {
        match state.api.run_fast(&mut admitted).await {
            Some(body) => Some(Executed::Fast(body)),
            None => state
                .api
                .run_until(admitted, deadline)
                .await
                .map(Executed::Generic),
        }
    };
    // The deadline is checked between the query's levels; the timer stops what waits.
    let finished = match state.settings.timeout {
        Some(limit) => tokio::time::timeout(limit, execution).await.ok().flatten(),
        None => execution.await,
    };
    // Without a limit there is no deadline, so only a limited query can stop unfinished.
    let Some(executed) = finished else {
        let limit = state.settings.timeout.unwrap_or_default();
        metrics::count_error(TIMEOUT);
        let body = serde_json::json!({"errors": [{
            "message": format!("the query ran longer than the limit of {} ms", limit.as_millis()),
            "extensions": {"code": TIMEOUT},
        }]});
        return Outcome {
            body: Bytes::from(body.to_string()),
            request_error: false,
            timed_out: true,
            cacheable: false,
            cost,
        };
    };
    let mut outcome = match executed {
        Executed::Generic(response) => encode(&response),
        Executed::Fast(body) => Outcome {
            body: Bytes::from(body),
            request_error: false,
            timed_out: false,
            cacheable: true,
            cost,
        },
    };
    outcome.cost = cost;
    if outcome.cacheable {
        state.cache.put(key, outcome.body.clone(), cost);
    }
    outcome
}

/// What ran an operation.
enum Executed {
    /// async-graphql's executor: the response, to encode.
    Generic(GqlResponse),
    /// The fast path: the body, already JSON, without errors.
    Fast(Vec<u8>),
}

/// The error code of a timed-out operation.
pub const TIMEOUT: &str = "TIMEOUT";

fn encode(response: &GqlResponse) -> Outcome {
    for error in &response.errors {
        let code = error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .and_then(|code| match code {
                async_graphql::Value::String(code) => Some(code.as_str()),
                _ => None,
            })
            .unwrap_or("UNKNOWN");
        metrics::count_error(code);
    }
    // Errors before execution have no path; execution errors always have one.
    let request_error = !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|error| error.path.is_empty());
    // Serialized straight from async-graphql's values, which keep the fields in the order the
    // query asked for them (as the GraphQL spec says they should come).
    let body = serde_json::to_vec(&Answer {
        data: (!request_error).then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    })
    .unwrap_or_else(|error| {
        serde_json::json!({"errors": [{"message": format!("the answer could not be encoded: {error}"), "extensions": {"code": "INTERNAL_SERVER_ERROR"}}]}).to_string().into_bytes()
    });
    Outcome {
        body: Bytes::from(body),
        request_error,
        timed_out: false,
        cacheable: response.errors.is_empty(),
        cost: 0,
    }
}

/// The body of an answer: no `data` for a request error (GraphQL over HTTP).
#[derive(serde::Serialize)]
struct Answer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dataset::{DataSource, load_dataset};
    use crate::graphql::{ApiSettings, build_api};
    use crate::model::AdminGraph;

    /// Execution's future is boxed, so a request's future stays small: 968 bytes for `run`
    /// (debug build), 6,368 with execution inline.
    fn state() -> AppState {
        let dataset = load_dataset(&DataSource::Embedded).expect("the embedded data loads");
        let api = build_api(
            Arc::new(AdminGraph::build(dataset)),
            &ApiSettings::default(),
        );
        AppState::new(Arc::new(api), super::super::HttpSettings::default())
    }

    #[tokio::test]
    async fn a_repeated_post_is_kept_under_its_body_s_bytes() {
        let state = Arc::new(state());
        let body = r#"{"query": "{ cercle(code: \"1903\") { name } }"}"#;
        // Kept the second time a key comes (the doorkeeper).
        for _ in 0..2 {
            let request = axum::extract::Request::post("/graphql")
                .header(header::CONTENT_TYPE, "application/json")
                .body(axum::body::Body::from(body))
                .expect("a request");
            let response = post(State(state.clone()), request)
                .await
                .expect("an answer");
            assert_eq!(response.status(), axum::http::StatusCode::OK);
        }
        let key = |body: &'static str| AnswerKey::Body {
            bytes: Bytes::from_static(body.as_bytes()),
            today: state.api.today(),
        };
        let kept = state.cache.get(&key(body)).expect("kept under its body");
        assert!(
            kept.body
                .starts_with(br#"{"data":{"cercle":{"name":"Bankass"}}"#),
            "{:?}",
            String::from_utf8_lossy(&kept.body)
        );
        // Other bytes are another key, even when they read the same.
        let spaced = r#"{ "query": "{ cercle(code: \"1903\") { name } }"}"#;
        assert!(state.cache.get(&key(spaced)).is_none());
    }

    #[test]
    fn a_request_s_future_does_not_carry_execution_s() {
        let state = state();
        let params = Params {
            query: Value::from("{ dataStarts }"),
            ..Params::default()
        };
        let checked = graphql_request(params).expect("a request");
        let key = AnswerKey::Body {
            bytes: Bytes::from_static(br#"{"query": "{ dataStarts }"}"#),
            today: state.api.today(),
        };
        let future = run(&state, &Client(None), checked, key);
        assert!(std::mem::size_of_val(&future) < 2048);
    }

    /// A batch item's (or a GET's) answer is keyed by its query's text, decoded, and its
    /// variables as canonical JSON.
    #[test]
    fn the_cache_keys_a_query_by_its_text_and_variables() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("a date");
        let item: Value = serde_json::from_slice(
            br#"{"query": "{ country\n{ name \u0020} }", "variables": {"b": 1, "a": 2}}"#,
        )
        .expect("JSON");
        let checked =
            graphql_request(Params::deserialize(item).expect("params")).expect("a request");
        let key = checked.cache_key(today);
        assert_eq!(key.query, "{ country\n{ name  } }");
        assert_eq!(key.variables, r#"{"a":2,"b":1}"#);
        assert_eq!(key.today, today);
        assert_eq!(checked.into_request().query, "{ country\n{ name  } }");
    }

    fn accept(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn accept_chooses_the_media_type() {
        assert_eq!(negotiate(&HeaderMap::new()).ok(), Some(Media::Json));
        assert_eq!(negotiate(&accept("*/*")).ok(), Some(Media::Json));
        assert_eq!(
            negotiate(&accept("application/graphql-response+json")).ok(),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            ))
            .ok(),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            ))
            .ok(),
            Some(Media::Json)
        );
        assert_eq!(
            negotiate(&accept(
                "text/html, application/graphql-response+json;q=0.1, */*;q=0.8"
            ))
            .ok(),
            Some(Media::Json)
        );
        assert_eq!(
            negotiate(&accept("Application/GraphQL-Response+JSON")).ok(),
            Some(Media::GraphqlResponse)
        );
        // Two `Accept` headers are one list.
        let mut two = accept("application/json;q=0.5");
        two.append(
            header::ACCEPT,
            HeaderValue::from_static("application/graphql-response+json"),
        );
        assert_eq!(negotiate(&two).ok(), Some(Media::GraphqlResponse));
        assert!(matches!(
            negotiate(&accept("text/html")),
            Err(HttpError::NotAcceptable)
        ));
        assert!(matches!(
            negotiate(&accept("application/json;q=0")),
            Err(HttpError::NotAcceptable)
        ));
    }
}
