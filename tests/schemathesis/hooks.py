"""Schemathesis hooks for mali-admin (.ci/schemathesis.sh): the `Date` scalar, and a check that
narrows the built-in `not_a_server_error`.

`not_a_server_error` counts any GraphQL error with a path as a server error, including the
NOT_FOUND our contract gives for a name that never existed (README, "How the API behaves").
The contract stays; this check, run instead of it, fails on what is a server error here:
a 5xx, an error without `extensions.code`, `INTERNAL_SERVER_ERROR`, or a schema-valid query
refused with a code outside the contract (a validation or parse failure means the server
refused what its own schema allows). Schema-violating requests (negative mode) must be
refused, which the built-in `negative_data_rejection` checks.
"""

import datetime

import schemathesis
from hypothesis import strategies as st
from schemathesis.graphql import nodes

# `Date`: ISO `YYYY-MM-DD`. Dates before 1996-11-04 (OUT_OF_RANGE) are drawn too.
schemathesis.graphql.scalar(
    "Date",
    st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2100, 12, 31)).map(
        lambda day: nodes.String(day.isoformat())
    ),
)

# What a schema-valid query may get (README: errors and limits).
CONTRACT = {
    "NOT_FOUND",
    "AMBIGUOUS",
    "OUT_OF_RANGE",
    "BAD_USER_INPUT",
    "INVALID_CURSOR",
    "QUERY_TOO_COMPLEX",
    "QUERY_TOO_DEEP",
    "RECURSION_TOO_DEEP",
    "TOO_MANY_ALIASES",
    "TOO_MANY_TOKENS",
    "TOO_MANY_DIRECTIVES",
    "INTROSPECTION_TOO_DEEP",
}
# What a schema-violating one may get besides.
REFUSALS = {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST"}


@schemathesis.check
def no_server_error_but_the_contract(ctx, response, case):
    if response.status_code >= 500:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:300]}")
    payload = response.json()
    negative = case.meta is not None and case.meta.generation.mode.is_negative
    allowed = CONTRACT | REFUSALS if negative else CONTRACT
    for error in payload.get("errors") or []:
        code = (error.get("extensions") or {}).get("code")
        if code is None:
            raise AssertionError(f"an error without extensions.code: {error}")
        if code not in allowed:
            kind = "schema-violating" if negative else "schema-valid"
            raise AssertionError(f"a {kind} query answered {code}: {error.get('message')}")
