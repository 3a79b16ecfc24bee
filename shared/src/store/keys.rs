//! The single-table key layout, in one place. `docs/ARCHITECTURE.md` mirrors this table (a test in
//! `tests/api/documents.rs` holds their sort keys equal).
//!
//! | item | pk | sk | index keys |
//! |---|---|---|---|
//! | stock item | `SKU#{sku}` | `STOCK` | `STOCK#LOW` / `{sku}` once listed low; gsi4: `CATALOG` / `{sku}` |
//! | ledger movement | `SKU#{sku}` | `MOVE#{ulid}` | — |
//! | replenishment suggestion | `SKU#{sku}` | `REPLENISHMENT` | `REPLENISHMENT#{status}` / `{sku}` |
//! | catalogue search term | `TERMS#STOCK` | `{term}#{sku}` | — |
//! | domain event (outbox) | the aggregate's pk | `EVENT#{ulid}` | — |
//! | order | `ORDER#{ulid}` | `ORDER` | `ORDER#AWAITING_PAYMENT` / `{due}#{id}` while unpaid, `ORDER#DISPUTED` / `{placed_at}#{id}` while disputed; gsi2–gsi5 (below) |
//! | payment / refund | `ORDER#{ulid}` | `PAYMENT#{hash(ref)}` / `REFUND#{hash(ref)}` | (stores the first response) |
//! | pick list | `ORDER#{ulid}` | `PICKLIST` | — |
//! | notification | `ORDER#{ulid}` | `NOTIFICATION#{event id}` | — |
//! | customer | `CUSTOMER#{ulid}` | `CUSTOMER` | gsi2: `CUSTOMER#{id}` / `CUSTOMER` |
//! | customer's open-order count | `CUSTOMER#{ulid}` | `OPEN_ORDERS` | — |
//! | customer name prefix | `NAME#{hash(prefix)}` | `{customer id}` | — |
//! | e-mail guard | `EMAIL#{sha256(email)}` | `EMAIL` | — |
//! | shipping method | `SHIPMETHOD#{code}` | `METHOD` | gsi3: `SHIPPING_METHODS` / `{code}` |
//! | promotion | `PROMOTION#{code}` | `PROMOTION` | gsi3: `PROMOTIONS` / `{code}` |
//! | promotion's redemptions | `PROMOTION#{code}` | `REDEEMED` | — |
//! | a customer's redemptions of a promotion | `PROMOTION#{code}` | `REDEEMED#{customer_id}` | — |
//! | running automatic promotions | `PROMOTIONS` | `AUTOMATIC` | — |
//! | supplier | `SUPPLIER#{id}` | `SUPPLIER` | gsi3: `SUPPLIERS` / `{id}` |
//! | a supplier's terms for a SKU | `SKU#{sku}` | `SUPPLIER#{id}` | — |
//! | a SKU's preferred supplier | `SKU#{sku}` | `PREFERRED_SUPPLIER` | — |
//! | channel reference guard | `CHANNELREF#{channel}#{external reference}` | `GUARD` | — (holds the order id) |
//! | return (RMA) | `RETURN#{ulid}` | `RETURN` | gsi2: `CUSTOMER#{id}` / `RETURN#{id}`; gsi5: `RETURNS#{status}` / `{requested_at}#{id}` |
//! | sales report row | `REPORT#SALES` | `{date}#{currency}` | — |
//! | sales report row by channel | `REPORT#SALES#CHANNEL` | `{date}#{currency}#{channel}` | — |
//! | sales report row by promotion | `REPORT#SALES#PROMOTION` | `{date}#{currency}#{code}` | — |
//! | overview counters | `OVERVIEW#{0..3}` | `COUNTERS` | — |
//! | applied-event marker | `APPLIED#{consumer}#{event or record id}` | `APPLIED` | (expires after 2 or 30 days) |
//! | gateway payment's order | `GATEWAY#{provider}#{hash(payment)}` | `PAYMENT` | — |
//! | payment review | `REVIEW#{ulid}` | `REVIEW` | gsi3: `PAYMENT_REVIEW` / `{received_at}#{id}` while open |
//! | idempotency record | `IDEMPOTENCY#{hash(caller)}#{hash(key)}` | `IDEMPOTENCY` | gsi2 when its answer holds a customer's data (expires after 24 h) |
//! | audit record | `AUDIT#{KIND}#{id}` or `AUDIT#ACTOR#{hash(subject)}#{0..3}` | `{at}#{audit id}` | — |
//! | export job | `EXPORT#{ulid}` | `EXPORT` | (expires with its file, 7 days) |
//!
//! `gsi2` gathers everything held about a customer under `CUSTOMER#{id}`: the customer item,
//! their orders (`ORDER#{id}`, newest last) and the idempotency records whose stored response
//! holds their data (`IDEMPOTENCY#…`). Export and erasure read it; nothing needs a Scan.
//!
//! `gsi3` holds orders with an outstanding balance (`RECEIVABLE` / `{placed_at}#{id}`):
//! receivables; and cancelled orders still holding money to pay back (`REFUND_DUE` /
//! `{placed_at}#{id}`): refunds owed. An order is in at most one of them. Open payment
//! reviews (`PAYMENT_REVIEW` / `{received_at}#{id}`) share it.
//!
//! `gsi4` lists orders newest first, spread over [`ORDER_DATE_SHARDS`] write shards
//! (`ORDERS#{shard}` / `{placed_at}#{id}`). It projects only what a summary shows
//! (template.yaml).
//!
//! `gsi5` lists orders by state, newest first: `ORDERS#{status}#{fulfillment_status}#{shard}` /
//! `{placed_at}#{id}` over [`ORDER_STATE_SHARDS`] shards; and returns by status, oldest first
//! (`RETURNS#{status}` / `{opened_at}#{id}`). `docs/SCALING.md` gives the write rate each allows.
//!
//! `gsi6` lists one channel's orders newest first, over [`ORDER_DATE_SHARDS`] write shards
//! (`ORDERS#CHANNEL#{channel}#{shard}` / `{placed_at}#{id}`), projecting what a summary shows.
//!
//! SKUs and ULIDs cannot contain `#`, so no key can be forged across entity boundaries.

use crate::domain::order::{FulfillmentStatus, OrderStatus};
use crate::domain::{CustomerId, OrderId, Sku};

pub const GSI1: &str = "gsi1";
pub const GSI2: &str = "gsi2";
pub const GSI3: &str = "gsi3";
pub const GSI4: &str = "gsi4";
pub const GSI5: &str = "gsi5";
pub const GSI6: &str = "gsi6";
/// Write shards of the all-orders listing: every write to an order that changes its summary
/// writes it.
pub const ORDER_DATE_SHARDS: u8 = 4;
/// Write shards of each order-state listing: an order writes one when it enters or leaves the
/// state, or changes while in it.
pub const ORDER_STATE_SHARDS: u8 = 2;
pub const RECEIVABLE_GSI3PK: &str = "RECEIVABLE";
pub const REFUND_DUE_GSI3PK: &str = "REFUND_DUE";
pub const SALES_REPORT_PK: &str = "REPORT#SALES";
pub const SALES_BY_CHANNEL_PK: &str = "REPORT#SALES#CHANNEL";
pub const SALES_BY_PROMOTION_PK: &str = "REPORT#SALES#PROMOTION";
pub const CUSTOMER_SK: &str = "CUSTOMER";
/// The count of a customer's open orders, in the customer's partition.
pub const OPEN_ORDERS_SK: &str = "OPEN_ORDERS";
pub const RETURN_SK: &str = "RETURN";
pub const EMAIL_SK: &str = "EMAIL";
pub const STOCK_SK: &str = "STOCK";
pub const MOVE_PREFIX: &str = "MOVE#";
pub const EVENT_PREFIX: &str = "EVENT#";
pub const REPLENISHMENT_SK: &str = "REPLENISHMENT";
pub const LOW_STOCK_GSI1PK: &str = "STOCK#LOW";
pub const IDEMPOTENCY_SK: &str = "IDEMPOTENCY";
pub const ORDER_SK: &str = "ORDER";
pub const AWAITING_PAYMENT_GSI1PK: &str = "ORDER#AWAITING_PAYMENT";
/// Orders with a payment dispute open (never awaiting payment: they were paid).
pub const DISPUTED_GSI1PK: &str = "ORDER#DISPUTED";
pub const CATALOG_GSI4PK: &str = "CATALOG";

pub fn order_pk(id: &OrderId) -> String {
    format!("ORDER#{id}")
}

pub fn orders_by_date_pk(shard: u8) -> String {
    format!("ORDERS#{shard}")
}

/// A channel's name is lower-case letters, digits, `-` and `_`: it cannot forge a `#`.
pub fn orders_by_channel_pk(channel: &crate::domain::channel::Channel, shard: u8) -> String {
    format!("ORDERS#CHANNEL#{channel}#{shard}")
}

pub fn orders_by_state_pk(status: OrderStatus, fulfillment: FulfillmentStatus, shard: u8) -> String {
    format!("ORDERS#{status}#{fulfillment}#{shard}")
}

pub fn returns_by_status_pk(status: &str) -> String {
    format!("RETURNS#{status}")
}

pub const EXPORT_SK: &str = "EXPORT";

pub fn export_pk(id: &crate::domain::ExportId) -> String {
    format!("EXPORT#{id}")
}

pub fn sku_pk(sku: &Sku) -> String {
    format!("SKU#{sku}")
}

pub fn replenishment_gsi1pk(status: &str) -> String {
    format!("REPLENISHMENT#{status}")
}

/// Idempotency keys are scoped to the caller, so two clients can never replay each other's
/// responses. The key itself is hashed: clients choose it, and it must not shape our keys.
pub fn idempotency_pk(caller: &str, key_hash: &str) -> String {
    format!("IDEMPOTENCY#{caller}#{key_hash}")
}

pub fn customer_pk(id: &CustomerId) -> String {
    format!("CUSTOMER#{id}")
}

/// The e-mail guard's key holds a hash, so no personal data sits in a key.
pub fn email_pk(normalised_email: &str) -> String {
    use sha2::{Digest, Sha256};
    format!("EMAIL#{}", hex(&Sha256::digest(normalised_email.as_bytes())))
}

/// Lower-case hex, for hashes in keys and for page cursors. One allocation, no formatting
/// machinery: it runs several times on every request that carries an idempotency key.
/// A text chosen outside the backoffice (a gateway's reference, a provider's event id) as it may
/// shape a key: the first 128 bits of its SHA-256, in hex.
pub(crate) fn short_hash(text: &str) -> String {
    use sha2::{Digest, Sha256};
    hex(&Sha256::digest(text.as_bytes())[..16])
}

pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::hex;

    #[test]
    fn hex_is_lower_case_two_digits_per_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }
}
