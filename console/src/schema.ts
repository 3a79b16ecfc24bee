// The API's representations as openapi.yaml defines them. `api-types.ts` is generated from it
// by openapi-typescript (`npm run gen`; `npm run check` fails when it is stale), so a field
// renamed in openapi.yaml fails `tsc` wherever a screen reads it.

import type { components } from "./api-types.js";

type Schemas = components["schemas"];

export type Money = Schemas["Money"];
export type Order = Schemas["Order"];
export type Stock = Schemas["Stock"];
export type Movement = Schemas["Movement"];
export type Replenishment = Schemas["Replenishment"];
export type Address = Schemas["Address"];
export type OrderLine = Schemas["OrderLine"];
export type OrderWithTimeline = Schemas["OrderWithTimeline"];
export type OrderSummary = Schemas["OrderSummary"];
export type Customer = Schemas["Customer"];
export type CustomerAddress = Schemas["CustomerAddress"];
export type Return = Schemas["Return"];
export type OrderReturns = Schemas["OrderReturns"];
export type Receivables = Schemas["Receivables"];
export type RefundsOwed = Schemas["RefundsOwed"];
export type PaymentReview = Schemas["PaymentReview"];
export type GatewayPayment = Schemas["GatewayPayment"];
export type Notification = Schemas["Notification"];
export type Conversation = Schemas["Conversation"];
export type ConversationThread = Schemas["ConversationThread"];
export type ConversationMessage = Schemas["ConversationMessage"];
export type EmailStatus = NonNullable<Notification["email"]>["status"];
export type ExportJob = Schemas["ExportJob"];
export type SalesDay = Schemas["SalesDay"];
export type SalesReport = Schemas["SalesReport"];
export type SalesGroupReport = Schemas["SalesGroupReport"];
export type Overview = Schemas["Overview"];
export type AuditRecord = Schemas["AuditRecords"]["items"][number];
