// The e2e tests' world: the local runner (its own moto, its own data folder, a free port)
// serving the built console, and a real headless Chromium from the system (never downloaded).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
export const consoleDir = resolve(here, "../..");
const repo = resolve(consoleDir, "..");
export const screenshots = resolve(process.env.SCREENSHOTS_DIR ?? join(consoleDir, "screenshots"));
mkdirSync(screenshots, { recursive: true });

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
    server.on("error", fail);
  });
}

/** The Chromium to drive: $CHROMIUM, or Debian's package. Missing is a failure, not a skip. */
export function chromiumPath() {
  const candidates = [process.env.CHROMIUM, "/usr/bin/chromium", "/usr/bin/chromium-browser"].filter(Boolean);
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`no Chromium at ${candidates.join(", ")}: apt-get install -y chromium (or set CHROMIUM)`);
  return found;
}

export async function startRunner(extraEnv = {}) {
  const binary = process.env.BACKOFFICE_LOCAL ?? join(repo, "target/debug/backoffice-local");
  if (!existsSync(binary)) throw new Error(`${binary} is missing: cargo build -p backoffice-local`);
  if (!existsSync(join(consoleDir, "dist/index.html"))) throw new Error("console/dist is missing: npm run build");
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), "console-e2e-"));
  const env = {
    ...process.env,
    PORT: String(port),
    LOCAL_DATA_DIR: data,
    DEMO_DATA: "0",
    CONSOLE_DIR: join(consoleDir, "dist"),
    LOCAL_SCHEDULE_SECONDS: "2",
    RUST_LOG: process.env.RUST_LOG ?? "warn",
    ...extraEnv,
  };
  delete env.AWS_ENDPOINT_URL;
  // Beside the screenshots: `reset` removes the data folder when the runner stops.
  const log = join(screenshots, "runner.log");
  const child = spawn(binary, [], { cwd: repo, env, stdio: ["ignore", "pipe", "pipe"] });
  const out = [];
  child.stdout.on("data", (d) => out.push(d));
  child.stderr.on("data", (d) => out.push(d));
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the runner stopped:\n${Buffer.concat(out).toString()}`);
    try {
      const r = await fetch(`${base}/config.json`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
    if (i === 239) throw new Error(`the runner did not come up:\n${Buffer.concat(out).toString()}`);
  }
  console.log(`runner: ${base}, its log at ${log} once stopped`);
  return {
    base,
    log,
    async stop() {
      writeFileSync(log, Buffer.concat(out));
      child.kill("SIGINT");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      // The runner keeps its moto between runs; this one is ours alone.
      spawnSync(binary, ["reset"], { cwd: repo, env });
    },
    output: () => Buffer.concat(out).toString(),
    /** Delivers a raw e-mail to the inbox as SES would (`backoffice-local mail`); what was filed. */
    mail(raw, ...verdicts) {
      const file = join(data, `mail-${Date.now()}.eml`);
      writeFileSync(file, raw);
      const r = spawnSync(binary, ["mail", file, ...verdicts], { cwd: repo, env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`backoffice-local mail failed: ${r.stderr}`);
      return JSON.parse(r.stdout);
    },
    /** A bearer token from the runner's own minter (`backoffice-local token`), for setting up. */
    token: (...scopes) => spawnSync(binary, ["token", ...scopes], { cwd: repo, env, encoding: "utf8" }).stdout.trim(),
  };
}

export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: ["--no-sandbox"] });
}


const axeSource = readFileSync(join(consoleDir, "node_modules/axe-core/axe.min.js"), "utf8");

/** axe-core on what the page shows now: no serious or critical violation. Evaluated through
 * the DevTools protocol, so the console's CSP (no inline script) stays on. */
export async function accessible(page, name) {
  await page.evaluate(axeSource);
  const result = await page.evaluate(() => globalThis.axe.run(document, { resultTypes: ["violations"] }));
  const bad = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  if (bad.length) {
    const detail = bad.map((v) => `${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("\n  ")}`);
    throw new Error(`axe on ${name}:\n${detail.join("\n")}`);
  }
}

/** The screen at desktop and phone width, into the screenshots folder. */
export async function photograph(page, name) {
  for (const [label, width] of [["desktop", 1280], ["phone", 390]]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(screenshots, `${name}-${label}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

/** JSON to the API, as a storefront or another system would call it. */
export async function api(base, method, path, body, headers = {}) {
  if (api.bearer && !headers.authorization) headers = { ...headers, authorization: `Bearer ${api.bearer}` };
  const r = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null, etag: r.headers.get("etag") };
}
