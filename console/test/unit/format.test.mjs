// Client-side logic without a browser: money and dates as people read them, typed amounts,
// and the message catalogue.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dateTime, lastDays, minorDigits, money, parseMoney } from "../../dist/app/format.js";
import { catalogueKeys, pickLanguage, setLanguage, t } from "../../dist/app/i18n.js";

// Intl separates currency and figure with a no-break space (U+00A0) in pt-BR.
const plain = (s) => s.replace(/\u00a0/g, " ");

test("money is shown in the currency's own format from minor units", () => {
  assert.equal(plain(money({ amount: 17970, currency: "BRL" }, "pt-BR")), "R$ 179,70");
  assert.equal(money({ amount: 17970, currency: "BRL" }, "en"), "R$179.70");
  assert.equal(money({ amount: 5, currency: "USD" }, "en"), "$0.05");
  assert.equal(money({ amount: 1500, currency: "JPY" }, "en"), "¥1,500");
  assert.equal(plain(money({ amount: 1234, currency: "KWD" }, "en")), "KWD 1.234");
  assert.equal(money({ amount: -4990, currency: "EUR" }, "en"), "-€49.90");
  // Beyond 2^53 / 100 a float division would lose cents; the decimal string does not.
  assert.equal(money({ amount: 9007199254740991, currency: "USD" }, "en"), "$90,071,992,547,409.91");
});

test("typed amounts become minor units, in either decimal convention", () => {
  assert.equal(parseMoney("179,70", "BRL"), 17970);
  assert.equal(parseMoney("179.7", "BRL"), 17970);
  assert.equal(parseMoney("1.234,56", "BRL"), 123456);
  assert.equal(parseMoney("1,234.56", "USD"), 123456);
  assert.equal(parseMoney("12", "BRL"), 1200);
  assert.equal(parseMoney("1500", "JPY"), 1500);
  assert.equal(minorDigits("JPY"), 0);
  for (const bad of ["", "abc", "-5", "1,2,3x", "R$ 5", "1e3"]) assert.equal(parseMoney(bad, "BRL"), null, bad);
  // Three digits after the only separator group thousands: "1.234" is one thousand and more.
  assert.equal(parseMoney("1.234", "BRL"), 123400);
});

test("instants are shown in the user's time zone", () => {
  const at = "2026-12-03T02:30:00Z";
  assert.match(dateTime(at, "en", "America/Sao_Paulo"), /Dec 2, 2026/);
  assert.match(dateTime(at, "en", "Europe/Berlin"), /Dec 3, 2026/);
});

test("the last 30 days end today, oldest first", () => {
  const days = lastDays(30, new Date("2026-12-03T10:00:00Z"));
  assert.equal(days.length, 30);
  assert.equal(days[0], "2026-11-04");
  assert.equal(days[29], "2026-12-03");
});

test("the browser's language picks the catalogue; a stored choice overrides it", () => {
  assert.equal(pickLanguage(["pt-PT", "en"], null), "pt-BR");
  assert.equal(pickLanguage(["de", "en-GB"], null), "en");
  assert.equal(pickLanguage(["fr"], null), "en");
  assert.equal(pickLanguage(["pt-BR"], "en"), "en");
  setLanguage("pt-BR");
  assert.equal(t("nav.orders"), "Pedidos");
  assert.equal(t("order.title", { id: "X1" }), "Pedido X1");
  setLanguage("en");
  assert.equal(t("order.title", { id: "X1" }), "Order X1");
});

test("both catalogues hold every message", () => {
  assert.deepEqual(catalogueKeys("pt-BR").sort(), catalogueKeys("en").sort());
});
