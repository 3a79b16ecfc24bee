import { get, post, query, type Page } from "../api.js";
import { can, type Screen } from "../context.js";
import { describe, empty, field, form, h, input, link, replace, select, table, value } from "../dom.js";
import { count, day, money, type Money } from "../format.js";
import { t, type MessageKey } from "../i18n.js";
import { go, href } from "../router.js";
import type { SalesDay } from "./overview.js";
import type { ExportJob, Receivables, SalesGroupReport, SalesReport } from "../schema.js";


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Asks for an export and follows the job until its file is ready (or it failed). */
async function exportFile(kind: string, range: { from: string; to: string }, status: HTMLElement): Promise<void> {
  status.replaceChildren(t("reports.exportPreparing"));
  const body = kind === "orders" ? { kind, ...range } : { kind };
  let job = (await post<ExportJob>("/exports", body)).body;
  for (let i = 0; i < 120 && (job.status === "queued" || job.status === "running"); i++) {
    await sleep(1000);
    job = await get<ExportJob>(`/exports/${encodeURIComponent(job.id)}`);
  }
  if (job.status === "done" && job.download) {
    status.replaceChildren(h("a", { href: job.download.url, download: job.download.file_name, class: "download" }, `${t("reports.exportReady")} (${job.download.file_name})`));
  } else {
    status.replaceChildren(t("reports.exportFailed", { detail: job.failure ?? job.status }));
  }
}

export async function reports(screen: Screen): Promise<void> {
  const p = screen.location.params;
  const today = new Date().toISOString().slice(0, 10);
  const from = p.get("from") ?? `${today.slice(0, 8)}01`;
  const to = p.get("to") ?? today;
  const group = p.get("group_by") === "channel" || p.get("group_by") === "promotion" ? (p.get("group_by") as "channel" | "promotion") : "";
  const [sales, receivables, grouped] = await Promise.all([
    get<SalesReport>(`/reports/sales${query({ from, to })}`),
    get<Receivables>("/receivables?limit=50"),
    group ? get<SalesGroupReport>(`/reports/sales${query({ from, to, group_by: group })}`) : Promise.resolve(null),
  ]);
  const range = form("filters", [
    field("from", "reports.from", input({ type: "date", value: from })),
    field("to", "reports.to", input({ type: "date", value: to })),
    field("group_by", "reports.groupBy", select([["", t("reports.byDay")], ["channel", t("reports.byChannel")], ["promotion", t("reports.byPromotion")]], group)),
  ], "common.filter", async (f) => go("reports", { from: value(f, "from"), to: value(f, "to"), group_by: value(f, "group_by") }));
  const m = (amount: number, currency: string) => money({ amount, currency });
  const exportsPanel = can(screen, "backoffice:read")
    ? (["orders", "catalog", "receivables"] as const).map((kind) => {
        const status = h("span", { class: "export-status", role: "status" });
        const label: MessageKey = kind === "orders" ? "reports.exportOrders" : kind === "catalog" ? "reports.exportCatalog" : "reports.exportReceivables";
        const button = h("button", { type: "button", "data-export": kind, onclick: async () => {
          button.disabled = true;
          try {
            await exportFile(kind, { from, to }, status);
          } catch (error) {
            status.replaceChildren(t("reports.exportFailed", { detail: describe(error) }));
          } finally {
            button.disabled = false;
          }
        } }, `${t("common.download")}: ${t(label)}`);
        return h("li", {}, button, " ", status);
      })
    : [];
  replace(
    screen.main,
    h("h1", {}, t("reports.title")),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("reports.sales")),
      range,
      sales.days.length
        ? table(
            t("reports.sales"),
            [t("reports.day"), t("reports.currency"), t("reports.orders"), t("reports.grossSales"), t("reports.discounts"), t("reports.shipping"), t("reports.netSales"), t("reports.gross"), t("reports.refunded"), t("reports.net")],
            sales.days.map((d) =>
              [day(d.date), d.currency, count(d.orders_placed), m(d.gross_sales, d.currency), m(d.discounts, d.currency), m(d.shipping, d.currency), m(d.net_sales, d.currency), m(d.gross_ordered, d.currency), m(d.refunded, d.currency), m(d.net, d.currency)].map((x) => document.createTextNode(x)),
            ),
          )
        : empty(),
      grouped
        ? h(
            "div",
            { "data-grouped": grouped.group_by },
            grouped.rows.length
              ? table(
                  t(grouped.group_by === "channel" ? "reports.byChannel" : "reports.byPromotion"),
                  [t("reports.day"), t(grouped.group_by === "channel" ? "order.channel" : "promotions.code"), t("reports.orders"), t("reports.grossSales"), t("reports.discounts"), t("reports.shipping"), t("reports.netSales")],
                  grouped.rows.map((r) =>
                    [day(r.date), r.key, count(r.orders_placed), m(r.gross_sales, r.currency), m(r.discounts, r.currency), m(r.shipping, r.currency), m(r.net_sales, r.currency)].map((x) => document.createTextNode(x)),
                  ),
                )
              : empty(),
          )
        : null,
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("reports.receivables")),
      h("p", {}, Object.entries(receivables.outstanding_by_currency).map(([currency, amount]) => h("strong", { class: "sales-total" }, money({ amount, currency })))),
      receivables.items.length
        ? table(
            t("reports.receivables"),
            [t("orders.id"), t("order.total"), t("order.outstanding")],
            receivables.items.map((r) => [link(href(`orders/${r.order_id}`), r.order_id), document.createTextNode(money(r.total)), document.createTextNode(money(r.outstanding))]),
          )
        : empty(),
    ),
    h("section", { class: "panel" }, h("h2", {}, t("reports.exports")), h("ul", { class: "plain" }, exportsPanel)),
  );
}
