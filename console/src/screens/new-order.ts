// A new order taken by staff (telephone, WhatsApp, the counter): pick the customer, add products
// with their availability in view, quote the shipping for the customer's address, give a coupon,
// and place it with `channel: manual`. The order is placed by the same `POST /orders` a storefront
// calls, with an idempotency key so a double click places it once.

import { get, idempotencyKey, post, query, type Page } from "../api.js";
import type { Screen } from "../context.js";
import { field, form, h, input, link, replace, select, showError, table, text, value } from "../dom.js";
import { money } from "../format.js";
import { t } from "../i18n.js";
import { go, href } from "../router.js";
import type { Customer, CustomerAddress, Order, Stock } from "../schema.js";
import type { components } from "../api-types.js";

type Quote = components["schemas"]["ShippingQuote"];

interface Line {
  sku: string;
  name: string;
  quantity: number;
  available: number;
  unit: Stock["unit_price"];
}

function defaultAddress(c: Customer): CustomerAddress | undefined {
  return c.addresses.find((a) => a.kind === "shipping" && a.default) ?? c.addresses.find((a) => a.kind === "shipping");
}

export async function newOrder(screen: Screen): Promise<void> {
  let customer: Customer | undefined;
  const lines: Line[] = [];
  let offers: Quote["items"] = [];

  const chosen = h("p", { "data-customer": "" }, t("newOrder.noCustomer"));
  const customers = h("div", {});
  const findCustomer = form(
    "customer-search",
    [field("q", "newOrder.findCustomer", input({ required: true, minlength: 2 }))],
    "common.search",
    async (f) => {
      const page = await get<Page<Customer>>(`/customers${query({ q: value(f, "q"), limit: 10 })}`);
      replace(
        customers,
        page.items.map((c) => {
          const pick = h("button", { type: "button", "data-pick-customer": c.id }, `${c.name ?? c.id} · ${c.email ?? ""}`);
          pick.addEventListener("click", () => {
            customer = c;
            replace(chosen, t("newOrder.customer", { name: c.name ?? c.id }));
            offers = [];
            render();
          });
          return pick;
        }),
      );
    },
  );

  const products = h("div", {});
  const cart = h("div", { "data-cart": "" });
  const findProduct = form(
    "product-search",
    [field("q", "newOrder.findProduct", input({ required: true }))],
    "common.search",
    async (f) => {
      const page = await get<Page<Stock>>(`/stock${query({ q: value(f, "q"), limit: 10 })}`);
      replace(
        products,
        table(
          t("newOrder.products"),
          [t("order.sku"), t("order.name"), t("order.unitPrice"), t("newOrder.available"), ""],
          page.items.map((s) => {
            const add = h("button", { type: "button", "data-add": s.sku, disabled: s.available < 1 }, t("newOrder.add"));
            add.addEventListener("click", () => {
              const line = lines.find((l) => l.sku === s.sku);
              if (line) line.quantity = Math.min(line.quantity + 1, s.available);
              else lines.push({ sku: s.sku, name: s.name, quantity: 1, available: s.available, unit: s.unit_price });
              offers = [];
              render();
            });
            return [text(s.sku), text(s.name), text(money(s.unit_price)), h("span", { "data-available": s.sku }, String(s.available)), add];
          }),
        ),
      );
    },
  );

  const method = select([["", t("newOrder.noShipping")]]);
  const coupon = input({ maxlength: 32, name: "coupon" });
  const quoteButton = h("button", { type: "button", "data-quote-shipping": "" }, t("newOrder.quote"));
  quoteButton.addEventListener("click", async () => {
    const address = customer && defaultAddress(customer);
    if (!address || !lines.length) return;
    try {
      const q = await get<Quote>(
        `/shipping/quote${query({ country: address.country, state: address.region, postal_code: address.postal_code, lines: lines.map((l) => `${l.sku}:${l.quantity}`).join(",") })}`,
      );
      offers = q.items;
      render();
    } catch (error) {
      showError(place, error);
    }
  });

  const place = form(
    "place-order",
    [field("shipping_method", "newOrder.shipping", method), field("coupon", "newOrder.coupon", coupon)],
    "newOrder.place",
    async (f) => {
      if (!customer || !lines.length) throw new Error(t("newOrder.incomplete"));
      const body = {
        customer_id: customer.id,
        channel: "manual",
        lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        ...(value(f, "shipping_method") ? { shipping_method: value(f, "shipping_method") } : {}),
        ...(value(f, "coupon") ? { coupon: value(f, "coupon") } : {}),
      };
      const placed = await post<Order>("/orders", body, { "idempotency-key": idempotencyKey() });
      go(`orders/${placed.body.id}`);
    },
  );

  function render(): void {
    replace(
      cart,
      lines.length
        ? table(
            t("order.lines"),
            [t("order.sku"), t("order.name"), t("order.quantity"), t("order.lineTotal")],
            lines.map((l) => {
              const quantity = input({ type: "number", min: 0, max: l.available, value: String(l.quantity), "aria-label": `${t("order.quantity")} ${l.sku}` });
              quantity.addEventListener("change", () => {
                l.quantity = Math.max(0, Math.min(Number(quantity.value), l.available));
                if (l.quantity === 0) lines.splice(lines.indexOf(l), 1);
                offers = [];
                render();
              });
              return [text(l.sku), text(l.name), quantity, text(money({ amount: l.unit.amount * l.quantity, currency: l.unit.currency }))];
            }),
          )
        : h("p", {}, t("newOrder.emptyCart")),
    );
    replace(
      method,
      h("option", { value: "" }, t("newOrder.noShipping")),
      offers.map((o) => h("option", { value: o.code }, `${o.name} (${o.carrier}): ${o.free ? t("shipping.free") : money(o.price)}`)),
    );
  }

  render();
  replace(
    screen.main,
    h("h1", {}, t("newOrder.title")),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("order.customer")),
      findCustomer,
      customers,
      chosen,
      h("p", {}, link(href("customers"), t("newOrder.createCustomer"))),
    ),
    h("section", { class: "panel" }, h("h2", {}, t("newOrder.products")), findProduct, products),
    h("section", { class: "panel" }, h("h2", {}, t("order.lines")), cart, quoteButton, place),
  );
}
