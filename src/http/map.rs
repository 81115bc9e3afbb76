//! The map page at `/map`: Mali drawn on any date (a date slider from 1996-11-04 to today, a
//! level switch), hover for a unit's name, codes and figures, click for its history and the
//! same question in GraphiQL, with the attribution the shapes' licence asks for. Its page,
//! script and style sheet (`map/` in the repository, no third-party code) are embedded in the
//! binary, and the page reads everything from this server's `/graphql`, so it works offline;
//! its Content-Security-Policy lets the browser reach this origin only.

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

/// Where the page is served.
pub const MAP_PATH: &str = "/map";

const PAGE: &str = include_str!("../../map/index.html");
const SCRIPT: &str = include_str!("../../map/map.js");
const STYLE: &str = include_str!("../../map/map.css");

const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; \
     form-action 'none'; frame-ancestors 'none'";

fn respond(media: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media)),
            // Revalidated on each visit: the files have no content hash in their names.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(CONTENT_SECURITY_POLICY),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        body,
    )
        .into_response()
}

/// `GET /map`.
pub(crate) async fn page() -> Response {
    respond("text/html; charset=utf-8", PAGE)
}

/// `GET /map/{file}`: the script or the style sheet.
pub(crate) async fn asset(Path(file): Path<String>) -> Response {
    match file.as_str() {
        "map.js" => respond("text/javascript; charset=utf-8", SCRIPT),
        "map.css" => respond("text/css; charset=utf-8", STYLE),
        _ => StatusCode::NOT_FOUND.into_response(),
    }
}
