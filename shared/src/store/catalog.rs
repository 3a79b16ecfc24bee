//! The catalogue as a list: every SKU in SKU order (`gsi4`, `CATALOG` / `{sku}`, keys only, so a
//! reservation never writes it), and search by a SKU prefix or a word prefix of the name
//! through term items (`TERMS#STOCK` / `{term}#{sku}`), written with the SKU's catalogue data
//! in the same transaction. The figures (on hand, reserved, available) are read from the stock
//! items themselves, one BatchGetItem per page: projected into a list, every reservation would
//! write it.

use super::keys::{self, GSI4};
use super::page::CursorOrStore;
use super::page::{Page, PageQuery};
use super::stock::stock_key;
use super::versioned::Versioned;
use super::{Item, Rewrite, Store, StoreError, Tx, s};
use crate::domain::Sku;
use crate::domain::search::{SearchPrefix, fold, words};
use crate::domain::stock::StockItem;
use std::collections::BTreeSet;

const TERMS_PK: &str = "TERMS#STOCK";

/// The terms a SKU is found by: its name's words and the SKU itself, folded.
fn terms_of(item: &StockItem) -> BTreeSet<String> {
    let mut terms: BTreeSet<String> = words(item.catalog().name.as_str()).into_iter().collect();
    terms.insert(fold(item.sku().as_str()));
    terms
}

/// Writes `after`'s term items (each lists all the SKU's terms) and deletes those of `before` it
/// no longer has.
pub fn put_terms(tx: &mut Tx, table: &str, before: Option<&StockItem>, after: &StockItem) -> Result<(), StoreError> {
    let terms = terms_of(after);
    let old = before.map(terms_of).unwrap_or_default();
    let listed = aws_sdk_dynamodb::types::AttributeValue::L(terms.iter().map(s).collect());
    super::items_per_value(tx, table, &old, &terms, Rewrite::All, |term| {
        let mut item = super::key(TERMS_PK, format!("{term}#{}", after.sku()));
        item.insert("sku".into(), s(after.sku().as_str()));
        item.insert("terms".into(), listed.clone());
        item
    })
}

fn sku_of(item: &Item, attribute: &str, prefix: &str) -> Result<Sku, StoreError> {
    let raw = item.get(attribute).and_then(|v| v.as_s().ok()).map(String::as_str).unwrap_or_default();
    Sku::parse(attribute, raw.strip_prefix(prefix).unwrap_or(raw)).map_err(|e| StoreError::Corrupt(e.to_string()))
}

impl Store {
    /// Every SKU, in SKU order.
    pub async fn catalog(&self, limit: i32, cursor: Option<&str>) -> Result<Page<Versioned<StockItem>>, CursorOrStore> {
        let query = PageQuery {
            index: Some(GSI4),
            partition: ("gsi4pk", keys::CATALOG_GSI4PK),
            sort_prefix: None,
            sort_between: None,
            newest_first: false,
        };
        let page = self.page(query, limit, cursor, |item| sku_of(&item, "pk", "SKU#")).await?;
        self.with_figures(page).await
    }

    /// SKUs whose SKU or a word of whose name starts with `q`, by the matching term; each SKU
    /// once, at the first of its terms that matches.
    pub async fn search_catalog(
        &self,
        q: &SearchPrefix,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Versioned<StockItem>>, CursorOrStore> {
        let query = PageQuery {
            index: None,
            partition: ("pk", TERMS_PK),
            sort_prefix: Some(("sk", q.as_str())),
            sort_between: None,
            newest_first: false,
        };
        let page = self
            .page(query, limit, cursor, |item| {
                let term = item.get("sk").and_then(|v| v.as_s().ok()).and_then(|sk| sk.rsplit_once('#')).map(|t| t.0);
                let term = term.unwrap_or_default().to_owned();
                let terms: Vec<String> = item
                    .get("terms")
                    .and_then(|v| v.as_l().ok())
                    .map(|l| l.iter().filter_map(|t| t.as_s().ok().cloned()).collect())
                    .unwrap_or_default();
                let first = terms.iter().filter(|t| q.matches(t)).min().is_none_or(|first| *first == term);
                first.then(|| sku_of(&item, "sku", "")).transpose()
            })
            .await?;
        let skus = Page { items: page.items.into_iter().flatten().collect(), next_cursor: page.next_cursor };
        self.with_figures(skus).await
    }

    /// The stock items of a page of SKUs, in the page's order.
    async fn with_figures(&self, page: Page<Sku>) -> Result<Page<Versioned<StockItem>>, CursorOrStore> {
        let found = self.get_many(page.items.iter().map(stock_key).collect()).await.map_err(CursorOrStore::Store)?;
        let mut items = Vec::with_capacity(page.items.len());
        for sku in &page.items {
            if let Some(item) = found.get(&(keys::sku_pk(sku), keys::STOCK_SK.to_owned())) {
                items.push(super::stock::stock_from_item(item.clone()).map_err(CursorOrStore::Store)?);
            }
        }
        Ok(Page { items, next_cursor: page.next_cursor })
    }
}
