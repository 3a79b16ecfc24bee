// The console's frame: configuration, language, navigation, and the screen of the address.

import { ApiError, configure, Unreachable } from "./api.js";
import { completeSignIn, scopesOf, signIn, signOut, validToken, type OAuthConfig } from "./auth.js";
import type { Screen } from "./context.js";
import { describe, h, replace } from "./dom.js";
import { LANGUAGES, pickLanguage, setLanguage, language, t, type Language, type MessageKey } from "./i18n.js";
import { parse, href } from "./router.js";
import { customer, customers } from "./screens/customers.js";
import { order } from "./screens/order.js";
import { orders } from "./screens/orders.js";
import { overview } from "./screens/overview.js";
import { reports } from "./screens/reports.js";
import { audit } from "./screens/audit.js";
import { payments } from "./screens/payments.js";
import { conversation, inbox } from "./screens/inbox.js";
import { shipping } from "./screens/shipping.js";
import { promotions } from "./screens/promotions.js";
import { newOrder } from "./screens/new-order.js";
import { suppliers } from "./screens/suppliers.js";
import { returns } from "./screens/returns.js";
import { stockItem, stockList } from "./screens/stock.js";

/** `config.json` beside the page: where the API is and who the user is. Locally the runner
 * serves it with its development identity's scopes; with `oauth`, the user signs in and the
 * scopes are the access token's. */
interface Config {
  api: string;
  auth: "local" | "bearer" | "oauth";
  scopes: string[];
  /** A bearer token given with the configuration (the local runner's, with LOCAL_AUTH=jwt). */
  token?: string;
  oauth?: Omit<OAuthConfig, "redirectUri">;
}

/** The screens in the header, each with the scope it needs to be shown (none: everyone). */
const NAV: [string, MessageKey, string?][] = [
  ["overview", "nav.overview"],
  ["orders", "nav.orders"],
  ["stock", "nav.stock"],
  ["customers", "nav.customers"],
  ["returns", "nav.returns"],
  ["reports", "nav.reports"],
  ["payments", "nav.payments"],
  ["inbox", "nav.inbox", "customers:read"],
  ["shipping", "nav.shipping"],
  ["promotions", "nav.promotions"],
  ["suppliers", "nav.suppliers", "purchasing:read"],
  ["audit", "nav.audit", "audit:read"],
];

async function route(screen: Screen): Promise<void> {
  const [first = "overview", second] = screen.location.path;
  switch (first) {
    case "overview":
      return overview(screen);
    case "orders":
      if (second === "new") return newOrder(screen);
      return second ? order(screen, second) : orders(screen);
    case "stock":
      return second ? stockItem(screen, second) : stockList(screen);
    case "customers":
      return second ? customer(screen, second) : customers(screen);
    case "returns":
      return returns(screen);
    case "reports":
      return reports(screen);
    case "audit":
      return audit(screen);
    case "payments":
      return payments(screen);
    case "inbox":
      return second ? conversation(screen, second) : inbox(screen);
    case "shipping":
      return shipping(screen);
    case "promotions":
      return promotions(screen);
    case "suppliers":
      return suppliers(screen);
    default:
      throw new ApiError({ status: 404, title: "Not found", detail: t("app.notFound") });
  }
}

function frame(config: Config): HTMLElement {
  const main = h("main", { id: "main", tabindex: -1 });
  const switcher = h(
    "select",
    { id: "language", onchange: (e: Event) => {
      const chosen = (e.target as HTMLSelectElement).value as Language;
      localStorage.setItem("language", chosen);
      setLanguage(chosen);
      start(config);
    } },
    ...LANGUAGES.map((l) => h("option", { value: l, lang: l }, l === "en" ? "English" : "Português (Brasil)")),
  );
  switcher.value = language();
  const current = parse(location.hash).path[0] ?? "overview";
  return h(
    "div",
    { class: "app" },
    h("a", { class: "skip", href: "#main", onclick: (e: Event) => { e.preventDefault(); main.focus(); } }, t("app.skip")),
    h(
      "header",
      { class: "top" },
      h("span", { class: "brand" }, t("app.title")),
      h(
        "nav",
        { "aria-label": t("nav.main") },
        h("ul", {}, NAV.filter(([, , scope]) => !scope || config.scopes.includes(scope)).map(([path, label]) => h("li", {}, h("a", { href: href(path), "aria-current": current === path ? "page" : null }, t(label))))),
      ),
      h(
        "div",
        { class: "language" },
        h("label", { for: "language" }, t("app.language")),
        switcher,
        config.oauth ? h("button", { type: "button", onclick: () => void signOut(oauthOf(config)) }, t("app.signOut")) : null,
      ),
    ),
    main,
  );
}

let config: Config | null = null;

async function show(): Promise<void> {
  if (!config) return;
  const root = document.getElementById("app")!;
  replace(root, frame(config));
  const main = document.getElementById("main")!;
  replace(main, h("p", { class: "loading", role: "status" }, t("app.loading")));
  const screen: Screen = { main, location: parse(location.hash), scopes: config.scopes, refresh: () => void show() };
  try {
    await route(screen);
    document.title = `${main.querySelector("h1")?.textContent ?? ""} · ${t("app.title")}`;
  } catch (error) {
    // The access token ran out (an hour on AWS): sign in again, back to this screen.
    if (error instanceof ApiError && error.status === 401 && config.auth === "oauth" && config.oauth) {
      await signInHere(oauthOf(config));
      return;
    }
    const unreachable = error instanceof Unreachable;
    replace(
      main,
      h("h1", {}, unreachable ? t("app.title") : error instanceof ApiError && error.status === 404 ? t("app.notFound") : t("app.title")),
      h("p", { class: unreachable ? "notice notice-bad" : "notice", role: "alert" }, describe(error)),
      h("button", { type: "button", onclick: () => void show() }, t("app.retry")),
    );
  }
}

function start(c: Config): void {
  config = c;
  document.documentElement.lang = language();
  void show();
}

function oauthOf(c: Config): OAuthConfig {
  return { ...(c.oauth as Omit<OAuthConfig, "redirectUri">), redirectUri: `${location.origin}/` };
}

/** Signs in, and comes back to the screen the user was on (a shared link survives sign-in). */
async function signInHere(oauth: OAuthConfig): Promise<void> {
  sessionStorage.setItem(RETURN_TO, location.hash);
  await signIn(oauth);
}

const RETURN_TO = "return_to";

async function boot(): Promise<void> {
  setLanguage(pickLanguage(navigator.languages, localStorage.getItem("language")));
  document.documentElement.lang = language();
  let c: Config;
  try {
    const response = await fetch("config.json");
    c = (await response.json()) as Config;
  } catch {
    document.getElementById("app")!.replaceChildren(h("p", { class: "notice notice-bad", role: "alert" }, t("app.unreachable")));
    return;
  }
  if (c.auth === "oauth" && c.oauth) {
    const oauth = oauthOf(c);
    const returning = new URL(location.href).searchParams.has("code");
    const signedIn = await completeSignIn(oauth, new URL(location.href)).catch(() => false);
    if (signedIn) {
      const back = sessionStorage.getItem(RETURN_TO);
      sessionStorage.removeItem(RETURN_TO);
      if (back) history.replaceState(null, "", back);
    }
    const token = await validToken(oauth);
    if (!token && returning && !signedIn) {
      // Never straight back to the sign-in page: with a session there, that would loop.
      document.getElementById("app")!.replaceChildren(
        h("main", { id: "main" }, h("h1", {}, t("app.title")), h("p", { class: "notice notice-bad", role: "alert" }, t("app.signInFailed")),
          h("button", { type: "button", onclick: () => void signInHere(oauth) }, t("app.signIn"))),
      );
      return;
    }
    if (!token) {
      await signInHere(oauth);
      return;
    }
    c = { ...c, scopes: scopesOf(token) };
  }
  const given = c.token ?? null;
  const oauth = c.auth === "oauth" && c.oauth ? oauthOf(c) : null;
  configure(c.api, () => (oauth ? validToken(oauth) : Promise.resolve(given)));
  window.addEventListener("hashchange", () => void show());
  if (!location.hash) history.replaceState(null, "", href("overview"));
  start(c);
}

void boot();
