import { call, get, idempotencyKey, post } from "../api.js";
import { offeredActions, outstanding, refundable, type OrderAction, type OrderState } from "../actions.js";
import { can, type Screen } from "../context.js";
import { badge, field, form, h, input, link, moneyField, readAmount, replace, select, table, value } from "../dom.js";
import { dateTime, money, type Money } from "../format.js";
import { t, tKnown, type MessageKey } from "../i18n.js";
import { href } from "../router.js";
import { statusBadge } from "./orders.js";
import type { Address, EmailStatus, GatewayPayment, Notification, OrderReturns, OrderWithTimeline as Order, Return } from "../schema.js";


const ACTION_LABELS: Record<OrderAction, MessageKey> = {
  payment: "action.payment",
  refund: "action.refund",
  edit: "action.edit",
  pack: "action.pack",
  ship: "action.ship",
  deliver: "action.deliver",
  cancel: "action.cancel",
  return: "action.return",
};

export function addressLines(a: Address): HTMLElement {
  const parts = [a.recipient, a.line1, a.line2, `${a.postal_code} ${a.city}${a.region ? ` – ${a.region}` : ""}`, a.country];
  return h("address", {}, ...parts.filter(Boolean).flatMap((p, i) => (i ? [h("br"), p] : [p])));
}

/** Edits before packing: each line's quantity (0 removes it), a new line, the shipping method. */
function editForm(order: Order, path: string, done: () => Promise<void>): HTMLElement {
  return form(
    "action-form edit-form",
    [
      ...order.lines.map((l) =>
        field(`qty-${l.sku}`, "field.quantityOf", input({ type: "number", min: 0, max: 1000, value: String(l.quantity), name: `qty-${l.sku}` }), { sku: l.sku }),
      ),
      field("add_sku", "field.addSku", input({})),
      field("add_quantity", "field.addQuantity", input({ type: "number", min: 1, max: 1000 })),
      field("shipping_method", "field.shippingMethod", input({ value: order.shipping?.method ?? "", pattern: "[a-z0-9_-]{1,40}" })),
    ],
    "action.edit",
    async (f) => {
      const lines = order.lines
        .map((l) => ({ sku: l.sku, quantity: Number(value(f, `qty-${l.sku}`)) }))
        .filter((l) => l.quantity > 0);
      const added = value(f, "add_sku").trim();
      if (added) lines.push({ sku: added, quantity: Number(value(f, "add_quantity") || "1") });
      const method = value(f, "shipping_method");
      await post(`${path}/edit`, {
        lines,
        ...(method && method !== order.shipping?.method ? { shipping_method: method } : {}),
      });
      await done();
    },
  );
}

function actionForm(screen: Screen, order: Order, action: OrderAction, returns: Return[]): HTMLElement {
  const path = `/orders/${encodeURIComponent(order.id)}`;
  const currency = order.total.currency;
  const done = async () => screen.refresh();
  switch (action) {
    case "payment":
      return form("action-form", [
        moneyField("amount", "field.amount", outstanding(order)),
        field("method", "field.method", select(["pix", "card", "boleto", "bank_transfer", "cash", "other"].map((m): [string, string] => [m, tKnown("method", m)]), "pix")),
        field("gateway_reference", "field.gateway_reference", input({ required: true })),
      ], "action.payment", async (f) => {
        const amount = readAmount(f, "amount", currency);
        if (amount === null) return;
        await post(`${path}/payments`, { amount: { amount, currency }, method: value(f, "method"), gateway_reference: value(f, "gateway_reference") });
        await done();
      });
    case "refund": {
      const open = returns.filter((r) => r.status === "received");
      return form("action-form", [
        moneyField("amount", "field.amount", refundable(order)),
        field("reason", "field.reason", input({ required: true })),
        field("gateway_reference", "field.gateway_reference", input({ required: true })),
        open.length ? field("return_id", "field.return_id", select([["", t("common.none")], ...open.map((r): [string, string] => [r.id, r.id])])) : null,
      ], "action.refund", async (f) => {
        const amount = readAmount(f, "amount", currency);
        if (amount === null) return;
        const returnId = value(f, "return_id");
        await post(`${path}/refunds`, {
          amount: { amount, currency },
          reason: value(f, "reason"),
          gateway_reference: value(f, "gateway_reference"),
          ...(returnId ? { return_id: returnId } : {}),
        });
        await done();
      });
    }
    case "edit":
      return editForm(order, path, done);
    case "pack":
      return form("action-form", [], "action.pack", async () => {
        await post(`${path}/fulfillment/packed`);
        await done();
      });
    case "ship":
      return form("action-form", [
        field("carrier", "field.carrier", input({ required: true })),
        field("tracking_number", "field.tracking_number", input({ required: true })),
      ], "action.ship", async (f) => {
        await post(`${path}/fulfillment/shipped`, { carrier: value(f, "carrier"), tracking_number: value(f, "tracking_number") });
        await done();
      });
    case "deliver":
      return form("action-form", [], "action.deliver", async () => {
        await post(`${path}/fulfillment/delivered`);
        await done();
      });
    case "cancel":
      return form("action-form", [field("reason", "field.reason", input({ required: true }))], "action.cancel", async (f) => {
        await post(`${path}/cancel`, { reason: value(f, "reason") });
        await done();
      });
    case "return":
      return form("action-form", [
        ...order.lines.map((l) => field(`qty-${l.sku}`, "field.quantity", input({ type: "number", min: 0, max: l.quantity, value: 0, "aria-label": `${t("field.quantity")} ${l.sku}`, "data-sku": l.sku }))),
        field("reason", "field.reason", input({ required: true })),
      ], "action.return", async (f) => {
        const reason = value(f, "reason");
        const lines = order.lines
          .map((l) => ({ sku: l.sku, quantity: Number(value(f, `qty-${l.sku}`)), reason }))
          .filter((l) => l.quantity > 0);
        await post(`${path}/returns`, { lines }, { "idempotency-key": idempotencyKey() });
        await done();
      });
  }
}

/** Where a person sees the payment at its provider. */
function providerLink(p: GatewayPayment): HTMLElement {
  const url = p.provider === "stripe"
    ? `https://dashboard.stripe.com/payments/${encodeURIComponent(p.reference)}`
    : `https://www.mercadopago.com.br/activities?q=${encodeURIComponent(p.reference)}`;
  return h("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, p.reference);
}

const STATE_TONE: Record<GatewayPayment["state"], "ok" | "warn" | "bad" | "info"> = {
  pending: "info",
  failed: "bad",
  authorized: "warn",
  voided: "info",
  captured: "ok",
};

/** The order's payments at gateways: provider, method, state (disputes beside it), reference. */
function gatewayPayments(o: Order): HTMLElement | null {
  const list = o.gateway_payments ?? [];
  if (!list.length) return null;
  const rows = list.map((p) => {
    const disputes = (p.disputes ?? []).map((d) => badge(`${t("gateway.dispute")}: ${tKnown("gateway.dispute", d.status)} · ${money(d.amount)}`, d.status === "lost" ? "bad" : d.status === "open" ? "warn" : "ok"));
    const refunded = p.refunded_applied ? [document.createTextNode(` · ${t("order.amountRefunded")}: ${money(p.refunded_applied)}`)] : [];
    return [
      document.createTextNode(tKnown("gateway.provider", p.provider)),
      document.createTextNode(p.method ? tKnown("method", p.method) : "—"),
      h("span", { "data-gateway-state": p.state }, badge(tKnown("gateway.state", p.state), STATE_TONE[p.state]), ...disputes),
      h("span", {}, money(p.captured ?? p.authorized ?? o.total), ...refunded),
      providerLink(p),
    ];
  });
  return h(
    "section",
    { class: "panel" },
    h("h2", {}, t("gateway.title")),
    table(t("gateway.title"), [t("gateway.providerLabel"), t("field.method"), t("gateway.stateLabel"), t("field.amount"), t("gateway.reference")], rows),
  );
}

const EMAIL_TONE: Record<EmailStatus, "ok" | "warn" | "bad" | "info"> = {
  sending: "info",
  sent: "ok",
  suppressed: "warn",
  no_address: "info",
};

/** What the customer was told about the order, by e-mail: each message's kind, what became of
 * it (sent, or not sent because the address bounced) and its subject. Never the address. */
function customerEmails(notifications: Notification[]): HTMLElement | null {
  if (!notifications.length) return null;
  const rows = notifications.map((n) => [
    document.createTextNode(tKnown("event", n.event_type)),
    n.email ? h("span", { "data-email-status": n.email.status }, badge(tKnown("email.status", n.email.status), EMAIL_TONE[n.email.status])) : document.createTextNode(t("email.recorded")),
    document.createTextNode(n.email?.subject ?? n.text),
    h("time", { datetime: n.email?.at ?? n.created_at }, dateTime(n.email?.at ?? n.created_at)),
  ]);
  return h(
    "section",
    { class: "panel", "data-panel": "emails" },
    h("h2", {}, t("email.title")),
    table(t("email.title"), [t("email.kind"), t("email.statusLabel"), t("email.subject"), t("email.at")], rows),
  );
}

/** The storefront and staff in the screen's language; a marketplace by its own name. */
function channelName(channel: string): string {
  return channel === "web" || channel === "manual" ? t(`order.channel.${channel}`) : channel;
}

export async function order(screen: Screen, id: string): Promise<void> {
  const path = `/orders/${encodeURIComponent(id)}`;
  const [answer, returns, notifications] = await Promise.all([
    call<Order>("GET", path),
    get<{ items: Return[] }>(`${path}/returns`).catch(() => ({ items: [] as Return[] })),
    get<{ items: Notification[] }>(`${path}/notifications`).catch(() => ({ items: [] as Notification[] })),
  ]);
  const o = answer.body;
  // The order names its customer by id; with customers:read the page shows who that is.
  const customerName = can(screen, "customers:read")
    ? await get<{ name?: string; erasure?: unknown }>(`/customers/${encodeURIComponent(o.customer_id)}`)
        .then((c) => (c.erasure ? undefined : c.name))
        .catch(() => undefined)
    : undefined;
  const actions = offeredActions(o, screen.scopes);
  const lines = table(
    t("order.lines"),
    [t("order.sku"), t("order.name"), t("order.quantity"), t("order.unitPrice"), t("order.lineTotal"), t("order.lineDiscount")],
    o.lines.map((l) => [l.sku, l.name, String(l.quantity), money(l.unit_price), money(l.line_total), l.discount ? `− ${money(l.discount)}` : "—"].map((x) => document.createTextNode(x))),
  );
  // Orders placed before shipping and discounts existed carry no breakdown: their total is their lines.
  const breakdown: [MessageKey, Money][] = o.totals
    ? [
        ["order.linesTotal", o.totals.lines],
        ["order.discounts", o.totals.discounts],
        ["order.shippingCharge", o.totals.shipping],
      ]
    : [];
  const totals: [MessageKey, Money][] = [
    ...breakdown,
    ["order.total", o.total],
    ["order.amountPaid", o.amount_paid],
    ["order.amountRefunded", o.amount_refunded],
    ["order.outstanding", outstanding(o)],
    ["order.refundDue", o.refund_due],
  ];
  replace(
    screen.main,
    h("h1", {}, t("order.title", { id: o.id })),
    h(
      "p",
      { class: "badges" },
      statusBadge(o.status),
      badge(`${t("order.payment")}: ${tKnown("payment", o.payment_status)}`),
      badge(`${t("order.fulfillment")}: ${tKnown("fulfillment", o.fulfillment_status)}`, "info"),
      h("span", { "data-channel": o.channel ?? "web" }, badge(`${t("order.channel")}: ${channelName(o.channel ?? "web")}${o.external_reference ? ` ${o.external_reference}` : ""}`, "info")),
      h("span", { class: "muted" }, dateTime(o.placed_at)),
    ),
    h(
      "div",
      { class: "columns order-columns" },
      h("section", { class: "panel" }, h("h2", {}, t("order.lines")), lines),
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("order.totals")),
        h("dl", { class: "totals" }, totals.flatMap(([k, m]) => [h("dt", {}, t(k)), h("dd", { "data-total": k }, money(m))])),
        o.discounts?.length
          ? h(
              "ul",
              { class: "discounts" },
              o.discounts.map((d) => h("li", { "data-discount": d.code }, `${d.name} (${d.code}${d.coupon ? `, ${t("promotions.coupon")}` : ""}): − ${money(d.amount)}`)),
            )
          : null,
        o.shipping
          ? h("p", { "data-shipping": o.shipping.method }, t("order.shippingBy", { name: o.shipping.name, carrier: o.shipping.carrier, amount: money(o.shipping.amount), basis: t(`order.basis.${o.shipping.basis}`) }))
          : null,
        h("h2", {}, t("order.customer")),
        can(screen, "customers:read") ? link(href(`customers/${o.customer_id}`), customerName ?? o.customer_id) : h("span", {}, o.customer_id),
        h("h2", {}, t("order.shipTo")),
        o.shipping_address ? addressLines(o.shipping_address) : h("p", {}, t("common.none")),
        o.shipment ? h("p", {}, t("order.shipment", { carrier: o.shipment.carrier, tracking: o.shipment.tracking_number })) : null,
      ),
    ),
    gatewayPayments(o),
    customerEmails(notifications.items),
    h(
      "section",
      { class: "panel", "aria-labelledby": "actions-title" },
      h("h2", { id: "actions-title" }, t("order.actions")),
      actions.length
        ? actions.map((a) => h("details", { class: "action", "data-action": a }, h("summary", {}, t(ACTION_LABELS[a])), actionForm(screen, o, a, returns.items)))
        : h("p", {}, t("order.noActions")),
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("order.timeline")),
      h("ol", { class: "timeline" }, o.timeline.map((e) => h("li", { "data-type": e.type }, h("time", { datetime: e.at }, dateTime(e.at)), " ", tKnown("event", e.type)))),
    ),
  );
}
