// Payments that need a person: gateway events set aside for review (resolved here with a note),
// and the money the shop owes back on cancelled orders (refunds owed).

import { get, post, query, type Page } from "../api.js";
import { can, type Screen } from "../context.js";
import { empty, field, form, h, input, link, replace, table, value } from "../dom.js";
import { dateTime, money } from "../format.js";
import { t, tKnown } from "../i18n.js";
import { href } from "../router.js";
import { pager } from "../pager.js";
import type { PaymentReview, RefundsOwed } from "../schema.js";

/** What the event said, in a line: the change and its amount. */
function change(r: PaymentReview): string {
  const c = r.event.change;
  const amount = c.amount ?? c.total;
  return amount ? `${tKnown("gateway.change", c.kind)} · ${money(amount)}` : tKnown("gateway.change", c.kind);
}

function resolveForm(screen: Screen, r: PaymentReview): HTMLFormElement {
  return form(
    "resolve-form",
    [field(`note-${r.id}`, "payments.note", input({ required: true, maxlength: 200, "aria-label": `${t("payments.note")} ${r.id}` }))],
    "payments.resolve",
    async (f) => {
      await post(`/payments/review/${encodeURIComponent(r.id)}/resolve`, { note: value(f, `note-${r.id}`) });
      screen.refresh();
    },
  );
}

export async function payments(screen: Screen): Promise<void> {
  const [reviews, owed] = await Promise.all([
    get<Page<PaymentReview>>(`/payments/review${query({ limit: 25, cursor: screen.location.params.get("cursor") })}`),
    get<RefundsOwed>("/refunds-owed?limit=50"),
  ]);
  const writable = can(screen, "payments:write");
  replace(
    screen.main,
    h("h1", {}, t("payments.title")),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("payments.review")),
      h("p", { class: "muted" }, t("payments.reviewHint")),
      reviews.items.length
        ? h(
            "ul",
            { class: "queue" },
            reviews.items.map((r) =>
              h(
                "li",
                { class: "panel", "data-review": r.id },
                h("h3", {}, `${tKnown("gateway.reason", r.reason.reason)}`),
                h(
                  "p",
                  {},
                  `${tKnown("gateway.provider", r.event.provider)} · ${r.event.payment} · ${change(r)} · ${dateTime(r.received_at)}`,
                ),
                r.event.order_id ? h("p", {}, `${t("returns.order")}: `, link(href(`orders/${r.event.order_id}`), r.event.order_id)) : null,
                writable ? resolveForm(screen, r) : null,
              ),
            ),
          )
        : empty(),
      pager(screen, "payments", reviews.next_cursor),
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("payments.refundsOwed")),
      h("p", {}, Object.entries(owed.refund_due_by_currency).map(([currency, amount]) => h("strong", { class: "sales-total" }, money({ amount, currency })))),
      owed.items.length
        ? table(
            t("payments.refundsOwed"),
            [t("orders.id"), t("order.amountPaid"), t("order.refundDue")],
            owed.items.map((r) => [link(href(`orders/${r.order_id}`), r.order_id), document.createTextNode(money(r.paid)), document.createTextNode(money(r.refund_due))]),
          )
        : empty(),
    ),
  );
}
