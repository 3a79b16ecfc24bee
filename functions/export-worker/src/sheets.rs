//! The three exports as spreadsheets: RFC 4180 CSV (comma-separated, CRLF line ends, fields
//! quoted when they hold a comma, quote or line break) after a UTF-8 byte-order mark. Money is a
//! decimal in its currency's precision beside the currency's code; text cells a spreadsheet
//! would run as a formula are neutralised (`domain::export::spreadsheet_cell`).

use backoffice::domain::export::{ExportSpec, spreadsheet_cell};
use backoffice::domain::order::Order;
use backoffice::files::Upload;
use backoffice::store::Store;
use backoffice::store::order_list::OrderFilter;
use chrono::{NaiveTime, SecondsFormat};

/// Rows per page read: one Query (and for orders one BatchGetItem) each.
const PAGE: i32 = 100;

const BOM: &[u8] = "\u{feff}".as_bytes();

const ORDER_COLUMNS: &[&str] = &[
    "order_id",
    "placed_at",
    "customer_id",
    "status",
    "payment_status",
    "fulfillment_status",
    "line",
    "sku",
    "name",
    "quantity",
    "unit_price",
    "line_total",
    "order_total",
    "paid",
    "refunded",
    "currency",
];

/// The catalogue import's columns first, so an export edited in a spreadsheet imports back.
const CATALOG_COLUMNS: &[&str] =
    &["sku", "name", "unit_price", "currency", "reorder_point", "reorder_quantity", "on_hand", "reserved", "available"];

const RECEIVABLE_COLUMNS: &[&str] =
    &["order_id", "placed_at", "customer_id", "status", "payment_due_at", "total", "paid", "outstanding", "currency"];

/// CSV rows in memory until the page is done, then handed to the upload.
struct Sheet {
    csv: csv::Writer<Vec<u8>>,
    rows: u64,
}

impl Sheet {
    fn writer() -> csv::Writer<Vec<u8>> {
        csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new())
    }

    fn new(columns: &[&str]) -> Result<Self, String> {
        let mut sheet = Self { csv: Self::writer(), rows: 0 };
        sheet.csv.write_record(columns).map_err(|e| e.to_string())?;
        Ok(sheet)
    }

    fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> Result<(), String> {
        self.csv
            .write_record(cells.iter().map(|c| spreadsheet_cell(c.as_ref()).into_owned()))
            .map_err(|e| e.to_string())?;
        self.rows += 1;
        Ok(())
    }

    async fn send(&mut self, upload: &mut Upload<'_>) -> Result<(), String> {
        let bytes = std::mem::replace(&mut self.csv, Self::writer()).into_inner().map_err(|e| e.to_string())?;
        upload.write(&bytes).await.map_err(|e| e.to_string())
    }
}

/// Writes the whole export into `upload`; the number of data rows.
pub async fn write(store: &Store, spec: ExportSpec, upload: &mut Upload<'_>) -> Result<u64, String> {
    upload.write(BOM).await.map_err(|e| e.to_string())?;
    let sheet = match spec {
        ExportSpec::Orders { from, to } => orders(store, from, to, upload).await?,
        ExportSpec::Catalog => catalog(store, upload).await?,
        ExportSpec::Receivables => receivables(store, upload).await?,
    };
    Ok(sheet.rows)
}

fn instant(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// Orders placed in the range, newest first, one row per line.
async fn orders(
    store: &Store,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    upload: &mut Upload<'_>,
) -> Result<Sheet, String> {
    let mut sheet = Sheet::new(ORDER_COLUMNS)?;
    let end = NaiveTime::from_hms_milli_opt(23, 59, 59, 999).unwrap_or(NaiveTime::MIN);
    let filter = OrderFilter {
        from: Some(from.and_time(NaiveTime::MIN).and_utc()),
        to: Some(to.and_time(end).and_utc()),
        ..OrderFilter::default()
    };
    let mut cursor = None;
    loop {
        let page = store.list_orders(&filter, PAGE, cursor.as_deref()).await.map_err(|e| e.to_string())?;
        let ids: Vec<_> = page.items.iter().map(|o| o.id).collect();
        for order in store.orders(&ids).await.map_err(|e| e.to_string())? {
            order_rows(&mut sheet, &order)?;
        }
        sheet.send(upload).await?;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(sheet),
        }
    }
}

fn order_rows(sheet: &mut Sheet, order: &Order) -> Result<(), String> {
    for (n, line) in order.lines().iter().enumerate() {
        sheet.row(&[
            order.id().to_string(),
            instant(order.placed_at()),
            order.customer_id().to_string(),
            order.status().to_string(),
            order.payment_status().to_string(),
            order.fulfillment_status().to_string(),
            (n + 1).to_string(),
            line.sku.to_string(),
            line.name.clone(),
            line.quantity.to_string(),
            line.unit_price.decimal(),
            line.line_total.decimal(),
            order.total().decimal(),
            order.amount_paid().decimal(),
            order.amount_refunded().decimal(),
            order.currency().code().to_owned(),
        ])?;
    }
    Ok(())
}

/// Every SKU, in SKU order.
async fn catalog(store: &Store, upload: &mut Upload<'_>) -> Result<Sheet, String> {
    let mut sheet = Sheet::new(CATALOG_COLUMNS)?;
    let mut cursor = None;
    loop {
        let page = store.catalog(PAGE, cursor.as_deref()).await.map_err(|e| e.to_string())?;
        for item in &page.items {
            let c = item.catalog();
            sheet.row(&[
                item.sku().to_string(),
                c.name.to_string(),
                c.unit_price.decimal(),
                c.unit_price.currency().code().to_owned(),
                c.reorder_point.to_string(),
                c.reorder_quantity.to_string(),
                item.on_hand().to_string(),
                item.reserved().to_string(),
                item.available().to_string(),
            ])?;
        }
        sheet.send(upload).await?;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(sheet),
        }
    }
}

/// Orders with money still owed, oldest first (as `GET /receivables` lists them).
async fn receivables(store: &Store, upload: &mut Upload<'_>) -> Result<Sheet, String> {
    let mut sheet = Sheet::new(RECEIVABLE_COLUMNS)?;
    let mut cursor = None;
    loop {
        let page = store.receivables(PAGE, cursor.as_deref()).await.map_err(|e| e.to_string())?;
        for order in &page.items {
            sheet.row(&[
                order.id().to_string(),
                instant(order.placed_at()),
                order.customer_id().to_string(),
                order.status().to_string(),
                instant(order.payment_due_at()),
                order.total().decimal(),
                order.amount_paid().decimal(),
                order.outstanding().decimal(),
                order.currency().code().to_owned(),
            ])?;
        }
        sheet.send(upload).await?;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => return Ok(sheet),
        }
    }
}
