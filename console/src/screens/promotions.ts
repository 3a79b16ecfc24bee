// Promotions: every coupon and automatic offer with its redemptions left, a form that creates
// one, and a button that pauses or resumes it (the whole promotion is saved again with
// `active` flipped, as the API takes it).

import { call, get } from "../api.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, form, h, input, replace, select, showError, table, text, value } from "../dom.js";
import { count, money } from "../format.js";
import { t } from "../i18n.js";
import type { components } from "../api-types.js";

type Promotion = components["schemas"]["Promotion"];
type PromotionInput = components["schemas"]["PromotionInput"];

/** What a promotion gives, in words. */
function benefitText(p: Promotion): string {
  const b = p.benefit;
  if (b.kind === "percent_off") return t("promotions.percentOff", { percent: b.percent });
  if (b.kind === "amount_off") return t("promotions.amountOff", { amount: money({ amount: b.amount, currency: p.currency }) });
  return t("promotions.freeShipping");
}

/** The promotion as `PUT` takes it: what `GET` shows less the code, version and counts. */
function asInput(p: Promotion): PromotionInput {
  const { code: _code, version: _version, redeemed: _redeemed, remaining: _remaining, ...input } = p;
  return input;
}

function pauseButton(screen: Screen, p: Promotion): HTMLElement {
  const button = h("button", { type: "button", "data-toggle": p.code }, p.active ? t("promotions.pause") : t("promotions.resume"));
  button.addEventListener("click", async () => {
    try {
      await call("PUT", `/promotions/${encodeURIComponent(p.code)}`, { ...asInput(p), active: !p.active });
      screen.refresh();
    } catch (error) {
      showError(button.parentElement ?? screen.main, error);
    }
  });
  return button;
}

function row(screen: Screen, p: Promotion, writable: boolean): Node[] {
  return [
    h("code", { "data-promotion": p.code }, p.code),
    text(p.name),
    text(benefitText(p)),
    h(
      "span",
      { class: "badges" },
      p.active ? badge(t("promotions.active"), "ok") : badge(t("promotions.paused"), "warn"),
      p.automatic ? badge(t("promotions.automatic"), "info") : badge(t("promotions.coupon"), "info"),
      p.combinable ? badge(t("promotions.combinable"), "info") : null,
    ),
    h("span", { "data-redeemed": p.code }, count(p.redeemed)),
    h("span", { "data-remaining": p.code }, p.remaining === undefined ? "∞" : count(p.remaining)),
    writable ? pauseButton(screen, p) : text(""),
  ];
}

function benefit(f: HTMLFormElement): PromotionInput["benefit"] {
  const kind = value(f, "kind");
  if (kind === "amount_off") return { kind, amount: Number(value(f, "amount")) };
  if (kind === "free_shipping") return { kind };
  return { kind: "percent_off", percent: Number(value(f, "amount")) };
}

function createForm(screen: Screen): HTMLFormElement {
  const kinds: [string, string][] = [
    ["percent_off", t("promotions.kind.percent")],
    ["amount_off", t("promotions.kind.amount")],
    ["free_shipping", t("promotions.freeShipping")],
  ];
  return form(
    "promotion-form",
    [
      field("code", "promotions.code", input({ required: true, maxlength: 32 })),
      field("name", "field.name", input({ required: true, maxlength: 100 })),
      field("kind", "promotions.kind", select(kinds, "percent_off")),
      field("amount", "promotions.amount", input({ type: "number", min: 0 })),
      field("currency", "shipping.currency", input({ value: "BRL", maxlength: 3, required: true })),
      field("limit", "promotions.limit", input({ type: "number", min: 1 })),
      field("per_customer_limit", "promotions.perCustomer", input({ type: "number", min: 1 })),
      field("automatic", "promotions.automatic", select([["no", t("common.no")], ["yes", t("common.yes")]], "no")),
      field("combinable", "promotions.combinable", select([["no", t("common.no")], ["yes", t("common.yes")]], "no")),
    ],
    "common.save",
    async (f) => {
      const number = (name: string) => (value(f, name) ? Number(value(f, name)) : undefined);
      const body: PromotionInput = {
        name: value(f, "name"),
        benefit: benefit(f),
        currency: value(f, "currency"),
        automatic: value(f, "automatic") === "yes",
        combinable: value(f, "combinable") === "yes",
        active: true,
        ...(number("limit") ? { limit: number("limit") } : {}),
        ...(number("per_customer_limit") ? { per_customer_limit: number("per_customer_limit") } : {}),
      };
      await call("PUT", `/promotions/${encodeURIComponent(value(f, "code"))}`, body);
      screen.refresh();
    },
  );
}

export async function promotions(screen: Screen): Promise<void> {
  const { items } = await get<{ items: Promotion[] }>("/promotions");
  const writable = can(screen, "stock:write");
  replace(
    screen.main,
    h("h1", {}, t("promotions.title")),
    items.length
      ? table(
          t("promotions.title"),
          [t("promotions.code"), t("field.name"), t("promotions.benefit"), t("promotions.state"), t("promotions.redeemed"), t("promotions.remaining"), ""],
          items.map((p) => row(screen, p, writable)),
        )
      : empty(),
    writable ? h("section", { class: "panel" }, h("h2", {}, t("promotions.create")), createForm(screen)) : null,
  );
}
