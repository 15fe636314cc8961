// Test selection: OAAS_TEST_KIND=unit|integration|all (scripts/test.sh sets it).
// Unit tests live in */test/unit, integration tests (real cluster, real Redis) in
// */test/integration and e2e/test. A single file can be run alone:
//   scripts/node.sh -- mocha path/to/file.test.ts
const fs = require("node:fs");
const kind = process.env.OAAS_TEST_KIND || "all";
// Only globs that match something: mocha warns about empty ones (suites not written yet).
const present = (globs) => globs.filter((glob) => fs.globSync(glob).length > 0);
const unit = [
  "packages/*/test/unit/**/*.test.ts",
  "services/*/test/unit/**/*.test.ts",
  "e2e/chaos/test/unit/**/*.test.ts",
];
const integration = [
  "packages/*/test/integration/**/*.test.ts",
  "services/*/test/integration/**/*.test.ts",
  "e2e/test/**/*.test.ts",
  // The chaos suite's quick mode and its TCP proxy (its unit tests are above).
  "e2e/chaos/test/*.test.ts",
];
// Files named on the command line replace the globs, so one suite runs alone.
const named = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));
module.exports = {
  "node-option": ["import=tsx"],
  require: ["packages/testkit/src/mocha-hooks.ts"],
  ...(named
    ? {}
    : {
        spec: present(
          kind === "unit" ? unit : kind === "integration" ? integration : [...unit, ...integration],
        ),
      }),
  reporter: "scripts/mocha-summary-reporter.cjs",
  timeout: 60000,
  // CI logs are files: escape codes would only garble them.
  color: !process.env.CI,
  exit: true,
};
