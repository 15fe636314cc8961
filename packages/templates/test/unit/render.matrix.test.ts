// Every combination of profile, explicit template, ODGM flag and addon, HPA flag, Knative
// availability and scrape kind, against a small independent model of what must come out.
import { expect } from "chai";
import { render, type Profile, type ScrapeKind } from "../../src/index.ts";
import {
  context,
  record,
  withAddon,
  withFeature,
  withFunction,
  withKnative,
  withMonitoring,
  withPrometheusOperator,
  withScale,
  withTemplate,
  type ContextOption,
  type RecordOption,
} from "../fixtures.ts";

const profiles: Profile[] = ["dev", "edge", "full"];
const explicit = [undefined, "dev", "edge", "full", "knative"] as const;
const scrapeKinds: (ScrapeKind | undefined)[] = [undefined, "auto", "servicemonitor", "podmonitor", "none"];
const bools = [false, true];

interface Combo {
  profile: Profile;
  template: (typeof explicit)[number];
  odgmFlag: boolean;
  odgmAddon: boolean;
  hpa: boolean;
  knative: boolean;
  scrape: ScrapeKind | undefined;
}

function* combos(): Generator<Combo> {
  for (const profile of profiles)
    for (const template of explicit)
      for (const odgmFlag of bools)
        for (const odgmAddon of bools)
          for (const hpa of bools)
            for (const knative of bools)
              for (const scrape of scrapeKinds)
                yield { profile, template, odgmFlag, odgmAddon, hpa, knative, scrape };
}

/** The model: kinds (with the Knative Service as "ksvc") in render order. */
function expected(c: Combo): string[] | "TemplateUnavailable" {
  if (c.template === "knative" && !c.knative) return "TemplateUnavailable";
  const chosen = c.template ?? c.profile;
  const functions =
    chosen === "knative"
      ? ["ksvc"]
      : ["Deployment", "Service", ...(c.hpa ? ["HorizontalPodAutoscaler"] : [])];
  const odgm = c.odgmFlag && c.odgmAddon ? ["Deployment", "Service"] : [];
  const monitor =
    c.scrape === "servicemonitor" || (c.scrape === "auto" && chosen !== "knative")
      ? ["ServiceMonitor"]
      : c.scrape === "podmonitor"
        ? ["PodMonitor"]
        : [];
  return [...functions, ...odgm, ...monitor];
}

describe("templates: every template, profile, addon and flag combination", () => {
  const count = [...combos()].length;

  it(`renders what the model predicts for all ${count} combinations`, () => {
    for (const c of combos()) {
      const recordOptions: RecordOption[] = [withFunction("f", withScale(1, 4))];
      if (c.template !== undefined) recordOptions.push(withTemplate(c.template));
      if (c.odgmAddon) recordOptions.push(withAddon("odgm"));
      const contextOptions: ContextOption[] = [
        withFeature("odgm", c.odgmFlag),
        withFeature("hpa", c.hpa),
        withPrometheusOperator,
      ];
      if (c.knative) contextOptions.push(withKnative);
      if (c.scrape !== undefined) contextOptions.push(withMonitoring(c.scrape));

      const result = render(record("r", ...recordOptions), context(c.profile, ...contextOptions));
      const want = expected(c);
      const label = JSON.stringify(c);
      if (want === "TemplateUnavailable") {
        expect(result.ok ? "rendered" : result.error.code, label).to.equal(want);
        continue;
      }
      if (!result.ok) return expect.fail(`${label}: ${result.error.code} ${result.error.message}`);
      const kinds = result.objects.map((o) =>
        o.apiVersion === "serving.knative.dev/v1" ? "ksvc" : (o.kind ?? ""),
      );
      expect(kinds, label).to.deep.equal(want);
      expect(result.selection.name, label).to.equal(c.template ?? c.profile);
    }
  });
});
