// Paging through a list: the API's opaque cursor kept in the screen's address, so that a page
// can be linked to and the back button returns to the previous one.

import type { Screen } from "./context.js";
import { h, link } from "./dom.js";
import { t } from "./i18n.js";
import { href } from "./router.js";

/** "First page" and "Next page" links that keep the screen's other parameters. */
export function pager(screen: Screen, path: string, next: string | null): HTMLElement {
  const params = Object.fromEntries(screen.location.params.entries());
  const links: HTMLElement[] = [];
  if (params.cursor) links.push(link(href(path, { ...params, cursor: null }), t("common.first")));
  if (next) links.push(link(href(path, { ...params, cursor: next }), t("common.next")));
  return h("nav", { class: "pager", "aria-label": t("common.next") }, links);
}
