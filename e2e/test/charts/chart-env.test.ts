import { expect } from "chai";
import {
  charts,
  crmChart,
  parseManifests,
  pmChart,
  renderCase,
  valueCases,
  type Chart,
} from "../../charts/charts.ts";
import { checkEnv, checkManifests, pendingVariables, type Program } from "../../charts/env-check.ts";

// The programs check the charts' environment themselves: every values
// case the chart tests render (the defaults, ci/dev, ci/edge, ci/full) and the TLS,
// secret and insecure variants below, each container's rendered environment run through
// the CRM's or the PM's own configuration parser (e2e/charts/env-check.ts). Any refusal
// fails, except the PENDING authentication variables listed there, tolerated only while
// the parser refuses them as unknown. Needs only helm, no cluster.

/** Variants beyond the values files: [chart, base case, what, helm --set arguments]. */
const variants: [Chart, (typeof valueCases)[number], string, string[]][] = [
  [crmChart, "default", "insecure (no auth)", ["--set", "insecure=true"]],
  [
    crmChart,
    "default",
    "tokens from an existing Secret, the served namespace named",
    [
      "--set",
      "auth.tokens.existingSecret=crm-tokens",
      "--set-json",
      'auth.allowedNamespaces=["oaas-system"]',
    ],
  ],
  [
    crmChart,
    "default",
    "several served namespaces (one CRM, a Role in each)",
    ["--set-json", 'auth.allowedNamespaces=["team-a","team-b"]'],
  ],
  [
    crmChart,
    "edge",
    "mTLS with a client allowlist",
    ["--set", "auth.mtlsClients.existingSecret=crm-clients"],
  ],
  [crmChart, "full", "Redis URL from a Secret", ["--set", "redis.external.urlSecret.name=redis-url"]],
  [crmChart, "full", "insecure with mTLS", ["--set", "insecure=true"]],
  [pmChart, "default", "insecure (no auth)", ["--set", "insecure=true"]],
  [
    pmChart,
    "dev",
    "the default cluster's token from a Secret, https with a client certificate",
    [
      ...["--set", "crm.defaultUrl=https://oaas-crm.oaas-system:8088"],
      ...["--set", "crm.defaultTokenSecret.name=crm-token"],
      ...["--set", "crm.clientTls.existingSecret=crm-client"],
      ...["--set", "auth.tokens.existingSecret=pm-tokens"],
    ],
  ],
  [
    pmChart,
    "default",
    "an external etcd with auth and TLS",
    [
      ...[
        "--set",
        "storage.etcd.mode=external",
        "--set-json",
        'storage.etcd.endpoints=["https://etcd:2379"]',
      ],
      ...["--set", "storage.etcd.auth.existingSecret=etcd-auth"],
      ...["--set", "storage.etcd.tls.enabled=true", "--set", "storage.etcd.tls.existingSecret=etcd-tls"],
    ],
  ],
];

const cases: [Chart, string, (typeof valueCases)[number], string[]][] = [
  ...charts.flatMap((chart) =>
    valueCases.map((which) => [chart, which, which, []] as [Chart, string, typeof which, string[]]),
  ),
  ...variants.map(
    ([chart, base, what, args]) =>
      [chart, `${base} + ${what}`, base, args] as [Chart, string, typeof base, string[]],
  ),
];

describe("helm charts: every rendered environment accepted by the program's own parser", function () {
  this.timeout(120_000);
  const pendingSeen = new Set<string>();
  after(() => {
    // For whoever reads the run: which PENDING names the parsers still refuse as unknown.
    if (pendingSeen.size > 0)
      console.error(`pending, still unknown to the parsers: ${[...pendingSeen].sort().join(", ")}`);
  });

  for (const [chart, name, base, args] of cases) {
    it(`${chart.name}: ${name}`, async () => {
      const checks = checkManifests(parseManifests(await renderCase(chart, base, args)));
      const program: Program = chart.name === "oaas-crm" ? "crm" : "pm";
      expect(
        checks.filter((c) => c.program === program),
        "no container of the program found",
      ).not.to.deep.equal([]);
      for (const check of checks) {
        expect(check.problems, check.where).to.deep.equal([]);
        for (const v of check.pendingUnknown) pendingSeen.add(`${check.program}:${v}`);
      }
    });
  }

  it("each PENDING pattern matches a variable the charts render (no stale entry)", async () => {
    const rendered = new Set<string>();
    for (const [chart, , base, args] of cases)
      for (const o of parseManifests(await renderCase(chart, base, args))) {
        const containers =
          (o.spec?.["template"] as { spec?: { containers?: { env?: { name: string }[] }[] } } | undefined)
            ?.spec?.containers ?? [];
        for (const c of containers) for (const e of c.env ?? []) rendered.add(e.name);
      }
    for (const [program, patterns] of Object.entries(pendingVariables))
      for (const re of patterns)
        expect(
          [...rendered].some((n) => re.test(n)),
          `${program} ${String(re)} is rendered by no case`,
        ).to.equal(true);
  });

  it("has teeth: the PM's old TLS names and a typo in a CRM name are refused", async () => {
    const pm = checkManifests(
      parseManifests(
        await renderCase(pmChart, "edge", [
          "--set-json",
          'extraEnv=[{"name":"OPRC_PM_CRM_TLS_CA_FILE","value":"/x"}]',
        ]),
      ),
    );
    expect(pm.flatMap((c) => c.problems).join("\n")).to.match(/OPRC_PM_CRM_TLS_CA_FILE/);
    const crm = checkEnv("crm", { OPRC_CRM_SECURITY_MLTS: "true", OPRC_CRM_AUTH_TOKENS_FILE: "/x" });
    expect(crm.problems.join("\n")).to.match(/OPRC_CRM_SECURITY_MLTS/);
    // A pending name is tolerated only as "unknown": a bad value of a known name is not.
    expect(
      checkEnv("pm", { OPRC_PM_AUTH_DISABLED: "maybe", LOG_LEVEL: "loud" }).problems.join("\n"),
    ).to.match(/LOG_LEVEL/);
  });
});
