//! The `Date` scalar and how a field's date is chosen: its own `asOf`, else its parent's, else
//! today.

use async_graphql::{
    ErrorExtensions, InputValueError, InputValueResult, Scalar, ScalarType, Value,
};
use chrono::NaiveDate;

use super::error::ApiError;
use crate::dataset::DATA_START;

/// A calendar date, ISO 8601 `YYYY-MM-DD` (for example "2010-01-01").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date as a string `YYYY-MM-DD` (RFC 3339's `full-date`, e.g. "2010-01-01"): no
/// time, no time zone. A literal that is not one is refused when the document is validated.
#[Scalar(
    name = "Date",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    /// Lets validation refuse a literal that is not a date, whether or not its field runs.
    fn is_valid(value: &Value) -> bool {
        matches!(value, Value::String(text) if parse_iso_date(text).is_some())
    }

    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => parse_iso_date(text).map(Date).ok_or_else(|| {
                InputValueError::custom(format!("`{text}` is not a date: expected YYYY-MM-DD"))
            }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// Parses exactly `YYYY-MM-DD` (chrono alone would also take "2010-1-1").
fn parse_iso_date(text: &str) -> Option<NaiveDate> {
    let shape_ok = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    // The digits are checked above; reading them directly spares chrono's format parser, which
    // every validation and plan of a dated query ran.
    let number = |range: std::ops::Range<usize>| {
        text.as_bytes()[range]
            .iter()
            .fold(0_u32, |n, digit| n * 10 + u32::from(digit - b'0'))
    };
    NaiveDate::from_ymd_opt(
        i32::try_from(number(0..4)).ok()?,
        number(5..7),
        number(8..10),
    )
}

/// The date a field answers for: `asked` if given (refused before the data begins), else
/// `inherited` (the parent's date).
pub fn resolve_date(asked: Option<Date>, inherited: NaiveDate) -> async_graphql::Result<NaiveDate> {
    match asked {
        Some(Date(date)) if date < DATA_START => Err(ApiError::OutOfRange {
            date: date.to_string(),
            start: DATA_START.to_string(),
        }
        .extend()),
        Some(Date(date)) => Ok(date),
        None => Ok(inherited),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_real_date_written_yyyy_mm_dd_is_a_date() {
        let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(parse_iso_date("2016-01-19"), date(2016, 1, 19));
        assert_eq!(parse_iso_date("2024-02-29"), date(2024, 2, 29));
        assert_eq!(parse_iso_date("9999-12-31"), date(9999, 12, 31));
        for text in [
            "2023-02-29",
            "2010-13-01",
            "2010-00-10",
            "2010-01-32",
            "2010-1-1",
            "2010/01/01",
            " 2010-01-01",
            "2010-01-01T00",
            "+2010-01-01",
            "",
            "２０１０-01-01",
        ] {
            assert_eq!(parse_iso_date(text), None, "{text}");
        }
    }
}
