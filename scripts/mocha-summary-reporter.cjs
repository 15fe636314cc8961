// Mocha's spec reporter plus one last line "N passed, N failed", the line CI reads.
// The counts are also written to $OAAS_TEST_SUMMARY (when set) so scripts/test.sh can
// sum several runs and notice a run that died before printing.
const fs = require("node:fs");
const Mocha = require("mocha");

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once("end", () => {
      const { passes, failures } = runner.stats;
      if (process.env.OAAS_TEST_SUMMARY) {
        fs.writeFileSync(process.env.OAAS_TEST_SUMMARY, JSON.stringify({ passes, failures }));
      }
      console.log(`${passes} passed, ${failures} failed`);
    });
  }
}
module.exports = SummaryReporter;
