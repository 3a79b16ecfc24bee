// The service inbox: conversations by state and assignee, most recently changed or oldest first,
// each marked when past its first-response target; a conversation's thread with the customer's
// messages (text only, attachments as download links, the receiving server's verdicts), the
// replies sent and the staff's internal notes; reply, note, assign, tag, close and reopen.

import { call, get, post, query, type Page } from "../api.js";
import { can, type Screen } from "../context.js";
import { badge, empty, field, form, h, input, link, replace, select, table, value } from "../dom.js";
import { dateTime } from "../format.js";
import { t, tKnown } from "../i18n.js";
import { go, href } from "../router.js";
import { pager } from "../pager.js";
import type { Conversation, ConversationMessage, ConversationThread } from "../schema.js";

const STATES = ["open", "waiting_on_customer", "closed"] as const;

const STATE_TONE: Record<Conversation["state"], "ok" | "warn" | "info"> = {
  open: "warn",
  waiting_on_customer: "info",
  closed: "ok",
};

function stateBadge(state: Conversation["state"]): HTMLElement {
  return h("span", { "data-conversation-state": state }, badge(tKnown("inbox.state", state), STATE_TONE[state]));
}

/** When the first response is due, and a marker once it is late. */
function dueCell(c: Conversation): HTMLElement {
  if (c.first_response_at) return h("span", { class: "muted" }, t("inbox.answered"));
  if (!c.first_response_due_at) return h("span", {}, "—");
  return h(
    "span",
    { "data-overdue": String(Boolean(c.overdue)) },
    c.overdue ? badge(t("inbox.overdue"), "bad") : null,
    " ",
    h("time", { datetime: c.first_response_due_at }, dateTime(c.first_response_due_at)),
  );
}

/** The conversations as a table: subject, correspondent, state, first response due, last change. */
export function conversationTable(items: Conversation[]): HTMLElement {
  return table(
    t("inbox.title"),
    [t("inbox.subject"), t("inbox.from"), t("inbox.stateLabel"), t("inbox.assignee"), t("inbox.due"), t("inbox.updated")],
    items.map((c) => [
      link(href(`inbox/${c.id}`), c.subject),
      document.createTextNode(c.name ?? c.email ?? "—"),
      stateBadge(c.state),
      document.createTextNode(c.assignee ?? "—"),
      dueCell(c),
      h("time", { datetime: c.updated_at }, dateTime(c.updated_at)),
    ]),
  );
}

export async function inbox(screen: Screen): Promise<void> {
  const params = screen.location.params;
  const state = params.get("state") ?? "open";
  const assignee = params.get("assignee") ?? "";
  const order = params.get("order") ?? "newest";
  const page = await get<Page<Conversation>>(
    `/conversations${query({ state, assignee: assignee || undefined, order, limit: 25, cursor: params.get("cursor") })}`,
  );
  const stateChooser = select(STATES.map((s): [string, string] => [s, tKnown("inbox.state", s)]), state);
  const orderChooser = select([["newest", t("inbox.newest")], ["oldest", t("inbox.oldest")]], order);
  const who = input({ type: "search", value: assignee, maxlength: 200 });
  const apply = () =>
    go("inbox", { state: stateChooser.value, order: orderChooser.value, ...(who.value.trim() ? { assignee: who.value.trim() } : {}) });
  stateChooser.addEventListener("change", apply);
  orderChooser.addEventListener("change", apply);
  const filters = h(
    "form",
    { class: "filters" },
    field("state", "inbox.stateLabel", stateChooser),
    field("assignee", "inbox.assignee", who),
    field("order", "inbox.age", orderChooser),
    h("button", { type: "submit" }, t("common.filter")),
  );
  filters.addEventListener("submit", (e) => {
    e.preventDefault();
    apply();
  });
  replace(
    screen.main,
    h("h1", {}, t("inbox.title")),
    filters,
    page.items.length ? conversationTable(page.items) : empty(),
    pager(screen, "inbox", page.next_cursor),
  );
}

/** SPF, DKIM and DMARC as the receiving server judged them. */
function verdicts(v: NonNullable<Conversation["verdicts"]>): HTMLElement {
  return h(
    "p",
    { class: "badges", "data-verdicts": `${v.spf}/${v.dkim}/${v.dmarc}` },
    (["spf", "dkim", "dmarc"] as const).map((name) => badge(`${name.toUpperCase()} ${v[name] ? t("inbox.pass") : t("inbox.fail")}`, v[name] ? "ok" : "bad")),
  );
}

function messageItem(c: Conversation, m: ConversationMessage): HTMLElement {
  const who = m.direction === "inbound" ? c.name ?? c.email ?? "" : m.author;
  return h(
    "li",
    { "data-direction": m.direction, class: m.direction === "note" ? "note" : "" },
    h(
      "p",
      { class: "muted" },
      `${tKnown("inbox.direction", m.direction)} · ${who} · `,
      h("time", { datetime: m.at }, dateTime(m.at)),
      m.delivery ? h("span", { "data-delivery": m.delivery.status }, " · ", badge(tKnown("inbox.delivery", m.delivery.status), m.delivery.status === "sent" ? "ok" : "warn")) : null,
    ),
    // Text only, never HTML: what a customer wrote is shown exactly as characters.
    h("p", { class: "message-text" }, m.text),
    m.links?.length
      ? h(
          "ul",
          { class: "attachments" },
          m.links.map((a) => h("li", {}, h("a", { href: a.url, download: a.filename, rel: "noopener noreferrer" }, a.filename), ` (${a.content_type})`)),
        )
      : null,
  );
}

export async function conversation(screen: Screen, id: string): Promise<void> {
  const path = `/conversations/${encodeURIComponent(id)}`;
  const { conversation: c, messages } = await get<ConversationThread>(path);
  const writable = can(screen, "customers:write") && !c.erased;
  const replyForm = form(
    "reply-form",
    [field("text", "inbox.reply", h("textarea", { rows: 5, required: true }))],
    "inbox.send",
    async (f) => {
      await post(`${path}/replies`, { text: value(f, "text") });
      screen.refresh();
    },
  );
  const noteForm = form(
    "note-form",
    [field("text", "inbox.note", h("textarea", { rows: 3, required: true }))],
    "inbox.addNote",
    async (f) => {
      await post(`${path}/notes`, { text: value(f, "text") });
      screen.refresh();
    },
  );
  const assignForm = form(
    "assign-form",
    [
      field("assignee", "inbox.assignee", input({ value: c.assignee ?? "", maxlength: 200 })),
      field("tags", "inbox.tags", input({ value: (c.tags ?? []).join(", ") })),
    ],
    "common.save",
    async (f) => {
      const assignee = value(f, "assignee").trim();
      const tags = value(f, "tags").split(",").map((s) => s.trim()).filter(Boolean);
      await call("PATCH", path, { assignee: assignee || null, tags });
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
      c.overdue ? h("span", { "data-overdue": "true" }, badge(t("inbox.overdue"), "bad")) : null,
      (c.tags ?? []).map((tag) => badge(tag)),
      h("span", { class: "muted" }, `${c.name ?? ""} ${c.email ? `<${c.email}>` : ""}`.trim()),
    ),
    h(
      "div",
      { class: "columns" },
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("inbox.thread")),
        h("ol", { class: "thread" }, messages.map((m) => messageItem(c, m))),
        writable && c.email ? replyForm : null,
        writable ? noteForm : null,
      ),
      h(
        "section",
        { class: "panel" },
        h("h2", {}, t("inbox.about")),
        c.customer_id && can(screen, "customers:read") ? h("p", {}, `${t("order.customer")}: `, link(href(`customers/${c.customer_id}`), c.customer_id)) : h("p", { class: "muted" }, t("inbox.noCustomer")),
        c.order_id ? h("p", {}, `${t("returns.order")}: `, link(href(`orders/${c.order_id}`), c.order_id)) : null,
        c.verdicts ? verdicts(c.verdicts) : null,
        c.first_response_due_at && !c.first_response_at ? h("p", {}, `${t("inbox.due")}: `, dueCell(c)) : null,
        writable ? assignForm : null,
        writable ? toggle : null,
      ),
    ),
  );
}
