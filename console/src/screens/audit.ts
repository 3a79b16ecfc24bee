// The audit trail: who changed what and when, by one member of staff (a token's subject) or by
// one order, SKU, customer or return, within a range of days. The API answers one of these at a
// time, newest first; the filter lives in the address, so a view can be linked to.

import { get, query, type Page } from "../api.js";
import type { Screen } from "../context.js";
import { empty, field, h, input, link, replace, select, table, text } from "../dom.js";
import { dateTime } from "../format.js";
import { t, type MessageKey } from "../i18n.js";
import { go, href } from "../router.js";
import { pager } from "../pager.js";
import type { AuditRecord } from "../schema.js";

export const AUDIT_BY = ["actor", "order", "sku", "customer", "return"] as const;
export type AuditBy = (typeof AUDIT_BY)[number];

/** Where an entity of the record is shown in the console, if it has a screen. */
function entityLink(entity: AuditRecord["entities"][number]): Node {
  const label = `${t(`audit.by.${entity.type}` as MessageKey)} ${entity.id}`;
  switch (entity.type) {
    case "order":
      return link(href(`orders/${entity.id}`), label);
    case "sku":
      return link(href(`stock/${entity.id}`), label);
    case "customer":
      return link(href(`customers/${entity.id}`), label);
    default:
      return text(label);
  }
}

function row(record: AuditRecord): Node[] {
  const entities = h("ul", { class: "plain" }, record.entities.map((e) => h("li", {}, entityLink(e))));
  return [
    text(dateTime(record.at)),
    link(href("audit", { by: "actor", value: record.actor }), record.actor),
    h("code", {}, record.command),
    entities,
    h("code", {}, record.correlation_id),
  ];
}

export async function audit(screen: Screen): Promise<void> {
  const params = screen.location.params;
  const by = (AUDIT_BY as readonly string[]).includes(params.get("by") ?? "") ? (params.get("by") as AuditBy) : "actor";
  const value = params.get("value") ?? "";
  const from = params.get("from") ?? "";
  const to = params.get("to") ?? "";
  const page = value
    ? await get<Page<AuditRecord>>(`/audit${query({ [by]: value, from, to, limit: 25, cursor: params.get("cursor") })}`)
    : null;

  const kind = select(AUDIT_BY.map((k) => [k, t(`audit.by.${k}` as MessageKey)]), by);
  const id = input({ value, required: true, autocomplete: "off" });
  const since = input({ type: "date", value: from });
  const until = input({ type: "date", value: to });
  const filters = h(
    "form",
    { class: "filters", role: "search" },
    field("by", "audit.filterBy", kind),
    field("value", "audit.value", id),
    field("from", "audit.from", since),
    field("to", "audit.to", until),
    h("button", { type: "submit" }, t("common.search")),
  );
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    go("audit", { by: kind.value, value: id.value.trim() || null, from: since.value || null, to: until.value || null });
  });
  replace(
    screen.main,
    h("h1", {}, t("audit.title")),
    h("p", { class: "hint" }, t("audit.hint")),
    filters,
    page === null
      ? null
      : page.items.length
        ? table(
            t("audit.title"),
            [t("audit.when"), t("audit.who"), t("audit.what"), t("audit.entities"), t("audit.correlation")],
            page.items.map(row),
          )
        : empty(),
    page ? pager(screen, "audit", page.next_cursor) : null,
  );
}
