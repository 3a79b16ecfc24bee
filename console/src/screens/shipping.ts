// Shipping: the methods the shop offers with their rate tables (zones and weight bands), a
// method saved from a form (its zones one per line, as text: "countries; states; CEP ranges;
// bands"; "Edit" loads a method into it), and a quote tried as the storefront's checkout would
// ask for it.

import { call, get, query } from "../api.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, form, h, input, replace, table, value } from "../dom.js";
import { money } from "../format.js";
import { t } from "../i18n.js";
import type { components } from "../api-types.js";

type Method = components["schemas"]["ShippingMethod"];
type Quote = components["schemas"]["ShippingQuote"];

/** A zone in words: its countries, and its states or CEP ranges when it has them. */
function zoneText(zone: Method["rates"][number]["zone"]): string {
  const parts = [zone.countries.join(", ")];
  if (zone.states?.length) parts.push(zone.states.join(", "));
  if (zone.postal_codes?.length) parts.push(zone.postal_codes.map((r) => `${r.from}–${r.to}`).join(", "));
  return parts.join(" · ");
}

function methodSection(m: Method): HTMLElement {
  return h(
    "section",
    { class: "panel", "data-method": m.code },
    h("h2", {}, `${m.name} (${m.carrier})`),
    h(
      "p",
      { class: "badges" },
      m.active ? badge(t("shipping.active"), "ok") : badge(t("shipping.inactive"), "warn"),
      m.free_over !== undefined ? badge(t("shipping.freeOver", { amount: money({ amount: m.free_over, currency: m.currency }) }), "info") : null,
    ),
    table(
      m.name,
      [t("shipping.zone"), t("shipping.bands")],
      m.rates.map((r) => [
        document.createTextNode(zoneText(r.zone)),
        document.createTextNode(r.bands.map((b) => `≤ ${b.up_to_grams} g: ${money({ amount: b.price, currency: m.currency })}`).join(" · ")),
      ]),
    ),
  );
}

/** A zone as one line of the form: `BR; SP, RJ; 01000-000..05999-999; 300:990, 1000:1290`. */
function zoneLine(r: Method["rates"][number]): string {
  const z = r.zone;
  return [
    z.countries.join(", "),
    (z.states ?? []).join(", "),
    (z.postal_codes ?? []).map((p) => `${p.from}..${p.to}`).join(", "),
    r.bands.map((b) => `${b.up_to_grams}:${b.price}`).join(", "),
  ].join("; ");
}

const list = (text: string | undefined) => (text ?? "").split(",").map((x) => x.trim()).filter(Boolean);

/** The form's zone lines into rates (the API says which field is wrong, by index). */
function rates(text: string): Method["rates"] {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [countries, states, ceps, bandText] = line.split(";").map((part) => part.trim());
      const postal_codes = list(ceps).map((range) => {
        const [from = "", to = ""] = range.split("..").map((x) => x.trim());
        return { from, to };
      });
      return {
        zone: {
          countries: list(countries),
          ...(list(states).length ? { states: list(states) } : {}),
          ...(postal_codes.length ? { postal_codes } : {}),
        },
        bands: bands(bandText ?? ""),
      };
    });
}

/** "300:990, 1000:1290" into weight bands. */
function bands(text: string): { up_to_grams: number; price: number }[] {
  return text
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [grams, price] = pair.split(":").map((x) => Number(x.trim()));
      return { up_to_grams: grams ?? NaN, price: price ?? NaN };
    });
}

export async function shipping(screen: Screen): Promise<void> {
  const { items } = await get<{ items: Method[] }>("/shipping/methods");
  const result = h("div", { "data-quote": "" });
  const quoteForm = form(
    "quote-form",
    [
      field("country", "field.country", input({ value: "BR", maxlength: 2, required: true })),
      field("state", "shipping.state", input({ maxlength: 3 })),
      field("postal_code", "field.postal_code", input({ maxlength: 20 })),
      field("lines", "shipping.lines", input({ placeholder: "MUG-1:2,CAP-3:1", required: true })),
    ],
    "shipping.quote",
    async (f) => {
      const q = await get<Quote>(
        `/shipping/quote${query({ country: value(f, "country"), state: value(f, "state") || undefined, postal_code: value(f, "postal_code") || undefined, lines: value(f, "lines") })}`,
      );
      replace(
        result,
        h("p", {}, t("shipping.parcel", { grams: q.weight_grams, subtotal: money(q.subtotal) })),
        table(
          t("shipping.quote"),
          [t("shipping.method"), t("shipping.price")],
          q.items.map((o) => [document.createTextNode(`${o.name} (${o.carrier})`), h("span", { "data-offer": o.code }, o.free ? t("shipping.free") : money(o.price))]),
        ),
      );
    },
  );
  const zones = h("textarea", { rows: 4, required: true, placeholder: "BR; SP, RJ; ; 300:990, 1000:1290\nBR; ; ; 300:1590, 1000:1990" }, "BR; ; ; ");
  const saveForm = form(
    "method-form",
    [
      field("code", "shipping.code", input({ required: true, pattern: "[a-z0-9_-]{1,40}" })),
      field("name", "field.name", input({ required: true })),
      field("carrier", "shipping.carrier", input({ required: true })),
      field("service_code", "shipping.serviceCode", input({})),
      field("currency", "shipping.currency", input({ value: "BRL", maxlength: 3, required: true })),
      field("zones", "shipping.zonesInput", zones),
      field("free_over", "shipping.freeOverInput", input({ type: "number", min: 0 })),
    ],
    "common.save",
    async (f) => {
      const free = value(f, "free_over");
      await call("PUT", `/shipping/methods/${encodeURIComponent(value(f, "code"))}`, {
        name: value(f, "name"),
        carrier: value(f, "carrier"),
        service_code: value(f, "service_code"),
        currency: value(f, "currency"),
        rates: rates(zones.value),
        ...(free ? { free_over: Number(free) } : {}),
      });
      screen.refresh();
    },
  );
  /** Loads a method into the form, to change it and save it again. */
  const load = (m: Method) => {
    const set = (name: string, v: string) => ((saveForm.elements.namedItem(name) as HTMLInputElement).value = v);
    set("code", m.code);
    set("name", m.name);
    set("carrier", m.carrier);
    set("service_code", m.service_code);
    set("currency", m.currency);
    set("free_over", m.free_over === undefined ? "" : String(m.free_over));
    zones.value = m.rates.map(zoneLine).join("\n");
    saveForm.scrollIntoView();
  };
  replace(
    screen.main,
    h("h1", {}, t("shipping.title")),
    items.length
      ? items.map((m) => {
          const section = methodSection(m);
          if (can(screen, "stock:write")) {
            section.append(h("button", { type: "button", "data-edit-method": m.code, onclick: () => load(m) }, t("shipping.edit")));
          }
          return section;
        })
      : empty(),
    h("section", { class: "panel" }, h("h2", {}, t("shipping.quote")), quoteForm, result),
    can(screen, "stock:write") ? h("section", { class: "panel" }, h("h2", {}, t("shipping.save")), saveForm) : null,
  );
}
