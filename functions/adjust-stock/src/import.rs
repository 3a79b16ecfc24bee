//! `POST /imports/catalog`: a spreadsheet of SKUs (CSV) registered or updated in one request.
//! Every row is read and checked before anything is written; `mode=all-or-nothing` (the
//! default) writes nothing when a row is bad, `mode=valid-rows` writes the good ones. A row's
//! `on_hand` becomes a cycle count (a `count` ledger line against the figure read), never a
//! silent overwrite; a row whose data and count are what is stored writes nothing. Rows are
//! written concurrently, each as its own command; with an `Idempotency-Key` the answer is stored
//! and a repeat is answered from it without writing.

use crate::input::{CatalogBody, MoneyBody};
use crate::{loaded_stock, registration, stock_problem};
use backoffice::AppContext;
use backoffice::domain::stock::{self, Adjustment, Catalog, MAX_ON_HAND, MovementContext};
use backoffice::domain::{FieldError, Money, ShortText, Sku};
use backoffice::http::command::{self, Decision, Idempotency, respond};
use backoffice::http::{self, Problem, scopes};
use backoffice::store::loaded::Reads;
use futures::StreamExt;
use lambda_http::http::StatusCode;
use lambda_http::{Body, Request, Response};
use serde::Serialize;
use std::collections::HashMap;

pub const MAX_ROWS: usize = 5_000;
/// Rows written at once: enough to import the largest file well inside API Gateway's 30 s.
const CONCURRENCY: usize = 16;
const COLUMNS: [&str; 7] = ["sku", "name", "unit_price", "currency", "reorder_point", "reorder_quantity", "on_hand"];

/// A row that passed every check.
#[derive(Debug, Clone)]
pub struct Row {
    pub line: u64,
    pub sku: Sku,
    pub catalog: Catalog,
    pub on_hand: Option<u64>,
}

/// A row refused, by line (the header is line 1) and field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub line: u64,
    pub field: String,
    pub detail: String,
}

/// Reads the file: UTF-8 with or without a BOM, comma- or semicolon-separated (whichever the
/// header uses), RFC 4180 quoting. The file itself being unreadable is a problem; bad rows are
/// listed.
pub fn parse(bytes: &[u8]) -> Result<(Vec<Row>, Vec<RowError>), Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|_| Problem::invalid("file", "must be UTF-8 text"))?;
    let header_line = text.lines().next().unwrap_or_default();
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() { b';' } else { b',' };
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .map_err(|_| Problem::invalid("file", "the first line must be the header"))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let position = |name: &str| header.iter().position(|h| h == name);
    for required in &COLUMNS[..6] {
        if position(required).is_none() {
            return Err(Problem::invalid(
                "file",
                format!(
                    "the header must name the columns {} (on_hand optional); {required} is missing",
                    COLUMNS[..6].join(",")
                ),
            ));
        }
    }
    if let Some(unknown) = header.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        return Err(Problem::invalid("file", format!("unknown column '{unknown}'")));
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        let line = index as u64 + 2;
        if index >= MAX_ROWS {
            return Err(Problem::invalid("file", format!("at most {MAX_ROWS} rows per import; split the file")));
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError { line, field: "row".into(), detail: format!("cannot be read: {e}") });
                continue;
            }
        };
        if record.len() != header.len() {
            let detail = format!("has {} fields where the header has {}", record.len(), header.len());
            errors.push(RowError { line, field: "row".into(), detail });
            continue;
        }
        let cell = |name: &str| position(name).and_then(|i| record.get(i)).unwrap_or_default().trim();
        match row(line, &cell) {
            Ok(row) => match seen.insert(row.sku.to_string(), line) {
                Some(first) => {
                    let detail = format!("{} appears on line {first} already", row.sku);
                    errors.push(RowError { line, field: "sku".into(), detail });
                }
                None => rows.push(row),
            },
            Err(e) => errors.push(RowError { line, field: e.field, detail: e.reason }),
        }
    }
    Ok((rows, errors))
}

fn row<'a>(line: u64, cell: &impl Fn(&str) -> &'a str) -> Result<Row, FieldError> {
    let sku = Sku::parse("sku", cell("sku"))?;
    let price = Money::parse_decimal("unit_price", cell("unit_price"), cell("currency"))?;
    let count = |field: &str| -> Result<u64, FieldError> {
        cell(field).parse::<u64>().map_err(|_| FieldError::new(field, "must be a whole number, 0 or more"))
    };
    let catalog = crate::input::catalog(CatalogBody {
        name: cell("name").to_owned(),
        unit_price: MoneyBody { amount: price.amount(), currency: price.currency().code().to_owned() },
        reorder_point: count("reorder_point")?,
        reorder_quantity: count("reorder_quantity")?,
        free: false,
        weight_grams: None,
        dimensions: None,
    })?;
    let on_hand = match cell("on_hand") {
        "" => None,
        _ => match count("on_hand")? {
            n if n <= MAX_ON_HAND => Some(n),
            _ => return Err(FieldError::new("on_hand", format!("must be at most {MAX_ON_HAND}"))),
        },
    };
    Ok(Row { line, sku, catalog, on_hand })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
enum Mode {
    AllOrNothing,
    ValidRows,
}

#[derive(Serialize)]
struct Report {
    mode: Mode,
    rows: usize,
    created: usize,
    updated: usize,
    unchanged: usize,
    counted: usize,
    errors: Vec<RowError>,
}

pub async fn catalog(ctx: &AppContext, req: &Request, correlation_id: &str) -> Result<Response<Body>, Problem> {
    let caller = http::require(req, scopes::STOCK_WRITE)?;
    http::only_query_params(req, &["mode"])?;
    let mode = match http::query_param(req, "mode").as_deref() {
        None | Some("all-or-nothing") => Mode::AllOrNothing,
        Some("valid-rows") => Mode::ValidRows,
        Some(_) => return Err(Problem::invalid("mode", "must be all-or-nothing or valid-rows")),
    };
    let idem = Idempotency::of(req, &caller)?;
    if let Some(i) = &idem
        && let Some(earlier) = command::earlier_reply(&ctx.store, i).await?
    {
        return Ok(earlier);
    }
    let (rows, mut errors) = parse(http::body::body_bytes(req))?;
    if rows.is_empty() && errors.is_empty() {
        return Err(Problem::invalid("file", "holds no rows after the header"));
    }
    if mode == Mode::AllOrNothing && !errors.is_empty() {
        return Err(Problem::invalid("file", format!("{} row(s) are invalid; nothing was written", errors.len()))
            .with("errors", &errors));
    }
    let total = rows.len() + errors.len();
    let mut report = Report { mode, rows: total, created: 0, updated: 0, unchanged: 0, counted: 0, errors: Vec::new() };
    let context = MovementContext {
        actor: caller.subject.clone(),
        reference: ShortText::parse("reference", "catalog import", 64).ok(),
        note: None,
    };
    let outcomes: Vec<(u64, Result<Applied, RowError>)> = futures::stream::iter(rows)
        .map(|row| {
            let context = context.clone();
            async move { (row.line, apply(ctx, row, context, correlation_id).await) }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    for (_, outcome) in outcomes {
        match outcome {
            Ok(applied) => {
                match applied.catalog {
                    Written::Created => report.created += 1,
                    Written::Updated => report.updated += 1,
                    Written::Unchanged => report.unchanged += 1,
                }
                report.counted += usize::from(applied.counted);
            }
            Err(e) => errors.push(e),
        }
    }
    errors.sort_by_key(|e| e.line);
    report.errors = errors;
    tracing::info!(rows = report.rows, created = report.created, updated = report.updated, "catalog imported");
    let stored = respond(StatusCode::OK, &report, None)?;
    Ok(match &idem {
        Some(i) => command::remember(&ctx.store, i, stored).await,
        None => http::json(StatusCode::OK, &report),
    })
}

enum Written {
    Created,
    Updated,
    Unchanged,
}

struct Applied {
    catalog: Written,
    counted: bool,
}

/// Writes one row: its catalogue data unless unchanged, then its count unless on hand already
/// holds that figure. A refusal (a count below what open orders reserve) is the row's error.
async fn apply(
    ctx: &AppContext,
    row: Row,
    context: MovementContext,
    correlation_id: &str,
) -> Result<Applied, RowError> {
    let failed = |field: &str, response: Response<Body>| {
        let body: serde_json::Value = match response.body() {
            Body::Text(t) => serde_json::from_str(t).unwrap_or_default(),
            _ => serde_json::Value::Null,
        };
        let detail = body["detail"].as_str().unwrap_or("was refused").to_owned();
        RowError { line: row.line, field: field.to_owned(), detail }
    };
    let key = Reads::new().stock([row.sku.clone()]);
    let response = command::execute(&ctx.store, None, key.clone(), |loaded| match loaded_stock(loaded, &row.sku)? {
        Some(item) if *item.catalog() == row.catalog => {
            Ok(Decision::new(ctx.store.changes(), respond(StatusCode::NO_CONTENT, &(), None)?))
        }
        _ => registration(ctx, loaded, &row.sku, &row.catalog, correlation_id),
    })
    .await;
    let catalog = match response.status() {
        StatusCode::CREATED => Written::Created,
        StatusCode::OK => Written::Updated,
        StatusCode::NO_CONTENT => Written::Unchanged,
        _ => return Err(failed("row", response)),
    };
    let Some(on_hand) = row.on_hand else { return Ok(Applied { catalog, counted: false }) };
    let response = command::execute(&ctx.store, None, key, |loaded| {
        let item = loaded_stock(loaded, &row.sku)?.ok_or_else(|| Problem::not_found("the SKU is not registered"))?;
        if item.on_hand() == on_hand {
            return Ok(Decision::new(ctx.store.changes(), respond(StatusCode::NO_CONTENT, &(), None)?));
        }
        let count = Adjustment::Count { set_on_hand: on_hand, expected_on_hand: item.on_hand() };
        let change =
            stock::adjust(&item, count, context.clone(), chrono::Utc::now()).map_err(|e| stock_problem(e, &item))?;
        let mut changes = ctx.store.changes();
        changes.stock_write(&change.write, change.item.updated_at())?.movement(&change.movement)?;
        Ok(Decision::new(changes, respond(StatusCode::CREATED, &(), None)?))
    })
    .await;
    match response.status() {
        StatusCode::CREATED => Ok(Applied { catalog, counted: true }),
        StatusCode::NO_CONTENT => Ok(Applied { catalog, counted: false }),
        _ => Err(failed("on_hand", response)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn semicolons_decimal_commas_a_bom_and_quotes_are_read_as_spreadsheets_write_them() {
        let file = "\u{feff}sku;name;unit_price;currency;reorder_point;reorder_quantity;on_hand\n\
                    MUG-1;\"Caneca; azul\";39,90;BRL;5;10;12\n\
                    TEE-1;Camiseta;49.9;BRL;0;0;\n";
        let (rows, errors) = parse(file.as_bytes()).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].catalog.name.as_str(), "Caneca; azul");
        assert_eq!(rows[0].catalog.unit_price.amount(), 3990);
        assert_eq!((rows[0].on_hand, rows[1].on_hand), (Some(12), None));
        assert_eq!(rows[1].catalog.unit_price.amount(), 4990);
    }

    #[test]
    fn each_bad_row_is_named_by_line_and_field() {
        let file = "sku,name,unit_price,currency,reorder_point,reorder_quantity\n\
                    A-1,Ok,1.00,BRL,0,0\n\
                    bad sku,X,1.00,BRL,0,0\n\
                    B-1,X,1.999,BRL,0,0\n\
                    C-1,X,1.00,BRL,-1,0\n\
                    A-1,Again,1.00,BRL,0,0\n\
                    D-1,X\n\
                    E-1,X,0,BRL,0,0\n";
        let (rows, errors) = parse(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 1);
        let named: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            named,
            [(3, "sku"), (4, "unit_price"), (5, "reorder_point"), (6, "sku"), (7, "row"), (8, "unit_price.amount")]
        );
    }

    fn problem(p: Problem) -> serde_json::Value {
        match p.into_response().into_body() {
            Body::Text(t) => serde_json::from_str(&t).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_file_itself_must_have_the_header_and_fit_the_limit() {
        assert_eq!(problem(parse(b"sku,name\nA,B\n").unwrap_err())["field"], "file");
        assert_eq!(problem(parse(b"\xff\xfe").unwrap_err())["field"], "file");
        let mut big = String::from("sku,name,unit_price,currency,reorder_point,reorder_quantity\n");
        for i in 0..=MAX_ROWS {
            big.push_str(&format!("S-{i},N,1,BRL,0,0\n"));
        }
        let refused = problem(parse(big.as_bytes()).unwrap_err());
        assert!(refused["detail"].as_str().unwrap().contains("5000"), "{refused}");
    }
}
