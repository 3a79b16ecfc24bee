//! Customer records (CRM). Every field but the id, dates and consent flag is personal data:
//! it never goes into logs or events, and `erase` replaces it with tombstones.

use super::address::{Address, AddressInput};
use super::contact::{Email, Phone, TaxId};
use super::events::{CustomerChanged, DomainEvent};
use super::ids::{CustomerId, OrderId};
use super::language::Language;
use super::text::{FieldError, ShortText};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub const MAX_ADDRESSES: usize = 10;
pub const MAX_TAGS: usize = 20;
pub const MAX_NOTES_CHARS: usize = 2000;
pub const ERASED: &str = "[erased]";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    Shipping,
    Billing,
}

/// A customer's address as clients send it (and as `PATCH` merges it): its kind, whether it is
/// the default of that kind, and the address itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddressInput {
    pub kind: AddressKind,
    #[serde(default)]
    pub default: bool,
    #[serde(flatten)]
    pub address: AddressInput,
    /// Members neither part knows (serde's `deny_unknown_fields` does not see through
    /// `flatten`): refused by name when the customer is checked.
    #[serde(flatten, skip_serializing)]
    pub unknown: std::collections::BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsentInput {
    pub granted: bool,
}

/// The editable representation of a customer: the create body, and what `PATCH` merges into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    pub name: String,
    pub email: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_id: Option<TaxId>,
    #[serde(default)]
    pub addresses: Vec<CustomerAddressInput>,
    pub marketing_consent: ConsentInput,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// The language e-mails are written in (`en`, `pt-BR`); the shop's default when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerAddress {
    pub kind: AddressKind,
    pub default: bool,
    #[serde(flatten)]
    pub address: Address,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consent {
    pub granted: bool,
    /// When consent was last given or withdrawn.
    pub changed_at: DateTime<Utc>,
}

/// Why mail to a customer's address stopped: the receiving server refused it for good (a hard
/// bounce) or the customer marked a message as spam (a complaint).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionReason {
    Bounce,
    Complaint,
}

/// The address is not written to until it changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    pub reason: SuppressionReason,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    pub by: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub(crate) id: CustomerId,
    pub(crate) name: String,
    /// Absent once erased.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) tax_id: Option<TaxId>,
    pub(crate) addresses: Vec<CustomerAddress>,
    pub(crate) marketing_consent: Consent,
    /// Every consent given or withdrawn, oldest first (the last is `marketing_consent`): the
    /// proof a data subject's export shows. Kept through erasure (a flag and a date each).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(crate) consent_history: Vec<Consent>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) notes: Option<String>,
    pub(crate) tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) language: Option<Language>,
    /// Set when the address bounced or complained; cleared when the address changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) email_suppression: Option<Suppression>,
    pub(crate) created_at: DateTime<Utc>,
    pub(crate) updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) erasure: Option<Erasure>,
}

/// Reading a customer from outside the domain: it changes only through the domain's decisions.
impl Customer {
    pub fn id(&self) -> &CustomerId {
        &self.id
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn email(&self) -> Option<&str> {
        self.email.as_deref()
    }
    pub fn phone(&self) -> Option<&str> {
        self.phone.as_deref()
    }
    pub fn tax_id(&self) -> Option<&TaxId> {
        self.tax_id.as_ref()
    }
    pub fn addresses(&self) -> &[CustomerAddress] {
        &self.addresses
    }
    pub fn marketing_consent(&self) -> &Consent {
        &self.marketing_consent
    }
    pub fn notes(&self) -> Option<&str> {
        self.notes.as_deref()
    }
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
    pub fn created_at(&self) -> DateTime<Utc> {
        self.created_at
    }
    pub fn updated_at(&self) -> DateTime<Utc> {
        self.updated_at
    }
    pub fn erasure(&self) -> Option<&Erasure> {
        self.erasure.as_ref()
    }
    pub fn language(&self) -> Option<Language> {
        self.language
    }
    pub fn email_suppression(&self) -> Option<&Suppression> {
        self.email_suppression.as_ref()
    }
}

/// The checked contents of a [`CustomerInput`].
struct Checked {
    name: String,
    email: Email,
    phone: Option<Phone>,
    tax_id: Option<TaxId>,
    addresses: Vec<CustomerAddress>,
    consent: bool,
    notes: Option<String>,
    tags: Vec<String>,
    language: Option<Language>,
}

fn check(input: CustomerInput) -> Result<Checked, FieldError> {
    let name = ShortText::parse("name", &input.name, 200)?.to_string();
    let email = Email::parse("email", &input.email)?;
    let phone = input.phone.as_deref().map(|p| Phone::parse("phone", p)).transpose()?;
    let tax_id = input.tax_id.map(|t| TaxId::parse("tax_id", t)).transpose()?;
    if input.addresses.len() > MAX_ADDRESSES {
        return Err(FieldError::new("addresses", format!("at most {MAX_ADDRESSES} addresses")));
    }
    let mut addresses = Vec::with_capacity(input.addresses.len());
    for (i, a) in input.addresses.into_iter().enumerate() {
        let field = format!("addresses[{i}]");
        if let Some(name) = a.unknown.keys().next() {
            return Err(FieldError::new(format!("{field}.{name}"), "is not a member of an address"));
        }
        let address = Address::parse(&field, &a.address)?;
        if a.default && addresses.iter().any(|x: &CustomerAddress| x.default && x.kind == a.kind) {
            return Err(FieldError::new(
                format!("{field}.default"),
                format!(
                    "only one default {} address is allowed",
                    if a.kind == AddressKind::Shipping { "shipping" } else { "billing" }
                ),
            ));
        }
        addresses.push(CustomerAddress { kind: a.kind, default: a.default, address });
    }
    let notes = match input.notes.as_deref() {
        Some(n) if n.chars().count() > MAX_NOTES_CHARS => {
            return Err(FieldError::new("notes", format!("must be at most {MAX_NOTES_CHARS} characters")));
        }
        Some(n) if n.trim().is_empty() => None,
        Some(n) => Some(n.to_owned()),
        None => None,
    };
    let tags = super::text::tags(&input.tags, MAX_TAGS)?;
    let language = input.language.as_deref().map(|l| Language::parse("language", l)).transpose()?;
    Ok(Checked {
        name,
        email,
        phone,
        tax_id,
        addresses,
        consent: input.marketing_consent.granted,
        notes,
        tags,
        language,
    })
}

/// A new customer from a create request.
pub fn create(id: CustomerId, input: CustomerInput, now: DateTime<Utc>) -> Result<Customer, FieldError> {
    let c = check(input)?;
    Ok(Customer {
        id,
        name: c.name,
        email: Some(c.email.as_str().to_owned()),
        phone: c.phone.map(|p| p.as_str().to_owned()),
        tax_id: c.tax_id,
        addresses: c.addresses,
        marketing_consent: Consent { granted: c.consent, changed_at: now },
        consent_history: vec![Consent { granted: c.consent, changed_at: now }],
        notes: c.notes,
        tags: c.tags,
        language: c.language,
        email_suppression: None,
        created_at: now,
        updated_at: now,
        erasure: None,
    })
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerError {
    #[error("{0}")]
    Invalid(#[from] FieldError),
    #[error("the customer's personal data was erased")]
    Erased,
}

impl Customer {
    pub fn is_erased(&self) -> bool {
        self.erasure.is_some()
    }

    /// The editable representation, which a JSON Merge Patch is applied to.
    pub fn editable(&self) -> CustomerInput {
        CustomerInput {
            name: self.name.clone(),
            email: self.email.clone().unwrap_or_default(),
            phone: self.phone.clone(),
            tax_id: self.tax_id.clone(),
            addresses: self
                .addresses
                .iter()
                .map(|a| CustomerAddressInput {
                    kind: a.kind,
                    default: a.default,
                    address: a.address.input(),
                    unknown: Default::default(),
                })
                .collect(),
            marketing_consent: ConsentInput { granted: self.marketing_consent.granted },
            notes: self.notes.clone(),
            tags: self.tags.clone(),
            language: self.language.map(|l| l.tag().to_owned()),
        }
    }

    /// Consent given or withdrawn, oldest first. Records written before the history was kept
    /// hold only their latest consent.
    pub fn consent_history(&self) -> Vec<Consent> {
        if self.consent_history.is_empty() {
            vec![self.marketing_consent.clone()]
        } else {
            self.consent_history.clone()
        }
    }

    /// The default shipping address, copied onto orders placed without one.
    pub fn default_shipping(&self) -> Option<Address> {
        self.addresses.iter().find(|a| a.kind == AddressKind::Shipping && a.default).map(|a| a.address.clone())
    }
}

/// The customer after an edit (the patched editable representation). Consent keeps its time
/// unless it changed.
pub fn revise(current: &Customer, input: CustomerInput, now: DateTime<Utc>) -> Result<Customer, CustomerError> {
    if current.is_erased() {
        return Err(CustomerError::Erased);
    }
    let c = check(input)?;
    let mut consent_history = current.consent_history();
    let consent = if c.consent == current.marketing_consent.granted {
        current.marketing_consent.clone()
    } else {
        let changed = Consent { granted: c.consent, changed_at: now };
        consent_history.push(changed.clone());
        changed
    };
    // A new address has not bounced: mail to it is tried again.
    let email_suppression =
        current.email_suppression.clone().filter(|_| current.email.as_deref() == Some(c.email.as_str()));
    Ok(Customer {
        id: current.id.clone(),
        name: c.name,
        email: Some(c.email.as_str().to_owned()),
        phone: c.phone.map(|p| p.as_str().to_owned()),
        tax_id: c.tax_id,
        addresses: c.addresses,
        marketing_consent: consent,
        consent_history,
        notes: c.notes,
        tags: c.tags,
        language: c.language,
        email_suppression,
        created_at: current.created_at,
        updated_at: now,
        erasure: None,
    })
}

/// The customer once mail to their address bounced or was marked as spam (`None`: already
/// suppressed, or erased; nothing to write). The address stays; nothing is sent to it until it
/// changes.
pub fn suppress(current: &Customer, reason: SuppressionReason, now: DateTime<Utc>) -> Option<Customer> {
    if current.is_erased() || current.email_suppression.is_some() {
        return None;
    }
    Some(Customer { email_suppression: Some(Suppression { reason, at: now }), updated_at: now, ..current.clone() })
}

/// `customer.updated` naming the suppression (never the address).
pub fn suppressed(c: &Customer) -> DomainEvent {
    DomainEvent::CustomerUpdated(CustomerChanged {
        customer_id: c.id.to_string(),
        changed: vec!["email_suppression".to_owned()],
    })
}

/// `customer.registered` for a new customer.
pub fn registered(c: &Customer) -> DomainEvent {
    DomainEvent::CustomerRegistered(CustomerChanged { customer_id: c.id.to_string(), changed: Vec::new() })
}

/// `customer.updated`, naming (never showing) the top-level fields a revision changed, as the
/// editable representation shows them.
pub fn updated(before: &Customer, after: &Customer) -> DomainEvent {
    let (b, a) = (serde_json::to_value(before.editable()), serde_json::to_value(after.editable()));
    let mut changed: Vec<String> = match (b, a) {
        (Ok(serde_json::Value::Object(b)), Ok(serde_json::Value::Object(a))) => {
            a.keys().chain(b.keys()).filter(|k| a.get(*k) != b.get(*k)).cloned().collect()
        }
        _ => Vec::new(),
    };
    changed.sort();
    changed.dedup();
    DomainEvent::CustomerUpdated(CustomerChanged { customer_id: after.id.to_string(), changed })
}

/// Why a customer cannot be erased now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ErasureError {
    /// Data needed to perform a contract may be kept until it is performed (LGPD art. 16, GDPR
    /// art. 17(3)(b)): refused, not deferred, so the operator decides what happens to those
    /// orders (deliver or cancel them) and asks again; nothing is half-erased meanwhile.
    #[error("{} order(s) of this customer are still open", .0.len())]
    OpenOrders(Vec<OrderId>),
}

/// Erases a customer whose orders are all closed (`open_orders`: those still open). `None`:
/// erased before, nothing to do (a repeated request finishes the sweep, see the store).
pub fn erasure(
    current: &Customer,
    open_orders: Vec<OrderId>,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Option<(Customer, DomainEvent)>, ErasureError> {
    if current.is_erased() {
        return Ok(None);
    }
    if !open_orders.is_empty() {
        return Err(ErasureError::OpenOrders(open_orders));
    }
    let erased = erase(current, by, now);
    let event =
        DomainEvent::CustomerErased(CustomerChanged { customer_id: current.id.to_string(), changed: Vec::new() });
    Ok(Some((erased, event)))
}

/// Replaces every piece of personal data with a tombstone; keeps the id and dates.
pub fn erase(current: &Customer, by: &str, now: DateTime<Utc>) -> Customer {
    Customer {
        id: current.id.clone(),
        name: ERASED.to_owned(),
        email: None,
        phone: None,
        tax_id: None,
        addresses: Vec::new(),
        marketing_consent: Consent { granted: false, changed_at: now },
        consent_history: {
            let mut history = current.consent_history();
            if current.marketing_consent.granted {
                history.push(Consent { granted: false, changed_at: now });
            }
            history
        },
        notes: None,
        tags: Vec::new(),
        language: None,
        email_suppression: None,
        created_at: current.created_at,
        updated_at: now,
        erasure: Some(Erasure { by: by.to_owned(), at: now }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> CustomerInput {
        serde_json::from_value(serde_json::json!({
            "name": "Ana Souza",
            "email": " Ana@Example.com",
            "phone": "+5511912345678",
            "tax_id": {"country": "BR", "number": "529.982.247-25"},
            "addresses": [
                {"kind": "shipping", "default": true, "recipient": "Ana", "line1": "Rua A, 1", "city": "São Paulo",
                 "postal_code": "01000-000", "country": "BR"},
                {"kind": "billing", "default": true, "recipient": "Ana", "line1": "Rua B, 2", "city": "São Paulo",
                 "postal_code": "01000-000", "country": "BR"}
            ],
            "marketing_consent": {"granted": true},
            "tags": ["VIP", "vip", "wholesale"]
        }))
        .unwrap()
    }

    fn now() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn creates_with_normalised_fields() {
        let c = create(CustomerId::parse("id", "C1").unwrap(), input(), now()).unwrap();
        assert_eq!(c.email.as_deref(), Some("ana@example.com"));
        assert_eq!(c.tags, vec!["vip", "wholesale"]);
        assert_eq!(c.tax_id.as_ref().unwrap().number, "52998224725");
        assert_eq!(c.default_shipping().unwrap().line1(), "Rua A, 1");
        assert_eq!(c.marketing_consent.changed_at, now());
    }

    #[test]
    fn one_default_per_kind() {
        let mut i = input();
        let mut second = i.addresses[0].clone();
        second.address.line1 = "Rua C".into();
        i.addresses.push(second);
        assert_eq!(create(CustomerId::parse("id", "C1").unwrap(), i, now()).unwrap_err().field, "addresses[2].default");
    }

    #[test]
    fn notes_are_bounded() {
        let mut i = input();
        i.notes = Some("x".repeat(MAX_NOTES_CHARS + 1));
        assert_eq!(create(CustomerId::parse("id", "C1").unwrap(), i, now()).unwrap_err().field, "notes");
    }

    #[test]
    fn revising_keeps_consent_time_unless_it_changes_and_erased_customers_are_frozen() {
        let c = create(CustomerId::parse("id", "C1").unwrap(), input(), now()).unwrap();
        let later = now() + chrono::Duration::hours(1);
        let mut edit = c.editable();
        edit.name = "Ana S.".into();
        let r = revise(&c, edit.clone(), later).unwrap();
        assert_eq!((r.name.as_str(), r.marketing_consent.changed_at), ("Ana S.", now()));
        edit.marketing_consent.granted = false;
        let r = revise(&c, edit.clone(), later).unwrap();
        assert_eq!(r.marketing_consent, Consent { granted: false, changed_at: later });
        let history: Vec<bool> = r.consent_history.iter().map(|c| c.granted).collect();
        assert_eq!(history, [true, false], "the withdrawal joins the history");
        let gone = erase(&c, "dpo", later);
        let history: Vec<bool> = gone.consent_history.iter().map(|c| c.granted).collect();
        assert_eq!(history, [true, false], "erasure withdraws consent, on the record");
        assert_eq!((gone.name.as_str(), gone.email.as_deref(), gone.addresses.len()), (ERASED, None, 0));
        assert_eq!(revise(&gone, edit, later), Err(CustomerError::Erased));
    }

    #[test]
    fn a_customer_with_open_orders_is_not_erased_and_an_erased_one_is_not_erased_twice() {
        let c = create(CustomerId::parse("id", "C1").unwrap(), input(), now()).unwrap();
        let open = vec![OrderId::new()];
        assert_eq!(erasure(&c, open.clone(), "dpo", now()), Err(ErasureError::OpenOrders(open)));
        let (erased, event) = erasure(&c, Vec::new(), "dpo", now()).unwrap().unwrap();
        assert!(erased.is_erased() && erased.email.is_none() && erased.addresses.is_empty());
        assert_eq!(event.event_type(), "customer.erased");
        assert_eq!(erasure(&erased, Vec::new(), "dpo", now()), Ok(None), "already erased: nothing to do");
    }

    #[test]
    fn an_update_names_the_fields_it_changed_and_never_their_values() {
        let c = create(CustomerId::parse("id", "C1").unwrap(), input(), now()).unwrap();
        let mut edit = c.editable();
        edit.name = "Ana S.".into();
        edit.email = "ANA@example.com".into();
        let revised = revise(&c, edit, now()).unwrap();
        let DomainEvent::CustomerUpdated(event) = updated(&c, &revised) else { panic!("not customer.updated") };
        assert_eq!(event.changed, ["name"], "the e-mail normalises to the same address");
        assert!(!serde_json::to_string(&event).unwrap().contains("Ana S."), "{event:?}");
    }

    #[test]
    fn a_bounce_suppresses_the_address_until_it_changes() {
        // Given a customer whose mail bounced
        let c = create(CustomerId::parse("id", "C1").unwrap(), input(), now()).unwrap();
        let bounced = suppress(&c, SuppressionReason::Bounce, now()).unwrap();
        assert_eq!(bounced.email_suppression().map(|s| s.reason), Some(SuppressionReason::Bounce));
        // Then a second report changes nothing, and an edit that keeps the address keeps it
        assert_eq!(suppress(&bounced, SuppressionReason::Complaint, now()), None);
        let renamed = CustomerInput { name: "Ana S.".into(), ..bounced.editable() };
        assert!(revise(&bounced, renamed, now()).unwrap().email_suppression().is_some());
        // When the address changes, then mail to it is tried again
        let moved = CustomerInput { email: "ana.souza@example.org".into(), ..bounced.editable() };
        assert_eq!(revise(&bounced, moved, now()).unwrap().email_suppression(), None);
        // And an erased customer is neither suppressed nor keeps a language
        let erased = erase(&bounced, "staff", now());
        assert_eq!((erased.email_suppression(), erased.language()), (None, None));
        assert_eq!(suppress(&erased, SuppressionReason::Bounce, now()), None);
    }

    #[test]
    fn the_language_is_read_strictly_and_kept_through_edits() {
        let with = CustomerInput { language: Some("pt-br".into()), ..input() };
        let c = create(CustomerId::parse("id", "C1").unwrap(), with, now()).unwrap();
        assert_eq!(c.language(), Some(Language::PtBr));
        assert_eq!(c.editable().language.as_deref(), Some("pt-BR"));
        let bad = CustomerInput { language: Some("klingon".into()), ..input() };
        assert_eq!(create(CustomerId::parse("id", "C1").unwrap(), bad, now()).unwrap_err().field, "language");
    }
}
