//! What the shop tells a customer by e-mail about their order, decided without I/O: which
//! events are worth a message and of which kind, who receives it and in which language, and
//! whether they may (an address that bounced or complained receives nothing). Order e-mails are
//! transactional: they go whatever the marketing consent, which only ever governs marketing.

use super::customer::{Customer, SuppressionReason};
use super::events::DomainEvent;
use super::language::Language;
use super::money::Money;

/// The order e-mails, one template each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Placed,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
    RefundIssued,
    ReturnReceived,
}

impl Kind {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Placed => "placed",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::RefundIssued => "refund_issued",
            Self::ReturnReceived => "return_received",
        }
    }
}

/// An e-mail an event asks for: its kind, the order, and the amount it names (a refund, what a
/// cancellation or a received return will give back).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trigger {
    pub kind: Kind,
    pub order_id: String,
    pub amount: Option<Money>,
    /// A cancellation because the payment did not come in time.
    pub expired: bool,
}

/// The e-mail an event asks for, if any.
pub fn trigger(event: &DomainEvent) -> Option<Trigger> {
    let t = |kind, order_id: &str, amount: Option<Money>| Trigger {
        kind,
        order_id: order_id.to_owned(),
        amount,
        expired: false,
    };
    Some(match event {
        DomainEvent::OrderPlaced(e) => t(Kind::Placed, &e.order_id, None),
        DomainEvent::OrderPaid(e) => t(Kind::Paid, &e.order_id, Some(e.total)),
        DomainEvent::OrderShipped(e) => t(Kind::Shipped, &e.order_id, None),
        DomainEvent::OrderDelivered(e) => t(Kind::Delivered, &e.order_id, None),
        DomainEvent::OrderCancelled(e) => Trigger {
            expired: e.reason == super::order::PAYMENT_TIMEOUT,
            ..t(Kind::Cancelled, &e.order_id, Some(e.refund_due).filter(|m| m.amount() > 0))
        },
        DomainEvent::RefundRecorded(e) => t(Kind::RefundIssued, &e.order_id, Some(e.amount)),
        DomainEvent::ReturnReceived(e) => {
            t(Kind::ReturnReceived, &e.order_id, Some(e.refund_due).filter(|m| m.amount() > 0))
        }
        _ => return None,
    })
}

/// Who an order e-mail goes to, decided when it is sent (nothing personal waits in a queue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient<'a> {
    To {
        address: &'a str,
        name: &'a str,
        language: Language,
    },
    /// The address bounced or complained: nothing is sent until it changes.
    Suppressed(SuppressionReason),
    /// Erased: there is no one to write to.
    NoAddress,
}

pub fn recipient(customer: &Customer, shop_default: Language) -> Recipient<'_> {
    match (customer.email(), customer.email_suppression()) {
        (None, _) => Recipient::NoAddress,
        (Some(_), Some(s)) => Recipient::Suppressed(s.reason),
        (Some(address), None) => {
            Recipient::To { address, name: customer.name(), language: customer.language().unwrap_or(shop_default) }
        }
    }
}

/// The subject line: short, the order's id, no personal data.
pub fn subject(kind: Kind, language: Language, shop: &str, order_id: &str) -> String {
    let what = match (language, kind) {
        (Language::PtBr, Kind::Placed) => "Recebemos o seu pedido",
        (Language::PtBr, Kind::Paid) => "Pagamento confirmado",
        (Language::PtBr, Kind::Shipped) => "Seu pedido foi enviado",
        (Language::PtBr, Kind::Delivered) => "Seu pedido foi entregue",
        (Language::PtBr, Kind::Cancelled) => "Seu pedido foi cancelado",
        (Language::PtBr, Kind::RefundIssued) => "Reembolso efetuado",
        (Language::PtBr, Kind::ReturnReceived) => "Recebemos a sua devolução",
        (Language::En, Kind::Placed) => "We received your order",
        (Language::En, Kind::Paid) => "Payment confirmed",
        (Language::En, Kind::Shipped) => "Your order has shipped",
        (Language::En, Kind::Delivered) => "Your order was delivered",
        (Language::En, Kind::Cancelled) => "Your order was cancelled",
        (Language::En, Kind::RefundIssued) => "Refund issued",
        (Language::En, Kind::ReturnReceived) => "We received your return",
    };
    let order = if language == Language::PtBr { "pedido" } else { "order" };
    format!("{shop}: {what} ({order} {order_id})")
}

/// Where a customer follows a parcel, for the carriers whose tracking page takes the code in
/// its address; `None` for the others (the e-mail then gives the code alone).
pub fn tracking_url(carrier: &str, tracking_number: &str) -> Option<String> {
    let code: String = tracking_number.chars().filter(char::is_ascii_alphanumeric).collect();
    if code.is_empty() || code.len() > 40 {
        return None;
    }
    match carrier.trim().to_lowercase().as_str() {
        "correios" => Some(format!("https://rastreamento.correios.com.br/app/index.php?objeto={code}")),
        "ups" => Some(format!("https://www.ups.com/track?tracknum={code}")),
        "dhl" => Some(format!("https://www.dhl.com/global-en/home/tracking.html?tracking-id={code}")),
        "fedex" => Some(format!("https://www.fedex.com/fedextrack/?trknbr={code}")),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::customer::{self, CustomerInput};
    use crate::domain::events::{OrderCancelled, OrderPaid};
    use crate::domain::money::Currency;
    use crate::domain::{CustomerId, order};
    use chrono::Utc;

    fn brl(amount: i64) -> Money {
        Money::new(amount, Currency::parse("c", "BRL").unwrap())
    }

    fn buyer(language: Option<&str>) -> Customer {
        let input: CustomerInput = serde_json::from_value(serde_json::json!({
            "name": "Ana Souza", "email": "ana@example.com", "marketing_consent": {"granted": false},
            "language": language}))
        .unwrap();
        customer::create(CustomerId::parse("id", "C1").unwrap(), input, Utc::now()).unwrap()
    }

    #[test]
    fn each_order_event_asks_for_its_email_and_others_for_none() {
        let paid =
            DomainEvent::OrderPaid(OrderPaid { order_id: "o-1".into(), customer_id: "c".into(), total: brl(2500) });
        assert_eq!(trigger(&paid).map(|t| (t.kind, t.amount)), Some((Kind::Paid, Some(brl(2500)))));
        let expired = DomainEvent::OrderCancelled(OrderCancelled {
            order_id: "o-1".into(),
            customer_id: "c".into(),
            reason: order::PAYMENT_TIMEOUT.into(),
            refund_due: brl(0),
            released: Vec::new(),
        });
        let t = trigger(&expired).unwrap();
        assert_eq!((t.kind, t.amount, t.expired), (Kind::Cancelled, None, true), "nothing to refund, said so");
        let noted = DomainEvent::OrderNoteAdded(crate::domain::events::NoteAdded {
            order_id: "o-1".into(),
            by: "staff".into(),
        });
        assert_eq!(trigger(&noted), None, "staff notes are not news for the customer");
    }

    #[test]
    fn the_customers_language_or_the_shops_and_never_a_suppressed_address() {
        // Given a customer who named no language, then the shop's is used
        let plain = buyer(None);
        assert_eq!(
            recipient(&plain, Language::PtBr),
            Recipient::To { address: "ana@example.com", name: "Ana Souza", language: Language::PtBr }
        );
        // Given one who chose English, then English
        let english = buyer(Some("en"));
        assert!(matches!(recipient(&english, Language::PtBr), Recipient::To { language: Language::En, .. }));
        // Given an address that bounced, then nobody is written to; given an erased customer, no one
        let bounced = customer::suppress(&plain, SuppressionReason::Bounce, Utc::now()).unwrap();
        assert_eq!(recipient(&bounced, Language::En), Recipient::Suppressed(SuppressionReason::Bounce));
        let erased = customer::erase(&plain, "staff", Utc::now());
        assert_eq!(recipient(&erased, Language::En), Recipient::NoAddress);
    }

    #[test]
    fn subjects_and_tracking_links_are_in_the_customers_words() {
        assert_eq!(subject(Kind::Shipped, Language::PtBr, "Loja", "o-1"), "Loja: Seu pedido foi enviado (pedido o-1)");
        assert_eq!(subject(Kind::Paid, Language::En, "Shop", "o-1"), "Shop: Payment confirmed (order o-1)");
        assert_eq!(
            tracking_url("Correios", "BR 123-456"),
            Some("https://rastreamento.correios.com.br/app/index.php?objeto=BR123456".into()),
            "only letters and digits reach the address"
        );
        assert_eq!(tracking_url("Loggi", "BR1"), None);
        assert_eq!(
            tracking_url("Correios", "\"><script>"),
            Some("https://rastreamento.correios.com.br/app/index.php?objeto=script".into())
        );
    }
}
