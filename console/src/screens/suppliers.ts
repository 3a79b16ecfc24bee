// Suppliers: the list with a form that adds one, and, on a product's page, what each supplier
// charges for it (the preferred one first) with a form that records a supplier's terms.

import { call, get } from "../api.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, form, h, input, replace, select, table, text, value } from "../dom.js";
import { money } from "../format.js";
import { t } from "../i18n.js";
import type { components } from "../api-types.js";

type Supplier = components["schemas"]["Supplier"];
type Terms = components["schemas"]["SupplierTerms"];

export async function suppliers(screen: Screen): Promise<void> {
  const { items } = await get<{ items: Supplier[] }>("/suppliers");
  const create = form(
    "supplier-form",
    [
      field("id", "suppliers.id", input({ required: true, pattern: "[a-z0-9_-]{1,40}" })),
      field("name", "field.name", input({ required: true })),
      field("email", "field.email", input({ type: "email", required: true })),
      field("currency", "shipping.currency", input({ value: "BRL", maxlength: 3, required: true })),
      field("lead_time_days", "suppliers.leadTime", input({ type: "number", min: 0, max: 365, value: "7", required: true })),
    ],
    "common.save",
    async (f) => {
      await call("PUT", `/suppliers/${encodeURIComponent(value(f, "id"))}`, {
        name: value(f, "name"),
        email: value(f, "email"),
        currency: value(f, "currency"),
        lead_time_days: Number(value(f, "lead_time_days")),
      });
      screen.refresh();
    },
  );
  replace(
    screen.main,
    h("h1", {}, t("suppliers.title")),
    items.length
      ? table(
          t("suppliers.title"),
          [t("suppliers.id"), t("field.name"), t("field.email"), t("shipping.currency"), t("suppliers.leadTime")],
          items.map((s) => [h("code", { "data-supplier": s.id }, s.id), text(s.name), text(s.email), text(s.currency), text(String(s.lead_time_days))]),
        )
      : empty(),
    can(screen, "purchasing:write") ? h("section", { class: "panel" }, h("h2", {}, t("suppliers.create")), create) : null,
  );
}

/** A product page's suppliers panel, or nothing for a user without purchasing:read. */
export async function skuSuppliersPanel(screen: Screen, sku: string): Promise<HTMLElement | null> {
  if (!can(screen, "purchasing:read")) return null;
  const path = `/stock/${encodeURIComponent(sku)}/suppliers`;
  const [terms, all] = await Promise.all([get<{ items: Terms[] }>(path), get<{ items: Supplier[] }>("/suppliers")]);
  const add = form(
    "terms-form",
    [
      field("supplier_id", "suppliers.supplier", select(all.items.map((s): [string, string] => [s.id, s.name]), all.items[0]?.id ?? "")),
      field("unit_cost", "suppliers.unitCost", input({ type: "number", min: 1, required: true })),
      field("minimum_order_quantity", "suppliers.moq", input({ type: "number", min: 1, value: "1" })),
      field("pack_size", "suppliers.packSize", input({ type: "number", min: 1, value: "1" })),
      field("preferred", "suppliers.preferred", select([["no", t("common.no")], ["yes", t("common.yes")]], "no")),
    ],
    "common.save",
    async (f) => {
      await call("PUT", `${path}/${encodeURIComponent(value(f, "supplier_id"))}`, {
        unit_cost: Number(value(f, "unit_cost")),
        minimum_order_quantity: Number(value(f, "minimum_order_quantity") || "1"),
        pack_size: Number(value(f, "pack_size") || "1"),
        preferred: value(f, "preferred") === "yes",
      });
      screen.refresh();
    },
  );
  return h(
    "section",
    { class: "panel", "data-sku-suppliers": sku },
    h("h2", {}, t("suppliers.title")),
    terms.items.length
      ? table(
          t("suppliers.title"),
          [t("suppliers.supplier"), t("suppliers.unitCost"), t("suppliers.leadTime"), t("suppliers.moq"), t("suppliers.packSize"), ""],
          terms.items.map((r) => [
            h("span", { "data-terms": r.supplier_id }, r.supplier_id),
            text(money(r.unit_cost)),
            text(String(r.lead_time_days)),
            text(String(r.minimum_order_quantity)),
            text(String(r.pack_size)),
            r.preferred ? badge(t("suppliers.preferred"), "ok") : text(""),
          ]),
        )
      : empty(),
    can(screen, "purchasing:write") && all.items.length ? add : null,
  );
}
