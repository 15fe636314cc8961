import { expect } from "chai";
import { resolveTemplateName, type TemplateName } from "../../src/index.ts";

describe("templates: resolveTemplateName", () => {
  const rows: { given: string; want: TemplateName | undefined }[] = [
    { given: "dev", want: "dev" },
    { given: "DEV", want: "dev" },
    { given: " edge ", want: "edge" },
    { given: "full", want: "full" },
    { given: "k8s_deployment", want: "full" },
    { given: "K8S_Deployment", want: "full" },
    { given: "deployment", want: "full" },
    { given: "k8s", want: "full" },
    { given: "knative", want: "knative" },
    { given: "Kn", want: "knative" },
    { given: "knsvc", want: "knative" },
    { given: "unified", want: undefined },
    { given: "k8s-deployment", want: undefined },
    { given: "", want: undefined },
    { given: "toString", want: undefined },
    { given: "__proto__", want: undefined },
  ];
  for (const { given, want } of rows) {
    it(`${JSON.stringify(given)} -> ${String(want)}`, () => {
      expect(resolveTemplateName(given)).to.equal(want);
    });
  }
});
