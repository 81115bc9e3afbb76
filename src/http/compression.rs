//! Compression of answers: tower-http's gzip and brotli, for answers above 1 KiB that are not
//! images, to the requests that name an encoding in `Accept-Encoding`.
//!
//! A request without that header cannot be given a compressed answer, so it goes around
//! tower-http's layer: that layer's body holds its encoders' state inline (kilobytes), copied
//! three times on the way out of it, and the layer cost about 2,500 of a cached answer's 44,900
//! instructions (BENCHMARKS.md, "Issue 17, seventh session"). Such an answer gets only what the
//! layer would have added to it: `Vary: accept-encoding`, on the answers it would compress for
//! a client that asked. A test below sends the same answers through both and compares them.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use axum::body::Body;
use axum::http::{HeaderValue, Request, Response, header};
use pin_project_lite::pin_project;
use tower::{Layer, Service};
use tower_http::compression::predicate::{And, NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{Compression, CompressionBody};
use tower_http::map_response_body::{MapResponseBody, MapResponseBodyLayer};

/// When an answer is compressed (for a client that accepts it).
type CompressWhen = And<SizeAbove, NotForContentType>;

fn compress_when() -> CompressWhen {
    SizeAbove::new(1024).and(NotForContentType::IMAGES)
}

/// The compressing body boxed, so that it is not moved through the layers above.
type Compressing<S> =
    MapResponseBody<Compression<S, CompressWhen>, fn(CompressionBody<Body>) -> Body>;

/// Compresses the answers of the requests that accept an encoding.
#[derive(Clone, Copy, Default)]
pub struct CompressionLayer;

impl<S: Clone> Layer<S> for CompressionLayer {
    type Service = CompressionService<S>;

    fn layer(&self, inner: S) -> CompressionService<S> {
        CompressionService {
            compressing: compressing(inner.clone()),
            plain: inner,
        }
    }
}

/// tower-http's compression over `inner`, as the server configures it.
fn compressing<S>(inner: S) -> Compressing<S> {
    let boxed: fn(CompressionBody<Body>) -> Body = Body::new;
    tower::ServiceBuilder::new()
        .layer(MapResponseBodyLayer::new(boxed))
        .layer(
            tower_http::compression::CompressionLayer::new()
                .gzip(true)
                .br(true)
                .compress_when(compress_when()),
        )
        .service(inner)
}

#[derive(Clone)]
pub struct CompressionService<S> {
    plain: S,
    compressing: Compressing<S>,
}

impl<S> Service<Request<Body>> for CompressionService<S>
where
    S: Service<Request<Body>, Response = Response<Body>>,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = CompressionFuture<S::Future, <Compressing<S> as Service<Request<Body>>>::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        // Either may take the next request.
        ready!(self.plain.poll_ready(cx))?;
        self.compressing.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        if request.headers().contains_key(header::ACCEPT_ENCODING) {
            CompressionFuture::Compressing {
                inner: self.compressing.call(request),
            }
        } else {
            CompressionFuture::Plain {
                inner: self.plain.call(request),
            }
        }
    }
}

pin_project! {
    #[project = CompressionFutureProjection]
    pub enum CompressionFuture<F, C> {
        Compressing { #[pin] inner: C },
        Plain { #[pin] inner: F },
    }
}

impl<F, C, E> Future for CompressionFuture<F, C>
where
    F: Future<Output = Result<Response<Body>, E>>,
    C: Future<Output = Result<Response<Body>, E>>,
{
    type Output = Result<Response<Body>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.project() {
            CompressionFutureProjection::Compressing { inner } => inner.poll(cx),
            CompressionFutureProjection::Plain { inner } => {
                let mut response = ready!(inner.poll(cx))?;
                if would_compress(&response) {
                    vary_by_encoding(&mut response);
                }
                Poll::Ready(Ok(response))
            }
        }
    }
}

/// Whether tower-http's layer would compress `response` for a client that accepts it: never
/// one already encoded, nor a range.
fn would_compress(response: &Response<Body>) -> bool {
    let headers = response.headers();
    !headers.contains_key(header::CONTENT_ENCODING)
        && !headers.contains_key(header::CONTENT_RANGE)
        && compress_when().should_compress(response)
}

/// Adds `accept-encoding` to the answer's `Vary`, unless a value of it names it already.
fn vary_by_encoding(response: &mut Response<Body>) {
    let name = header::ACCEPT_ENCODING.as_str().as_bytes();
    let named = response
        .headers()
        .get_all(header::VARY)
        .iter()
        .any(|value| {
            value
                .as_bytes()
                .windows(name.len())
                .any(|window| window.eq_ignore_ascii_case(name))
        });
    if !named {
        response.headers_mut().append(
            header::VARY,
            HeaderValue::from_static(header::ACCEPT_ENCODING.as_str()),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;

    use axum::http::StatusCode;
    use tower::ServiceExt;
    use tower::service_fn;

    use super::*;

    /// An answer as a route might give one.
    #[derive(Debug, Clone, Copy)]
    struct Answer {
        bytes: usize,
        content_type: &'static str,
        vary: Option<&'static str>,
        encoded: bool,
        range: bool,
    }

    fn respond(answer: Answer) -> Response<Body> {
        let mut response = Response::new(Body::from("x".repeat(answer.bytes)));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static(answer.content_type),
        );
        if let Some(vary) = answer.vary {
            headers.insert(header::VARY, HeaderValue::from_static(vary));
        }
        if answer.encoded {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        if answer.range {
            headers.insert(
                header::CONTENT_RANGE,
                HeaderValue::from_static("bytes 0-9/100"),
            );
        }
        response
    }

    type Route = tower::util::BoxCloneSyncService<Request<Body>, Response<Body>, Infallible>;

    fn route(answer: Answer) -> Route {
        Route::new(service_fn(move |_: Request<Body>| async move {
            Ok::<_, Infallible>(respond(answer))
        }))
    }

    /// Status, headers and body of what `service` answers a POST with `accept_encoding`.
    async fn answer<S>(
        service: S,
        accept_encoding: Option<&str>,
    ) -> (StatusCode, Vec<String>, Vec<u8>)
    where
        S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>,
    {
        let mut request = Request::post("/graphql");
        if let Some(accept) = accept_encoding {
            request = request.header(header::ACCEPT_ENCODING, accept);
        }
        let response = service
            .oneshot(request.body(Body::empty()).expect("a request"))
            .await
            .unwrap_or_else(|never| match never {});
        super::super::answer_parts(response).await
    }

    #[tokio::test]
    async fn answers_as_tower_http_does_header_by_header() {
        let mut compared = 0;
        for bytes in [0, 1023, 1024, 30_000] {
            for content_type in ["application/json", "image/png", "text/html; charset=utf-8"] {
                for vary in [None, Some("accept"), Some("Accept-Encoding")] {
                    for (encoded, range) in [(false, false), (true, false), (false, true)] {
                        let answer_kind = Answer {
                            bytes,
                            content_type,
                            vary,
                            encoded,
                            range,
                        };
                        for accept in [
                            None,
                            Some("gzip"),
                            Some("br;q=1, gzip;q=0.5"),
                            Some("identity"),
                        ] {
                            // tower-http's layer alone, as the server had it.
                            assert_eq!(
                                answer(CompressionLayer.layer(route(answer_kind)), accept).await,
                                answer(compressing(route(answer_kind)), accept).await,
                                "{answer_kind:?} {accept:?}"
                            );
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert_eq!(compared, 4 * 3 * 3 * 3 * 4);
    }

    #[tokio::test]
    async fn a_large_answer_is_compressed_only_for_a_client_that_asks() {
        let large = Answer {
            bytes: 30_000,
            content_type: "application/json",
            vary: None,
            encoded: false,
            range: false,
        };
        let (_, headers, body) = answer(CompressionLayer.layer(route(large)), Some("gzip")).await;
        assert!(
            headers.contains(&"content-encoding: gzip".to_owned()),
            "{headers:?}"
        );
        assert!(body.len() < 1_000, "{} bytes", body.len());
        let (_, headers, body) = answer(CompressionLayer.layer(route(large)), None).await;
        assert!(
            headers.contains(&"vary: accept-encoding".to_owned()),
            "{headers:?}"
        );
        assert_eq!(body.len(), 30_000);
    }
}
