import { get, query, type Page } from "../api.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, h, input, link, replace, select, table } from "../dom.js";
import { pager } from "../pager.js";
import { dateTime, money, type Money } from "../format.js";
import { t, tKnown } from "../i18n.js";
import { go, href } from "../router.js";
import type { OrderSummary } from "../schema.js";


const STATUSES = ["pending_payment", "paid", "completed", "cancelled"];
const FULFILLMENT = ["unfulfilled", "picking", "packed", "shipped", "delivered"];
const FILTERS = ["status", "fulfillment_status", "channel", "from", "to"] as const;

export function statusBadge(status: string): HTMLElement {
  const tone = status === "cancelled" ? "bad" : status === "pending_payment" ? "warn" : "ok";
  return badge(tKnown("status", status), tone);
}

export async function orders(screen: Screen): Promise<void> {
  const p = screen.location.params;
  const filters = Object.fromEntries(FILTERS.map((k) => [k, p.get(k) ?? ""]));
  const page = await get<Page<OrderSummary>>(`/orders${query({ ...filters, cursor: p.get("cursor"), limit: 25 })}`);
  const status = select([["", t("common.all")], ...STATUSES.map((s): [string, string] => [s, tKnown("status", s)])], filters.status);
  const fulfillment = select(
    [["", t("common.all")], ...FULFILLMENT.map((s): [string, string] => [s, tKnown("fulfillment", s)])],
    filters.fulfillment_status,
  );
  const channel = input({ value: filters.channel, maxlength: 32, placeholder: "manual" });
  const from = input({ type: "date", value: filters.from });
  const to = input({ type: "date", value: filters.to });
  const filterForm = h(
    "form",
    { class: "filters", role: "search" },
    field("status", "orders.status", status),
    field("fulfillment_status", "orders.fulfillment", fulfillment),
    field("channel", "order.channel", channel),
    field("from", "orders.from", from),
    field("to", "orders.to", to),
    h("button", { type: "submit" }, t("common.filter")),
  );
  filterForm.addEventListener("submit", (e) => {
    e.preventDefault();
    go("orders", { status: status.value, fulfillment_status: fulfillment.value, channel: channel.value, from: from.value, to: to.value });
  });
  const rows = page.items.map((o) => [
    link(href(`orders/${o.id}`), o.id),
    document.createTextNode(dateTime(o.placed_at)),
    document.createTextNode(o.customer_name ?? o.customer_id),
    statusBadge(o.status),
    badge(tKnown("fulfillment", o.fulfillment_status)),
    document.createTextNode(money(o.total)),
    document.createTextNode(money(o.amount_paid)),
  ]);
  replace(
    screen.main,
    h("h1", {}, t("orders.title")),
    can(screen, "orders:write") ? h("p", {}, link(href("orders/new"), t("newOrder.title"))) : null,
    filterForm,
    rows.length
      ? table(
          t("orders.title"),
          [t("orders.id"), t("orders.placed"), t("orders.customer"), t("orders.status"), t("orders.fulfillment"), t("orders.total"), t("orders.paid")],
          rows,
        )
      : empty(),
    pager(screen, "orders", page.next_cursor),
  );
}
