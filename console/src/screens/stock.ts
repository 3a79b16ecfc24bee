import { call, get, idempotencyKey, post, query, type Page } from "../api.js";
import { skuSuppliersPanel } from "./suppliers.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, form, h, input, link, moneyField, readAmount, replace, select, table, value } from "../dom.js";
import { count, dateTime, money, type Money } from "../format.js";
import { t, tKnown } from "../i18n.js";
import { go, href } from "../router.js";
import { pager } from "../pager.js";
import type { Movement, Replenishment, Stock as StockItem } from "../schema.js";


/** Registers or updates a product from a form with its name, price and reorder fields; `false`
 * (the error beside the price) when the price is not an amount. */
async function saveProduct(f: HTMLFormElement, sku: string, currency: string): Promise<boolean> {
  // An unknown code still gets two decimals here; the API names the currency if it refuses it.
  const amount = readAmount(f, "unit_price", /^[A-Z]{3}$/.test(currency) ? currency : "XXX");
  if (amount === null) return false;
  await call("PUT", `/stock/${encodeURIComponent(sku)}`, {
    name: value(f, "name"),
    unit_price: { amount, currency },
    ...(amount === 0 ? { free: true } : {}),
    reorder_point: Number(value(f, "reorder_point")),
    reorder_quantity: Number(value(f, "reorder_quantity")),
  });
  return true;
}

export async function stockList(screen: Screen): Promise<void> {
  const p = screen.location.params;
  const q = p.get("q") ?? "";
  const low = p.get("low") === "true";
  const [page, suggestions] = await Promise.all([
    get<Page<StockItem>>(`/stock${query({ q, low: low ? "true" : null, cursor: p.get("cursor"), limit: 25 })}`),
    get<Page<Replenishment>>("/replenishments?status=open&limit=50"),
  ]);
  const search = input({ type: "search", value: q, placeholder: t("stock.searchHint") });
  const lowBox = input({ type: "checkbox", id: "low-only" });
  lowBox.checked = low;
  const filters = h(
    "form",
    { class: "filters", role: "search" },
    field("q", "field.search", search),
    h("div", { class: "field field-inline" }, lowBox, h("label", { for: "low-only" }, t("field.low"))),
    h("button", { type: "submit" }, t("common.search")),
  );
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    go("stock", { q: search.value.trim() || null, low: lowBox.checked ? "true" : null });
  });
  const register = can(screen, "stock:write")
    ? h(
        "details",
        { class: "panel", "data-form": "new-product" },
        h("summary", {}, t("stock.new")),
        form("settings-form", [
          field("sku", "field.sku", input({ required: true, autocomplete: "off" })),
          field("name", "field.name", input({ required: true })),
          moneyField("unit_price", "field.unit_price"),
          field("currency", "field.currency", input({ value: "BRL", maxlength: 3, required: true })),
          field("reorder_point", "field.reorder_point", input({ type: "number", min: 0, value: 5 })),
          field("reorder_quantity", "field.reorder_quantity", input({ type: "number", min: 1, value: 20 })),
        ], "stock.new", async (f) => {
          const sku = value(f, "sku").trim();
          if (!(await saveProduct(f, sku, value(f, "currency").trim().toUpperCase()))) return;
          go(`stock/${encodeURIComponent(sku)}`);
        }),
      )
    : null;
  const rows = page.items.map((i) => [
    link(href(`stock/${encodeURIComponent(i.sku)}`), i.sku),
    document.createTextNode(i.name),
    document.createTextNode(count(i.available)),
    document.createTextNode(count(i.on_hand)),
    document.createTextNode(count(i.reserved)),
    document.createTextNode(money(i.unit_price)),
    i.low ? badge(t("stock.lowBadge"), "warn") : document.createTextNode(""),
  ]);
  replace(
    screen.main,
    h("h1", {}, t("stock.title")),
    filters,
    register,
    rows.length
      ? table(t("stock.title"), [t("field.sku"), t("field.name"), t("stock.available"), t("stock.onHand"), t("stock.reserved"), t("stock.price"), t("stock.low")], rows)
      : empty(),
    pager(screen, "stock", page.next_cursor),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("stock.replenishments")),
      suggestions.items.length
        ? table(
            t("stock.replenishments"),
            [t("field.sku"), t("stock.suggested"), t("stock.available"), t("stock.at")],
            suggestions.items.map((r) => [
              link(href(`stock/${encodeURIComponent(r.sku)}`), r.sku),
              document.createTextNode(count(r.suggested_quantity)),
              document.createTextNode(r.available_now === undefined ? t("common.none") : count(r.available_now)),
              document.createTextNode(dateTime(r.updated_at)),
            ]),
          )
        : empty(),
    ),
  );
}

export async function stockItem(screen: Screen, sku: string): Promise<void> {
  const path = `/stock/${encodeURIComponent(sku)}`;
  const p = screen.location.params;
  const [answer, movements, suppliersPanel] = await Promise.all([
    call<StockItem>("GET", path),
    get<Page<Movement>>(`${path}/movements${query({ limit: 20, cursor: p.get("cursor") })}`),
    skuSuppliersPanel(screen, sku),
  ]);
  const item = answer.body;
  const writable = can(screen, "stock:write");
  const adjust = async (body: Record<string, unknown>) => {
    await post(`${path}/adjustments`, body, { "idempotency-key": idempotencyKey() });
    screen.refresh();
  };
  const settings = form(
    "settings-form",
    [
      field("name", "field.name", input({ value: item.name, required: true })),
      moneyField("unit_price", "field.unit_price", item.unit_price),
      field("reorder_point", "field.reorder_point", input({ type: "number", min: 0, value: item.reorder_point })),
      field("reorder_quantity", "field.reorder_quantity", input({ type: "number", min: 1, value: item.reorder_quantity })),
    ],
    "common.save",
    async (f) => {
      if (!(await saveProduct(f, item.sku, item.unit_price.currency))) return;
      screen.refresh();
    },
  );
  const receive = form("adjust-form", [
    field("delta", "field.delta", input({ type: "number", min: 1, required: true })),
    field("reference", "field.reference", input({})),
  ], "stock.receive", (f) => adjust({ delta: Number(value(f, "delta")), reason: "received", ...(value(f, "reference") ? { reference: value(f, "reference") } : {}) }));
  const writeOff = form("adjust-form", [
    field("delta", "field.delta", input({ type: "number", min: 1, required: true })),
    field("reason", "field.reason", select([["damaged", t("reason.damaged")], ["lost", t("reason.lost")]], "damaged")),
    field("note", "field.note", input({})),
  ], "stock.writeOff", (f) => adjust({ delta: -Number(value(f, "delta")), reason: value(f, "reason"), ...(value(f, "note") ? { note: value(f, "note") } : {}) }));
  // The count is a compare-and-swap on what the screen showed: when someone else moved the
  // figure first, the API answers 409 with the current one, and the form asks again with it.
  let expected = item.on_hand;
  const countForm = form("count-form", [
    h("p", { class: "count-expected", "data-expected": String(expected) }, `${t("stock.onHand")}: ${count(expected)}`),
    field("set_on_hand", "field.counted", input({ type: "number", min: 0, required: true })),
  ], "stock.count", async (f) => {
    try {
      await post(`${path}/adjustments`, { set_on_hand: Number(value(f, "set_on_hand")), expected_on_hand: expected, reason: "count" });
      screen.refresh();
    } catch (error) {
      const current = (error as { problem?: { current_on_hand?: number; on_hand?: number } }).problem;
      const now = current?.current_on_hand ?? current?.on_hand;
      if (typeof now === "number") {
        expected = now;
        const line = f.querySelector<HTMLElement>(".count-expected")!;
        line.textContent = `${t("stock.onHand")}: ${count(now)}`;
        line.dataset.expected = String(now);
        f.querySelector(".form-error")!.textContent = t("stock.countChanged", { on_hand: count(now) });
        return;
      }
      throw error;
    }
  });
  replace(
    screen.main,
    h("h1", {}, `${item.sku} · ${item.name}`),
    h(
      "dl",
      { class: "figures" },
      ([["stock.available", item.available], ["stock.onHand", item.on_hand], ["stock.reserved", item.reserved]] as const).flatMap(([k, n]) => [
        h("dt", {}, t(k)),
        h("dd", { "data-figure": k }, count(n)),
      ]),
    ),
    item.low ? badge(t("stock.lowBadge"), "warn") : null,
    writable
      ? h(
          "div",
          { class: "columns" },
          h("section", { class: "panel" }, h("h2", {}, t("stock.settings")), settings),
          h(
            "section",
            { class: "panel" },
            h("h2", {}, t("stock.receive")),
            receive,
            h("h2", {}, t("stock.writeOff")),
            writeOff,
            h("h2", {}, t("stock.count")),
            countForm,
          ),
        )
      : null,
    suppliersPanel,
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("stock.movements")),
      movements.items.length
        ? table(
            t("stock.movements"),
            [t("stock.at"), t("stock.reason"), t("field.delta"), t("field.reference")],
            movements.items.map((m) => [
              document.createTextNode(dateTime(m.at)),
              document.createTextNode(tKnown("movement", m.kind)),
              document.createTextNode(m.delta > 0 ? `+${count(m.delta)}` : count(m.delta)),
              document.createTextNode(m.reference ?? m.note ?? ""),
            ]),
          )
        : empty(),
      pager(screen, `stock/${encodeURIComponent(sku)}`, movements.next_cursor),
    ),
  );
}
