// How figures read: money in the currency's own format (the API's integer minor units, never
// floating-point arithmetic on them), instants in the user's time zone.

import { language } from "./i18n.js";
import type { Money } from "./schema.js";

export type { Money };


/** Digits after the decimal point of a currency (BRL 2, JPY 0, KWD 3), as Intl knows them. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "R$ 179,70" / "R$179.70": minor units shown as the currency's major unit. The division
 * happens on a decimal string, so no amount is ever rounded through binary floating point. */
export function money(value: Money, locale: string = language()): string {
  const digits = minorDigits(value.currency);
  const negative = value.amount < 0;
  const units = String(Math.abs(Math.trunc(value.amount))).padStart(digits + 1, "0");
  const major = digits === 0 ? units : `${units.slice(0, -digits)}.${units.slice(-digits)}`;
  const formatter = new Intl.NumberFormat(locale, {
    style: "currency",
    currency: value.currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // format() takes a decimal string exactly (Intl.NumberFormat v3).
  return formatter.format(((negative ? "-" : "") + major) as unknown as number);
}

/** Parses what a person typed ("179,70", "179.7", "1.234,56") into minor units, or null. */
export function parseMoney(text: string, currency: string): number | null {
  const digits = minorDigits(currency);
  let cleaned = text.trim().replace(/\s/g, "");
  if (!/^\d[\d.,]*$/.test(cleaned)) return null;
  const lastSep = Math.max(cleaned.lastIndexOf(","), cleaned.lastIndexOf("."));
  let whole = cleaned;
  let fraction = "";
  // A separator followed by at most `digits` digits is the decimal one; others group thousands.
  if (lastSep >= 0 && cleaned.length - lastSep - 1 <= digits && digits > 0) {
    whole = cleaned.slice(0, lastSep);
    fraction = cleaned.slice(lastSep + 1);
  }
  whole = whole.replace(/[.,]/g, "");
  if (whole === "" || fraction.length > digits) return null;
  const minor = Number(whole + fraction.padEnd(digits, "0"));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** An instant in the user's time zone, date and time. */
export function dateTime(iso: string, locale: string = language(), timeZone?: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short", timeZone }).format(new Date(iso));
}

/** A calendar day as the API names it (YYYY-MM-DD, a UTC day), written the user's way. */
export function day(isoDay: string, locale: string = language()): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${isoDay}T00:00:00Z`));
}

export function count(n: number, locale: string = language()): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** Today and the day `days - 1` before it, as YYYY-MM-DD UTC days (the sales report's days). */
export function lastDays(days: number, now: Date = new Date()): string[] {
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) {
    out.push(new Date(now.getTime() - i * 86_400_000).toISOString().slice(0, 10));
  }
  return out;
}
