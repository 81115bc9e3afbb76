//! CORS: which browser origins may call the API, and the headers that tell them so.
//!
//! The rules of tower-http's `CorsLayer` as this server configured it (GET and POST; the
//! request headers `content-type`, `accept` and `if-none-match`; `etag` and `x-request-id`
//! exposed; preflights cached a day), with every header value made once, at start-up. Its
//! layer builds a header map on every request and merges it into the answer: 8,500 of a cached
//! answer's 65,800 instructions (BENCHMARKS.md, "Issue 17, sixth session"). A test below sends
//! the same requests through both and compares the answers header by header.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::http::{HeaderValue, Method, Request, Response, header};
use pin_project_lite::pin_project;
use tower::{Layer, Service};

/// Which origins may call the API from a browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    Any,
    Origins(Vec<String>),
}

/// Every answer: the CORS headers depend on these request headers (tower-http's default).
const VARY: HeaderValue = HeaderValue::from_static(
    "origin, access-control-request-method, access-control-request-headers",
);
const ANY_ORIGIN: HeaderValue = HeaderValue::from_static("*");
/// Answers but preflights.
const EXPOSE_HEADERS: HeaderValue = HeaderValue::from_static("etag,x-request-id");
/// Preflights.
const ALLOW_METHODS: HeaderValue = HeaderValue::from_static("GET,POST");
const ALLOW_HEADERS: HeaderValue = HeaderValue::from_static("content-type,accept,if-none-match");
const MAX_AGE: HeaderValue = HeaderValue::from_static("86400");

/// The origins admitted, as header values (an origin that is not one is left out).
#[derive(Clone)]
enum Origins {
    Any,
    Listed(Arc<[HeaderValue]>),
}

impl Origins {
    /// The `access-control-allow-origin` an answer to `origin` carries, if any.
    fn allow(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        match self {
            Origins::Any => Some(ANY_ORIGIN),
            Origins::Listed(listed) => origin.filter(|origin| listed.contains(origin)).cloned(),
        }
    }
}

/// Adds the CORS headers to every answer and answers preflights (every `OPTIONS`) itself.
#[derive(Clone)]
pub struct CorsLayer(Origins);

impl CorsLayer {
    pub fn new(setting: &Cors) -> CorsLayer {
        CorsLayer(match setting {
            Cors::Any => Origins::Any,
            Cors::Origins(origins) => Origins::Listed(
                origins
                    .iter()
                    .filter_map(|origin| HeaderValue::from_str(origin.trim()).ok())
                    .collect(),
            ),
        })
    }
}

impl<S> Layer<S> for CorsLayer {
    type Service = CorsService<S>;

    fn layer(&self, inner: S) -> CorsService<S> {
        CorsService {
            inner,
            origins: self.0.clone(),
        }
    }
}

#[derive(Clone)]
pub struct CorsService<S> {
    inner: S,
    origins: Origins,
}

impl<S, RequestBody, ResponseBody> Service<Request<RequestBody>> for CorsService<S>
where
    S: Service<Request<RequestBody>, Response = Response<ResponseBody>>,
    ResponseBody: Default,
{
    type Response = Response<ResponseBody>;
    type Error = S::Error;
    type Future = CorsFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<RequestBody>) -> Self::Future {
        let allow_origin = self.origins.allow(request.headers().get(header::ORIGIN));
        if request.method() == Method::OPTIONS {
            CorsFuture::Preflight { allow_origin }
        } else {
            CorsFuture::Answer {
                inner: self.inner.call(request),
                allow_origin,
            }
        }
    }
}

pin_project! {
    #[project = CorsFutureProjection]
    pub enum CorsFuture<F> {
        Answer { #[pin] inner: F, allow_origin: Option<HeaderValue> },
        Preflight { allow_origin: Option<HeaderValue> },
    }
}

impl<F, ResponseBody, E> Future for CorsFuture<F>
where
    F: Future<Output = Result<Response<ResponseBody>, E>>,
    ResponseBody: Default,
{
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        match self.project() {
            CorsFutureProjection::Answer {
                inner,
                allow_origin,
            } => {
                let mut response = std::task::ready!(inner.poll(cx))?;
                let headers = response.headers_mut();
                // Added to the answer's own `vary` (compression's, content negotiation's).
                headers.append(header::VARY, VARY);
                headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSE_HEADERS);
                if let Some(origin) = allow_origin.take() {
                    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                }
                Poll::Ready(Ok(response))
            }
            CorsFutureProjection::Preflight { allow_origin } => {
                let mut response = Response::new(ResponseBody::default());
                let headers = response.headers_mut();
                headers.insert(header::VARY, VARY);
                headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS);
                headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS);
                headers.insert(header::ACCESS_CONTROL_MAX_AGE, MAX_AGE);
                if let Some(origin) = allow_origin.take() {
                    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::time::Duration;

    use axum::body::Body;
    use axum::http::{HeaderName, StatusCode};
    use tower::ServiceExt;
    use tower::service_fn;

    use super::*;

    /// tower-http's layer as the server configured it before this module.
    fn tower_http_layer(setting: &Cors) -> tower_http::cors::CorsLayer {
        use tower_http::cors::{AllowOrigin, Any};
        let layer = tower_http::cors::CorsLayer::new()
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::CONTENT_TYPE, header::ACCEPT, header::IF_NONE_MATCH])
            .expose_headers([header::ETAG, HeaderName::from_static("x-request-id")])
            .max_age(Duration::from_secs(86_400));
        match setting {
            Cors::Any => layer.allow_origin(Any),
            Cors::Origins(origins) => layer.allow_origin(AllowOrigin::list(
                origins
                    .iter()
                    .filter_map(|origin| HeaderValue::from_str(origin.trim()).ok()),
            )),
        }
    }

    /// An answer as the routes give one: a status, a `vary` of its own, a body.
    async fn route(request: Request<Body>) -> Result<Response<Body>, Infallible> {
        let mut response = Response::new(Body::from(format!("{} answered", request.method())));
        *response.status_mut() = StatusCode::ACCEPTED;
        response
            .headers_mut()
            .insert(header::VARY, HeaderValue::from_static("accept"));
        response
            .headers_mut()
            .insert(header::ETAG, HeaderValue::from_static("W/\"v1\""));
        Ok(response)
    }

    type Route = tower::util::BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

    /// Status, headers (each name's values in order), and body of `request`'s answer.
    async fn answer<L>(layer: L, request: Request<Body>) -> (StatusCode, Vec<String>, Vec<u8>)
    where
        L: Layer<Route>,
        L::Service: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        let response = layer
            .layer(Route::new(service_fn(route)))
            .oneshot(request)
            .await
            .unwrap_or_else(|never| match never {});
        super::super::answer_parts(response).await
    }

    #[tokio::test]
    async fn answers_as_tower_http_does_header_by_header() {
        let settings = [
            Cors::Any,
            Cors::Origins(vec![
                "https://maps.example.ml".into(),
                " https://b.example ".into(),
                "not a header value\n".into(),
            ]),
            Cors::Origins(Vec::new()),
        ];
        let methods = [
            Method::GET,
            Method::POST,
            Method::OPTIONS,
            Method::HEAD,
            Method::PUT,
        ];
        let origins = [
            None,
            Some("https://maps.example.ml"),
            Some("https://b.example"),
            Some("https://elsewhere.example"),
            Some("null"),
        ];
        let preflight_headers: [&[(&str, &str)]; 3] = [
            &[],
            &[("access-control-request-method", "POST")],
            &[
                ("access-control-request-method", "PUT"),
                ("access-control-request-headers", "content-type, x-custom"),
                ("access-control-request-private-network", "true"),
            ],
        ];
        let mut compared = 0;
        for setting in &settings {
            for method in &methods {
                for origin in origins {
                    for extra in preflight_headers {
                        let request = || {
                            let mut builder = Request::builder().method(method).uri("/graphql");
                            if let Some(origin) = origin {
                                builder = builder.header(header::ORIGIN, origin);
                            }
                            for (name, value) in extra {
                                builder = builder.header(*name, *value);
                            }
                            builder.body(Body::empty()).expect("a request")
                        };
                        let ours = answer(CorsLayer::new(setting), request()).await;
                        let theirs = answer(tower_http_layer(setting), request()).await;
                        assert_eq!(ours, theirs, "{setting:?} {method} {origin:?} {extra:?}");
                        compared += 1;
                    }
                }
            }
        }
        assert_eq!(compared, 3 * 5 * 5 * 3);
    }

    #[tokio::test]
    async fn a_listed_origin_is_echoed_and_any_other_gets_none() {
        let layer = CorsLayer::new(&Cors::Origins(vec!["https://maps.example.ml".into()]));
        let get = |origin: &str| {
            Request::get("/graphql")
                .header(header::ORIGIN, origin)
                .body(Body::empty())
                .expect("a request")
        };
        let (_, headers, _) = answer(layer.clone(), get("https://maps.example.ml")).await;
        assert!(headers.contains(&"access-control-allow-origin: https://maps.example.ml".into()));
        assert!(headers.contains(
            &"vary: accept | origin, access-control-request-method, access-control-request-headers"
                .into()
        ));
        let (_, headers, _) = answer(layer, get("https://elsewhere.example")).await;
        assert!(
            !headers
                .iter()
                .any(|line| line.starts_with("access-control-allow-origin"))
        );
    }
}
