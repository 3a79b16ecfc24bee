// src/api-types.ts from ../openapi.yaml, through openapi-typescript. `node api-types.mjs`
// writes it; `--check` fails when the committed file is not what openapi.yaml generates now,
// so the console's types can never silently drift from the API.
import { readFileSync, writeFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

const target = new URL("./src/api-types.ts", import.meta.url);
const header = "// Generated from openapi.yaml by openapi-typescript (`npm run gen`). Do not edit.\n\n";
const generated = header + astToString(await openapiTS(new URL("../openapi.yaml", import.meta.url)));

if (process.argv.includes("--check")) {
  if (readFileSync(target, "utf8") !== generated) {
    console.error("console/src/api-types.ts is stale: run `npm run gen` in console/ and commit it");
    process.exit(1);
  }
} else {
  writeFileSync(target, generated);
}
