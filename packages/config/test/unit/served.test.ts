// The served namespaces: the one rule the watcher (what it watches) and the ingress (where
// a Deploy may write) read, so they can never disagree; a CRM may serve several.
import { expect } from "chai";
import {
  parseCrmConfig,
  servedNamespaces,
  servedNamespacesVariable,
  watchedNamespaces,
} from "../../src/index.ts";

describe("config: served namespaces", function () {
  const cases: [string, Record<string, string>, string][] = [
    ["the default", {}, "default"],
    ["OPRC_CRM_K8S_NAMESPACE", { OPRC_CRM_K8S_NAMESPACE: "oaas" }, "oaas"],
    ["an empty value (unset)", { OPRC_CRM_K8S_NAMESPACE: "" }, "default"],
  ];
  for (const [name, env, namespace] of cases)
    it(`${name}: the watcher watches ${namespace}, and a Deploy may write there only`, function () {
      const config = parseCrmConfig(env);
      expect(watchedNamespaces(config)).to.deep.equal([namespace]);
      expect(servedNamespaces(config)).to.deep.equal([namespace]);
    });

  it("names the variable that chooses them", function () {
    expect(servedNamespacesVariable).to.equal("OPRC_CRM_ALLOWED_NAMESPACES");
  });

  it("OPRC_CRM_ALLOWED_NAMESPACES naming the watched namespace is what is served", function () {
    const config = parseCrmConfig({ OPRC_CRM_K8S_NAMESPACE: "oaas", OPRC_CRM_ALLOWED_NAMESPACES: "oaas" });
    expect(servedNamespaces(config)).to.deep.equal(["oaas"]);
  });

  it("serves (and watches) every namespace listed, its own included only when listed", function () {
    const config = parseCrmConfig({
      OPRC_CRM_K8S_NAMESPACE: "oaas",
      OPRC_CRM_ALLOWED_NAMESPACES: "team-a,team-b",
    });
    expect(servedNamespaces(config)).to.deep.equal(["team-a", "team-b"]);
    expect(watchedNamespaces(config)).to.deep.equal(["team-a", "team-b"]);
    expect(config.namespace, "the Lease and the default x-namespace stay in its own").to.equal("oaas");
  });

  it("a namespace named twice is served once", function () {
    const config = parseCrmConfig({ OPRC_CRM_ALLOWED_NAMESPACES: "a,b,a" });
    expect(servedNamespaces(config)).to.deep.equal(["a", "b"]);
  });

  it("refuses a name that is not a namespace, naming it", function () {
    expect(() => parseCrmConfig({ OPRC_CRM_ALLOWED_NAMESPACES: "a,Team_B" }))
      .to.throw(/OPRC_CRM_ALLOWED_NAMESPACES/)
      .with.property("message")
      .that.matches(/Team_B/);
  });
});
