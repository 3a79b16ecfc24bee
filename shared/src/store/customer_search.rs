//! Finding customers by a word prefix of their name, case and accents ignored: for each of the
//! first [`NAME_WORDS`] words of a name, one item per prefix of 2 to [`PREFIX_MAX`] characters,
//! keyed by the prefix's hash (`NAME#{hash}` / `{customer id}`) so no name stands in a key.
//! They are written with the customer in the same transaction; an erased customer has none, so
//! erasure leaves nothing to match on. A longer query reads its first [`PREFIX_MAX`]
//! characters' partition and keeps the customers whose name has a word starting with it.

use super::page::CursorOrStore;
use super::page::{Page, PageQuery};
use super::versioned::Versioned;
use super::{Rewrite, Store, StoreError, Tx};
use crate::domain::customer::Customer;
use crate::domain::search::{SearchPrefix, words};
use std::collections::BTreeSet;

pub const NAME_WORDS: usize = 4;
pub const PREFIX_MIN: usize = 2;
pub const PREFIX_MAX: usize = 8;

fn prefix_pk(prefix: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("NAME#{}", &super::keys::hex(&Sha256::digest(prefix.as_bytes()))[..32])
}

/// The prefixes a customer is found by (none once erased).
fn prefixes_of(c: &Customer) -> BTreeSet<String> {
    if c.erasure.is_some() {
        return BTreeSet::new();
    }
    let mut out = BTreeSet::new();
    for word in words(&c.name).into_iter().take(NAME_WORDS) {
        let chars: Vec<char> = word.chars().collect();
        for len in PREFIX_MIN..=chars.len().min(PREFIX_MAX) {
            out.insert(chars[..len].iter().collect());
        }
    }
    out
}

/// Writes `after`'s prefix items and deletes those of `before` it no longer has.
pub fn put_name_prefixes(
    tx: &mut Tx,
    table: &str,
    before: Option<&Customer>,
    after: &Customer,
) -> Result<(), StoreError> {
    let old = before.map(prefixes_of).unwrap_or_default();
    super::items_per_value(tx, table, &old, &prefixes_of(after), Rewrite::Added, |prefix| {
        super::key(prefix_pk(prefix), after.id.as_str())
    })
}

impl Store {
    /// Customers with a name word starting with `q` (at least two characters), by id.
    pub async fn customers_named(
        &self,
        q: &SearchPrefix,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<Versioned<Customer>>, CursorOrStore> {
        let probe: String = q.as_str().chars().take(PREFIX_MAX).collect();
        let partition = prefix_pk(&probe);
        let query = PageQuery {
            index: None,
            partition: ("pk", &partition),
            sort_prefix: None,
            sort_between: None,
            newest_first: false,
        };
        let page = self
            .page(query, limit, cursor, |item| {
                let id = item.get("sk").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
                crate::domain::CustomerId::parse("sk", &id).map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .await?;
        let keys = page.items.iter().map(super::customers::customer_key).collect();
        let found = self.get_many(keys).await.map_err(CursorOrStore::Store)?;
        let mut customers = Vec::new();
        for id in &page.items {
            let key = (super::keys::customer_pk(id), super::keys::CUSTOMER_SK.to_owned());
            let Some(item) = found.get(&key) else { continue };
            let customer = super::customers::customer_from_item(item.clone()).map_err(CursorOrStore::Store)?;
            let matches = customer.erasure.is_none() && words(&customer.name).iter().any(|w| q.matches(w));
            if matches {
                customers.push(customer);
            }
        }
        Ok(Page { items: customers, next_cursor: page.next_cursor })
    }

    /// The customer holding this (normalised) e-mail address, if any.
    pub async fn customer_by_email(&self, email: &str) -> Result<Option<Versioned<Customer>>, StoreError> {
        let Some(id) = self.email_holder(email).await? else { return Ok(None) };
        let id =
            crate::domain::CustomerId::parse("customer_id", &id).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(self.customer(&id).await?.filter(|c| c.erasure.is_none()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_cover_two_to_eight_characters_of_the_first_four_words() {
        let mut c: Customer = serde_json::from_value(serde_json::json!({
            "id": "c1", "name": "Ana Souza", "addresses": [], "marketing_consent": {"granted": false, "changed_at": "2026-12-01T00:00:00Z"},
            "tags": [], "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z", "version": 1
        }))
        .unwrap();
        let p = prefixes_of(&c);
        assert!(p.contains("an") && p.contains("ana") && p.contains("so") && p.contains("souza"));
        assert!(!p.contains("a") && !p.contains("s"), "one letter finds too many");
        c.name = "Maximiliano Fonseca da Silva Pereira".into();
        let p = prefixes_of(&c);
        assert!(p.contains("maximili") && !p.contains("maximilia"));
        assert!(p.contains("silva") && !p.contains("pereira"), "the first four words");
        assert!(prefix_pk("ana").len() == 5 + 32 && !prefix_pk("ana").contains("ana"));
    }
}
