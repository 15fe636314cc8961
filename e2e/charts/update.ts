// npm run charts:update: re-renders the golden manifests of both charts (e2e/charts/golden)
// and the values tables of their READMEs. Review the diff before committing: a golden
// change is a change of what the charts install. Refuses to run under CI=true, where a
// stale golden must fail the build instead of being rewritten.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { repoRoot } from "@oaas/testkit";
import { charts, goldenFile, goldenText, readmeFile, valueCases, valuesTable, withTable } from "./charts.ts";

async function main(): Promise<number> {
  if (process.env["CI"] === "true") {
    console.error("charts:update refuses to run with CI=true: goldens are checked in CI, never rewritten");
    return 1;
  }
  for (const chart of charts) {
    for (const which of valueCases) {
      const file = goldenFile(chart, which);
      writeFileSync(file, await goldenText(chart, which));
      console.error(`wrote ${path.relative(repoRoot, file)}`);
    }
    const readme = readmeFile(chart);
    writeFileSync(readme, withTable(readFileSync(readme, "utf8"), valuesTable(chart)));
    console.error(`wrote the values table of ${path.relative(repoRoot, readme)}`);
  }
  return 0;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
