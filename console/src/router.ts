// Screens by address: `#/orders/ID?…` so that a link can be shared and the back button works
// (the hash keeps the console a static site on any host).

export interface Location {
  path: string[];
  params: URLSearchParams;
}

export function parse(hash: string): Location {
  const raw = hash.replace(/^#\/?/, "");
  const [path = "", query = ""] = raw.split("?", 2);
  return { path: path.split("/").filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(query) };
}

/** The address of a screen, with the parameters that are set. */
export function href(path: string, params: Record<string, string | undefined | null> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return `#/${path}${s ? `?${s}` : ""}`;
}

export function go(path: string, params: Record<string, string | undefined | null> = {}): void {
  location.hash = href(path, params);
}
