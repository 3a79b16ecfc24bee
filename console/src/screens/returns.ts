import { get, post, query, type Page } from "../api.js";
import { can, type Screen } from "../context.js";
import { empty, field, form, h, input, link, replace, value } from "../dom.js";
import { count, dateTime } from "../format.js";
import { t } from "../i18n.js";
import { href } from "../router.js";
import { pager } from "../pager.js";
import type { Return } from "../schema.js";


function receiveForm(screen: Screen, r: Return): HTMLFormElement {
  return form(
    "receive-form",
    r.lines.flatMap((l) => [
      h("p", { class: "line-title" }, `${l.sku} × ${count(l.quantity)} — ${l.reason}`),
      field(`received-${l.sku}`, "field.received", input({ type: "number", min: 0, max: l.quantity, value: l.quantity, "aria-label": `${t("field.received")} ${l.sku}` })),
      field(`damaged-${l.sku}`, "field.damaged", input({ type: "number", min: 0, max: l.quantity, value: 0, "aria-label": `${t("field.damaged")} ${l.sku}` })),
    ]),
    "returns.receive",
    async (f) => {
      const lines = r.lines.map((l) => ({ sku: l.sku, received: Number(value(f, `received-${l.sku}`)), damaged: Number(value(f, `damaged-${l.sku}`)) }));
      await post(`/returns/${encodeURIComponent(r.id)}/receive`, { lines });
      screen.refresh();
    },
  );
}

export async function returns(screen: Screen): Promise<void> {
  const page = await get<Page<Return>>(`/returns${query({ status: "requested", limit: 25, cursor: screen.location.params.get("cursor") })}`);
  const writable = can(screen, "returns:write");
  replace(
    screen.main,
    h("h1", {}, t("returns.title")),
    page.items.length
      ? h(
          "ul",
          { class: "queue" },
          page.items.map((r) =>
            h(
              "li",
              { class: "panel", "data-return": r.id },
              h("h2", {}, r.id),
              h("p", {}, `${t("returns.order")}: `, link(href(`orders/${r.order_id}`), r.order_id), ` · ${t("returns.opened")} ${dateTime(r.requested_at)}`),
              writable ? receiveForm(screen, r) : null,
            ),
          ),
        )
      : empty(),
    pager(screen, "returns", page.next_cursor),
  );
}
