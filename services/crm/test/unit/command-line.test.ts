// The `crm` command line (src/command-line.ts, commander): which action each command
// line reaches with which options, and the exit codes of usage errors and help. The
// actions are recorders here; the commands' own work against real Redis and a real
// cluster is in test/integration/commands.test.ts.
import { expect } from "chai";
import { runCommandLine, usage, type CrmActions } from "../../src/command-line.ts";

interface Outcome {
  readonly code: number;
  readonly calls: unknown[][];
  readonly out: string;
  readonly err: string;
}

/** Runs `argv`; every action records its call and resolves with `actionCode`. */
async function run(argv: string[], actionCode = 0): Promise<Outcome> {
  const calls: unknown[][] = [];
  let out = "";
  let err = "";
  const record =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return Promise.resolve(actionCode);
    };
  const actions: CrmActions = {
    role: record("role"),
    crds: record("crds"),
    history: record("history"),
    nfrExplain: record("nfrExplain"),
  };
  const code = await runCommandLine(argv, actions, {
    out: (text) => (out += text),
    err: (text) => (err += text),
  });
  return { code, calls, out, err };
}

describe("crm command line", function () {
  const rows: { name: string; argv: string[]; call: unknown[] }[] = [
    { name: "a role", argv: ["reconciler"], call: ["role", "reconciler"] },
    { name: "all", argv: ["all"], call: ["role", "all"] },
    { name: "crds", argv: ["crds"], call: ["crds"] },
    { name: "history, no flags", argv: ["history", "shop"], call: ["history", "shop", {}] },
    {
      name: "history, every flag (long)",
      argv: ["history", "shop", "--namespace", "team", "--limit", "5", "--output", "json"],
      call: ["history", "shop", { namespace: "team", limit: 5, output: "json" }],
    },
    {
      name: "history, short flags before the id",
      argv: ["history", "-n", "team", "-o", "json", "shop"],
      call: ["history", "shop", { namespace: "team", output: "json" }],
    },
    { name: "nfr explain, no flags", argv: ["nfr", "explain", "shop"], call: ["nfrExplain", "shop", {}] },
    {
      name: "nfr explain, every flag",
      argv: ["nfr", "explain", "shop", "-n", "team", "--at-rps", "12.5", "-o", "json"],
      call: ["nfrExplain", "shop", { namespace: "team", atRps: 12.5, output: "json" }],
    },
    {
      name: "nfr explain --at-rps 0",
      argv: ["nfr", "explain", "shop", "--at-rps", "0"],
      call: ["nfrExplain", "shop", { atRps: 0 }],
    },
  ];
  for (const row of rows) {
    it(`${row.name}: reaches its action with the options`, async function () {
      const got = await run(row.argv);
      expect(got.calls).to.deep.equal([row.call]);
      expect(got.code).to.equal(0);
    });
  }

  it("the action's exit code is the process's (3: nothing for the id, 1: failed)", async function () {
    expect((await run(["history", "shop"], 3)).code).to.equal(3);
    expect((await run(["nfr", "explain", "shop"], 1)).code).to.equal(1);
    expect((await run(["ingress"], 1)).code).to.equal(1);
  });

  const usageErrors: { name: string; argv: string[]; err: RegExp }[] = [
    { name: "no command", argv: [], err: /^usage: crm <ingress\|watcher\|.*\|crds\|history\|nfr>/ },
    { name: "an unknown role", argv: ["bogus"], err: /^usage: crm </ },
    { name: "history without an id", argv: ["history"], err: /missing required argument 'deployment-id'/ },
    { name: "history with an empty id", argv: ["history", ""], err: /^usage: crm history <deployment-id>/ },
    {
      name: "history --limit 0",
      argv: ["history", "shop", "--limit", "0"],
      err: /--limit.*whole number above 0/,
    },
    { name: "history --limit 1.5", argv: ["history", "shop", "--limit", "1.5"], err: /whole number above 0/ },
    {
      name: "history, an unknown flag",
      argv: ["history", "shop", "--bogus"],
      err: /unknown option '--bogus'/,
    },
    { name: "nfr without a verb", argv: ["nfr"], err: /explain/ },
    { name: "nfr, an unknown verb", argv: ["nfr", "apply", "shop"], err: /unknown command 'apply'/ },
    { name: "nfr explain without an id", argv: ["nfr", "explain"], err: /missing required argument/ },
    {
      name: "nfr explain --at-rps -1",
      argv: ["nfr", "explain", "shop", "--at-rps", "-1"],
      err: /--at-rps.*requests per second, 0 or more/,
    },
    { name: "nfr explain --at-rps x", argv: ["nfr", "explain", "shop", "--at-rps", "x"], err: /0 or more/ },
    { name: "a role with an argument", argv: ["ingress", "extra"], err: /too many arguments/ },
  ];
  for (const row of usageErrors) {
    it(`${row.name}: exit 2, says why, runs nothing`, async function () {
      const got = await run(row.argv);
      expect(got.code).to.equal(2);
      expect(got.err).to.match(row.err);
      expect(got.calls).to.deep.equal([]);
    });
  }

  it("--help of each command: exit 0, its flags on stdout, nothing run", async function () {
    const top = await run(["--help"]);
    expect([top.code, top.calls]).to.deep.equal([0, []]);
    expect(top.out).to.contain("history").and.to.contain("crds").and.to.contain("Exit codes:");
    const history = await run(["history", "--help"]);
    expect(history.code).to.equal(0);
    expect(history.out)
      .to.contain("--namespace <ns>")
      .and.to.contain("--limit <n>")
      .and.to.contain("--output");
    const explain = await run(["nfr", "explain", "--help"]);
    expect(explain.code).to.equal(0);
    expect(explain.out).to.contain("--at-rps <n>").and.to.contain("-n, --namespace");
  });

  it("usage names every role and command", function () {
    expect(usage()).to.match(
      /^usage: crm <ingress\|watcher\|reconciler\|analyzer\|enforcer\|dashboard\|all\|crds\|history\|nfr>$/m,
    );
  });
});
