// The served namespaces: the one rule the watcher (what it watches) and the ingress (where
// a Deploy may write) read, so they can never disagree.
import { expect } from "chai";
import {
  parseCrmConfig,
  servedNamespaces,
  servedNamespacesVariable,
  watchedNamespace,
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
      expect(watchedNamespace(config)).to.equal(namespace);
      expect(servedNamespaces(config)).to.deep.equal([namespace]);
    });

  it("names the variable that chooses them", function () {
    expect(servedNamespacesVariable).to.equal("OPRC_CRM_ALLOWED_NAMESPACES");
  });

  it("OPRC_CRM_ALLOWED_NAMESPACES naming the watched namespace is what is served", function () {
    const config = parseCrmConfig({ OPRC_CRM_K8S_NAMESPACE: "oaas", OPRC_CRM_ALLOWED_NAMESPACES: "oaas" });
    expect(servedNamespaces(config)).to.deep.equal(["oaas"]);
  });

  it("refuses an allowed namespace the watcher does not watch, naming it and the fix", function () {
    expect(() =>
      parseCrmConfig({ OPRC_CRM_K8S_NAMESPACE: "oaas", OPRC_CRM_ALLOWED_NAMESPACES: "oaas,kube-system" }),
    )
      .to.throw(/OPRC_CRM_ALLOWED_NAMESPACES/)
      .with.property("message")
      .that.matches(/kube-system, which the watcher does not watch.*one CRM per namespace/);
  });
});
