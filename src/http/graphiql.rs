//! GraphiQL, served entirely by this server: the page at `/` and its bundled script and style
//! sheet (built by `build.rs` from the npm package in `graphiql/`, embedded in the binary) under
//! [`ASSET_PATH`], so the page works on a machine without internet. The page's
//! Content-Security-Policy lets the browser load and connect to this origin only.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::GRAPHQL_PATH;

/// One file of the bundle; its name holds a hash of its content.
pub(crate) struct Asset {
    pub(crate) name: &'static str,
    pub(crate) media_type: &'static str,
    pub(crate) body: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/graphiql_assets.rs"));

/// Where the bundle's files are served: `/graphiql/{name}`.
pub const ASSET_PATH: &str = "/graphiql";

/// The browser may load scripts, styles, fonts and images from this origin only (styles and
/// images also inline: GraphiQL sets style attributes and its fonts are data URLs), and send
/// requests to this origin only.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; script-src 'self'; \
     style-src 'self' 'unsafe-inline'; font-src 'self' data:; img-src 'self' data:; \
     connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// A year: an asset's name changes with its content, so a cached copy is never stale.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

static PAGE: LazyLock<String> = LazyLock::new(|| {
    let mut head = String::new();
    for asset in ASSETS {
        if asset.name.ends_with(".css") {
            head.push_str(&format!(
                "    <link rel=\"stylesheet\" href=\"{ASSET_PATH}/{}\">\n",
                asset.name
            ));
        } else if asset.name.ends_with(".js") {
            head.push_str(&format!(
                "    <script type=\"module\" src=\"{ASSET_PATH}/{}\"></script>\n",
                asset.name
            ));
        }
    }
    format!(
        "<!doctype html>\n<html lang=\"en\">\n  <head>\n    <meta charset=\"utf-8\">\n    \
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n    \
         <title>mali-admin · GraphiQL</title>\n{head}    <style>html, body, #graphiql {{ height: 100%; margin: 0; }}</style>\n  \
         </head>\n  <body>\n    <div id=\"graphiql\" data-endpoint=\"{GRAPHQL_PATH}\">Loading GraphiQL…</div>\n    \
         <noscript>GraphiQL needs JavaScript; the API itself is at {GRAPHQL_PATH}.</noscript>\n  </body>\n</html>\n"
    )
});

/// `GET /`: the page. Revalidated on each visit, so a new release's assets are picked up.
pub(crate) async fn page() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
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
        PAGE.as_str(),
    )
        .into_response()
}

/// `GET /graphiql/{name}`: one file of the bundle, cached for a year.
pub(crate) async fn asset(Path(name): Path<String>) -> Response {
    match ASSETS.iter().find(|asset| asset.name == name) {
        Some(asset) => (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static(asset.media_type),
                ),
                (header::CACHE_CONTROL, HeaderValue::from_static(IMMUTABLE)),
                (
                    header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            asset.body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
