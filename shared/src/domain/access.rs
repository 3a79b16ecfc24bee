//! Who may do what: the API's scopes, the staff roles that grant them, and the scopes a signed-in
//! member of staff's access token carries. On AWS the roles are the user pool's groups, and the
//! pre-token-generation trigger (`token-scopes`) adds their scopes to each access token.

use std::collections::BTreeSet;

/// Scopes the backoffice's routes require.
pub mod scopes {
    pub const READ: &str = "backoffice:read";
    pub const STOCK_WRITE: &str = "stock:write";
    pub const ORDERS_WRITE: &str = "orders:write";
    pub const CUSTOMERS_READ: &str = "customers:read";
    pub const CUSTOMERS_WRITE: &str = "customers:write";
    pub const PAYMENTS_WRITE: &str = "payments:write";
    pub const FULFILLMENT_WRITE: &str = "fulfillment:write";
    pub const RETURNS_WRITE: &str = "returns:write";
    pub const AUDIT_READ: &str = "audit:read";
    /// A storefront's contact form: opens conversations, reads nothing.
    pub const CONVERSATIONS_WRITE: &str = "conversations:write";
    /// Suppliers, their terms and purchase orders.
    pub const PURCHASING_READ: &str = "purchasing:read";
    pub const PURCHASING_WRITE: &str = "purchasing:write";

    pub const ALL: [&str; 12] = [
        READ,
        STOCK_WRITE,
        ORDERS_WRITE,
        CUSTOMERS_READ,
        CUSTOMERS_WRITE,
        PAYMENTS_WRITE,
        FULFILLMENT_WRITE,
        RETURNS_WRITE,
        AUDIT_READ,
        CONVERSATIONS_WRITE,
        PURCHASING_READ,
        PURCHASING_WRITE,
    ];
}

/// The identifier of the user pool's resource server. Cognito names a custom scope granted to a
/// system (the client-credentials flow) `backoffice/stock:write`; the API reads it as
/// `stock:write`.
pub const RESOURCE_SERVER: &str = "backoffice";

/// The scope a token's scope string names, in the API's words: a resource-server scope loses
/// its `backoffice/` prefix, any other is taken as it is.
pub fn api_scope(granted: &str) -> &str {
    granted.strip_prefix(RESOURCE_SERVER).and_then(|s| s.strip_prefix('/')).unwrap_or(granted)
}

/// A staff role: one user pool group each (`template.yaml` creates them).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Everything, the audit trail included.
    Owner,
    /// The catalogue and the stock: registers products, receives goods, counts, writes off.
    StockKeeper,
    /// The packing bench: packs, ships and marks delivered.
    Packer,
    /// Customers, their orders and returns: edits, exports and erases customer records,
    /// cancels orders, opens and receives returns.
    CustomerService,
    /// Money: records payments and refunds.
    Finance,
    /// Purchasing: suppliers, their terms, purchase orders.
    Buyer,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Owner, Role::StockKeeper, Role::Packer, Role::CustomerService, Role::Finance, Role::Buyer];

    /// The group's name in the user pool.
    pub fn group(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::StockKeeper => "stock-keeper",
            Role::Packer => "packer",
            Role::CustomerService => "customer-service",
            Role::Finance => "finance",
            Role::Buyer => "buyer",
        }
    }

    /// The role a group names; other groups of the pool grant nothing here.
    pub fn of_group(group: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.group() == group)
    }

    /// Every role reads the backoffice; each writes only its own part.
    pub fn scopes(self) -> &'static [&'static str] {
        use scopes::*;
        match self {
            Role::Owner => &ALL,
            Role::StockKeeper => &[READ, STOCK_WRITE],
            Role::Packer => &[READ, FULFILLMENT_WRITE],
            Role::CustomerService => &[READ, CUSTOMERS_READ, CUSTOMERS_WRITE, ORDERS_WRITE, RETURNS_WRITE],
            Role::Finance => &[READ, PAYMENTS_WRITE],
            Role::Buyer => &[READ, PURCHASING_READ, PURCHASING_WRITE],
        }
    }
}

/// The scopes a member of staff in `groups` holds: the union of their roles' scopes, sorted.
/// Unknown groups add nothing; no group, no scope.
pub fn staff_scopes<'a>(groups: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'static str> {
    groups.into_iter().filter_map(Role::of_group).flat_map(|r| r.scopes().iter().copied()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packer_packs_and_reads_but_touches_neither_money_nor_customers() {
        let granted = staff_scopes(["packer"]);
        assert_eq!(granted.into_iter().collect::<Vec<_>>(), vec![scopes::READ, scopes::FULFILLMENT_WRITE]);
    }

    #[test]
    fn roles_add_up_and_unknown_groups_grant_nothing() {
        let granted = staff_scopes(["finance", "stock-keeper", "admins", "Owner"]);
        assert_eq!(
            granted.into_iter().collect::<Vec<_>>(),
            vec![scopes::READ, scopes::PAYMENTS_WRITE, scopes::STOCK_WRITE],
            "group names are exact: `Owner` is not `owner`"
        );
        assert!(staff_scopes([]).is_empty());
        assert!(staff_scopes(["admins"]).is_empty());
    }

    #[test]
    fn the_owner_holds_every_scope_and_only_the_owner_reads_the_audit_trail() {
        assert_eq!(staff_scopes(["owner"]).len(), scopes::ALL.len());
        for role in Role::ALL {
            assert_eq!(role.scopes().contains(&scopes::AUDIT_READ), role == Role::Owner, "{role:?}");
            assert!(role.scopes().contains(&scopes::READ), "{role:?} reads");
            assert_eq!(Role::of_group(role.group()), Some(role));
        }
    }

    #[test]
    fn a_buyer_purchases_and_reads_but_neither_adjusts_stock_nor_touches_money() {
        let granted = staff_scopes(["buyer"]);
        assert_eq!(
            granted.into_iter().collect::<Vec<_>>(),
            vec![scopes::READ, scopes::PURCHASING_READ, scopes::PURCHASING_WRITE]
        );
    }

    #[test]
    fn a_resource_server_scope_reads_as_the_apis_own() {
        assert_eq!(api_scope("backoffice/stock:write"), "stock:write");
        assert_eq!(api_scope("stock:write"), "stock:write");
        assert_eq!(api_scope("other/stock:write"), "other/stock:write");
        assert_eq!(api_scope("backofficestock:write"), "backofficestock:write");
    }
}
