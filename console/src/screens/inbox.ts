// The service inbox: conversations by state, most recently changed first, and a conversation's
// thread with the customer's messages and the staff's internal notes; a note, close and reopen.

import { get, post, query, type Page } from "../api.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, form, h, link, replace, select, table, value } from "../dom.js";
import { dateTime } from "../format.js";
import { t, tKnown } from "../i18n.js";
import { go, href } from "../router.js";
import { pager } from "../pager.js";
import type { Conversation, ConversationThread } from "../schema.js";

const STATES = ["open", "waiting_on_customer", "closed"] as const;

const STATE_TONE: Record<Conversation["state"], "ok" | "warn" | "info"> = {
  open: "warn",
  waiting_on_customer: "info",
  closed: "ok",
};

function stateBadge(state: Conversation["state"]): HTMLElement {
  return h("span", { "data-conversation-state": state }, badge(tKnown("inbox.state", state), STATE_TONE[state]));
}

export async function inbox(screen: Screen): Promise<void> {
  const state = screen.location.params.get("state") ?? "open";
  const page = await get<Page<Conversation>>(`/conversations${query({ state, limit: 25, cursor: screen.location.params.get("cursor") })}`);
  const chooser = select(STATES.map((s): [string, string] => [s, tKnown("inbox.state", s)]), state);
  chooser.addEventListener("change", () => go("inbox", { state: chooser.value }));
  replace(
    screen.main,
    h("h1", {}, t("inbox.title")),
    h("form", { class: "filters" }, field("state", "inbox.stateLabel", chooser)),
    page.items.length
      ? table(
          t("inbox.title"),
          [t("inbox.subject"), t("inbox.from"), t("inbox.stateLabel"), t("inbox.updated")],
          page.items.map((c) => [
            link(href(`inbox/${c.id}`), c.subject),
            document.createTextNode(c.name ?? c.email ?? "—"),
            stateBadge(c.state),
            h("time", { datetime: c.updated_at }, dateTime(c.updated_at)),
          ]),
        )
      : empty(),
    pager(screen, "inbox", page.next_cursor),
  );
}

export async function conversation(screen: Screen, id: string): Promise<void> {
  const path = `/conversations/${encodeURIComponent(id)}`;
  const { conversation: c, messages } = await get<ConversationThread>(path);
  const writable = can(screen, "customers:write");
  const noteForm = form(
    "note-form",
    [field("text", "inbox.note", h("textarea", { rows: 3, required: true }))],
    "inbox.addNote",
    async (f) => {
      await post(`${path}/notes`, { text: value(f, "text") });
      screen.refresh();
    },
  );
  const toggle = c.state === "closed"
    ? h("button", { type: "button", onclick: async () => { await post(`${path}/reopen`); screen.refresh(); } }, t("inbox.reopen"))
    : h("button", { type: "button", onclick: async () => { await post(`${path}/close`); screen.refresh(); } }, t("inbox.close"));
  replace(
    screen.main,
    h("h1", {}, c.subject),
    h(
      "p",
      { class: "badges" },
      stateBadge(c.state),
      badge(tKnown("inbox.channel", c.channel), "info"),
      h("span", { class: "muted" }, `${c.name ?? ""} ${c.email ? `<${c.email}>` : ""}`.trim()),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("inbox.thread")),
        h(
          "ol",
          { class: "thread" },
          messages.map((m) =>
            h(
              "li",
              { "data-direction": m.direction, class: m.direction === "note" ? "note" : "" },
              h("p", { class: "muted" }, `${tKnown("inbox.direction", m.direction)} · ${m.direction === "inbound" ? c.name ?? c.email ?? "" : m.author} · `, h("time", { datetime: m.at }, dateTime(m.at))),
              // Text only, never HTML: what a customer wrote is shown exactly as characters.
              h("p", { class: "message-text" }, m.text),
            ),
          ),
        ),
        writable ? noteForm : null,
      ),
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("inbox.about")),
        c.customer_id && can(screen, "customers:read") ? h("p", {}, `${t("order.customer")}: `, link(href(`customers/${c.customer_id}`), c.customer_id)) : h("p", { class: "muted" }, t("inbox.noCustomer")),
        c.order_id ? h("p", {}, `${t("returns.order")}: `, link(href(`orders/${c.order_id}`), c.order_id)) : null,
        writable ? toggle : null,
      ),
    ),
  );
}
