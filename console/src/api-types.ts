// Generated from openapi.yaml by openapi-typescript (`npm run gen`). Do not edit.

export interface paths {
    "/stock/{sku}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A SKU's counters */
        get: operations["getStock"];
        /** Register a SKU or update its catalog data (never quantities) */
        put: operations["putStock"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stock/{sku}/adjustments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Adjust stock or record a cycle count */
        post: operations["adjustStock"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stock/{sku}/movements": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A SKU's ledger, newest first */
        get: operations["listMovements"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stock": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The catalogue in SKU order, searched, or only the items low on stock
         * @description Without parameters, every SKU in SKU order. With q, the SKUs whose SKU or a word of whose name starts with q, case and accents ignored (sao finds "São Paulo mug"), by the matching word. With low=true, the items listed as low: an adjustment, shipment or return lists or unlists an item as it writes it; an item that orders take into the low band is listed, and one that cancellations lift out of it unlisted, by stock-levels from the table's stream, within about a second on AWS. q and low=true do not combine.
         */
        get: operations["listStock"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/replenishments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Replenishment suggestions */
        get: operations["listReplenishments"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Orders newest first, filtered by state, customer, channel and placement date
         * @description Filters combine as the indexes serve them: channel with from/to only; any of status and fulfillment_status, with from/to; customer_id with any other filter; payment_status only with customer_id or with status pending_payment or paid (every other state holds all the orders it ever had; balances are GET /receivables and GET /refunds-owed). Another combination is 422 naming the field. customer_name needs customers:read and is absent once the customer's data is erased.
         */
        get: operations["listOrders"];
        put?: never;
        /** Place an order: every line reserved or none */
        post: operations["placeOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An order with its timeline */
        get: operations["getOrder"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel until shipped, releasing reservations */
        post: operations["cancelOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Add an internal note (shown on the order and in its timeline) */
        post: operations["addOrderNote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/edit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change an order's lines, shipping address or shipping method before it is packed
         * @description lines replaces the order's lines (a line kept keeps its price; a new one takes the catalogue's). Reservations move by the difference per SKU in one transaction, and a new unit must be available (409 insufficient-stock, nothing changed). The shipping charge and the discounts of the promotions the order redeemed are worked out again; a promotion the new lines no longer qualify for is dropped and its redemption given back. The balance shows as outstanding, or as refund_due when the total fell under what was paid. 409 once the order is packed, shipped, delivered or cancelled, or while a payment is authorised.
         */
        post: operations["editOrder"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/payments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Payments, refunds and balance */
        get: operations["listPayments"];
        put?: never;
        /** Record a captured payment */
        post: operations["recordPayment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/refunds": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record a refund */
        post: operations["recordRefund"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/fulfillment/packed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Packing confirmed */
        post: operations["markPacked"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/fulfillment/shipped": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Shipped with carrier and tracking number */
        post: operations["markShipped"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/fulfillment/delivered": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** The carrier confirmed delivery */
        post: operations["markDelivered"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/notifications": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Notifications sent about the order */
        get: operations["listNotifications"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/orders/{id}/returns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An order's returns */
        get: operations["listOrderReturns"];
        put?: never;
        /** Open a return (RMA) */
        post: operations["requestReturn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/returns": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Returns in one status, oldest first (requested by default, the parcels to receive) */
        get: operations["listReturns"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/returns/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A return */
        get: operations["getReturn"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/returns/{id}/receive": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Record what came back */
        post: operations["receiveReturn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/returns/{id}/reject": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Reject a requested return */
        post: operations["rejectReturn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/returns/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a requested return */
        post: operations["cancelReturn"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/overview": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What needs attention now, and recent sales
         * @description Counters kept from the table's stream (read in one request whatever the shop's size, a second or so behind the writes): orders awaiting payment, to pick (paid, no pick list yet), to pack (picking), to ship (packed); returns awaiting receipt; SKUs low; open replenishment suggestions; receivables per currency (minor units); and orders placed, gross ordered and net sales per currency today, over the last 7 and the last 30 UTC days.
         */
        get: operations["getOverview"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Who changed what, newest first, by actor or by one entity
         * @description Every request that changed state left one record, written in the same transaction as the change: the caller's subject, the time, the route and the ids of the entities it wrote, and the correlation id. Give exactly one of actor, order, sku, customer or return, and optionally the UTC days from and to (both included). Records hold no personal data and are kept through a customer's erasure.
         */
        get: operations["listAudit"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/imports/catalog": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Register or update up to 5,000 SKUs from a spreadsheet (CSV)
         * @description UTF-8, with or without a BOM, comma- or semicolon-separated (as the header line is), RFC 4180 quoting. Header sku,name,unit_price,currency,reorder_point,reorder_quantity and optionally on_hand; prices as decimals in the currency's units (39,90 or 39.90). Every row is checked before anything is written: with mode=all-or-nothing (the default) a bad row makes the answer 422 with every bad row's line and field, and nothing is written; with mode=valid-rows the good rows are written and the bad ones listed. on_hand becomes a count ledger line against the figure read; a row equal to what is stored writes nothing. With an Idempotency-Key a repeat is answered from the first answer.
         */
        post: operations["importCatalog"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Conversations in a state (and of an assignee), most recently changed first or oldest first
         * @description Each says when its first response is due (FirstResponseHours business hours after it opened) and whether it is overdue. With customer_id, that customer's conversations, newest first, on one page (state, assignee and order do not apply).
         */
        get: operations["listConversations"];
        put?: never;
        /**
         * A storefront's contact form opens a conversation
         * @description The order, and its customer, are linked only when the order's customer holds the address given (a form is typed by anyone). Answered with the conversation; staff see it in the inbox (GET /conversations).
         */
        post: operations["openConversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A conversation and its messages, oldest first (internal notes included) */
        get: operations["getConversation"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Assign the conversation (null unassigns) or set its tags */
        patch: operations["updateConversation"];
        trace?: never;
    };
    "/conversations/{id}/replies": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reply to the customer by e-mail
         * @description The reply is stored at once and sent by SES shortly after (from SupportAddress, with Reply-To the conversation's own address and threaded under the customer's e-mails); the thread shows how it went (delivery). The conversation then waits on the customer. 409 when the conversation was erased or the shop has no support address.
         */
        post: operations["replyToConversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/{id}/notes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** An internal note on the conversation (never sent to the customer) */
        post: operations["addConversationNote"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/{id}/close": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Close the conversation (the customer's next message reopens it) */
        post: operations["closeConversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/conversations/{id}/reopen": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Open the conversation again */
        post: operations["reopenConversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/payments/review": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Gateway events waiting for a person, oldest first */
        get: operations["listPaymentReviews"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/payments/review/{id}/resolve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Close a review with what was done about it
         * @description A review never moves money itself; the note says what the person did (at the provider, or on the order).
         */
        post: operations["resolvePaymentReview"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/suppliers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A supplier */
        get: operations["getSupplier"];
        /**
         * Save a supplier (replaced whole)
         * @description 201 when new, 200 when replaced. A Brazilian tax id must be a CPF or CNPJ with valid check digits.
         */
        put: operations["putSupplier"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/suppliers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every supplier, in id order */
        get: operations["listSuppliers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stock/{sku}/suppliers/{supplier_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * What a supplier charges for a SKU (replaced whole)
         * @description unit_cost is in minor units of the supplier's currency; lead_time_days defaults to the supplier's. The first supplier of a SKU is its preferred one; preferred true makes this one preferred instead. 201 when new, 200 when replaced; an unknown supplier is 422 naming supplier_id, an unknown SKU 404.
         */
        put: operations["putSkuSupplier"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/stock/{sku}/suppliers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A SKU's terms from each supplier, the preferred one first */
        get: operations["listSkuSuppliers"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/promotions/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A promotion with its redemptions */
        get: operations["getPromotion"];
        /**
         * Save a promotion (replaced whole; active false pauses it)
         * @description The code is compared as customers type it: after Unicode normalisation (NFKC) and in upper case, 2 to 32 letters, digits, '-' or '_'. An automatic promotion applies to every order it fits without a code. Redemptions are counted in the placing order's own transaction, within limit and per_customer_limit, and given back when the order is cancelled or expires. 201 when new, 200 when replaced.
         */
        put: operations["putPromotion"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/promotions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every promotion, in code order, with its redemptions and what is left */
        get: operations["listPromotions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/shipping/methods/{code}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Save a shipping method and its rate table (replaced whole)
         * @description The first zone that serves a destination applies; its first band that holds the parcel's weight gives the price; an order subtotal at or over free_over ships free. 201 when new, 200 when replaced.
         */
        put: operations["putShippingMethod"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/shipping/methods": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every shipping method, in code order */
        get: operations["listShippingMethods"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/shipping/quote": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * What each offered method charges to ship these lines there, cheapest first
         * @description From the products' weights (weight_grams) and prices. A destination or parcel no offered method serves is 422 naming country; a product without a weight is 422 naming lines.
         */
        get: operations["quoteShipping"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/webhooks/payments/{provider}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * A payment provider's webhook delivery
         * @description Outside the staff's authorizer: each delivery is authenticated by its provider's signature
         *     over the raw body. Stripe sends `Stripe-Signature: t=…,v1=…` (HMAC-SHA256 of `{t}.{body}`
         *     with the endpoint secret, 300 s tolerance); Mercado Pago sends `x-signature: ts=…,v1=…` and
         *     `x-request-id` with `?data.id=…` (HMAC-SHA256 of `id:{data.id};request-id:{x-request-id};ts:{ts};`).
         *     A verified delivery is queued and answered 200; `payment-events` applies it once per
         *     provider event id. A refused delivery queues nothing.
         */
        post: operations["receivePaymentWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/exports": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Ask for a spreadsheet of orders, the catalogue or receivables
         * @description Accepted at once (202) and written by a worker as a CSV file: UTF-8 with a byte-order mark, comma-separated, CRLF line ends, RFC 4180 quoting, money as decimals in the currency's precision beside its code, and any text cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or carriage return) prefixed with an apostrophe. orders (one row per order line, placed between from and to, UTC days, both included, at most 366 days) needs from and to; catalog and receivables take neither. The job and the file are kept 7 days. With an Idempotency-Key a repeat is answered with the same job.
         */
        post: operations["requestExport"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/exports/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** An export job; once done, a download link valid for 15 minutes */
        get: operations["getExport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/receivables": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Orders that owe money, oldest first */
        get: operations["listReceivables"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/refunds-owed": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Cancelled orders holding money to pay back, oldest first
         * @description A cancellation that races a payment, or a paid order cancelled, leaves money the shop owes back (`refund_due` on the order). Each such order is listed here until refunds cover it (`POST /orders/{id}/refunds`).
         */
        get: operations["listRefundsOwed"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/reports/sales": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Daily sales per currency, or per channel or promotion
         * @description gross_sales is the placed orders' lines before discounts, discounts what promotions took off (free shipping included), shipping the shipping charged before free shipping, and net_sales gross_sales less discounts; gross_ordered is the orders' totals (net_sales plus shipping). paid, refunded and net (paid less refunded) are the money that moved that day.
         */
        get: operations["salesReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The newest customers, or customers by e-mail address or by a word prefix of their name
         * @description Without email or q: every customer, newest first (from an index; an erased customer is not listed). Give email (exact, compared as stored: trimmed and lower-cased) or q (at least two letters, the start of a word of the name, case and accents ignored: souz finds "Ana Souza"), not both. An erased customer matches neither.
         */
        get: operations["findCustomers"];
        put?: never;
        /** Create a customer */
        post: operations["createCustomer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customers/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer */
        get: operations["getCustomer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        /** Edit with a JSON Merge Patch */
        patch: operations["patchCustomer"];
        trace?: never;
    };
    "/customers/{id}/erase": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Erase personal data (LGPD/GDPR)
         * @description Refused with 409 `/problems/open-orders`, listing them in `open_orders`, while the customer has orders not yet delivered or cancelled: their address is needed to perform the contract (LGPD art. 16, GDPR art. 17(3)(b)). Erase again once they are closed.
         */
        post: operations["eraseCustomer"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customers/{id}/orders": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A customer's orders, newest first */
        get: operations["listCustomerOrders"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/customers/{id}/export": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Everything held about a customer */
        get: operations["exportCustomer"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details; extension members carry figures. */
        Problem: {
            type: string;
            title: string;
            status: number;
            detail: string;
            field?: string;
        } & {
            [key: string]: unknown;
        };
        Money: {
            /** @description Integer minor units (cents). */
            amount: number;
            currency: string;
        };
        Page: {
            next_cursor: string | null;
        };
        CatalogInput: {
            name: string;
            unit_price: components["schemas"]["Money"];
            reorder_point: number;
            reorder_quantity: number;
            /**
             * @description A unit_price.amount of 0 is refused (422 naming unit_price.amount) unless this is true; true with a non-zero price is refused too.
             * @default false
             */
            free: boolean;
            /** @description One unit packed, for shipping quotes. Left out, a weight set before is kept. */
            weight_grams?: number;
            dimensions?: components["schemas"]["Dimensions"];
        };
        /** @description One unit's packed size, in millimetres. Left out, a size set before is kept. */
        Dimensions: {
            length_mm: number;
            width_mm: number;
            height_mm: number;
        };
        Stock: {
            sku: string;
            name: string;
            unit_price: components["schemas"]["Money"];
            on_hand: number;
            reserved: number;
            available: number;
            reorder_point: number;
            reorder_quantity: number;
            weight_grams?: number;
            dimensions?: components["schemas"]["Dimensions"];
            low: boolean;
            version: number;
            /** Format: date-time */
            updated_at: string;
        };
        AdjustmentInput: {
            /** @enum {string} */
            reason: "received" | "damaged" | "lost" | "found" | "correction" | "other" | "count";
            /** @description Non-zero; not with reason count. Positive for received and found, negative for damaged and lost, either sign for correction and other (422 naming delta otherwise). */
            delta?: number;
            set_on_hand?: number;
            expected_on_hand?: number;
            reference?: string;
            note?: string;
        };
        Movement: {
            id: string;
            sku: string;
            /** @enum {string} */
            kind: "received" | "damaged" | "lost" | "found" | "correction" | "other" | "count" | "shipped" | "returned";
            delta: number;
            /** @description On hand after this movement: set by counts (they set the figure). Other movements are written commutatively beside whatever else moves the item at that moment (orders, shipments), so they record their delta alone; on_hand is the sum of the deltas. */
            on_hand_after?: number;
            reference?: string;
            note?: string;
            actor: string;
            /** Format: date-time */
            at: string;
        };
        AdjustmentResult: {
            movement: components["schemas"]["Movement"];
            stock: components["schemas"]["Stock"];
        };
        MovementPage: {
            items: components["schemas"]["Movement"][];
            next_cursor: string | null;
        };
        StockPage: {
            items: components["schemas"]["Stock"][];
            next_cursor: string | null;
        };
        Replenishment: {
            sku: string;
            /** @enum {string} */
            status: "open" | "closed";
            suggested_quantity: number;
            available_at_alert: number;
            /** @description Units available at the time of this answer (available_at_alert is when the alert was raised). */
            available_now: number;
            reorder_point: number;
            stock_version: number;
            /** Format: date-time */
            updated_at: string;
        };
        ReplenishmentPage: {
            items: components["schemas"]["Replenishment"][];
            next_cursor: string | null;
        };
        Address: {
            recipient: string;
            line1: string;
            line2?: string;
            city: string;
            region?: string;
            postal_code: string;
            country: string;
        };
        OrderInput: {
            customer_id: string;
            lines: {
                sku: string;
                quantity: number;
            }[];
            shipping_address?: components["schemas"]["Address"];
            /**
             * @description How the customer chose to pay; it sets how long the order holds its stock unpaid (PAYMENT_HOLDS, for example Pix 30 minutes, card an hour, boleto three business days).
             * @enum {string}
             */
            payment_method?: "card" | "pix" | "boleto" | "bank_transfer" | "cash" | "other";
            /** @description Where the order comes from: web (the default), manual (taken by staff) or a marketplace's name. */
            channel?: string;
            /** @description The channel's own id for the order. Sent again with the same lines, the order already placed is answered (200); with other lines, 409 naming it. */
            external_reference?: string;
            /** @description The shipping method's code. Its rate table computes the charge from the products' weights, unless shipping_charge gives it; either way the method must serve the shipping address (422 naming shipping_method otherwise). */
            shipping_method?: string;
            /** @description What the storefront charged for shipping, in minor units of the order's currency; recorded as given. Needs shipping_method. */
            shipping_charge?: number;
            /** @description A promotion's code, compared after Unicode normalisation (NFKC) and in upper case. */
            coupon?: string;
            /**
             * @description When the coupon does not apply (used up, expired, below its minimum…): refuse the order (the default; 409 coupon-exhausted or 422 naming coupon) or place it without the coupon.
             * @enum {string}
             */
            if_coupon_refused?: "refuse" | "place_without";
        };
        OrderEditInput: {
            lines?: {
                sku: string;
                quantity: number;
            }[];
            shipping_address?: components["schemas"]["Address"];
            shipping_method?: string;
            shipping_charge?: number;
        };
        OrderLine: {
            sku: string;
            name: string;
            quantity: number;
            unit_price: components["schemas"]["Money"];
            line_total: components["schemas"]["Money"];
            /** @description The line's share of the order's discounts (largest remainder over the lines, so the shares add up exactly); a return of the line refunds line_total less this. */
            discount?: components["schemas"]["Money"];
        };
        Order: {
            id: string;
            customer_id: string;
            /** @enum {string} */
            status: "pending_payment" | "paid" | "completed" | "cancelled";
            /** @enum {string} */
            payment_status: "unpaid" | "partially_paid" | "paid" | "partially_refunded" | "refunded";
            /** @enum {string} */
            fulfillment_status: "unfulfilled" | "picking" | "packed" | "shipped" | "delivered";
            lines: components["schemas"]["OrderLine"][];
            total: components["schemas"]["Money"];
            amount_paid: components["schemas"]["Money"];
            amount_refunded: components["schemas"]["Money"];
            refund_due: components["schemas"]["Money"];
            shipping_address?: components["schemas"]["Address"];
            /** Format: date-time */
            placed_at: string;
            /** Format: date-time */
            payment_due_at: string;
            cancellation?: {
                reason: string;
                by: string;
                /** Format: date-time */
                at: string;
            };
            shipment?: {
                carrier: string;
                tracking_number: string;
                /** Format: date-time */
                shipped_at: string;
            };
            /** Format: date-time */
            packed_at?: string;
            /** Format: date-time */
            delivered_at?: string;
            stock_committed?: boolean;
            returns_requested?: {
                [key: string]: number;
            };
            return_ids?: string[];
            personal_data_erased?: boolean;
            /** @description Internal notes by the shop's staff, oldest first; removed when the customer's data is erased. */
            notes?: components["schemas"]["OrderNote"][];
            /** @enum {string} */
            payment_method?: "card" | "pix" | "boleto" | "bank_transfer" | "cash" | "other";
            /** @description The order's payments at payment gateways (Stripe, Mercado Pago), as their webhooks reported them. */
            gateway_payments?: components["schemas"]["GatewayPayment"][];
            /** @description Where the order came from: web (the storefront), manual (taken by staff) or a marketplace's name. */
            channel?: string;
            /** @description The channel's own id for the order; one order per reference and channel. */
            external_reference?: string;
            shipping?: components["schemas"]["ShippingCharge"];
            /** @description The promotions the order got, in the order they applied. */
            discounts?: components["schemas"]["AppliedDiscount"][];
            totals?: components["schemas"]["OrderTotals"];
            version: number;
        };
        GatewayPayment: {
            /** @enum {string} */
            provider: "stripe" | "mercadopago";
            /** @description The provider's id of the payment (a PaymentIntent `pi_…`, a Mercado Pago payment number). */
            reference: string;
            /** @description The payment method as the provider names it (`card`, `pix`, `bolbradesco`…). */
            method?: string;
            /** @enum {string} */
            state: "pending" | "failed" | "authorized" | "voided" | "captured";
            authorized?: components["schemas"]["Money"];
            captured?: components["schemas"]["Money"];
            refunded_reported?: components["schemas"]["Money"];
            refunded_applied?: components["schemas"]["Money"];
            disputes?: {
                id: string;
                amount: components["schemas"]["Money"];
                /** @enum {string} */
                status: "open" | "won" | "lost";
            }[];
            /** Format: date-time */
            updated_at: string;
        };
        /** @description What a provider's event says happened to the payment. */
        PaymentChange: {
            /** @enum {string} */
            kind: "pending" | "authorized" | "captured" | "voided" | "failed" | "refunded" | "dispute_opened" | "dispute_closed";
            amount?: components["schemas"]["Money"];
            total?: components["schemas"]["Money"];
            dispute?: string;
            won?: boolean;
        };
        ProviderEvent: {
            /** @enum {string} */
            provider: "stripe" | "mercadopago";
            event_id: string;
            payment: string;
            order_id?: string;
            method?: string;
            change: components["schemas"]["PaymentChange"];
        };
        /** @description A gateway event set aside for a person, with why; it never moved money. */
        PaymentReview: {
            id: string;
            /** Format: date-time */
            received_at: string;
            event: components["schemas"]["ProviderEvent"];
            reason: {
                /** @enum {string} */
                reason: "unknown_order" | "payment_of_another_order" | "currency_mismatch" | "amount_mismatch" | "order_cancelled" | "too_many_payments";
                order?: string;
                given?: unknown;
                expected?: components["schemas"]["Money"];
            };
            resolution?: {
                by: string;
                /** Format: date-time */
                at: string;
                note: string;
            };
        };
        ContactForm: {
            email: string;
            name?: string;
            subject: string;
            text: string;
            /** @description The order the question is about (a ULID). */
            order_id?: string;
        };
        Conversation: {
            id: string;
            subject: string;
            /** @enum {string} */
            state: "open" | "waiting_on_customer" | "closed";
            /** @enum {string} */
            channel: "email" | "contact_form";
            email?: string;
            name?: string;
            customer_id?: string;
            order_id?: string;
            verdicts?: {
                spf: boolean;
                dkim: boolean;
                dmarc: boolean;
            };
            assignee?: string;
            tags?: string[];
            reply_token: string;
            messages: number;
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** Format: date-time */
            last_inbound_at: string;
            /** Format: date-time */
            first_response_at?: string;
            erased: boolean;
            /**
             * Format: date-time
             * @description In lists and threads.
             */
            first_response_due_at?: string;
            /** @description In lists and threads: open, unanswered and past its first-response target. */
            overdue?: boolean;
        };
        ConversationMessage: {
            id: string;
            conversation_id: string;
            /**
             * @description note: internal, never sent.
             * @enum {string}
             */
            direction: "inbound" | "outbound" | "note";
            author: string;
            text: string;
            attachments?: {
                key: string;
                filename: string;
                content_type: string;
                size: number;
            }[];
            message_id_header?: string;
            /** @description The inbound e-mail as received */
            raw_key?: string;
            verdicts?: {
                spf: boolean;
                dkim: boolean;
                dmarc: boolean;
            };
            /** @description In a thread, each attachment with a link that downloads it for 15 minutes. */
            links?: {
                key: string;
                filename: string;
                content_type: string;
                size: number;
                url: string;
            }[];
            /** @description In a thread, how a staff reply was sent. */
            delivery?: {
                /** @enum {string} */
                status: "sending" | "sent" | "suppressed" | "no_address";
                /** Format: date-time */
                at: string;
                /** @description SES's id of the message sent. */
                message_id?: string;
            };
            /** Format: date-time */
            at: string;
        };
        ConversationPage: {
            items: components["schemas"]["Conversation"][];
            next_cursor: string | null;
        };
        /** @description Destinations in these countries; for a zone of Brazil only, narrowed to states or CEP ranges. */
        ShippingZone: {
            countries: string[];
            states?: string[];
            postal_codes?: {
                from: string;
                to: string;
            }[];
        };
        ShippingRate: {
            zone: components["schemas"]["ShippingZone"];
            /** @description Up to up_to_grams costs price (minor units), in increasing weight. */
            bands: {
                up_to_grams: number;
                price: number;
            }[];
        };
        ShippingMethodInput: {
            name: string;
            carrier: string;
            /** @description The carrier's code for the service. */
            service_code?: string;
            /**
             * @description Whether quotes offer it.
             * @default true
             */
            active: boolean;
            currency: string;
            rates: components["schemas"]["ShippingRate"][];
            /** @description An order subtotal (minor units) from which it ships free. */
            free_over?: number;
        };
        ShippingMethod: {
            code: string;
            name: string;
            carrier: string;
            service_code: string;
            active: boolean;
            currency: string;
            rates: components["schemas"]["ShippingRate"][];
            free_over?: number;
            version: number;
        };
        /** @description How the order ships and what that costs before any free-shipping promotion. */
        ShippingCharge: {
            method: string;
            name: string;
            carrier: string;
            amount: components["schemas"]["Money"];
            /**
             * @description computed from the rate table, or given by the storefront
             * @enum {string}
             */
            basis: "computed" | "given";
        };
        /** @description total = lines - discounts + shipping. */
        OrderTotals: {
            lines: components["schemas"]["Money"];
            discounts: components["schemas"]["Money"];
            shipping: components["schemas"]["Money"];
            total: components["schemas"]["Money"];
        };
        AppliedDiscount: {
            code: string;
            name: string;
            /** @description Given by the customer as a coupon (otherwise automatic). */
            coupon: boolean;
            amount: components["schemas"]["Money"];
            counted_per_customer?: boolean;
        };
        PromotionBenefit: {
            /** @enum {string} */
            kind: "percent_off";
            percent: number;
        } | {
            /** @enum {string} */
            kind: "amount_off";
            /** @description Minor units of the promotion's currency. */
            amount: number;
        } | {
            /** @enum {string} */
            kind: "free_shipping";
        };
        PromotionInput: {
            name: string;
            /**
             * @description Applied to every order it fits without a code; otherwise only with its coupon code.
             * @default false
             */
            automatic: boolean;
            benefit: components["schemas"]["PromotionBenefit"];
            currency: string;
            /** @description Only these SKUs' lines are discounted (none given, the whole order). */
            skus?: string[];
            /** @description The order's lines must come to at least this much (minor units). */
            min_subtotal?: number;
            /** Format: date-time */
            starts_at?: string;
            /** Format: date-time */
            ends_at?: string;
            /** @description Redemptions in all; a cancelled or expired order gives its redemption back. */
            limit?: number;
            per_customer_limit?: number;
            /**
             * @description Whether it adds to other promotions; one that does not applies alone.
             * @default false
             */
            combinable: boolean;
            /**
             * @description false pauses it.
             * @default true
             */
            active: boolean;
        };
        Promotion: {
            code: string;
            name: string;
            automatic: boolean;
            benefit: components["schemas"]["PromotionBenefit"];
            currency: string;
            skus?: string[];
            min_subtotal?: number;
            /** Format: date-time */
            starts_at?: string;
            /** Format: date-time */
            ends_at?: string;
            limit?: number;
            per_customer_limit?: number;
            combinable: boolean;
            active: boolean;
            version: number;
            redeemed: number;
            /** @description Redemptions left under its limit (absent without a limit). */
            remaining?: number;
        };
        SupplierInput: {
            name: string;
            email: string;
            tax_id?: components["schemas"]["TaxId"];
            currency: string;
            lead_time_days: number;
            notes?: string;
        };
        Supplier: {
            id: string;
            name: string;
            email: string;
            tax_id?: components["schemas"]["TaxId"];
            currency: string;
            lead_time_days: number;
            notes?: string;
            version: number;
        };
        SupplierList: {
            items: components["schemas"]["Supplier"][];
        };
        SupplierTermsInput: {
            /** @description Minor units of the supplier's currency. */
            unit_cost: number;
            lead_time_days?: number;
            /** @default 1 */
            minimum_order_quantity: number;
            /** @default 1 */
            pack_size: number;
            /** @default false */
            preferred: boolean;
        };
        SupplierTerms: {
            sku: string;
            supplier_id: string;
            unit_cost: components["schemas"]["Money"];
            lead_time_days: number;
            minimum_order_quantity: number;
            pack_size: number;
            preferred: boolean;
            version: number;
        };
        SkuSuppliers: {
            sku: string;
            items: components["schemas"]["SupplierTerms"][];
        };
        PromotionList: {
            items: components["schemas"]["Promotion"][];
        };
        ShippingMethodList: {
            items: components["schemas"]["ShippingMethod"][];
        };
        ShippingQuote: {
            weight_grams: number;
            subtotal: components["schemas"]["Money"];
            items: {
                code: string;
                name: string;
                carrier: string;
                price: components["schemas"]["Money"];
                free: boolean;
            }[];
        };
        ConversationThread: {
            conversation: components["schemas"]["Conversation"];
            messages: components["schemas"]["ConversationMessage"][];
            version: number;
        };
        PaymentReviewPage: {
            items: components["schemas"]["PaymentReview"][];
            next_cursor: string | null;
        };
        WebhookReceived: {
            received: boolean;
            /** @description False for an event type the backoffice does not act on (acknowledged so the provider stops sending it). */
            queued: boolean;
        };
        TimelineEntry: {
            id: string;
            type: string;
            /** Format: date-time */
            at: string;
            payload: unknown;
        };
        OrderWithTimeline: {
            id: string;
            customer_id: string;
            /** @enum {string} */
            status: "pending_payment" | "paid" | "completed" | "cancelled";
            /** @enum {string} */
            payment_status: "unpaid" | "partially_paid" | "paid" | "partially_refunded" | "refunded";
            /** @enum {string} */
            fulfillment_status: "unfulfilled" | "picking" | "packed" | "shipped" | "delivered";
            lines: components["schemas"]["OrderLine"][];
            total: components["schemas"]["Money"];
            amount_paid: components["schemas"]["Money"];
            amount_refunded: components["schemas"]["Money"];
            refund_due: components["schemas"]["Money"];
            shipping_address?: components["schemas"]["Address"];
            /** Format: date-time */
            placed_at: string;
            /** Format: date-time */
            payment_due_at: string;
            cancellation?: {
                reason: string;
                by: string;
                /** Format: date-time */
                at: string;
            };
            shipment?: {
                carrier: string;
                tracking_number: string;
                /** Format: date-time */
                shipped_at: string;
            };
            /** Format: date-time */
            packed_at?: string;
            /** Format: date-time */
            delivered_at?: string;
            stock_committed?: boolean;
            returns_requested?: {
                [key: string]: number;
            };
            return_ids?: string[];
            personal_data_erased?: boolean;
            /** @description Internal notes by the shop's staff, oldest first; removed when the customer's data is erased. */
            notes?: components["schemas"]["OrderNote"][];
            /** @enum {string} */
            payment_method?: "card" | "pix" | "boleto" | "bank_transfer" | "cash" | "other";
            /** @description The order's payments at payment gateways (Stripe, Mercado Pago), as their webhooks reported them. */
            gateway_payments?: components["schemas"]["GatewayPayment"][];
            /** @description Where the order came from: web (the storefront), manual (taken by staff) or a marketplace's name. */
            channel?: string;
            /** @description The channel's own id for the order; one order per reference and channel. */
            external_reference?: string;
            shipping?: components["schemas"]["ShippingCharge"];
            /** @description The promotions the order got, in the order they applied. */
            discounts?: components["schemas"]["AppliedDiscount"][];
            totals?: components["schemas"]["OrderTotals"];
            version: number;
            timeline: components["schemas"]["TimelineEntry"][];
        };
        OrderPage: {
            items: components["schemas"]["Order"][];
            next_cursor: string | null;
        };
        NoteInput: {
            text: string;
        };
        OrderNote: {
            text: string;
            /** @description The subject of the staff member who wrote it. */
            by: string;
            /** Format: date-time */
            at: string;
        };
        CancelInput: {
            reason: string;
        };
        CustomerAddress: {
            /** @enum {string} */
            kind: "shipping" | "billing";
            default?: boolean;
            recipient: string;
            line1: string;
            line2?: string;
            city: string;
            region?: string;
            postal_code: string;
            country: string;
        };
        TaxId: {
            country: string;
            number: string;
        };
        CustomerInput: {
            name: string;
            email: string;
            /** @description E.164 */
            phone?: string;
            tax_id?: components["schemas"]["TaxId"];
            addresses?: components["schemas"]["CustomerAddress"][];
            marketing_consent: {
                granted: boolean;
            };
            notes?: string;
            tags?: string[];
            /**
             * @description The language e-mails are written in; the shop's default (SHOP_LANGUAGE) when absent.
             * @enum {string}
             */
            language?: "en" | "pt-BR";
        };
        /** @description JSON Merge Patch (RFC 7396) of CustomerInput. */
        CustomerPatch: Record<string, never>;
        Customer: {
            id: string;
            name: string;
            email?: string;
            phone?: string;
            tax_id?: components["schemas"]["TaxId"];
            addresses: components["schemas"]["CustomerAddress"][];
            marketing_consent: {
                granted: boolean;
                /** Format: date-time */
                changed_at: string;
            };
            /** @description Every consent given or withdrawn, oldest first; kept through erasure. */
            consent_history?: components["schemas"]["ConsentRecord"][];
            notes?: string;
            tags: string[];
            /** Format: date-time */
            created_at: string;
            /** Format: date-time */
            updated_at: string;
            /** @enum {string} */
            language?: "en" | "pt-BR";
            /** @description Mail to the address bounced or was marked as spam; nothing is sent to it until it changes. */
            email_suppression?: {
                /** @enum {string} */
                reason: "bounce" | "complaint";
                /** Format: date-time */
                at: string;
            };
            erasure?: {
                by: string;
                /** Format: date-time */
                at: string;
            };
            version: number;
        };
        ErasureReport: {
            customer: components["schemas"]["Customer"];
            orders_redacted: number;
            stored_responses_deleted: number;
            conversations_erased: number;
        };
        /** @description Everything the backoffice holds about one person (LGPD art. 18, GDPR art. 15 and 20), for that person. An erased customer's export shows the tombstones and the accounting records kept. */
        CustomerExport: {
            /** @constant */
            format: "backoffice.customer-export/1";
            /** Format: date-time */
            exported_at: string;
            customer: components["schemas"]["Customer"];
            /** @description Marketing consent given or withdrawn, oldest first. */
            consent_history: components["schemas"]["ConsentRecord"][];
            /** @description Oldest first, each with the money it moved and what the customer was told. */
            orders: components["schemas"]["ExportedOrder"][];
            returns: components["schemas"]["Return"][];
            /** @description Conversations with the customer, newest first, with what they wrote and the shop answered (internal notes stay out). */
            conversations: {
                conversation: components["schemas"]["Conversation"];
                messages: components["schemas"]["ConversationMessage"][];
            }[];
        };
        ConsentRecord: {
            granted: boolean;
            /** Format: date-time */
            changed_at: string;
        };
        ExportedOrder: {
            order: components["schemas"]["Order"];
            payments: components["schemas"]["Payment"][];
            refunds: components["schemas"]["Refund"][];
            notifications: components["schemas"]["Notification"][];
        };
        PaymentInput: {
            amount: components["schemas"]["Money"];
            /** @enum {string} */
            method: "card" | "pix" | "boleto" | "bank_transfer" | "cash" | "other";
            gateway_reference: string;
        };
        RefundInput: {
            amount: components["schemas"]["Money"];
            reason: string;
            gateway_reference: string;
            return_id?: string;
        };
        Balance: {
            total: components["schemas"]["Money"];
            paid: components["schemas"]["Money"];
            refunded: components["schemas"]["Money"];
            outstanding: components["schemas"]["Money"];
            refund_due: components["schemas"]["Money"];
            /** @enum {string} */
            payment_status: "unpaid" | "partially_paid" | "paid" | "partially_refunded" | "refunded";
        };
        Payment: {
            gateway_reference: string;
            amount: components["schemas"]["Money"];
            /** @enum {string} */
            method: "card" | "pix" | "boleto" | "bank_transfer" | "cash" | "other";
            /** Format: date-time */
            recorded_at: string;
            recorded_by: string;
        };
        Refund: {
            gateway_reference: string;
            amount: components["schemas"]["Money"];
            reason: string;
            return_id?: string;
            /** Format: date-time */
            recorded_at: string;
            recorded_by: string;
        };
        PaymentRecorded: {
            gateway_reference: string;
            amount: components["schemas"]["Money"];
            /** @enum {string} */
            method: "card" | "pix" | "boleto" | "bank_transfer" | "cash" | "other";
            /** Format: date-time */
            recorded_at: string;
            recorded_by: string;
            order_id: string;
            balance: components["schemas"]["Balance"];
        };
        RefundRecorded: {
            gateway_reference: string;
            amount: components["schemas"]["Money"];
            reason: string;
            return_id?: string;
            /** Format: date-time */
            recorded_at: string;
            recorded_by: string;
            order_id: string;
            balance: components["schemas"]["Balance"];
        };
        OrderPayments: {
            order_id: string;
            payments: components["schemas"]["Payment"][];
            refunds: components["schemas"]["Refund"][];
            balance: components["schemas"]["Balance"];
        };
        Notification: {
            event_id: string;
            event_type: string;
            order_id: string;
            customer_id: string;
            /** @description What the notification said, for staff (no personal data). */
            text: string;
            /** Format: date-time */
            created_at: string;
            /** @description What became of the e-mail to the customer (absent when e-mail is not configured). */
            email?: {
                /**
                 * @description `suppressed`: the address bounced or complained before, nothing was sent; `no_address`: the customer was erased.
                 * @enum {string}
                 */
                status: "sending" | "sent" | "suppressed" | "no_address";
                /** Format: date-time */
                at: string;
                /** @enum {string} */
                language?: "en" | "pt-BR";
                subject?: string;
                /** @description SES's id of the message. */
                message_id?: string;
            };
        };
        OrderNotifications: {
            order_id: string;
            items: components["schemas"]["Notification"][];
        };
        Receivable: {
            order_id: string;
            customer_id: string;
            /** Format: date-time */
            placed_at: string;
            /** @enum {string} */
            status: "pending_payment" | "paid" | "completed" | "cancelled";
            /** @enum {string} */
            payment_status: "unpaid" | "partially_paid" | "paid" | "partially_refunded" | "refunded";
            total: components["schemas"]["Money"];
            paid: components["schemas"]["Money"];
            outstanding: components["schemas"]["Money"];
        };
        OrderSummaries: {
            items: components["schemas"]["OrderSummary"][];
            next_cursor: string | null;
        };
        OrderSummary: {
            id: string;
            /** Format: date-time */
            placed_at: string;
            customer_id: string;
            customer_name?: string;
            /** @enum {string} */
            status: "pending_payment" | "paid" | "completed" | "cancelled";
            /** @enum {string} */
            payment_status: "unpaid" | "partially_paid" | "paid" | "partially_refunded" | "refunded";
            /** @enum {string} */
            fulfillment_status: "unfulfilled" | "picking" | "packed" | "shipped" | "delivered";
            total: components["schemas"]["Money"];
            amount_paid: components["schemas"]["Money"];
            line_count: number;
        };
        Overview: {
            /** Format: date-time */
            as_of: string;
            counters: {
                awaiting_payment: number;
                to_pick: number;
                to_pack: number;
                to_ship: number;
                returns_awaiting_receipt: number;
                skus_low: number;
                open_replenishments: number;
            };
            receivables: {
                [key: string]: number;
            };
            sales: {
                today: components["schemas"]["SalesByCurrency"];
                last_7_days: components["schemas"]["SalesByCurrency"];
                last_30_days: components["schemas"]["SalesByCurrency"];
            };
            /** @description What needs a person about gateway payments. */
            payments: {
                /** @description Orders with a payment dispute not yet closed. */
                disputes_open: number;
                /** @description Gateway events set aside for review (GET /payments/review). */
                reviews_open: number;
            };
            /** @description The service inbox. */
            conversations: {
                /** @description Conversations waiting for the shop. */
                open: number;
                /** @description Open conversations past their first-response target. */
                overdue: number;
            };
        };
        SalesByCurrency: {
            [key: string]: {
                orders_placed: number;
                gross_ordered: number;
                net: number;
            };
        };
        Returns: {
            items: components["schemas"]["Return"][];
            next_cursor: string | null;
        };
        Customers: {
            items: components["schemas"]["Customer"][];
            next_cursor: string | null;
        };
        AuditRecords: {
            items: {
                id: string;
                /** Format: date-time */
                at: string;
                actor: string;
                command: string;
                entities: {
                    /** @enum {string} */
                    type: "order" | "sku" | "customer" | "return";
                    id: string;
                }[];
                correlation_id: string;
            }[];
            next_cursor: string | null;
        };
        ExportRequest: {
            /** @enum {string} */
            kind: "orders" | "catalog" | "receivables";
            /**
             * Format: date
             * @description orders only: the first UTC day
             */
            from?: string;
            /**
             * Format: date
             * @description orders only: the last UTC day
             */
            to?: string;
        };
        ExportJob: {
            id: string;
            spec: {
                /** @enum {string} */
                kind: "orders" | "catalog" | "receivables";
                /** Format: date */
                from?: string;
                /** Format: date */
                to?: string;
            };
            /**
             * @description failed is retried by the queue until its receive limit.
             * @enum {string}
             */
            status: "queued" | "running" | "done" | "failed";
            /** Format: date-time */
            requested_at: string;
            /** Format: date-time */
            updated_at: string;
            /**
             * Format: date-time
             * @description When the job and its file are deleted.
             */
            expires_at: string;
            /** @description Data rows, once done. */
            rows?: number;
            /** @description File size, once done. */
            bytes?: number;
            /** @description Why the last attempt failed. */
            failure?: string;
            download?: {
                url: string;
                /** Format: date-time */
                expires_at: string;
                file_name: string;
            };
        };
        ImportReport: {
            /** @enum {string} */
            mode: "all_or_nothing" | "valid_rows";
            rows: number;
            created: number;
            updated: number;
            unchanged: number;
            counted: number;
            errors: components["schemas"]["RowError"][];
        };
        RowError: {
            line: number;
            field: string;
            detail: string;
        };
        Receivables: {
            items: components["schemas"]["Receivable"][];
            next_cursor: string | null;
            outstanding_by_currency: {
                [key: string]: number;
            };
        };
        RefundOwed: {
            order_id: string;
            customer_id: string;
            /** Format: date-time */
            placed_at: string;
            /** Format: date-time */
            cancelled_at: string;
            total: components["schemas"]["Money"];
            paid: components["schemas"]["Money"];
            refunded: components["schemas"]["Money"];
            refund_due: components["schemas"]["Money"];
        };
        RefundsOwed: {
            items: components["schemas"]["RefundOwed"][];
            next_cursor: string | null;
            refund_due_by_currency: {
                [key: string]: number;
            };
        };
        SalesDay: {
            /** Format: date */
            date: string;
            currency: string;
            orders_placed: number;
            gross_ordered: number;
            paid: number;
            refunded: number;
            net: number;
            gross_sales: number;
            discounts: number;
            shipping: number;
            net_sales: number;
        };
        SalesGroupRow: {
            /** Format: date */
            date: string;
            currency: string;
            /** @description The channel's name or the promotion's code. */
            key: string;
            orders_placed: number;
            gross_ordered: number;
            gross_sales: number;
            discounts: number;
            shipping: number;
            net_sales: number;
        };
        SalesReport: {
            /** Format: date */
            from: string;
            /** Format: date */
            to: string;
            days: components["schemas"]["SalesDay"][];
        };
        /** @description Per day and currency (SalesReport), or with group_by per channel or promotion (SalesGroupReport). */
        SalesAnswer: components["schemas"]["SalesReport"] | components["schemas"]["SalesGroupReport"];
        SalesGroupReport: {
            /** Format: date */
            from: string;
            /** Format: date */
            to: string;
            /** @enum {string} */
            group_by: "channel" | "promotion";
            rows: components["schemas"]["SalesGroupRow"][];
        };
        FulfillmentShippedInput: {
            carrier: string;
            tracking_number: string;
        };
        ReturnInput: {
            lines: {
                sku: string;
                quantity: number;
                reason: string;
            }[];
            note?: string;
        };
        ReceiveInput: {
            lines: {
                sku: string;
                received: number;
                damaged: number;
            }[];
        };
        ReturnLine: {
            sku: string;
            quantity: number;
            reason: string;
            unit_price: components["schemas"]["Money"];
            received?: number;
            damaged?: number;
        };
        Return: {
            id: string;
            order_id: string;
            customer_id: string;
            /** @enum {string} */
            status: "requested" | "received" | "refunded" | "rejected" | "cancelled";
            lines: components["schemas"]["ReturnLine"][];
            note?: string;
            refund_due: components["schemas"]["Money"];
            refunded: components["schemas"]["Money"];
            /** Format: date-time */
            requested_at: string;
            /** Format: date-time */
            received_at?: string;
            /** Format: date-time */
            closed_at?: string;
            version: number;
        };
        OrderReturns: {
            order_id: string;
            items: components["schemas"]["Return"][];
        };
    };
    responses: {
        /** @description Not found (problem+json). */
        404: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Conflict with the current state (problem+json). `type` `/problems/contention` (with `Retry-After`) means the records were too busy to change within the retry budget (a hot SKU); nothing was written and the same request may be retried. */
        409: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Stale ETag (problem+json). */
        412: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Invalid field (problem+json). */
        422: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description If-Match required (problem+json). */
        428: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
        /** @description Any error, as application/problem+json naming the field it is about. Every operation may answer 400 (malformed request), 401 (no identity), 403 (missing scope), 413 (body too large), 415 (not JSON) and 503 (the table is busy: retry); the statuses an operation lists are the ones its own rules give. */
        Error: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/problem+json": components["schemas"]["Problem"];
            };
        };
    };
    parameters: {
        Sku: string;
        /** @description A ULID (orders, returns) or customer id. */
        Id: string;
        Limit: number;
        /** @description Opaque; from next_cursor. */
        Cursor: string;
        /** @description Same key and body replays the stored response; another body is 422. */
        IdempotencyKey: string;
        /** @description The ETag read (e.g. "3"). */
        IfMatch: string;
    };
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    getStock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The version, quoted. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stock"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    putStock: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CatalogInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stock"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Stock"];
                };
            };
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    adjustStock: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AdjustmentInput"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdjustmentResult"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listMovements: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MovementPage"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listStock: {
        parameters: {
            query?: {
                low?: "true" | "false";
                q?: string;
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StockPage"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listReplenishments: {
        parameters: {
            query?: {
                status?: "open" | "closed";
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ReplenishmentPage"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listOrders: {
        parameters: {
            query?: {
                status?: "pending_payment" | "paid" | "completed" | "cancelled";
                payment_status?: "unpaid" | "partially_paid" | "paid" | "partially_refunded" | "refunded";
                fulfillment_status?: "unfulfilled" | "picking" | "packed" | "shipped" | "delivered";
                customer_id?: string;
                /** @description One channel's orders (web, manual, a marketplace's name); combines with from and to only. */
                channel?: string;
                /** @description Placed at or after (a date is its UTC start, or an RFC 3339 instant). */
                from?: string;
                /** @description Placed at or before (a date is its UTC end, or an RFC 3339 instant). */
                to?: string;
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderSummaries"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    placeOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderInput"];
            };
        };
        responses: {
            /** @description The order this channel's external_reference already placed, with the same lines */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            /** @description OK */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getOrder: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The version, quoted. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderWithTimeline"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    cancelOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CancelInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    addOrderNote: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["NoteInput"];
            };
        };
        responses: {
            /** @description The order with the note. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    editOrder: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["OrderEditInput"];
            };
        };
        responses: {
            /** @description The order as edited. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listPayments: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPayments"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    recordPayment: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PaymentInput"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentRecorded"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    recordRefund: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RefundInput"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefundRecorded"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    markPacked: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    markShipped: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FulfillmentShippedInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    markDelivered: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Order"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listNotifications: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderNotifications"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listOrderReturns: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderReturns"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    requestReturn: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReturnInput"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Return"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listReturns: {
        parameters: {
            query?: {
                status?: "requested" | "received" | "refunded" | "rejected" | "cancelled";
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Returns"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getReturn: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The version, quoted. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Return"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    receiveReturn: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ReceiveInput"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Return"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    rejectReturn: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Return"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    cancelReturn: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Return"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getOverview: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Overview"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listAudit: {
        parameters: {
            query?: {
                actor?: string;
                order?: string;
                sku?: string;
                customer?: string;
                return?: string;
                /** @description The first UTC day (YYYY-MM-DD) */
                from?: string;
                /** @description The last UTC day (YYYY-MM-DD), not before from */
                to?: string;
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditRecords"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    importCatalog: {
        parameters: {
            query?: {
                mode?: "all-or-nothing" | "valid-rows";
            };
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "text/csv": string;
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImportReport"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listConversations: {
        parameters: {
            query?: {
                state?: "open" | "waiting_on_customer" | "closed";
                assignee?: string;
                order?: "newest" | "oldest";
                customer_id?: string;
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationPage"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    openConversation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ContactForm"];
            };
        };
        responses: {
            /** @description Opened */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getConversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationThread"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    updateConversation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    assignee?: string | null;
                    tags?: string[];
                };
            };
        };
        responses: {
            /** @description The conversation now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    replyToConversation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    text: string;
                };
            };
        };
        responses: {
            /** @description Stored, to be sent */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationMessage"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    addConversationNote: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    text: string;
                };
            };
        };
        responses: {
            /** @description Noted */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationMessage"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    closeConversation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    reopenConversation: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation now */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Conversation"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listPaymentReviews: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentReviewPage"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    resolvePaymentReview: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    note: string;
                };
            };
        };
        responses: {
            /** @description Resolved */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PaymentReview"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getSupplier: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Supplier"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    putSupplier: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SupplierInput"];
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Supplier"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Supplier"];
                };
            };
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listSuppliers: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SupplierList"];
                };
            };
            default: components["responses"]["Error"];
        };
    };
    putSkuSupplier: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
                supplier_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SupplierTermsInput"];
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SupplierTerms"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SupplierTerms"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listSkuSuppliers: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                sku: components["parameters"]["Sku"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SkuSuppliers"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getPromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Promotion"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    putPromotion: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PromotionInput"];
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Promotion"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Promotion"];
                };
            };
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listPromotions: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PromotionList"];
                };
            };
            default: components["responses"]["Error"];
        };
    };
    putShippingMethod: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                code: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ShippingMethodInput"];
            };
        };
        responses: {
            /** @description Replaced */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShippingMethod"];
                };
            };
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShippingMethod"];
                };
            };
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listShippingMethods: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShippingMethodList"];
                };
            };
            default: components["responses"]["Error"];
        };
    };
    quoteShipping: {
        parameters: {
            query: {
                country: string;
                state?: string;
                postal_code?: string;
                /** @description SKU:QUANTITY pairs separated by commas, e.g. MUG-1:2,CAP-3:1 */
                lines: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ShippingQuote"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    receivePaymentWebhook: {
        parameters: {
            query?: {
                /** @description Mercado Pago's payment id (signed with the delivery). */
                "data.id"?: string;
            };
            header?: {
                "Stripe-Signature"?: string;
                "x-signature"?: string;
                "x-request-id"?: string;
            };
            path: {
                provider: "stripe" | "mercadopago";
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Verified, and queued (or acknowledged without action). */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookReceived"];
                };
            };
            /** @description The signature header is missing or malformed (problem+json naming the header). */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            /** @description The signature does not match the body, or its timestamp is outside the window (problem+json). */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            404: components["responses"]["404"];
            /** @description The body is larger than 64 KiB (problem+json). */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            422: components["responses"]["422"];
            /** @description The delivery could not be queued or the secrets read; the provider delivers it again (problem+json, `Retry-After`). */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/problem+json": components["schemas"]["Problem"];
                };
            };
            default: components["responses"]["Error"];
        };
    };
    requestExport: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ExportRequest"];
            };
        };
        responses: {
            /** @description Accepted; Location is the job. */
            202: {
                headers: {
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportJob"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getExport: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ExportJob"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listReceivables: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Receivables"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listRefundsOwed: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RefundsOwed"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    salesReport: {
        parameters: {
            query: {
                from: string;
                to: string;
                /** @description Rows per day, currency and channel, or per day, currency and promotion (the orders that redeemed it, with its discount alone), instead of per day and currency. */
                group_by?: "channel" | "promotion";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SalesAnswer"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    findCustomers: {
        parameters: {
            query?: {
                email?: string;
                q?: string;
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customers"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    createCustomer: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CustomerInput"];
            };
        };
        responses: {
            /** @description OK */
            201: {
                headers: {
                    /** @description The version, quoted. */
                    ETag?: string;
                    Location?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    getCustomer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The version, quoted. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    patchCustomer: {
        parameters: {
            query?: never;
            header: {
                /** @description The ETag read (e.g. "3"). */
                "If-Match": components["parameters"]["IfMatch"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/merge-patch+json": components["schemas"]["CustomerPatch"];
            };
        };
        responses: {
            /** @description OK */
            200: {
                headers: {
                    /** @description The version, quoted. */
                    ETag?: string;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Customer"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            412: components["responses"]["412"];
            422: components["responses"]["422"];
            428: components["responses"]["428"];
            default: components["responses"]["Error"];
        };
    };
    eraseCustomer: {
        parameters: {
            query?: never;
            header?: {
                /** @description Same key and body replays the stored response; another body is 422. */
                "Idempotency-Key"?: components["parameters"]["IdempotencyKey"];
            };
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErasureReport"];
                };
            };
            404: components["responses"]["404"];
            409: components["responses"]["409"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    listCustomerOrders: {
        parameters: {
            query?: {
                limit?: components["parameters"]["Limit"];
                /** @description Opaque; from next_cursor. */
                cursor?: components["parameters"]["Cursor"];
            };
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OrderPage"];
                };
            };
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
    exportCustomer: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A ULID (orders, returns) or customer id. */
                id: components["parameters"]["Id"];
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description OK */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CustomerExport"];
                };
            };
            404: components["responses"]["404"];
            422: components["responses"]["422"];
            default: components["responses"]["Error"];
        };
    };
}
