// With LOCAL_AUTH=oauth the console signs in as it does with Cognito on AWS: the authorization
// code flow with PKCE, on the runner's stand-in for the hosted page, where the groups picked
// become the token's scopes through the template's own trigger (token-scopes).
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { accessible, api, launch, photograph, startRunner } from "./harness.mjs";

let runner;
let browser;

before(async () => {
  runner = await startRunner({ LOCAL_AUTH: "oauth" });
  browser = await launch();
});

after(async () => {
  api.bearer = undefined;
  await browser?.close();
  await runner?.stop();
});

const form = (fields) => new URLSearchParams(fields).toString();
const claims = (token) => JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());

/** The page's form, posted by hand: the code the runner hands back for `groups`. */
async function authorize(challenge, groups) {
  const fields = [
    ["response_type", "code"],
    ["client_id", "local-console"],
    ["redirect_uri", `${runner.base}/`],
    ["code_challenge", challenge],
    ["code_challenge_method", "S256"],
    ["scope", "openid email"],
    ["state", "s-1"],
    ...groups.map((g) => ["group", g]),
  ];
  const r = await fetch(`${runner.base}/oauth2/authorize`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form(fields),
    redirect: "manual",
  });
  assert.equal(r.status, 302);
  const back = new URL(r.headers.get("location"));
  assert.equal(back.origin + back.pathname, `${runner.base}/`);
  assert.equal(back.searchParams.get("state"), "s-1");
  return back.searchParams.get("code");
}

async function trade(code, verifier) {
  const r = await fetch(`${runner.base}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form({ grant_type: "authorization_code", client_id: "local-console", code, redirect_uri: `${runner.base}/`, code_verifier: verifier }),
  });
  return { status: r.status, body: await r.json() };
}

test("a code is traded once, only with its verifier, for a token whose scopes are the groups'", async () => {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const wrong = await trade(await authorize(challenge, ["packer"]), randomBytes(32).toString("base64url"));
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, "invalid_grant");

  const code = await authorize(challenge, ["packer"]);
  const granted = await trade(code, verifier);
  assert.equal(granted.status, 200, JSON.stringify(granted.body));
  assert.equal(claims(granted.body.access_token).scope, "openid email backoffice:read fulfillment:write");
  assert.equal((await trade(code, verifier)).body.error, "invalid_grant", "a code works once");

  const packer = { authorization: `Bearer ${granted.body.access_token}` };
  assert.equal((await api(runner.base, "GET", "/overview", undefined, packer)).status, 200);
  const register = await api(runner.base, "PUT", "/stock/PACKER-1", { name: "x", unit_price: { amount: 100, currency: "BRL" } }, packer);
  assert.equal(register.status, 403, "a packer registers no product");
});

test("a packer signs in on the page and is offered packing, never money or stock", async () => {
  // The shop's state, set up by a system with every scope.
  api.bearer = runner.token();
  assert.equal((await api(runner.base, "PUT", "/stock/MUG-1", { name: "Mug", unit_price: { amount: 2500, currency: "BRL" }, reorder_point: 1, reorder_quantity: 10 })).status, 201);
  assert.equal((await api(runner.base, "POST", "/stock/MUG-1/adjustments", { delta: 5, reason: "received", reference: "PO-1" })).status, 201);
  const customer = await api(runner.base, "POST", "/customers", {
    name: "Ana Souza", email: "ana.souza@example.com", marketing_consent: { granted: false },
    addresses: [{ kind: "shipping", default: true, recipient: "Ana Souza", line1: "Rua das Flores, 100", city: "São Paulo", postal_code: "01000-000", country: "BR" }],
  });
  assert.equal(customer.status, 201, JSON.stringify(customer.body));
  const order = await api(runner.base, "POST", "/orders", { customer_id: customer.body.id, lines: [{ sku: "MUG-1", quantity: 1 }] }, { "idempotency-key": "sign-in-1" });
  assert.equal(order.status, 201, JSON.stringify(order.body));
  const paid = await api(runner.base, "POST", `/orders/${order.body.id}/payments`, { amount: { amount: 2500, currency: "BRL" }, method: "pix", gateway_reference: "PIX-1" }, { "idempotency-key": "sign-in-pay-1" });
  assert.equal(paid.status, 201, JSON.stringify(paid.body));
  for (let i = 0; i < 60 && (await api(runner.base, "GET", `/orders/${order.body.id}`)).body.fulfillment_status !== "picking"; i++) {
    await new Promise((r) => setTimeout(r, 500));
  }

  const page = await browser.newPage({ locale: "en-US" });
  // A shared link to the order: the sign-in page first, then the order itself.
  await page.goto(`${runner.base}/#/orders/${order.body.id}`);
  await page.getByRole("heading", { name: "Sign in to the backoffice" }).waitFor();
  await accessible(page, "sign-in");
  await photograph(page, "sign-in");
  await page.getByRole("checkbox", { name: /owner/ }).uncheck();
  await page.getByRole("checkbox", { name: /packer/ }).check();
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".badges", { hasText: "Fulfillment: To pack" }).waitFor();
  assert.ok(page.url().endsWith(`/#/orders/${order.body.id}`), page.url());
  assert.deepEqual(await page.locator("details[data-action]").evaluateAll((els) => els.map((e) => e.dataset.action)), ["pack"]);
  await page.locator('details[data-action="pack"] summary').click();
  await page.locator('details[data-action="pack"] button[type=submit]').click();
  await page.locator(".badges", { hasText: "Fulfillment: Packed" }).waitFor();

  // The hour is up: the next screen's calls wait for one renewal, not for the sign-in page.
  const renewals = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/oauth2/token") && (r.postData() ?? "").includes("grant_type=refresh_token")) renewals.push(r);
  });
  await page.evaluate(() => sessionStorage.setItem("access_token_expires", String(Date.now() - 1)));
  await page.goto(`${runner.base}/#/stock/MUG-1`);
  await page.getByRole("heading", { name: "MUG-1 · Mug" }).waitFor();
  assert.equal(renewals.length, 1, "one renewal for all the screen's calls");
  assert.ok(await page.evaluate(() => Number(sessionStorage.getItem("access_token_expires")) > Date.now() + 3_000_000), "renewed for an hour");
  assert.equal(await page.locator("main form").count(), 0, "no stock form for a packer");

  // Signing out revokes the refresh token: it renews nothing afterwards.
  const refresh = await page.evaluate(() => sessionStorage.getItem("refresh_token"));
  assert.ok(refresh);
  await page.getByRole("button", { name: "Sign out" }).click();
  await page.getByRole("heading", { name: "Sign in to the backoffice" }).waitFor();
  const renewed = await fetch(`${runner.base}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: form({ grant_type: "refresh_token", client_id: "local-console", refresh_token: refresh }),
  });
  assert.equal(renewed.status, 400);
  assert.equal((await renewed.json()).error, "invalid_grant");
  await page.close();
});
