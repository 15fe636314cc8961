// Template choice: explicit selected_template, then template_hint, then scoring in which
// the profile's own template wins; knative only when flagged AND installed.
import { expect } from "chai";
import fc from "fast-check";
import {
  render,
  scoreTemplates,
  type Profile,
  type RenderContext,
  type RenderErrorCode,
  type Signals,
} from "../../src/index.ts";
import {
  context,
  record,
  withFeature,
  withFunction,
  withFunctionNfr,
  withHint,
  withKnative,
  withKnativeInstalled,
  withRequirements,
  withTemplate,
  type RecordOption,
} from "../fixtures.ts";

interface Row {
  name: string;
  given: RecordOption[];
  context: RenderContext;
  want?: { template: string; runnerUp?: string; reason?: RegExp };
  wantError?: { code: RenderErrorCode; path: string };
}

const fn = withFunction("f");
const serverless = withRequirements({ min_throughput_rps: 20, max_latency_ms: 800 });

const rows: Row[] = [
  {
    name: "profile dev, no NFRs: dev",
    given: [fn],
    context: context("dev"),
    want: { template: "dev", runnerUp: "edge" },
  },
  {
    name: "profile edge, no NFRs: edge",
    given: [fn],
    context: context("edge"),
    want: { template: "edge", runnerUp: "dev" },
  },
  {
    name: "profile full, no NFRs: full (not dev, not edge)",
    given: [fn],
    context: context("full"),
    want: { template: "full", runnerUp: "edge" },
  },
  {
    name: "profile full with knative available, no NFRs: full, knative runner-up",
    given: [fn],
    context: context("full", withKnative),
    want: { template: "full", runnerUp: "knative" },
  },
  {
    name: "profile full, serverless NFRs, knative available: knative",
    given: [fn, serverless],
    context: context("full", withKnative),
    want: { template: "knative", runnerUp: "full" },
  },
  {
    name: "profile full, serverless NFRs, knative flag off: full",
    given: [fn, serverless],
    context: context("full", withKnativeInstalled),
    want: { template: "full" },
  },
  {
    name: "profile full, serverless NFRs, knative not installed: full",
    given: [fn, serverless],
    context: context("full", withFeature("knative")),
    want: { template: "full" },
  },
  {
    name: "profile full, one serverless NFR only: tie goes to full",
    given: [fn, withRequirements({ min_throughput_rps: 20 })],
    context: context("full", withKnative),
    want: { template: "full", runnerUp: "knative" },
  },
  {
    name: "profile dev, demanding NFRs: still dev",
    given: [
      fn,
      withRequirements({
        min_throughput_rps: 5000,
        max_latency_ms: 10,
        availability: 0.9999,
        consistency: "strong",
      }),
    ],
    context: context("dev", withKnative),
    want: { template: "dev", runnerUp: "full" },
  },
  {
    name: "function-level NFRs count when spec.nfr has none",
    given: [withFunction("f", withFunctionNfr({ min_throughput_rps: 10, max_latency_ms: 900 }))],
    context: context("full", withKnative),
    want: { template: "knative" },
  },
  {
    name: "spec.nfr wins over function NFRs",
    given: [
      withFunction("f", withFunctionNfr({ min_throughput_rps: 10, max_latency_ms: 900 })),
      withRequirements({ min_throughput_rps: 5000 }),
    ],
    context: context("full", withKnative),
    want: { template: "full" },
  },
  {
    name: "explicit selected_template beats the profile",
    given: [fn, withTemplate("dev")],
    context: context("full"),
    want: { template: "dev", runnerUp: "full", reason: /selected_template "dev"/ },
  },
  {
    name: "selected_template alias, any case",
    given: [fn, withTemplate("K8S_Deployment")],
    context: context("dev"),
    want: { template: "full" },
  },
  {
    name: "selected_template wins over template_hint",
    given: [fn, withTemplate("edge"), withHint("full")],
    context: context("dev"),
    want: { template: "edge" },
  },
  {
    name: "template_hint used when no selected_template",
    given: [fn, withHint("kn")],
    context: context("dev", withKnative),
    want: { template: "knative", reason: /template_hint "kn"/ },
  },
  {
    name: "template_hint knative without Knative: ignored, scoring decides",
    given: [fn, withHint("knsvc")],
    context: context("edge"),
    want: { template: "edge", reason: /ignored/ },
  },
  {
    name: "selected_template knative without Knative: TemplateUnavailable",
    given: [fn, withTemplate("knative")],
    context: context("full", withFeature("knative")),
    wantError: { code: "TemplateUnavailable", path: "spec.selected_template" },
  },
  {
    name: "unknown selected_template",
    given: [fn, withTemplate("unified")],
    context: context("dev"),
    wantError: { code: "UnknownTemplate", path: "spec.selected_template" },
  },
  {
    name: "unknown template_hint",
    given: [fn, withHint("lambda")],
    context: context("dev"),
    wantError: { code: "UnknownTemplate", path: "spec.template_hint" },
  },
  {
    name: "blank selected_template is no choice",
    given: [fn, withTemplate("  ")],
    context: context("edge"),
    want: { template: "edge" },
  },
];

describe("templates: template selection", () => {
  for (const row of rows) {
    it(row.name, () => {
      const result = render(record("r", ...row.given), row.context);
      if (row.wantError) {
        expect(result.ok, "expected an error").to.be.false;
        if (!result.ok)
          expect({ code: result.error.code, path: result.error.path }).to.deep.equal(row.wantError);
        return;
      }
      if (!result.ok) return expect.fail(JSON.stringify(result.error));
      const want = row.want;
      expect(result.selection.name).to.equal(want?.template);
      if (want?.runnerUp) expect(result.selection.runner_up?.name).to.equal(want.runnerUp);
      if (want?.reason) expect(result.selection.reason).to.match(want.reason);
      expect(result.selection.score).to.be.a("number");
    });
  }

  const signals: fc.Arbitrary<Signals> = fc.record(
    {
      min_throughput_rps: fc.integer({ min: 0, max: 100_000 }),
      max_latency_ms: fc.integer({ min: 0, max: 10_000 }),
      availability: fc.double({ min: 0, max: 1, noNaN: true }),
      consistency: fc.constantFrom("strong", "eventual", "Strong", "whatever"),
    },
    { requiredKeys: [] },
  );

  it("property: for any NFRs the profile's own template outscores every other non-knative template", () => {
    fc.assert(
      fc.property(fc.constantFrom<Profile>("dev", "edge", "full"), signals, (profile, nfr) => {
        const scores = scoreTemplates(profile, nfr);
        for (const other of ["dev", "edge", "full"] as const) {
          if (other !== profile) expect(scores[profile]).to.be.greaterThan(scores[other]);
        }
        if (profile !== "full") expect(scores[profile]).to.be.greaterThan(scores.knative);
      }),
    );
  });
});
