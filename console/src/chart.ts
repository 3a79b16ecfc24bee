// A bar chart of sales per day as SVG, with axes, labels and a text alternative (the same
// figures as a table for screen readers).

import { day, minorDigits, money } from "./format.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";

function s<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

export interface Bar {
  day: string;
  amount: number;
}

/** A "nice" upper bound for the axis: 1, 2 or 5 times a power of ten, at least `max`. */
export function niceCeiling(max: number): number {
  if (max <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * power >= max) return step * power;
  return 10 * power;
}

export function salesChart(currency: string, bars: Bar[]): HTMLElement {
  const width = 720;
  const height = 260;
  const left = 84;
  const bottom = 40;
  const top = 16;
  const plotW = width - left - 8;
  const plotH = height - top - bottom;
  // At least one major unit, so that a month without sales still has a readable axis.
  const ceiling = niceCeiling(Math.max(10 ** minorDigits(currency), ...bars.map((b) => b.amount)));
  const title = t("chart.title", { currency });
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", class: "chart" });
  const titleId = `chart-${currency}`;
  svg.setAttribute("aria-labelledby", titleId);
  svg.appendChild(s("title", { id: titleId }, title));
  for (const fraction of [0, 0.5, 1]) {
    const y = top + plotH - fraction * plotH;
    svg.appendChild(s("line", { x1: left, x2: width - 8, y1: y, y2: y, class: "grid" }));
    svg.appendChild(
      s("text", { x: left - 6, y: y + 4, "text-anchor": "end", class: "axis-label" }, money({ amount: Math.round(ceiling * fraction), currency })),
    );
  }
  const slot = plotW / Math.max(1, bars.length);
  bars.forEach((bar, i) => {
    const barH = (Math.max(0, bar.amount) / ceiling) * plotH;
    const x = left + i * slot + slot * 0.15;
    const rect = s("rect", { x, y: top + plotH - barH, width: slot * 0.7, height: barH, class: "bar" });
    rect.appendChild(s("title", {}, `${day(bar.day)}: ${money({ amount: bar.amount, currency })}`));
    svg.appendChild(rect);
    const last = i === bars.length - 1;
    if ((i % 7 === 0 && bars.length - 1 - i >= 4) || last) {
      svg.appendChild(s("text", { x: x + slot * 0.35, y: height - bottom + 16, "text-anchor": "middle", class: "axis-label" }, day(bar.day).replace(/,? \d{4}$/, "")));
    }
  });
  svg.appendChild(s("line", { x1: left, x2: left, y1: top, y2: top + plotH, class: "axis" }));
  svg.appendChild(s("line", { x1: left, x2: width - 8, y1: top + plotH, y2: top + plotH, class: "axis" }));
  svg.appendChild(s("text", { x: left + plotW / 2, y: height - 4, "text-anchor": "middle", class: "axis-title" }, t("chart.day")));
  const withSales = bars.filter((b) => b.amount !== 0);
  const alternative = h(
    "details",
    { class: "chart-table" },
    h("summary", {}, title),
    h(
      "table",
      {},
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, t("chart.day")), h("th", { scope: "col" }, t("chart.amount")))),
      h("tbody", {}, ...withSales.map((b) => h("tr", {}, h("td", {}, day(b.day)), h("td", {}, money({ amount: b.amount, currency }))))),
    ),
  );
  return h("figure", { class: "chart-figure" }, h("figcaption", {}, title), svg, alternative);
}
