// The order page offers exactly the actions the order's state allows and the user's scopes permit.
import assert from "node:assert/strict";
import { test } from "node:test";
import { legalActions, offeredActions, outstanding } from "../../dist/app/actions.js";

const brl = (amount) => ({ amount, currency: "BRL" });
const order = (over) => ({
  status: "pending_payment",
  payment_status: "unpaid",
  fulfillment_status: "unfulfilled",
  total: brl(17970),
  amount_paid: brl(0),
  amount_refunded: brl(0),
  ...over,
});
const ALL = ["payments:write", "fulfillment:write", "orders:write", "returns:write"];

test("an unpaid order can be paid, edited or cancelled, nothing else", () => {
  assert.deepEqual(legalActions(order({})), ["payment", "edit", "cancel"]);
  assert.deepEqual(outstanding(order({ amount_paid: brl(5000) })), brl(12970));
});

test("a paid order being picked can be packed, refunded, edited or cancelled", () => {
  const o = order({ status: "paid", payment_status: "paid", fulfillment_status: "picking", amount_paid: brl(17970) });
  assert.deepEqual(legalActions(o), ["refund", "edit", "pack", "cancel"]);
});

test("a packed order ships; a shipped one is delivered or returned, never cancelled", () => {
  const paid = { status: "paid", amount_paid: brl(17970) };
  assert.deepEqual(legalActions(order({ ...paid, fulfillment_status: "packed" })), ["refund", "ship", "cancel"]);
  assert.deepEqual(legalActions(order({ ...paid, fulfillment_status: "shipped" })), ["refund", "deliver", "return"]);
  assert.deepEqual(legalActions(order({ ...paid, status: "completed", fulfillment_status: "delivered" })), ["refund", "return"]);
});

test("a cancelled order only refunds what it still holds", () => {
  assert.deepEqual(legalActions(order({ status: "cancelled" })), []);
  assert.deepEqual(legalActions(order({ status: "cancelled", amount_paid: brl(100) })), ["refund"]);
  assert.deepEqual(legalActions(order({ status: "cancelled", amount_paid: brl(100), amount_refunded: brl(100) })), []);
});

test("actions the user's scopes do not allow are not offered", () => {
  const o = order({ status: "paid", fulfillment_status: "picking", amount_paid: brl(17970) });
  assert.deepEqual(offeredActions(o, ALL), ["refund", "edit", "pack", "cancel"]);
  assert.deepEqual(offeredActions(o, ["fulfillment:write"]), ["pack"]);
  assert.deepEqual(offeredActions(o, ["backoffice:read"]), []);
});
