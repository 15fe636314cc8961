// Kubernetes' name, label and env var name rules at their edges (lengths, ends, case);
// the names oracle suite (packages/crd/test/integration) holds them against an API server.
import { expect } from "chai";
import {
  envNameProblem,
  isDns1035Label,
  isDns1123Label,
  isDns1123Subdomain,
  isLabelKey,
  isLabelValue,
} from "../../src/index.ts";

describe("kube-rules: names", function () {
  const rows: { rule: (text: string) => boolean; name: string; yes: string[]; no: string[] }[] = [
    {
      rule: isDns1123Label,
      name: "DNS-1123 label",
      yes: ["a", "0abc", "a-b", "a".repeat(63)],
      no: ["", "A", "-a", "a-", "a.b", "a_b", "a".repeat(64)],
    },
    {
      rule: isDns1035Label,
      name: "DNS-1035 label",
      yes: ["a", "a-0", "a".repeat(63)],
      no: ["0a", "", "a-", "A", "a".repeat(64)],
    },
    {
      rule: isDns1123Subdomain,
      name: "DNS-1123 subdomain",
      yes: ["a.b", "oaas.io", `${"a".repeat(63)}.${"b".repeat(63)}`, "a".repeat(63)],
      no: ["a..b", ".a", "a.", "A.b", `${"a.".repeat(126)}ab`],
    },
    {
      rule: isLabelValue,
      name: "label value",
      yes: ["", "a", "A.b_c-d", "a".repeat(63)],
      no: ["-a", "a-", "a b", "a/b", "a".repeat(64)],
    },
    {
      rule: isLabelKey,
      name: "label key",
      yes: ["app", "oaas.io/owner", "app.kubernetes.io/part-of", "A_b"],
      no: ["", "/a", "Oaas.io/a", "a/", "a".repeat(64), "a/b/c"],
    },
  ];
  for (const row of rows) {
    it(`${row.name}: accepts ${row.yes.length}, refuses ${row.no.length}`, function () {
      for (const text of row.yes) expect(row.rule(text), JSON.stringify(text)).to.equal(true);
      for (const text of row.no) expect(row.rule(text), JSON.stringify(text)).to.equal(false);
    });
  }

  it("env var names: the classic rule (no leading digit, no '=' or blanks)", function () {
    for (const name of ["A", "_a", "a.b-c", "-x", "PORT2"])
      expect(envNameProblem(name), name).to.equal(undefined);
    for (const name of ["1A", "A=B", "A B", "", "é"])
      expect(envNameProblem(name), name).to.match(/is not a valid environment variable name/);
  });
});
