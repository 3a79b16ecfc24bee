// Which actions an order's page offers: only those the order's state allows and the user's
// scopes permit (the API refuses the others; the console does not tempt anyone with them).

import type { Money, OrderWithTimeline } from "./schema.js";

/** What an order's actions depend on. */
export type OrderState = Pick<
  OrderWithTimeline,
  "status" | "payment_status" | "fulfillment_status" | "total" | "amount_paid" | "amount_refunded"
>;


export type OrderAction = "payment" | "refund" | "edit" | "pack" | "ship" | "deliver" | "cancel" | "return";

export const ACTION_SCOPES: Record<OrderAction, string> = {
  payment: "payments:write",
  refund: "payments:write",
  edit: "orders:write",
  pack: "fulfillment:write",
  ship: "fulfillment:write",
  deliver: "fulfillment:write",
  cancel: "orders:write",
  return: "returns:write",
};

export function outstanding(order: OrderState): Money {
  return { amount: order.total.amount - order.amount_paid.amount, currency: order.total.currency };
}

export function refundable(order: OrderState): Money {
  return { amount: order.amount_paid.amount - order.amount_refunded.amount, currency: order.total.currency };
}

/** The actions the order's state allows, as the domain decides them. */
export function legalActions(order: OrderState): OrderAction[] {
  const actions: OrderAction[] = [];
  const cancelled = order.status === "cancelled";
  const f = order.fulfillment_status;
  if (!cancelled && outstanding(order).amount > 0) actions.push("payment");
  if (refundable(order).amount > 0) actions.push("refund");
  // Until it is packed (the API also refuses while a gateway holds an authorisation).
  if (!cancelled && order.status !== "completed" && (f === "unfulfilled" || f === "picking")) actions.push("edit");
  if (!cancelled && f === "picking") actions.push("pack");
  if (!cancelled && f === "packed") actions.push("ship");
  if (!cancelled && f === "shipped") actions.push("deliver");
  if (!cancelled && f !== "shipped" && f !== "delivered") actions.push("cancel");
  if (f === "shipped" || f === "delivered") actions.push("return");
  return actions;
}

/** The actions offered: legal for the order and allowed by the user's scopes. */
export function offeredActions(order: OrderState, scopes: readonly string[]): OrderAction[] {
  return legalActions(order).filter((a) => scopes.includes(ACTION_SCOPES[a]));
}
