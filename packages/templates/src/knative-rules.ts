// What Knative Serving's admission webhook refuses in the fields the knative template
// renders, checked before anything is applied so Deploy can answer with the field path
// (source: knative.dev/serving pkg/apis/serving/k8s_validation.go and the autoscaler
// defaults, config-defaults `container-concurrency-max-limit`). The Deployment templates
// do not apply these: there, port 9090 or an env var PORT are ordinary values.
import { fail, ok, type Result } from "./errors.ts";
import type { FunctionPlan } from "./functions.ts";

/**
 * Ports the queue-proxy sidecar uses: 8012 (HTTP), 8013 (HTTP/2), 8022 (admin),
 * 9090 (autoscaler metrics), 9091 (user metrics), 8008 (profiling).
 */
export const knativeReservedPorts: ReadonlySet<number> = new Set([8008, 8012, 8013, 8022, 9090, 9091]);
/** Variables Knative sets in every revision pod. */
export const knativeReservedEnv: ReadonlySet<string> = new Set([
  "PORT",
  "K_SERVICE",
  "K_CONFIGURATION",
  "K_REVISION",
]);
/** Knative's default `container-concurrency-max-limit` (config-defaults). */
export const knativeMaxConcurrency = 1000;

/** The first Knative admission problem of these functions, with its field path. */
export function checkKnative(functions: readonly FunctionPlan[]): Result<void> {
  for (const fn of functions) {
    if (knativeReservedPorts.has(fn.port)) {
      return fail(
        "KnativeReserved",
        fn.path === "spec.function" ? "spec.function.port" : `${fn.path}.provision_config.port`,
        `port ${fn.port} is reserved by Knative's queue-proxy (${[...knativeReservedPorts].join(", ")}); choose another for the knative template`,
      );
    }
    const env = fn.env.find((e) => knativeReservedEnv.has(e.name));
    if (env !== undefined) {
      return fail(
        "KnativeReserved",
        `${fn.path}.config.${env.name}`,
        `environment variable ${env.name} is set by Knative in every revision pod (${[...knativeReservedEnv].join(", ")}); rename it for the knative template`,
      );
    }
    if (fn.maxConcurrency !== undefined && fn.maxConcurrency > knativeMaxConcurrency) {
      return fail(
        "KnativeReserved",
        `${fn.path}.provision_config.max_concurrency`,
        `max_concurrency ${fn.maxConcurrency} is above Knative's container-concurrency-max-limit ${knativeMaxConcurrency}`,
      );
    }
  }
  return ok(undefined);
}
