// A whole shop day through the console only (the order itself comes through the API, as a
// storefront would place it), in a real headless Chromium against the local runner. Each step
// asserts what the screen shows; axe-core runs on every screen, and each screen is
// photographed at desktop and phone width.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { accessible, api, launch, photograph, screenshots, startRunner } from "./harness.mjs";

let runner;
let browser;
let page;
const problems = [];

before(async () => {
  runner = await startRunner();
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: "en-US", timezoneId: "America/Sao_Paulo" });
  page.on("pageerror", (e) => problems.push(String(e)));
  console.log(`screenshots: ${screenshots}`);
});

after(async () => {
  await browser?.close();
  await runner?.stop();
});

async function visit(hash) {
  const url = `${runner.base}/#/${hash}`;
  // The same address again is no navigation at all (not even a hashchange): reload it.
  if (page.url() === url) await page.reload();
  else await page.goto(url);
  await page.locator("main h1").waitFor();
  await page.locator("main .loading").waitFor({ state: "detached" });
}

/** Every screen is checked and photographed the same way. */
async function screen(name) {
  await accessible(page, name);
  await photograph(page, name);
}

async function submit(form) {
  await form.locator("button[type=submit]").click();
}

async function openAction(name) {
  const details = page.locator(`details[data-action="${name}"]`);
  await details.locator("summary").click();
  return details.locator("form");
}

/** Reloads the screen until `check` passes (a queue consumer has to act first). */
async function eventually(hash, check, what) {
  for (let i = 0; i < 60; i++) {
    await visit(hash);
    if (await check()) return;
    await page.waitForTimeout(500);
  }
  assert.fail(`${what} never happened; the screen shows: ${await page.locator("main").textContent()}\n${runner.output().slice(-3000)}`);
}

const figure = (key) => page.locator(`[data-figure="${key}"]`);
const total = (key) => page.locator(`[data-total="${key}"]`);
const state = {};

test("register a product and receive goods", async () => {
  await visit("stock");
  await screen("stock");
  await page.locator('details[data-form="new-product"] summary').click();
  const form = page.locator('details[data-form="new-product"] form');
  await form.getByLabel("SKU").fill("MUG-AZUL");
  await form.getByLabel("Name").fill("Caneca azul 300 ml");
  await form.getByLabel("Unit price").fill("49,90");
  await form.getByLabel("Reorder point").fill("3");
  await submit(form);
  await page.getByRole("heading", { name: "MUG-AZUL · Caneca azul 300 ml" }).waitFor();
  assert.equal(await figure("stock.onHand").textContent(), "0");

  const receive = page.locator("form.adjust-form").first();
  await receive.getByLabel("Units").fill("10");
  await receive.getByLabel("Reference").fill("PO-2026-7");
  await submit(receive);
  await page.locator('[data-figure="stock.onHand"]', { hasText: "10" }).waitFor();
  assert.equal(await figure("stock.available").textContent(), "10");
  assert.match(await page.locator("table").last().textContent(), /Received.*\+10.*PO-2026-7/);
  await screen("stock-item");

  // Price and reorder settings, edited in place.
  const settings = page.locator("form.settings-form");
  await settings.getByLabel("Unit price").fill("52,50");
  await settings.getByLabel("Reorder point").fill("4");
  await submit(settings);
  await page.locator("form.settings-form input[name=reorder_point][value='4']").waitFor();
  const stored = await api(runner.base, "GET", "/stock/MUG-AZUL");
  assert.deepEqual([stored.body.unit_price, stored.body.reorder_point], [{ amount: 5250, currency: "BRL" }, 4]);
  await settings.getByLabel("Unit price").fill("49,90");
  await submit(settings);
  await page.locator("form.settings-form input[name=unit_price][value='49.90']").waitFor();
});

test("a bad price is refused beside its field and nothing is written", async () => {
  await visit("stock");
  await page.locator('details[data-form="new-product"] summary').click();
  const form = page.locator('details[data-form="new-product"] form');
  await form.getByLabel("SKU").fill("BAD-PRICE");
  await form.getByLabel("Name").fill("Nothing");
  await form.getByLabel("Unit price").fill("abc");
  await submit(form);
  assert.equal(await form.locator('[data-error-for="unit_price"]').textContent(), "Not a valid amount");
  // A refusal from the API (a currency that does not exist) is shown in the API's words.
  await form.getByLabel("Unit price").fill("10");
  await form.getByLabel("Currency").fill("XYZ");
  await submit(form);
  await form.locator(".field-error:not(:empty), .form-error:not(:empty)").first().waitFor();
  assert.match(await form.locator(".field-error:not(:empty), .form-error:not(:empty)").first().textContent(), /currency|XYZ/i);
  assert.equal((await api(runner.base, "GET", "/stock/BAD-PRICE")).status, 404);
});

test("create a customer", async () => {
  await visit("customers");
  await page.locator('details[data-form="new-customer"] summary').click();
  const form = page.locator('details[data-form="new-customer"] form');
  await form.getByLabel("Name").fill("João Araújo");
  await form.getByLabel("E-mail").fill("joao@example.com");
  await form.getByLabel("Address").fill("Rua das Flores, 10");
  await form.getByLabel("City").fill("Recife");
  await form.getByLabel("Postal code").fill("50000-000");
  await submit(form);
  await page.getByRole("heading", { name: "João Araújo" }).waitFor();
  state.customer = decodeURIComponent(page.url().split("/").pop());
  assert.match(await page.locator("main").textContent(), /joao@example\.com/);
  assert.match(await page.locator("address").first().textContent(), /Rua das Flores, 10.*Recife/);
  await screen("customer");
  // Before any search, the list shows the newest customers first.
  await visit("customers");
  assert.equal(await page.locator("main table a").first().textContent(), "João Araújo");
});

test("an order placed through the API shows in the list", async () => {
  const placed = await api(runner.base, "POST", "/orders", { customer_id: state.customer, lines: [{ sku: "MUG-AZUL", quantity: 2 }] }, { "idempotency-key": "e2e-cart-1" });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  state.order = placed.body.id;
  await visit("orders");
  const row = page.locator("tr", { has: page.locator(`a[href="#/orders/${state.order}"]`) });
  await row.waitFor();
  assert.match(await row.textContent(), /João Araújo.*Awaiting payment.*R\$99\.80/);
  await screen("orders");
  await visit("orders?status=cancelled");
  assert.equal(await page.locator(`a[href="#/orders/${state.order}"]`).count(), 0, "the status filter applies");
});

test("record payment, then the order reaches 'to pack' on its own", async () => {
  await visit(`orders/${state.order}`);
  assert.equal(await page.locator(`main a[href="#/customers/${state.customer}"]`).textContent(), "João Araújo");
  assert.deepEqual(await page.locator("details[data-action]").evaluateAll((els) => els.map((e) => e.dataset.action)), ["payment", "edit", "cancel"]);
  const pay = await openAction("payment");
  assert.equal(await pay.getByLabel("Amount").inputValue(), "99.80");
  // More than is owed: the API's 422 is shown beside the amount, in words.
  await pay.getByLabel("Amount").fill("150");
  await pay.getByLabel("Gateway reference").fill("PIX-E2E-1");
  await submit(pay);
  await pay.locator('[data-error-for="amount"]:not(:empty)').waitFor();
  assert.match(await pay.locator('[data-error-for="amount"]').textContent(), /outstanding|exceed|more/i);
  await pay.getByLabel("Amount").fill("99,80");
  await submit(pay);
  await page.locator('[data-total="order.amountPaid"]', { hasText: "R$99.80" }).waitFor();
  await eventually(`orders/${state.order}`, async () => (await page.locator(".badges").textContent()).includes("Fulfillment: To pack"), "picking");
  await screen("order");
});

test("pack, ship and deliver", async () => {
  await submit(await openAction("pack"));
  await page.locator(".badges", { hasText: "Fulfillment: Packed" }).waitFor();
  const ship = await openAction("ship");
  await ship.getByLabel("Carrier").fill("Correios");
  await ship.getByLabel("Tracking number").fill("BR123456789BR");
  await submit(ship);
  await page.locator(".badges", { hasText: "Fulfillment: Shipped" }).waitFor();
  assert.match(await page.locator("main").textContent(), /Shipped with Correios, tracking BR123456789BR/);
  assert.equal(await page.locator('details[data-action="cancel"]').count(), 0, "a shipped order cannot be cancelled");
  await submit(await openAction("deliver"));
  await page.locator(".badges", { hasText: "Fulfillment: Delivered" }).waitFor();
  assert.match(await page.locator(".timeline").textContent(), /Order placed.*Payment recorded.*Shipped.*Delivered/s);
  const types = await page.locator(".timeline li").evaluateAll((items) => items.map((li) => li.dataset.type));
  assert.deepEqual(types.filter((x) => ["order.placed", "payment.recorded", "order.shipped", "order.delivered"].includes(x)), ["order.placed", "payment.recorded", "order.shipped", "order.delivered"]);
});

test("open a return, receive it with one damaged unit, refund it", async () => {
  const open = await openAction("return");
  await open.getByLabel("Quantity MUG-AZUL").fill("2");
  await open.getByLabel("Reason").fill("arrived chipped");
  await submit(open);
  await page.locator('details[data-action="return"]').waitFor();

  await visit("returns");
  const item = page.locator("li[data-return]").first();
  assert.match(await item.textContent(), new RegExp(state.order));
  await screen("returns");
  await item.getByLabel("Damaged MUG-AZUL").fill("1");
  await submit(item.locator("form"));
  await page.locator("main .empty").waitFor();

  await visit(`orders/${state.order}`);
  const refund = await openAction("refund");
  await refund.getByLabel("Reason").fill("return");
  await refund.getByLabel("Gateway reference").fill("R-E2E-1");
  await refund.getByLabel("Return").selectOption({ index: 1 });
  await submit(refund);
  await page.locator('[data-total="order.amountRefunded"]', { hasText: "R$99.80" }).waitFor();

  // 10 received − 2 shipped + 2 returned − 1 damaged.
  await visit("stock/MUG-AZUL");
  assert.equal(await figure("stock.onHand").textContent(), "9");
});

test("search a customer without accents, and by e-mail", async () => {
  await visit("customers?q=joao");
  await screen("customers");
  assert.match(await page.locator("table").textContent(), /João Araújo/);
  await page.getByLabel("Search").fill("araujo");
  await page.getByLabel("Search").press("Enter");
  await page.locator("table", { hasText: "João Araújo" }).waitFor();
  await visit("customers?q=JOAO@example.com");
  assert.match(await page.locator("table").textContent(), /João Araújo/, "by e-mail, as stored (lower-cased)");
});

test("a cycle count that loses a race asks again with the new figure", async () => {
  await visit("stock/MUG-AZUL");
  const count = page.locator("form.count-form");
  assert.equal(await count.locator(".count-expected").getAttribute("data-expected"), "9");
  // Someone receives one unit while the keeper counts.
  const moved = await api(runner.base, "POST", "/stock/MUG-AZUL/adjustments", { delta: 1, reason: "found" });
  assert.equal(moved.status, 201);
  await count.getByLabel("Counted on hand").fill("9");
  await submit(count);
  await count.locator(".form-error", { hasText: "on hand is now 10" }).waitFor();
  assert.equal(await count.locator(".count-expected").getAttribute("data-expected"), "10");
  await count.getByLabel("Counted on hand").fill("10");
  await submit(count);
  await page.locator(".form-error:not(:empty)").waitFor({ state: "detached" }).catch(() => {});
  await page.locator("table", { hasText: "count" }).waitFor();
  assert.equal(await figure("stock.onHand").textContent(), "10");
});

test("a concurrent customer edit never overwrites", async () => {
  await visit(`customers/${state.customer}`);
  const edit = page.locator("form.customer-form");
  const current = await api(runner.base, "GET", `/customers/${state.customer}`);
  const other = await api(runner.base, "PATCH", `/customers/${state.customer}`, { phone: "+5581999990000" }, { "content-type": "application/merge-patch+json", "if-match": current.etag });
  assert.equal(other.status, 200);
  await edit.getByLabel("Tags (comma separated)").fill("vip");
  await submit(edit);
  await edit.locator(".form-error", { hasText: "Changed by someone else" }).waitFor();
  assert.equal(await edit.getByLabel("Phone").inputValue(), "+5581999990000");
  await edit.getByLabel("Tags (comma separated)").fill("vip");
  await submit(edit);
  await page.locator("main .badge", { hasText: "vip" }).waitFor();
});

test("reports and the overview show the day", async () => {
  await visit("reports");
  assert.match(await page.locator("table").first().textContent(), /BRL.*R\$99\.80/);
  await screen("reports");
  // A CSV export, followed from the button to its file.
  await page.locator('button[data-export="catalog"]').click();
  const download = page.locator("a.download");
  await download.waitFor({ timeout: 60000 });
  const csv = await (await fetch(await download.getAttribute("href"))).text();
  assert.match(csv.split("\n")[0], /sku/i);
  assert.match(csv, /MUG-AZUL.*Caneca azul 300 ml/);
  await visit("overview");
  assert.equal(await page.locator("svg.chart").count(), 1, "a chart for BRL");
  assert.match(await page.locator("svg.chart").textContent(), /Net sales per day in BRL/);
  await screen("overview");
});

test("export the customer's data, then erase them after a confirmation that names them", async () => {
  await visit(`customers/${state.customer}`);
  const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export data (JSON)" }).click()]);
  const exported = JSON.parse(readFileSync(await file.path(), "utf8"));
  assert.match(JSON.stringify(exported), /João Araújo/);
  assert.match(JSON.stringify(exported), new RegExp(state.order));
  await page.getByRole("button", { name: "Erase customer" }).click();
  const dialog = page.locator("dialog[open]");
  assert.match(await dialog.textContent(), /Erase João Araújo\?.*Orders, payments and returns are kept/s);
  await dialog.getByRole("button", { name: "Erase João Araújo" }).click();
  await page.locator(".notice", { hasText: "personal data was erased" }).waitFor({ timeout: 5000 }).catch(async () => {
    assert.fail(`not erased; the dialog says: ${await page.locator("dialog").textContent()}`);
  });
  const stored = await api(runner.base, "GET", `/customers/${state.customer}`);
  assert.ok(stored.body.erasure, JSON.stringify(stored.body));
  assert.doesNotMatch(JSON.stringify(stored.body), /João|joao@example/);
  assert.equal(await page.locator("form.customer-form").count(), 0, "an erased customer is not edited");
});

test("the audit trail: an order's changes within a day, then what its actor did", async () => {
  await visit("audit");
  await accessible(page, "audit-empty");
  await page.getByLabel("By", { exact: true }).selectOption("order");
  await page.getByLabel("Subject or id").fill(state.order);
  const today = new Date().toISOString().slice(0, 10);
  await page.getByLabel("From (UTC day)").fill(today);
  await page.getByLabel("To (UTC day)").fill(today);
  await page.getByRole("button", { name: "Search" }).click();
  await page.locator("main table").waitFor();
  const trail = await page.locator("main table").textContent();
  for (const command of ["POST /orders/{id}/payments", "POST /orders/{id}/fulfillment/shipped", "POST /orders/{id}/returns"]) {
    assert.ok(trail.includes(command), `${command} is not in the order's trail: ${trail}`);
  }
  assert.ok(trail.includes(`Order ${state.order}`), trail);
  await screen("audit");
  // Who did it: their name in a row leads to everything they did.
  await page.locator("main tbody tr").first().locator("td").nth(1).locator("a").click();
  await page.locator("main table").waitFor();
  assert.equal(await page.getByLabel("By", { exact: true }).inputValue(), "actor");
  assert.ok((await page.locator("main tbody tr").count()) > 3);
  // Days before the shop opened hold nothing.
  await visit(`audit?by=order&value=${state.order}&from=2020-01-01&to=2020-01-31`);
  await page.locator("main .empty").waitFor();
});

test("keyboard only: the skip link leads to the content, focus is visible", async () => {
  await visit("orders");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), "Skip to content");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.notEqual(outline, "none");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
});

test("in Portuguese, and a clear message when the API is unreachable", async () => {
  await visit("overview");
  await page.getByLabel("Language").selectOption("pt-BR");
  await page.getByRole("heading", { name: "Visão geral" }).waitFor();
  assert.match(await page.locator("header nav").textContent(), /Pedidos.*Estoque.*Clientes.*Auditoria/);
  // Paid and refunded in full: net R$ 0,00 over one order, in Brazilian format.
  assert.match(await page.locator(".sales-windows").textContent(), /Hoje\s*R\$\s0,00 · pedidos: 1/);
  await page.route("**/overview", (route) => route.abort());
  await page.reload();
  await page.locator("main [role=alert]").waitFor();
  assert.match(await page.locator("main [role=alert]").textContent(), /Não foi possível falar com a API/);
  await page.unroute("**/overview");
  await page.getByLabel("Idioma").selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});

/** Delivers a Stripe event to the webhook, signed as Stripe signs it, with the runner's
 * development secret (README, "Payment gateways"). */
async function stripe(id, type, object) {
  const body = JSON.stringify({ id, object: "event", type, api_version: "2024-06-20", created: Math.floor(Date.now() / 1000), data: { object } });
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", "whsec_local_development").update(`${t}.${body}`).digest("hex");
  const r = await fetch(`${runner.base}/webhooks/payments/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": `t=${t},v1=${v1}` }, body });
  assert.equal(r.status, 200, await r.text());
}

const intent = (id, order, amount) => ({ id, object: "payment_intent", amount, amount_capturable: 0, amount_received: amount, currency: "brl", metadata: { order_id: order }, payment_method_types: ["card"], status: "succeeded" });

test("a gateway's payment on the order page, and an event it could not apply reviewed and resolved", async () => {
  const customer = await api(runner.base, "POST", "/customers", {
    name: "Maria Gateway", email: "maria.gateway@example.com", marketing_consent: { granted: false },
    addresses: [{ kind: "shipping", default: true, recipient: "Maria", line1: "Rua A, 1", city: "Recife", postal_code: "50000-000", country: "BR" }],
  });
  assert.equal(customer.status, 201, JSON.stringify(customer.body));
  const placed = await api(runner.base, "POST", "/orders", { customer_id: customer.body.id, lines: [{ sku: "MUG-AZUL", quantity: 1 }] });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const id = placed.body.id;
  await stripe("evt_e2e_1", "payment_intent.succeeded", intent("pi_e2e_1", id, placed.body.total.amount));
  await stripe("evt_e2e_2", "payment_intent.succeeded", intent("pi_e2e_2", "01KAS0000000000000000000AA", 1000));
  await eventually(`orders/${id}`, async () => (await page.locator('[data-gateway-state="captured"]').count()) === 1, "the capture from Stripe");
  const panel = page.locator("section", { has: page.getByRole("heading", { name: "Gateway payments" }) });
  assert.match(await panel.textContent(), /Stripe.*Card.*Captured.*R\$49\.90.*pi_e2e_1/s);
  assert.equal(await panel.locator("a").getAttribute("href"), "https://dashboard.stripe.com/payments/pi_e2e_1");
  assert.equal(await total("order.amountPaid").textContent(), "R$49.90");
  await screen("order-gateway");

  await eventually("overview", async () => (await page.locator("a.card", { hasText: "Payment events to review" }).textContent()).startsWith("1"), "the review counted");
  await page.locator("a.card", { hasText: "Payment events to review" }).click();
  const review = page.locator("li[data-review]");
  await review.waitFor();
  assert.match(await review.textContent(), /No such order.*Stripe.*pi_e2e_2.*Captured · R\$10\.00/s);
  await accessible(page, "payments");
  await photograph(page, "payments");
  await page.getByLabel("Language").selectOption("pt-BR");
  await page.getByRole("heading", { name: "Pagamentos", exact: true }).waitFor();
  assert.match(await page.locator("li[data-review]").textContent(), /Pedido inexistente/);
  await page.getByLabel("Idioma").selectOption("en");
  await page.getByRole("heading", { name: "Payments", exact: true }).waitFor();
  await page.locator("li[data-review]").getByLabel(/What was done/).fill("Refunded at Stripe: no such order here");
  await page.locator("li[data-review]").getByRole("button", { name: "Resolve" }).click();
  await page.locator("li[data-review]").waitFor({ state: "detached" });
  const left = await api(runner.base, "GET", "/payments/review");
  assert.deepEqual(left.body.items, []);
  assert.deepEqual(problems, [], "no script error on any screen");
});

test("the language a customer is written in, and the order's e-mails with what became of each", async () => {
  const customer = await api(runner.base, "POST", "/customers", {
    name: "Rita Mail", email: "rita.mail@example.com", marketing_consent: { granted: false },
    addresses: [{ kind: "shipping", default: true, recipient: "Rita", line1: "Rua B, 2", city: "Natal", postal_code: "59000-000", country: "BR" }],
  });
  assert.equal(customer.status, 201, JSON.stringify(customer.body));
  const cid = customer.body.id;
  await visit(`customers/${cid}`);
  assert.match(await page.locator("dl.totals").first().textContent(), /E-mail language\s*The shop's language/);
  await page.getByLabel("E-mail language").selectOption("en");
  await page.locator("form.customer-form").getByRole("button", { name: "Save" }).click();
  await eventually(`customers/${cid}`, async () => /E-mail language\s*English/.test(await page.locator("dl.totals").first().textContent()), "the language saved");
  const placed = await api(runner.base, "POST", "/orders", { customer_id: cid, lines: [{ sku: "MUG-AZUL", quantity: 1 }] });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  const id = placed.body.id;
  await eventually(`orders/${id}`, async () => (await page.locator('[data-email-status="sent"]').count()) === 1, "the order e-mail sent");
  const panel = page.locator('section[data-panel="emails"]');
  assert.match(await panel.textContent(), /Order placed.*Sent.*We received your order/s);
  assert.doesNotMatch(await panel.textContent(), /rita\.mail@example\.com/, "the address is not shown with the message");
  await accessible(page, "order-emails");
  await page.getByLabel("Language").selectOption("pt-BR");
  await page.getByRole("heading", { name: "E-mails ao cliente" }).waitFor();
  assert.match(await page.locator('section[data-panel="emails"]').textContent(), /Pedido feito.*Enviado/s);
  await page.getByLabel("Idioma").selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});

test("the inbox: a contact form's question, read, noted and closed", async () => {
  const opened = await api(runner.base, "POST", "/conversations", {
    email: "rita.mail@example.com", name: "Rita Mail", subject: "A caneca chegou quebrada", text: "<b>Olá</b>, a caneca chegou quebrada.",
  });
  assert.equal(opened.status, 201, JSON.stringify(opened.body));
  const id = opened.body.id;
  await visit("inbox");
  await page.getByRole("heading", { name: "Inbox" }).waitFor();
  await page.getByRole("link", { name: "A caneca chegou quebrada" }).click();
  await page.getByRole("heading", { name: "A caneca chegou quebrada" }).waitFor();
  const first = page.locator('li[data-direction="inbound"] .message-text');
  assert.equal(await first.textContent(), "<b>Olá</b>, a caneca chegou quebrada.", "what the customer typed, as characters");
  assert.equal(await page.locator('li[data-direction="inbound"] b').count(), 0, "never rendered as HTML");
  await accessible(page, "conversation");
  await page.getByLabel(/Internal note/).fill("Sent a new one by Sedex");
  await page.getByRole("button", { name: "Add note" }).click();
  await page.locator('li[data-direction="note"]').waitFor();
  await page.getByRole("button", { name: "Close" }).click();
  await page.locator('[data-conversation-state="closed"]').waitFor();
  const stored = await api(runner.base, "GET", `/conversations/${id}`);
  assert.deepEqual(stored.body.messages.map((m) => m.direction), ["inbound", "note"]);
  assert.equal(stored.body.conversation.state, "closed");
  await page.getByLabel("Language").selectOption("pt-BR");
  await page.getByRole("button", { name: "Reabrir" }).waitFor();
  assert.match(await page.locator("main").textContent(), /Nota interna/);
  await page.getByLabel("Idioma").selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});

test("the inbox: a customer's e-mail with a photo, answered by e-mail, assigned and on their page", async () => {
  const customer = await api(runner.base, "POST", "/customers", {
    name: "Lia Correio", email: "lia@example.com", marketing_consent: { granted: false },
    addresses: [{ kind: "shipping", default: true, recipient: "Lia", line1: "Rua C, 3", city: "Recife", postal_code: "50000-000", country: "BR" }],
  });
  assert.equal(customer.status, 201, JSON.stringify(customer.body));
  const png = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
  const raw = [
    "From: Lia Correio <lia@example.com>", "To: suporte@loja.localhost", "Subject: Tampa rachada",
    "Message-ID: <lia-1@mail.example.com>", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b"', "",
    "--b", "Content-Type: text/plain; charset=utf-8", "", "A tampa veio rachada. <script>alert(1)</script>",
    "--b", "Content-Type: image/png", 'Content-Disposition: attachment; filename="tampa.png"', "Content-Transfer-Encoding: base64", "", png,
    "--b--", "",
  ].join("\r\n");
  const filed = runner.mail(raw);
  assert.equal(filed[0].outcome, "new", JSON.stringify(filed));
  const id = filed[0].conversation_id;
  await visit(`inbox/${id}`);
  await page.getByRole("heading", { name: "Tampa rachada" }).waitFor();
  assert.equal(await page.locator('li[data-direction="inbound"] .message-text').textContent(), "A tampa veio rachada. <script>alert(1)</script>");
  assert.equal(await page.locator("[data-verdicts]").getAttribute("data-verdicts"), "true/true/true");
  const photo = page.getByRole("link", { name: "tampa.png" });
  const fetched = await fetch(await photo.getAttribute("href"));
  assert.equal(fetched.status, 200);
  assert.deepEqual([...new Uint8Array(await fetched.arrayBuffer()).slice(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  await accessible(page, "conversation-email");
  await page.getByLabel(/Reply to the customer/).fill("Enviamos uma tampa nova hoje.");
  await page.getByRole("button", { name: "Send reply" }).click();
  await page.locator('li[data-direction="outbound"]').waitFor();
  await eventually(`inbox/${id}`, async () => (await page.locator('[data-delivery="sent"]').count()) === 1, "the reply being sent");
  await page.getByLabel("Assignee").fill("ana");
  await page.getByLabel(/Tags/).fill("avaria, troca");
  await page.locator("form.assign-form").getByRole("button", { name: "Save" }).click();
  await page.getByText("avaria", { exact: true }).first().waitFor();
  await photograph(page, "conversation-email");
  const stored = await api(runner.base, "GET", `/conversations/${id}`);
  assert.equal(stored.body.conversation.assignee, "ana");
  assert.deepEqual(stored.body.conversation.tags, ["avaria", "troca"]);
  assert.equal(stored.body.conversation.state, "waiting_on_customer");
  // The inbox lists it under its assignee, and the customer's page shows it
  await visit("inbox?state=waiting_on_customer&assignee=ana");
  await page.getByRole("link", { name: "Tampa rachada" }).waitFor();
  await visit(`customers/${customer.body.id}`);
  await page.locator("[data-customer-conversations]").getByRole("link", { name: "Tampa rachada" }).waitFor();
  await page.getByLabel("Language", { exact: true }).selectOption("pt-BR");
  await page.getByRole("heading", { name: "Conversas" }).waitFor();
  await page.getByLabel("Idioma", { exact: true }).selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});

test("shipping: a carrier's method saved from the form, then a checkout's quote tried", async () => {
  const product = await api(runner.base, "PUT", "/stock/FRETE-1", {
    name: "Chaleira", unit_price: { amount: 5000, currency: "BRL" }, reorder_point: 0, reorder_quantity: 1, weight_grams: 400,
  });
  assert.equal(product.status, 201, JSON.stringify(product.body));
  await visit("shipping");
  await page.getByRole("heading", { name: "Shipping", exact: true }).waitFor();
  const save = page.locator("form.method-form");
  await save.getByLabel("Code", { exact: true }).fill("pac");
  await save.getByLabel("Name", { exact: true }).fill("PAC");
  await save.getByLabel("Carrier", { exact: true }).fill("Correios");
  // Two zones: São Paulo state cheaper, the rest of Brazil
  await save.getByLabel(/Zones/).fill("BR; SP; ; 300:990, 1000:1290\nBR; ; ; 300:1590, 1000:1990, 5000:2890");
  await submit(save);
  await page.locator('[data-method="pac"]').waitFor();
  assert.match(await page.locator('[data-method="pac"]').textContent(), /≤ 1000 g: R\$\s?19\.90/);
  const stored = await api(runner.base, "GET", "/shipping/methods");
  assert.deepEqual(stored.body.items.map((m) => [m.code, m.rates.map((r) => r.bands.length)]), [["pac", [2, 3]]]);
  // "Edit" loads the method back into the form, both zones
  await page.locator('[data-edit-method="pac"]').click();
  assert.match(await save.getByLabel(/Zones/).inputValue(), /^BR; SP; ; 300:990, 1000:1290\nBR; ; ; 300:1590/);
  const quote = page.locator("form.quote-form");
  await quote.getByLabel("State").fill("PE");
  await quote.getByLabel(/Lines/).fill("FRETE-1:1");
  await submit(quote);
  await page.locator('[data-offer="pac"]').waitFor();
  assert.match(await page.locator('[data-offer="pac"]').textContent(), /19\.90/);
  await screen("shipping");
  await page.getByLabel("Language", { exact: true }).selectOption("pt-BR");
  await page.getByRole("heading", { name: "Frete", exact: true }).waitFor();
  await page.getByLabel("Idioma", { exact: true }).selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});

test("promotions: a coupon created from the form, redeemed by an order that shows its discount and shipping, then paused", async () => {
  const product = await api(runner.base, "PUT", "/stock/PROMO-1", {
    name: "Caneca", unit_price: { amount: 5000, currency: "BRL" }, reorder_point: 0, reorder_quantity: 1, weight_grams: 400,
  });
  assert.equal(product.status, 201, JSON.stringify(product.body));
  assert.equal((await api(runner.base, "POST", "/stock/PROMO-1/adjustments", { delta: 5, reason: "received" })).status, 201);
  const method = await api(runner.base, "PUT", "/shipping/methods/sedex-e2e", {
    name: "SEDEX", carrier: "Correios", currency: "BRL", rates: [{ zone: { countries: ["BR"] }, bands: [{ up_to_grams: 1000, price: 1290 }] }],
  });
  assert.equal(method.status, 201, JSON.stringify(method.body));
  await visit("promotions");
  await page.getByRole("heading", { name: "Promotions", exact: true }).waitFor();
  const create = page.locator("form.promotion-form");
  await create.getByLabel("Code", { exact: true }).fill("bemvindo");
  await create.getByLabel("Name", { exact: true }).fill("Bem-vindo");
  await create.getByLabel("Percentage or amount").fill("10");
  await create.getByLabel("Uses in all").fill("2");
  await submit(create);
  await page.locator('[data-promotion="BEMVINDO"]').waitFor();
  assert.equal(await page.locator('[data-remaining="BEMVINDO"]').textContent(), "2");
  // A storefront order with the coupon, shipped by the method
  const customer = await api(runner.base, "POST", "/customers", {
    name: "Paula", email: "paula@example.com", marketing_consent: { granted: false },
    addresses: [{ kind: "shipping", default: true, recipient: "Paula", line1: "Rua D, 4", city: "Recife", postal_code: "50000-000", country: "BR" }],
  });
  const placed = await api(runner.base, "POST", "/orders", {
    customer_id: customer.body.id, lines: [{ sku: "PROMO-1", quantity: 1 }], shipping_method: "sedex-e2e", coupon: "BemVindo",
  });
  assert.equal(placed.status, 201, JSON.stringify(placed.body));
  await visit(`orders/${placed.body.id}`);
  await page.locator('[data-discount="BEMVINDO"]').waitFor();
  assert.match(await page.locator('[data-discount="BEMVINDO"]').textContent(), /Bem-vindo.*5\.00/);
  assert.match(await page.locator('[data-shipping="sedex-e2e"]').textContent(), /SEDEX.*12\.90/);
  assert.match(await page.locator('[data-total="order.discounts"]').textContent(), /5\.00/);
  assert.match(await page.locator('[data-total="order.total"]').textContent(), /57\.90/);
  await screen("order-promoted");
  // The promotion shows one use left; paused, it says so
  await visit("promotions");
  assert.equal(await page.locator('[data-redeemed="BEMVINDO"]').textContent(), "1");
  assert.equal(await page.locator('[data-remaining="BEMVINDO"]').textContent(), "1");
  await page.locator('[data-toggle="BEMVINDO"]').click();
  await page.getByRole("button", { name: "Resume" }).waitFor();
  const stored = await api(runner.base, "GET", "/promotions/BEMVINDO");
  assert.equal(stored.body.active, false);
  await screen("promotions");
  await page.getByLabel("Language", { exact: true }).selectOption("pt-BR");
  await page.getByRole("heading", { name: "Promoções", exact: true }).waitFor();
  await page.getByLabel("Idioma", { exact: true }).selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});

test("a new order taken by staff: customer, products with availability, shipping quoted, placed as manual, then edited before packing", async () => {
  const product = await api(runner.base, "PUT", "/stock/NOVO-1", {
    name: "Garrafa térmica", unit_price: { amount: 8000, currency: "BRL" }, reorder_point: 0, reorder_quantity: 1, weight_grams: 600,
  });
  assert.equal(product.status, 201, JSON.stringify(product.body));
  assert.equal((await api(runner.base, "POST", "/stock/NOVO-1/adjustments", { delta: 5, reason: "received" })).status, 201);
  const method = await api(runner.base, "PUT", "/shipping/methods/motoboy", {
    name: "Motoboy", carrier: "Loja", currency: "BRL", rates: [{ zone: { countries: ["BR"] }, bands: [{ up_to_grams: 2000, price: 1500 }] }],
  });
  assert.equal(method.status, 201, JSON.stringify(method.body));
  const customer = await api(runner.base, "POST", "/customers", {
    name: "Joana Telefone", email: "joana@example.com", marketing_consent: { granted: false },
    addresses: [{ kind: "shipping", default: true, recipient: "Joana", line1: "Rua E, 5", city: "Olinda", region: "PE", postal_code: "53000-000", country: "BR" }],
  });
  assert.equal(customer.status, 201, JSON.stringify(customer.body));
  await visit("orders");
  await page.getByRole("link", { name: "New order" }).click();
  await page.getByRole("heading", { name: "New order", exact: true }).waitFor();
  await page.locator("form.customer-search").getByLabel(/Find the customer/).fill("Joana");
  await submit(page.locator("form.customer-search"));
  await page.locator(`[data-pick-customer="${customer.body.id}"]`).click();
  assert.match(await page.locator("[data-customer]").textContent(), /Joana Telefone/);
  await page.locator("form.product-search").getByLabel(/Find products/).fill("garrafa");
  await submit(page.locator("form.product-search"));
  assert.equal(await page.locator('[data-available="NOVO-1"]').textContent(), "5");
  await page.locator('[data-add="NOVO-1"]').click();
  await page.locator('[data-add="NOVO-1"]').click();
  await page.locator("[data-quote-shipping]").click();
  const place = page.locator("form.place-order");
  await place.getByLabel("Shipping method").selectOption("motoboy");
  await screen("new-order");
  await submit(place);
  await page.locator('[data-channel="manual"]').waitFor();
  assert.match(await page.locator('[data-total="order.total"]').textContent(), /175\.00/, "2 × 80.00 + 15.00");
  const orderId = page.url().split("/").pop();
  // Edited before packing: one bottle instead of two
  const edit = await openAction("edit");
  await edit.getByLabel("Quantity of NOVO-1 (0 removes it)").fill("1");
  await submit(edit);
  await page.locator('[data-type="order.edited"]').waitFor();
  assert.match(await page.locator('[data-total="order.total"]').textContent(), /95\.00/);
  const stock = await api(runner.base, "GET", "/stock/NOVO-1");
  assert.equal(stock.body.reserved, 1, "the edit gave one unit back");
  const stored = await api(runner.base, "GET", `/orders/${orderId}`);
  assert.equal(stored.body.channel, "manual");
  await page.getByLabel("Language", { exact: true }).selectOption("pt-BR");
  await page.getByRole("heading", { name: /Pedido/ }).first().waitFor();
  assert.match(await page.locator('[data-type="order.edited"]').textContent(), /Pedido alterado/);
  await page.getByLabel("Idioma", { exact: true }).selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});

test("suppliers: one created from the form, its terms recorded on the product's page, preferred", async () => {
  const product = await api(runner.base, "PUT", "/stock/COMPRA-1", {
    name: "Prato fundo", unit_price: { amount: 3500, currency: "BRL" }, reorder_point: 2, reorder_quantity: 10,
  });
  assert.equal(product.status, 201, JSON.stringify(product.body));
  await visit("suppliers");
  await page.getByRole("heading", { name: "Suppliers", exact: true }).waitFor();
  const create = page.locator("form.supplier-form");
  await create.getByLabel("Id", { exact: true }).fill("ceramica-sul");
  await create.getByLabel("Name", { exact: true }).fill("Cerâmica Sul");
  await create.getByLabel("E-mail", { exact: true }).fill("vendas@ceramica.example");
  await submit(create);
  await page.locator('[data-supplier="ceramica-sul"]').waitFor();
  await screen("suppliers");
  await visit("stock/COMPRA-1");
  const terms = page.locator("form.terms-form");
  await terms.getByLabel("Unit cost (cents)").fill("1800");
  await terms.getByLabel("Pack size").fill("6");
  await submit(terms);
  await page.locator('[data-terms="ceramica-sul"]').waitFor();
  assert.match(await page.locator("[data-sku-suppliers]").textContent(), /R\$\s?18\.00.*Preferred/);
  const stored = await api(runner.base, "GET", "/stock/COMPRA-1/suppliers");
  assert.deepEqual(stored.body.items.map((r) => [r.supplier_id, r.pack_size, r.preferred]), [["ceramica-sul", 6, true]]);
  await page.getByLabel("Language", { exact: true }).selectOption("pt-BR");
  await page.getByRole("heading", { name: "Fornecedores", exact: true }).waitFor();
  await page.getByLabel("Idioma", { exact: true }).selectOption("en");
  assert.deepEqual(problems, [], "no script error on any screen");
});
