// Unknown OPRC_CRM_* variables are errors with a hint, so typos cannot pass silently.
import { expect } from "chai";
import { parseCrmConfig, vars } from "../../src/index.ts";
import { configError } from "./fixtures.ts";

const rows: { name: string; hint: string | undefined }[] = [
  { name: "OPRC_CRM_FEATURE_ODGM", hint: vars.odgm },
  { name: "OPRC_CRM_SECURITY_MLTS", hint: vars.mtls },
  { name: "OPRC_CRM_FEATURES_KNATVE", hint: vars.knative },
  { name: "oprc_crm_profile", hint: vars.profile },
  { name: "OPRC_CRM_ODGM", hint: vars.odgm },
  { name: "OPRC_CRM_PORT", hint: vars.httpPort },
  { name: "OPRC_CRM_NAMESPACE", hint: vars.namespace },
  { name: "OPRC_CRM_WHATEVER", hint: undefined },
  { name: "OPRC_CRM_SOMETHING_ELSE_ENTIRELY", hint: undefined },
];

describe("config: unknown variables", function () {
  for (const row of rows) {
    it(`${row.name} ${row.hint === undefined ? "is refused" : `suggests ${row.hint}`}`, function () {
      const error = configError({ [row.name]: "true" });
      expect(error.variables).to.deep.equal([row.name]);
      expect(error.message).to.include(`${row.name}="true": unknown variable`);
      expect(error.message).to.include("packages/config/README.md");
      if (row.hint !== undefined) expect(error.message).to.include(`(did you mean ${row.hint}?)`);
      else expect(error.message).not.to.include("did you mean");
    });
  }

  it("the retired OPRC_CRM_PROM_PROVIDER says why it is gone", function () {
    const error = configError({ OPRC_CRM_PROM_PROVIDER: "prometheus-operator" });
    expect(error.message).to.include("the Prometheus Operator is the only metrics provider");
  });

  it("are reported together with bad values", function () {
    expect(configError({ OPRC_CRM_TYPO: "1", [vars.hpa]: "x" }).variables).to.deep.equal([
      vars.hpa,
      "OPRC_CRM_TYPO",
    ]);
  });

  it("an unknown variable set to an empty value is still refused (the name is the mistake)", function () {
    expect(configError({ OPRC_CRM_FEATURE_HPA: "" }).variables).to.deep.equal(["OPRC_CRM_FEATURE_HPA"]);
  });

  it("every known name is accepted", function () {
    expect(() =>
      parseCrmConfig(Object.fromEntries(Object.values(vars).map((name) => [name, ""]))),
    ).not.to.throw();
  });
});
