// The functions of a record, validated and normalised once, before any object is built:
// Deploy writes `spec.functions`; a hand-written record may use the `spec.function`
// shorthand instead, which becomes one function under the key `shorthandFunctionKey`.
import type { DeploymentRecordSpec, FunctionSpec, NfrRequirements } from "@oaas/crd";
import { fail, ok, type Result } from "./errors.ts";
import { envNameProblem, int32Max, maxPort, minPort } from "@oaas/kube-rules";
import { checkRange } from "./limits.ts";
import { checkResources, type Resources } from "./resources.ts";

/** Function key of the `spec.function` shorthand (also the component name NFRs use for it). */
export const shorthandFunctionKey = "function";
export const defaultPort = 8080;

export interface FunctionPlan {
  key: string;
  /** Field path of this function, for error messages: "spec.functions[2]" or "spec.function". */
  path: string;
  image: string;
  port: number;
  maxConcurrency?: number;
  needHttp2: boolean;
  resources: Resources;
  minScale?: number;
  maxScale?: number;
  /** Sorted by name. */
  env: { name: string; value: string }[];
  nfr: NfrRequirements;
}

/** Every function of the record, or the first problem found, with its field path. */
export function planFunctions(spec: DeploymentRecordSpec): Result<FunctionPlan[]> {
  const listed = spec.functions ?? [];
  if (listed.length > 0 && spec.function !== undefined) {
    return fail(
      "ConflictingFunctions",
      "spec.function",
      "set either spec.functions or spec.function, not both",
    );
  }
  if (spec.function !== undefined) {
    const { image, port } = spec.function;
    const shorthand: FunctionSpec = {
      function_key: shorthandFunctionKey,
      provision_config: {
        ...(image === undefined ? {} : { container_image: image }),
        ...(port === undefined ? {} : { port }),
      },
    };
    const plan = planFunction(shorthand, "spec.function", {
      image: "spec.function.image",
      port: "spec.function.port",
    });
    return plan.ok ? ok([plan.value]) : plan;
  }
  if (listed.length === 0) {
    return fail(
      "NoFunctions",
      "spec.functions",
      "no function to run: set spec.functions (or spec.function with an image)",
    );
  }
  const plans: FunctionPlan[] = [];
  const seen = new Set<string>();
  for (const [index, fn] of listed.entries()) {
    const path = `spec.functions[${index}]`;
    const plan = planFunction(fn, path, {
      image: `${path}.provision_config.container_image`,
      port: `${path}.provision_config.port`,
    });
    if (!plan.ok) return plan;
    if (seen.has(plan.value.key)) {
      return fail(
        "DuplicateFunctionKey",
        `${path}.function_key`,
        `function key ${JSON.stringify(plan.value.key)} appears twice`,
      );
    }
    seen.add(plan.value.key);
    plans.push(plan.value);
  }
  return ok(plans);
}

function planFunction(
  fn: FunctionSpec,
  path: string,
  paths: { image: string; port: string },
): Result<FunctionPlan> {
  if (typeof fn.function_key !== "string" || fn.function_key.trim() === "") {
    return fail("InvalidFunctionKey", `${path}.function_key`, "function_key must be a non-empty string");
  }
  const pc = fn.provision_config ?? {};
  const image = pc.container_image?.trim() ?? "";
  if (image === "")
    return fail(
      "MissingImage",
      paths.image,
      `function ${JSON.stringify(fn.function_key)} has no container image`,
    );
  const port = checkRange(pc.port ?? defaultPort, minPort, maxPort, paths.port, "InvalidPort", "port");
  if (!port.ok) return port;
  const resources = checkResources(pc, `${path}.provision_config`);
  if (!resources.ok) return resources;
  const { min_scale: minScale, max_scale: maxScale, max_concurrency: maxConcurrency } = pc;
  // Replica fields are int32 in Kubernetes (the wire's uint32 is wider).
  for (const [field, value] of [
    ["min_scale", minScale],
    ["max_scale", maxScale],
  ] as const) {
    if (value === undefined) continue;
    const checked = checkRange(
      value,
      0,
      int32Max,
      `${path}.provision_config.${field}`,
      "InvalidScale",
      field,
    );
    if (!checked.ok) return checked;
  }
  if (maxConcurrency !== undefined) {
    const checked = checkRange(
      maxConcurrency,
      0,
      int32Max,
      `${path}.provision_config.max_concurrency`,
      "InvalidConcurrency",
      "max_concurrency",
    );
    if (!checked.ok) return checked;
  }
  if (minScale !== undefined && maxScale !== undefined && minScale > maxScale) {
    return fail(
      "InvalidScale",
      `${path}.provision_config.max_scale`,
      `max_scale ${maxScale} is below min_scale ${minScale}`,
    );
  }
  const env: FunctionPlan["env"] = [];
  for (const [name, value] of Object.entries(fn.config ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  )) {
    const problem = envNameProblem(name);
    if (problem !== undefined) return fail("InvalidEnvName", `${path}.config.${name}`, problem);
    env.push({ name, value });
  }
  return ok({
    key: fn.function_key,
    path,
    image,
    port: port.value,
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
    needHttp2: pc.need_http2 === true,
    resources: resources.value,
    ...(minScale === undefined ? {} : { minScale }),
    ...(maxScale === undefined ? {} : { maxScale }),
    env,
    nfr: fn.nfr_requirements ?? {},
  });
}
