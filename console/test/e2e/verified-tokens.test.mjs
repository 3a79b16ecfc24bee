// With LOCAL_AUTH=jwt the runner verifies every bearer token as API Gateway's authorizer does;
// the console then works through a token the runner mints into its config.json.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { api, launch, startRunner } from "./harness.mjs";

let runner;
let browser;

before(async () => {
  runner = await startRunner({ LOCAL_AUTH: "jwt" });
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await runner?.stop();
});

test("the console signs its calls with the minted token, and the API refuses them without one", async () => {
  assert.equal((await api(runner.base, "GET", "/overview")).status, 401, "no token, no answer");
  const config = await (await fetch(`${runner.base}/config.json`)).json();
  assert.equal(config.auth, "bearer");
  assert.equal(config.token.split(".").length, 3, "a JWT");
  const page = await browser.newPage({ locale: "en-US" });
  const authorized = [];
  page.on("request", (r) => {
    if (r.resourceType() === "fetch" && r.url().includes("/stock")) authorized.push(r.headers().authorization ?? "");
  });
  await page.goto(`${runner.base}/#/stock`);
  await page.locator('details[data-form="new-product"] summary').click();
  const form = page.locator('details[data-form="new-product"] form');
  await form.getByLabel("SKU").fill("JWT-1");
  await form.getByLabel("Name").fill("Signed");
  await form.getByLabel("Unit price").fill("10");
  await form.locator("button[type=submit]").click();
  await page.getByRole("heading", { name: "JWT-1 · Signed" }).waitFor();
  assert.ok(authorized.length > 0 && authorized.every((h) => h.startsWith("Bearer ey")), JSON.stringify(authorized));
});
