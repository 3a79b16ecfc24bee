// The HTTP API as the console calls it: JSON in and out, problems (RFC 9457) turned into an
// error that names the field, and "unreachable" told apart from a refusal.

export interface Problem {
  status: number;
  title: string;
  detail: string;
  field?: string;
  [extension: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

/** The API could not be reached at all (network down, server stopped). */
export class Unreachable extends Error {}

export interface Answer<T> {
  body: T;
  etag: string | null;
  status: number;
}

let base = "";
let authorization: () => Promise<string | null> = () => Promise.resolve(null);

export function configure(apiBase: string, bearer: () => Promise<string | null>): void {
  base = apiBase.replace(/\/$/, "");
  authorization = bearer;
}

export async function call<T>(
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer<T>> {
  const all: Record<string, string> = { accept: "application/json", ...headers };
  const token = await authorization();
  if (token) all.authorization = `Bearer ${token}`;
  if (body !== undefined && !all["content-type"]) all["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(base + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new Unreachable("unreachable");
  }
  const text = await response.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
  }
  if (!response.ok) {
    if (response.status === 502 || response.status === 503 || response.status === 504) {
      throw new Unreachable(`status ${response.status}`);
    }
    throw new ApiError(toProblem(response.status, parsed));
  }
  return { body: parsed as T, etag: response.headers.get("etag"), status: response.status };
}

export function toProblem(status: number, body: unknown): Problem {
  const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
  return {
    ...b,
    status,
    title: typeof b.title === "string" ? b.title : `HTTP ${status}`,
    detail: typeof b.detail === "string" ? b.detail : "",
    field: typeof b.field === "string" ? b.field : undefined,
  };
}

export const get = <T>(path: string) => call<T>("GET", path).then((a) => a.body);
export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) =>
  call<T>("POST", path, body ?? {}, headers);

/** A fresh idempotency key: a retried click replays instead of acting twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID();
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

/** A query string from the parameters that are set. */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : "";
}
