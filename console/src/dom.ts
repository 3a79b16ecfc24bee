// Building the page: elements from data with text nodes only (never HTML strings, so nothing
// the API returns can inject markup), and forms whose errors sit beside the field they name.

import { ApiError, Unreachable } from "./api.js";
import { money, parseMoney, type Money } from "./format.js";
import { t, type MessageKey } from "./i18n.js";

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(name.replace(/^on/, ""), value);
    else if (value === true) el.setAttribute(name, "");
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: (Child | Child[])[]): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }
}

export function replace(el: Element, ...children: (Child | Child[])[]): void {
  el.replaceChildren();
  append(el, children);
}

let ids = 0;
export function uid(prefix: string): string {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled control with a slot for its error message (aria-describedby points at it). */
export function field(
  name: string,
  label: MessageKey,
  control: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement,
  params?: Record<string, string | number>,
): HTMLElement {
  const id = uid(name);
  control.id = id;
  control.name = name;
  const error = h("p", { class: "field-error", id: `${id}-error`, "data-error-for": name, role: "alert" });
  control.setAttribute("aria-describedby", error.id);
  return h("div", { class: "field" }, h("label", { for: id }, t(label, params)), control, error);
}

export function input(attrs: Attrs = {}): HTMLInputElement {
  return h("input", { type: "text", ...attrs });
}

export function select(options: [string, string][], value = ""): HTMLSelectElement {
  const el = h("select", {}, ...options.map(([v, label]) => h("option", { value: v }, label)));
  el.value = value;
  return el;
}

/** Clears a form's messages. */
export function clearErrors(form: HTMLElement): void {
  for (const el of form.querySelectorAll("[data-error-for], .form-error")) el.textContent = "";
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
}

/** Shows what the API refused next to the field it names (`field` of the problem, or the
 * first segment of a dotted path), or at the form's foot when it names none. */
export function showError(form: HTMLElement, error: unknown): void {
  const message = describe(error);
  const named = error instanceof ApiError ? error.problem.field : undefined;
  const candidates = named ? [named, named.split(/[.[]/)[0] ?? named] : [];
  for (const name of candidates) {
    const slot = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) {
      slot.textContent = message;
      form.querySelector(`[name="${CSS.escape(name)}"]`)?.setAttribute("aria-invalid", "true");
      return;
    }
  }
  const foot = form.querySelector<HTMLElement>(".form-error");
  if (foot) foot.textContent = message;
}

/** An error in words: the API's own detail, or the unreachable message. */
export function describe(error: unknown): string {
  if (error instanceof Unreachable) return t("app.unreachable");
  if (error instanceof ApiError) return error.problem.detail || error.problem.title;
  return t("app.error", { detail: String(error) });
}

/** A form that runs `submit` on submit, with its error line and a busy state. */
export function form(
  className: string,
  children: (Child | Child[])[],
  submitLabel: MessageKey,
  submit: (form: HTMLFormElement) => Promise<void>,
): HTMLFormElement {
  const button = h("button", { type: "submit" }, t(submitLabel));
  const el = h("form", { class: className, novalidate: true }, ...children, h("p", { class: "form-error", role: "alert" }), button);
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(el);
    button.disabled = true;
    try {
      await submit(el);
    } catch (error) {
      showError(el, error);
    } finally {
      button.disabled = false;
    }
  });
  return el;
}

export function value(form: HTMLFormElement, name: string): string {
  const el = form.elements.namedItem(name);
  return el && "value" in el ? String(el.value) : "";
}

/** A table with a caption (for screen readers) and a header row. */
export function table(caption: string, headers: string[], rows: Node[][]): HTMLElement {
  // Focusable and named: a table wider than a phone scrolls, and the keyboard must reach it.
  return h(
    "div",
    { class: "table-wrap", tabindex: 0, role: "region", "aria-label": caption },
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, caption),
      h("thead", {}, h("tr", {}, ...headers.map((x) => h("th", { scope: "col" }, x)))),
      h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((c) => h("td", {}, c))))),
    ),
  );
}

export function text(s: string): Text {
  return document.createTextNode(s);
}

export function link(href: string, label: string): HTMLAnchorElement {
  return h("a", { href }, label);
}

export function empty(): HTMLElement {
  return h("p", { class: "empty" }, t("common.empty"));
}

/** A status shown as a word in a badge (never colour alone). */
export function badge(label: string, tone: "ok" | "warn" | "bad" | "info" = "info"): HTMLElement {
  return h("span", { class: `badge badge-${tone}` }, label);
}

/** A money field, filled with `initial` as a person would type it (figures only). */
export function moneyField(name: string, label: MessageKey, initial?: Money): HTMLElement {
  const text = initial ? money(initial).replace(/[^\d.,]/g, "") : "";
  return field(name, label, input({ inputmode: "decimal", value: text, autocomplete: "off" }));
}

/** A money field's amount in minor units of `currency`; `null`, with the error beside the
 * field, when what was typed is not an amount. */
export function readAmount(form: HTMLFormElement, name: string, currency: string): number | null {
  const amount = parseMoney(value(form, name), currency);
  if (amount === null) {
    const slot = form.querySelector<HTMLElement>(`[data-error-for="${CSS.escape(name)}"]`);
    if (slot) slot.textContent = t("field.invalid");
  }
  return amount;
}
