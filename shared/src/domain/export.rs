//! Export jobs: a spreadsheet of orders, the catalogue or receivables, written as a file by a
//! worker and fetched through a short-lived link. What may be asked for, and the life of a job.

use super::{ExportId, FieldError};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How long an export's file and its job are kept (the bucket's lifecycle rule says the same).
pub const KEPT_DAYS: i64 = 7;

/// The longest date range of an orders export: a year, one file a spreadsheet still opens.
pub const MAX_ORDER_RANGE_DAYS: i64 = 366;

/// What an export holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum ExportSpec {
    /// Orders placed between two UTC days (both included), one row per order line.
    Orders { from: NaiveDate, to: NaiveDate },
    /// Every SKU with its price and stock figures.
    Catalog,
    /// Orders with money still owed by the customer.
    Receivables,
}

impl ExportSpec {
    /// From the request's fields: `kind`, and for orders `from` and `to` (`YYYY-MM-DD`).
    pub fn parse(kind: &str, from: Option<&str>, to: Option<&str>) -> Result<Self, FieldError> {
        let day = |field: &str, raw: Option<&str>| -> Result<NaiveDate, FieldError> {
            let raw = raw.ok_or_else(|| FieldError::new(field, "is required for an orders export"))?;
            NaiveDate::parse_from_str(raw, "%Y-%m-%d").map_err(|_| FieldError::new(field, "must be a date YYYY-MM-DD"))
        };
        let no_range = |spec: ExportSpec| match (from, to) {
            (None, None) => Ok(spec),
            (Some(_), _) => Err(FieldError::new("from", "applies to orders exports only")),
            (None, Some(_)) => Err(FieldError::new("to", "applies to orders exports only")),
        };
        match kind {
            "orders" => {
                let (from, to) = (day("from", from)?, day("to", to)?);
                if to < from {
                    return Err(FieldError::new("to", "must not be before from"));
                }
                if (to - from).num_days() >= MAX_ORDER_RANGE_DAYS {
                    return Err(FieldError::new(
                        "to",
                        format!("an orders export spans at most {MAX_ORDER_RANGE_DAYS} days; split the range"),
                    ));
                }
                Ok(ExportSpec::Orders { from, to })
            }
            "catalog" => no_range(ExportSpec::Catalog),
            "receivables" => no_range(ExportSpec::Receivables),
            _ => Err(FieldError::new("kind", "must be one of orders, catalog, receivables")),
        }
    }

    /// The file's name as a download offers it, e.g. `orders-2026-12-01-to-2026-12-31.csv`.
    pub fn file_name(&self) -> String {
        match self {
            ExportSpec::Orders { from, to } => format!("orders-{from}-to-{to}.csv"),
            ExportSpec::Catalog => "catalog.csv".into(),
            ExportSpec::Receivables => "receivables.csv".into(),
        }
    }
}

/// Where a job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExportStatus {
    /// Accepted; the worker has not started it.
    Queued,
    /// A worker is writing the file (again, after a failed attempt).
    Running,
    /// The file is written.
    Done,
    /// The last attempt failed; the queue tries again until its receive limit.
    Failed,
}

/// One export: what was asked, where it is, and once done what was written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportJob {
    pub id: ExportId,
    pub spec: ExportSpec,
    pub status: ExportStatus,
    pub requested_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Data rows written (the header not counted), once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<u64>,
    /// The file's size in bytes, once done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
    /// Why the last attempt failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure: Option<String>,
}

/// A step a job cannot take from where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an export that is {0:?} cannot take this step")]
pub struct WrongStatus(pub ExportStatus);

impl ExportJob {
    pub fn request(spec: ExportSpec, now: DateTime<Utc>) -> Self {
        Self {
            id: ExportId::new(),
            spec,
            status: ExportStatus::Queued,
            requested_at: now,
            updated_at: now,
            rows: None,
            bytes: None,
            failure: None,
        }
    }

    /// A worker takes the job: from queued, from a failed attempt, or from an attempt that
    /// died without a word (its message came back after the visibility timeout).
    pub fn start(&self, now: DateTime<Utc>) -> Result<Self, WrongStatus> {
        match self.status {
            ExportStatus::Done => Err(WrongStatus(self.status)),
            _ => Ok(Self { status: ExportStatus::Running, updated_at: now, failure: None, ..self.clone() }),
        }
    }

    pub fn finish(&self, rows: u64, bytes: u64, now: DateTime<Utc>) -> Result<Self, WrongStatus> {
        match self.status {
            ExportStatus::Running => Ok(Self {
                status: ExportStatus::Done,
                updated_at: now,
                rows: Some(rows),
                bytes: Some(bytes),
                ..self.clone()
            }),
            other => Err(WrongStatus(other)),
        }
    }

    pub fn fail(&self, reason: &str, now: DateTime<Utc>) -> Result<Self, WrongStatus> {
        match self.status {
            ExportStatus::Running => Ok(Self {
                status: ExportStatus::Failed,
                updated_at: now,
                failure: Some(reason.chars().take(500).collect()),
                ..self.clone()
            }),
            other => Err(WrongStatus(other)),
        }
    }

    /// The file's key in the exports bucket.
    pub fn object_key(&self) -> String {
        format!("exports/{}/{}", self.id, self.spec.file_name())
    }

    /// When the job and its file are gone.
    pub fn expires_at(&self) -> DateTime<Utc> {
        self.requested_at + chrono::Duration::days(KEPT_DAYS)
    }
}

/// A spreadsheet cell as written: text that a spreadsheet would read as a formula (starting
/// with `=`, `+`, `-`, `@`, or a tab or carriage return that some strip first) gets a leading
/// `'`, so a name like `=HYPERLINK(…)` typed into the shop shows as text and runs nothing
/// (OWASP's CSV injection advice). Numbers the export writes itself never start with these.
pub fn spreadsheet_cell(text: &str) -> std::borrow::Cow<'_, str> {
    match text.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn an_orders_export_needs_an_ordered_range_of_at_most_a_year() {
        let spec = ExportSpec::parse("orders", Some("2026-12-01"), Some("2026-12-31")).unwrap();
        assert_eq!(spec.file_name(), "orders-2026-12-01-to-2026-12-31.csv");
        assert_eq!(ExportSpec::parse("orders", Some("2026-12-01"), None).unwrap_err().field, "to");
        assert_eq!(ExportSpec::parse("orders", Some("2026-12-02"), Some("2026-12-01")).unwrap_err().field, "to");
        assert_eq!(ExportSpec::parse("orders", Some("1/12/2026"), Some("2026-12-01")).unwrap_err().field, "from");
        assert!(ExportSpec::parse("orders", Some("2025-12-02"), Some("2026-12-02")).is_ok());
        assert_eq!(ExportSpec::parse("orders", Some("2025-12-01"), Some("2026-12-02")).unwrap_err().field, "to");
    }

    #[test]
    fn other_kinds_take_no_range_and_unknown_kinds_are_named() {
        assert_eq!(ExportSpec::parse("catalog", None, None).unwrap(), ExportSpec::Catalog);
        assert_eq!(ExportSpec::parse("receivables", Some("2026-12-01"), None).unwrap_err().field, "from");
        assert_eq!(ExportSpec::parse("customers", None, None).unwrap_err().field, "kind");
    }

    #[test]
    fn a_job_runs_once_to_done_and_may_fail_and_run_again() {
        let job = ExportJob::request(ExportSpec::Catalog, at("2026-12-03T10:00:00Z"));
        assert_eq!(job.finish(1, 1, at("2026-12-03T10:00:01Z")), Err(WrongStatus(ExportStatus::Queued)));
        let running = job.start(at("2026-12-03T10:00:01Z")).unwrap();
        let failed = running.fail("S3 said no", at("2026-12-03T10:00:02Z")).unwrap();
        assert_eq!(failed.failure.as_deref(), Some("S3 said no"));
        let again = failed.start(at("2026-12-03T10:01:00Z")).unwrap();
        assert_eq!(again.failure, None);
        let done = again.finish(42, 4096, at("2026-12-03T10:01:05Z")).unwrap();
        assert_eq!((done.status, done.rows, done.bytes), (ExportStatus::Done, Some(42), Some(4096)));
        assert_eq!(done.start(at("2026-12-03T10:02:00Z")), Err(WrongStatus(ExportStatus::Done)));
        assert_eq!(done.expires_at(), at("2026-12-10T10:00:00Z"));
        assert!(done.object_key().ends_with("/catalog.csv"));
    }

    #[test]
    fn cells_a_spreadsheet_would_run_are_neutralised() {
        for formula in ["=1+1", "+55 11", "-2", "@SUM(A1)", "\t=x", "\r=x"] {
            assert_eq!(spreadsheet_cell(formula), format!("'{formula}"), "{formula:?}");
        }
        for plain in ["São Paulo mug", "39.90", "", "a=b"] {
            assert_eq!(spreadsheet_cell(plain), plain);
        }
    }
}
