// conformance-report.mjs OUTDIR SCENARIO... reads the conformance suite's
// results (OUTDIR/server-<scenario>-<time>/checks.json), prints a markdown
// table with one row per expected scenario, and exits 1 when a scenario is
// missing or has a failed check. Warnings (the suite's SHOULD-level checks)
// are shown but do not fail the run, as in the suite's own exit code.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

const [outDir, ...expected] = process.argv.slice(2);
if (!outDir || expected.length === 0) {
  console.error("usage: conformance-report.mjs OUTDIR SCENARIO...");
  process.exit(2);
}

// results maps a scenario name to its checks (the latest run wins).
const results = new Map();
for (const dir of readdirSync(outDir).sort()) {
  const m = /^server-(.+)-\d{4}-\d{2}-\d{2}T[\d-]+Z$/.exec(dir);
  if (!m) continue;
  const checks = JSON.parse(readFileSync(join(outDir, dir, "checks.json"), "utf8"));
  results.set(m[1], checks);
}

const count = (checks, status) => checks.filter((c) => c.status === status).length;
let failed = 0;
const rows = [];
for (const name of expected) {
  const checks = results.get(name);
  if (!checks) {
    failed++;
    rows.push(`| ${name} | **FAIL** (no result) | 0 | 0 | 0 | |`);
    continue;
  }
  const ok = count(checks, "SUCCESS");
  const bad = count(checks, "FAILURE");
  const warn = count(checks, "WARNING");
  const notes = checks
    .filter((c) => c.status === "FAILURE" || c.status === "WARNING")
    .map((c) => `${c.status === "FAILURE" ? "failed" : "warning"}: ${c.name}: ${c.errorMessage ?? c.description}`)
    .join("; ")
    .replaceAll("|", "\\|");
  if (bad > 0) failed++;
  rows.push(`| ${name} | ${bad > 0 ? "**FAIL**" : "pass"} | ${ok} | ${bad} | ${warn} | ${notes} |`);
}

console.log("| scenario | result | checks passed | checks failed | warnings | notes |");
console.log("|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
console.log(`\nconformance: ${expected.length - failed} of ${expected.length} scenarios passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
