import { ApiError, call, get, post, query, type Page } from "../api.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, form, h, input, link, replace, select, table, value } from "../dom.js";
import { dateTime, money, type Money } from "../format.js";
import { t } from "../i18n.js";
import { go, href } from "../router.js";
import { addressLines } from "./order.js";
import { pager } from "../pager.js";
import { statusBadge } from "./orders.js";
import { conversationTable } from "./inbox.js";
import type { Conversation, Customer, CustomerAddress as Address, Order as OrderRow } from "../schema.js";


export async function customers(screen: Screen): Promise<void> {
  const q = screen.location.params.get("q") ?? "";
  // An e-mail address is looked up exactly; anything else is the start of a word of the name.
  const by = q.includes("@") ? { email: q } : { q };
  // Before any search, the newest customers.
  const page = await get<Page<Customer>>(`/customers${query({ ...(q ? by : {}), cursor: screen.location.params.get("cursor"), limit: 25 })}`);
  const search = input({ type: "search", value: q, placeholder: t("customers.searchHint") });
  const filters = h("form", { class: "filters", role: "search" }, field("q", "field.search", search), h("button", { type: "submit" }, t("common.search")));
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    go("customers", { q: search.value.trim() || null });
  });
  const create = can(screen, "customers:write")
    ? h(
        "details",
        { class: "panel", "data-form": "new-customer" },
        h("summary", {}, t("customers.new")),
        form("customer-form", [
          field("name", "field.name", input({ required: true, autocomplete: "off" })),
          field("email", "field.email", input({ type: "email", autocomplete: "off" })),
          field("phone", "field.phone", input({ type: "tel", autocomplete: "off" })),
          field("line1", "field.line1", input({ required: true, autocomplete: "off" })),
          field("city", "field.city", input({ required: true, autocomplete: "off" })),
          field("postal_code", "field.postal_code", input({ required: true, autocomplete: "off" })),
          field("country", "field.country", input({ value: "BR", maxlength: 2, required: true })),
          field("marketing_consent", "field.marketing", input({ type: "checkbox" })),
        ], "customers.new", async (f) => {
          const name = value(f, "name");
          const consent = (f.elements.namedItem("marketing_consent") as HTMLInputElement).checked;
          const created = await post<Customer>("/customers", {
            name,
            ...(value(f, "email") ? { email: value(f, "email") } : {}),
            ...(value(f, "phone") ? { phone: value(f, "phone") } : {}),
            addresses: [{
              kind: "shipping",
              default: true,
              recipient: name,
              line1: value(f, "line1"),
              city: value(f, "city"),
              postal_code: value(f, "postal_code"),
              country: value(f, "country").toUpperCase(),
            }],
            marketing_consent: { granted: consent },
          });
          go(`customers/${created.body.id}`);
        }),
      )
    : null;
  replace(
    screen.main,
    h("h1", {}, t("customers.title")),
    filters,
    create,
    page.items.length
      ? table(
          t("customers.title"),
          [t("field.name"), t("field.email"), t("field.phone")],
          page.items.map((c) => [link(href(`customers/${c.id}`), c.name ?? c.id), document.createTextNode(c.email ?? ""), document.createTextNode(c.phone ?? "")]),
        )
      : q
        ? empty()
        : null,
    pager(screen, "customers", page.next_cursor),
  );
}

function editForm(screen: Screen, path: string, customer: Customer, etag: string): HTMLFormElement {
  let current = { customer, etag };
  const f = form("customer-form", [
    field("name", "field.name", input({ value: customer.name ?? "", required: true })),
    field("email", "field.email", input({ type: "email", value: customer.email ?? "" })),
    field("phone", "field.phone", input({ type: "tel", value: customer.phone ?? "" })),
    field("tags", "field.tags", input({ value: (customer.tags ?? []).join(", ") })),
    field("language", "field.language", select([["", t("customer.languageShop")], ["pt-BR", t("language.pt-BR")], ["en", t("language.en")]], customer.language ?? "")),
    field("notes", "field.notes", h("textarea", { rows: 3 }, customer.notes ?? "")),
  ], "common.save", async (f) => {
    const patch = {
      name: value(f, "name"),
      email: value(f, "email") || null,
      phone: value(f, "phone") || null,
      tags: value(f, "tags").split(",").map((s) => s.trim()).filter(Boolean),
      language: value(f, "language") || null,
      notes: value(f, "notes") || null,
    };
    try {
      await call("PATCH", path, patch, { "content-type": "application/merge-patch+json", "if-match": current.etag });
      screen.refresh();
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        // Someone saved first: show what is stored now, never overwrite it blindly.
        const fresh = await call<Customer>("GET", path);
        current = { customer: fresh.body, etag: fresh.etag ?? "" };
        for (const name of ["name", "email", "phone", "notes"] as const) {
          (f.elements.namedItem(name) as HTMLInputElement).value = fresh.body[name] ?? "";
        }
        (f.elements.namedItem("tags") as HTMLInputElement).value = (fresh.body.tags ?? []).join(", ");
        f.querySelector(".form-error")!.textContent = t("customer.changed");
        return;
      }
      throw error;
    }
  });
  return f;
}

function eraseSection(screen: Screen, path: string, customer: Customer): HTMLElement {
  const name = customer.name ?? customer.id;
  const dialog = h(
    "dialog",
    { class: "confirm", "aria-labelledby": "erase-title" },
    h("h2", { id: "erase-title" }, t("customer.erase")),
    h("p", {}, t("customer.eraseConfirm", { name })),
    h("p", { class: "form-error", role: "alert" }),
    h(
      "div",
      { class: "buttons" },
      h("button", { type: "button", class: "danger", "data-confirm": "erase", onclick: async () => {
        try {
          await post(`${path}/erase`);
          dialog.close();
          screen.refresh();
        } catch (error) {
          dialog.querySelector(".form-error")!.textContent = error instanceof ApiError ? error.problem.detail : String(error);
        }
      } }, t("customer.eraseYes", { name })),
      h("button", { type: "button", onclick: () => dialog.close() }, t("common.cancel")),
    ),
  );
  return h("div", {}, h("button", { type: "button", class: "danger", onclick: () => dialog.showModal() }, t("customer.erase")), dialog);
}

async function download(path: string, filename: string): Promise<void> {
  const answer = await call<unknown>("GET", path);
  const blob = new Blob([JSON.stringify(answer.body, null, 2)], { type: "application/json" });
  const a = h("a", { href: URL.createObjectURL(blob), download: filename });
  document.body.appendChild(a);
  a.click();
  a.remove();
}

export async function customer(screen: Screen, id: string): Promise<void> {
  const path = `/customers/${encodeURIComponent(id)}`;
  const [answer, orders, conversations] = await Promise.all([
    call<Customer>("GET", path),
    get<Page<OrderRow>>(`${path}/orders?limit=25`),
    get<Page<Conversation>>(`/conversations?customer_id=${encodeURIComponent(id)}`),
  ]);
  const c = answer.body;
  const writable = can(screen, "customers:write");
  const erased = Boolean(c.erasure);
  replace(
    screen.main,
    h("h1", {}, c.name ?? c.id),
    erased ? h("p", { class: "notice" }, t("customer.erased")) : null,
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("customer.contact")),
        h("dl", { class: "totals" }, h("dt", {}, t("field.email")), h("dd", {}, c.email ?? t("common.none")), h("dt", {}, t("field.phone")), h("dd", {}, c.phone ?? t("common.none")), h("dt", {}, t("field.language")), h("dd", {}, c.language ? t(`language.${c.language}`) : t("customer.languageShop"))),
        c.email_suppression
          ? h("p", { "data-email-suppressed": c.email_suppression.reason }, badge(t(`customer.suppressed.${c.email_suppression.reason}`), "warn"), " ", h("span", { class: "muted" }, t("customer.suppressedSince", { at: dateTime(c.email_suppression.at) })))
          : null,
        h("h2", {}, t("customer.consent")),
        c.marketing_consent?.granted ? badge(t("customer.consentGranted"), "ok") : badge(t("customer.consentRefused")),
        c.tags?.length ? h("p", {}, c.tags.map((tag) => badge(tag))) : null,
        c.notes ? h("p", { class: "notes" }, c.notes) : null,
        h("h2", {}, t("customer.addresses")),
        (c.addresses ?? []).map((a) => addressLines(a)),
      ),
      writable && !erased ? h("section", { class: "panel" }, h("h2", {}, t("customer.edit")), editForm(screen, path, c, answer.etag ?? "")) : null,
    ),
    h(
      "section",
      { class: "panel" },
      h("h2", {}, t("customer.orders")),
      orders.items.length
        ? table(
            t("customer.orders"),
            [t("orders.id"), t("orders.placed"), t("orders.status"), t("orders.total")],
            orders.items.map((o) => [link(href(`orders/${o.id}`), o.id), document.createTextNode(dateTime(o.placed_at)), statusBadge(o.status), document.createTextNode(money(o.total))]),
          )
        : empty(),
    ),
    h(
      "section",
      { class: "panel", "data-customer-conversations": "" },
      h("h2", {}, t("customer.conversations")),
      conversations.items.length ? conversationTable(conversations.items) : empty(),
    ),
    h(
      "section",
      { class: "panel" },
      h("button", { type: "button", onclick: () => download(`${path}/export`, `customer-${c.id}.json`) }, t("customer.export")),
      writable && !erased ? eraseSection(screen, path, c) : null,
    ),
  );
}
