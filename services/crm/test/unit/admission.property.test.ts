// Property: for any unit, "Deploy answers OK" implies "render succeeds".
// Random units (odd ports, scales past int32, odd quantities, env names, CPU targets,
// Knative-reserved values, templates) go through the real Deploy path (validation,
// derived fields, admission) into an in-memory store standing in for the API server;
// every stored record is then rendered as the reconciler would, under every capability
// and monitoring variant. Never OK-then-render-error.
import type { DeploymentRecord, DeploymentRecordSpec, FunctionSpec } from "@oaas/crd";
import { render, type RenderContext } from "@oaas/templates";
import { expect } from "chai";
import fc from "fast-check";
import { admissionContexts } from "../../src/deployments/admission.ts";
import { DeploymentError } from "../../src/deployments/errors.ts";
import { DeploymentsService, type RequestScope } from "../../src/deployments/service.ts";
import type { Applied, RecordStore } from "../../src/deployments/store.ts";

/** Keeps the last applied record; the API server's own checks are the templates' job here. */
class LastApplied implements RecordStore {
  last: DeploymentRecord | undefined;
  get = () => Promise.resolve(undefined);
  list = () => Promise.resolve([]);
  delete = () => Promise.resolve(false);
  apply(record: DeploymentRecord): Promise<Applied> {
    this.last = record;
    return Promise.resolve({ record, created: true });
  }
}

const odd = <T>(...values: T[]) => fc.constantFrom(...values);
/** Mostly ordinary values, sometimes odd ones: both sides of the property get exercised. */
const mostly = <T>(usual: fc.Arbitrary<T>, unusual: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: usual, weight: 30 }, { arbitrary: unusual, weight: 1 });
const quantity = mostly(
  odd(undefined, "100m", "1e3", "0.1m", "1.5Gi", "1Ki", "+1", ".5", "1E"),
  fc.oneof(odd("-1", "0", "1 core", "", "9223372036854775807", "1e999999"), fc.string({ maxLength: 6 })),
);
const scale = mostly(fc.nat(10), odd(0, 2147483647, 2147483648, 4294967295));
const port = mostly(fc.integer({ min: 1, max: 65535 }), odd(0, 8012, 9090, 9091, 8022, 65536));
const envName = mostly(
  odd("A", "a.b-c", "_x", "LOG_LEVEL"),
  fc.oneof(odd("1ST_VAR", "MY VAR", "PORT", "K_SERVICE", "A=B", ""), fc.string({ maxLength: 5 })),
);
const target = mostly(
  fc.oneof(odd(undefined, 0.5, 1e-9), fc.double({ min: 0.01, max: 5, noNaN: true })),
  odd(0, -1, 3e7, Number.NaN, Number.POSITIVE_INFINITY),
);

const functionSpec: fc.Arbitrary<FunctionSpec> = fc.record(
  {
    function_key: mostly(odd("f", "g", "odgm"), fc.oneof(odd("", " "), fc.string({ maxLength: 6 }))),
    provision_config: fc.record(
      {
        container_image: mostly(odd("img:1"), odd("", "a b")),
        port,
        max_concurrency: mostly(fc.nat(2000), odd(2147483648)),
        min_scale: scale,
        max_scale: scale,
        cpu_request: quantity,
        cpu_limit: quantity,
        memory_request: quantity,
        memory_limit: quantity,
      },
      { requiredKeys: ["container_image"] },
    ),
    nfr_requirements: fc.record(
      {
        cpu_utilization_target: target,
        min_throughput_rps: odd(10, 5000),
        max_latency_ms: odd(10, 1000),
      },
      { requiredKeys: [] },
    ),
    config: fc.dictionary(envName, fc.string({ maxLength: 3 }), { maxKeys: 3 }),
  },
  { requiredKeys: ["function_key", "provision_config"] },
);

const unit: fc.Arbitrary<DeploymentRecordSpec> = fc.record(
  {
    deployment_id: mostly(odd("shop", "Shop_Cart"), odd("")),
    functions: fc.array(functionSpec, { minLength: 1, maxLength: 2 }),
    odgm_config: fc.record(
      { replica_count: scale, collections: fc.array(mostly(odd("c", "d"), odd("a,b")), { maxLength: 1 }) },
      { requiredKeys: [] },
    ),
  },
  { requiredKeys: ["deployment_id", "functions"] },
);

const config = fc.record({
  profile: odd("dev" as const, "edge" as const, "full" as const),
  features: fc.record({ odgm: fc.boolean(), hpa: fc.boolean(), knative: fc.boolean() }),
});
const template = odd(undefined, "dev", "full", "knative", "kn");
const scope: RequestScope = { namespace: "ns", correlationId: "c", signal: new AbortController().signal };

/** Every context the reconciler may render with on a CRM of this configuration. */
function reconcilerContexts(base: readonly RenderContext[]): RenderContext[] {
  return base.flatMap((context) =>
    [undefined, "podmonitor", "servicemonitor", "auto"].map((kind) => ({
      ...context,
      ...(kind === undefined
        ? {}
        : { monitoring: { scrapeKind: kind as "podmonitor", matchLabels: { release: "prom" } } }),
    })),
  );
}

describe("crm Deploy admission property: OK at Deploy implies render succeeds", function () {
  it("never answers OK for a unit the renderer then refuses", async function () {
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(unit, config, template, async (spec, cfg, tpl) => {
        const store = new LastApplied();
        const contexts = admissionContexts(cfg);
        const service = new DeploymentsService(store, cfg.features, contexts);
        try {
          await service.deploy({ unit: spec, ...(tpl ? { template: tpl } : {}) }, scope);
        } catch (error) {
          if (!(error instanceof DeploymentError)) throw error;
          // Refused at Deploy: fine, but only as the unit's fault naming a request field
          // (INVALID_ARGUMENT) or as a capability this CRM lacks (FAILED_PRECONDITION).
          expect(error.code, error.message).to.be.oneOf(["invalidArgument", "failedPrecondition"]);
          if (error.code === "invalidArgument") {
            expect(error.fieldErrors.length, error.message).to.be.greaterThan(0);
            for (const f of error.fieldErrors) expect(f.field).to.match(/^(deployment_unit|x-template)/);
          }
          return;
        }
        accepted++;
        const stored = store.last;
        if (!stored) throw new Error("Deploy answered OK without writing");
        const record = { ...stored, metadata: { ...stored.metadata, uid: "u-1" } };
        for (const context of reconcilerContexts(contexts)) {
          const result = render(record, context);
          if (result.ok) continue;
          // A cluster precondition (Knative CRDs missing for an explicit knative), not the unit's fault.
          if (result.error.code === "TemplateUnavailable" && !context.capabilities.knativeInstalled) continue;
          expect.fail(`Deploy answered OK but render refused: ${JSON.stringify(result.error)}`);
        }
      }),
      { numRuns: 4000 },
    );
    // The generator must exercise the accepting side too, or the property says nothing.
    expect(accepted).to.be.greaterThan(100);
  });
});
