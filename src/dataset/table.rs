//! Typed access to the fields of one CSV file, with errors that name the file, the line and the
//! field.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::NaiveDate;

use super::DatasetError;
use super::records::{Confidence, Origin};

/// A CSV file read whole: its header and its rows.
pub(super) struct Table {
    file: &'static str,
    columns: HashMap<String, usize>,
    rows: Vec<(u64, csv::StringRecord)>,
}

impl Table {
    /// Parses `text` as the CSV file `file`, requiring every column in `required`.
    pub(super) fn parse(
        file: &'static str,
        text: &str,
        required: &[&str],
    ) -> Result<Table, DatasetError> {
        let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
        let syntax = |err: csv::Error| {
            let line = err.position().map_or(1, |p| p.line());
            DatasetError::invalid(file, line, "-", format!("not valid CSV: {err}"))
        };
        let header = reader.headers().map_err(syntax)?.clone();
        let columns: HashMap<String, usize> = header
            .iter()
            .enumerate()
            .map(|(i, name)| (name.to_owned(), i))
            .collect();
        if let Some(missing) = required.iter().find(|c| !columns.contains_key(**c)) {
            return Err(DatasetError::invalid(
                file,
                1,
                missing,
                "the header lacks this column",
            ));
        }
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(syntax)?;
            let line = record.position().map_or(0, |p| p.line());
            rows.push((line, record));
        }
        Ok(Table {
            file,
            columns,
            rows,
        })
    }

    pub(super) fn rows(&self) -> impl Iterator<Item = Row<'_>> {
        self.rows.iter().map(|(line, record)| Row {
            table: self,
            line: *line,
            record,
        })
    }
}

/// One data row of a [`Table`].
pub(super) struct Row<'a> {
    table: &'a Table,
    line: u64,
    record: &'a csv::StringRecord,
}

impl Row<'_> {
    pub(super) fn origin(&self) -> Origin {
        Origin {
            file: self.table.file,
            line: self.line,
        }
    }

    pub(super) fn error(&self, field: &str, reason: impl Into<String>) -> DatasetError {
        DatasetError::invalid(self.table.file, self.line, field, reason)
    }

    /// The field's text, trimmed; empty when the column is absent from this row.
    pub(super) fn text(&self, field: &str) -> &str {
        self.table
            .columns
            .get(field)
            .and_then(|&i| self.record.get(i))
            .map_or("", str::trim)
    }

    pub(super) fn required(&self, field: &str) -> Result<String, DatasetError> {
        match self.text(field) {
            "" => Err(self.error(field, "is empty")),
            text => Ok(text.to_owned()),
        }
    }

    pub(super) fn optional(&self, field: &str) -> Option<String> {
        Some(self.text(field))
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    /// A `;`-separated list; empty when the field is.
    pub(super) fn list(&self, field: &str) -> Vec<String> {
        self.text(field)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }

    pub(super) fn optional_number<T: FromStr>(
        &self,
        field: &str,
    ) -> Result<Option<T>, DatasetError> {
        match self.text(field) {
            "" => Ok(None),
            text => text
                .parse()
                .map(Some)
                .map_err(|_| self.error(field, format!("`{text}` is not a non-negative number"))),
        }
    }

    pub(super) fn number<T: FromStr>(&self, field: &str) -> Result<T, DatasetError> {
        self.optional_number(field)?
            .ok_or_else(|| self.error(field, "is empty"))
    }

    pub(super) fn optional_date(&self, field: &str) -> Result<Option<NaiveDate>, DatasetError> {
        match self.text(field) {
            "" => Ok(None),
            text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Some)
                .map_err(|_| self.error(field, format!("`{text}` is not a date (YYYY-MM-DD)"))),
        }
    }

    pub(super) fn date(&self, field: &str) -> Result<NaiveDate, DatasetError> {
        self.optional_date(field)?
            .ok_or_else(|| self.error(field, "is empty"))
    }

    pub(super) fn boolean(&self, field: &str) -> Result<bool, DatasetError> {
        match self.text(field) {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(self.error(field, format!("`{other}` is neither true nor false"))),
        }
    }

    pub(super) fn confidence(&self, field: &str) -> Result<Confidence, DatasetError> {
        self.one_of(
            field,
            &[
                ("high", Confidence::High),
                ("medium", Confidence::Medium),
                ("low", Confidence::Low),
            ],
        )
    }

    /// The field's value among `choices`, by its exact text.
    pub(super) fn one_of<T: Copy>(
        &self,
        field: &str,
        choices: &[(&str, T)],
    ) -> Result<T, DatasetError> {
        let text = self.text(field);
        choices
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, value)| *value)
            .ok_or_else(|| {
                let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
                self.error(
                    field,
                    format!("`{text}` is not one of {}", names.join(", ")),
                )
            })
    }
}
