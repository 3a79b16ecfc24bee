import { get } from "../api.js";
import { salesChart } from "../chart.js";
import type { Screen } from "../context.js";
import { h, replace } from "../dom.js";
import { count, lastDays, money } from "../format.js";
import { t, type MessageKey } from "../i18n.js";
import { href } from "../router.js";
import type { Overview, SalesDay, SalesReport } from "../schema.js";

export type { SalesDay };

/** Where each counter's card leads: the list it counts. */
const CARDS: [keyof Overview["counters"], string, Record<string, string>][] = [
  ["awaiting_payment", "orders", { status: "pending_payment" }],
  ["to_pick", "orders", { fulfillment_status: "unfulfilled", status: "paid" }],
  ["to_pack", "orders", { fulfillment_status: "picking" }],
  ["to_ship", "orders", { fulfillment_status: "packed" }],
  ["returns_awaiting_receipt", "returns", {}],
  ["skus_low", "stock", { low: "true" }],
  ["open_replenishments", "stock", {}],
];

export async function overview(screen: Screen): Promise<void> {
  const days = lastDays(30);
  const [o, sales] = await Promise.all([
    get<Overview>("/overview"),
    get<SalesReport>(`/reports/sales?from=${days[0]}&to=${days[days.length - 1]}`),
  ]);
  const cards = CARDS.map(([name, path, params]) =>
    h(
      "a",
      { class: "card", href: href(path, params) },
      h("span", { class: "card-figure" }, count(o.counters[name] ?? 0)),
      h("span", { class: "card-label" }, t(`overview.counter.${name}` as MessageKey)),
    ),
  );
  const paymentCards = (["disputes_open", "reviews_open"] as const).map((name) =>
    h(
      "a",
      { class: "card", href: href("payments") },
      h("span", { class: "card-figure" }, count(o.payments[name])),
      h("span", { class: "card-label" }, t(`overview.counter.${name}` as MessageKey)),
    ),
  );
  const inboxCards = (["open", "overdue"] as const).map((name) =>
    h(
      "a",
      { class: "card", href: href("inbox", name === "overdue" ? { order: "oldest" } : {}), "data-inbox-card": name },
      h("span", { class: "card-figure" }, count(o.conversations[name])),
      h("span", { class: "card-label" }, t(`overview.counter.conversations_${name}` as MessageKey)),
    ),
  );
  const receivables = Object.entries(o.receivables).map(([currency, amount]) =>
    h("li", {}, money({ amount, currency })),
  );
  const windows: [MessageKey, Overview["sales"]["today"]][] = [
    ["overview.salesToday", o.sales.today],
    ["overview.sales7", o.sales.last_7_days],
    ["overview.sales30", o.sales.last_30_days],
  ];
  const list = sales.days;
  const currencies = [...new Set(list.map((d) => d.currency))].sort();
  const charts = currencies.map((currency) =>
    salesChart(
      currency,
      days.map((d) => ({ day: d, amount: list.find((x) => x.date === d && x.currency === currency)?.net ?? 0 })),
    ),
  );
  replace(
    screen.main,
    h("h1", {}, t("overview.title")),
    h("nav", { class: "cards", "aria-label": t("overview.title") }, cards, paymentCards, inboxCards),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("overview.sales")),
      h(
        "dl",
        { class: "sales-windows" },
        windows.flatMap(([label, byCurrency]) => [
          h("dt", {}, t(label)),
          h(
            "dd",
            {},
            Object.keys(byCurrency).length === 0
              ? t("common.none")
              : Object.entries(byCurrency).map(([currency, totals]) =>
                  h("span", { class: "sales-total" }, `${money({ amount: totals.net, currency })} · ${t("overview.ordersPlaced", { count: count(totals.orders_placed) })}`),
                ),
          ),
        ]),
      ),
      charts.length ? charts : h("p", { class: "empty" }, t("overview.noSales")),
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("overview.receivables")),
      receivables.length ? h("ul", { class: "plain" }, receivables) : h("p", { class: "empty" }, t("common.none")),
    ),
  );
}
