// Deploy's wire-level input checks as one pure function: every problem is reported at
// once, each naming the wire field, so a client fixes its request in one round trip.
// Everything about what Kubernetes and Knative will accept (ports, quantities, scale
// ranges, env names, CPU targets, template rules) is NOT here: admission.ts runs the
// renderer's own rules over the record, so the two can never disagree.
// The table (the INVALID_ARGUMENT rows; codes mapped in ../ingress/error-map.ts):
//   deployment_unit                present
//   .id                            non-empty, <= 253 chars, no whitespace or control characters
//   .functions                     at least one; function_key non-empty, unique, no control characters
//   .functions[i].provision_config.container_image   @oaas/templates containerImageProblem
//   .functions[i].nfr_requirements.availability      0..1
//   .created_at.nanos              0..999,999,999
//   every string                   well-formed Unicode (a lone surrogate would not survive storage)
//   the whole unit                 at most maxUnitBytes as JSON (records live in etcd)
import type { DeploymentRecordSpec, FunctionSpec } from "@oaas/crd";
import { containerImageProblem } from "@oaas/kube-rules";
import { echo, type FieldError } from "./errors.ts";

export const maxIdLength = 253;
/** etcd stores objects up to ~1.5 MiB; leave room for status and managed fields. */
export const maxUnitBytes = 512 * 1024;

const unit = "deployment_unit";
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const controlOrSpace = /[\s\u0000-\u001f\u007f-\u009f]/u;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const control = /[\u0000-\u001f\u007f-\u009f]/u;

/** The problems with a Deploy request's unit (as a record spec); empty when it is valid. */
export function validateDeployment(spec: DeploymentRecordSpec | undefined): FieldError[] {
  if (spec === undefined) return [{ field: unit, message: "is required" }];
  const errors: FieldError[] = [];
  const add = (field: string, message: string) => errors.push({ field, message });
  checkId(spec.deployment_id ?? "", add);
  const functions = spec.functions ?? [];
  if (functions.length === 0) add(`${unit}.functions`, "at least one function is required");
  const keys = new Set<string>();
  functions.forEach((fn, i) => {
    const at = `${unit}.functions[${i}]`;
    if (!fn.function_key) add(`${at}.function_key`, "must not be empty");
    else if (control.test(fn.function_key)) add(`${at}.function_key`, "must not contain control characters");
    else if (keys.has(fn.function_key)) add(`${at}.function_key`, `duplicate key ${echo(fn.function_key)}`);
    keys.add(fn.function_key);
    checkFunction(fn, at, add);
  });
  const nanos = spec.created_at?.nanos;
  if (nanos !== undefined && !(nanos >= 0 && nanos <= 999_999_999)) {
    add(`${unit}.created_at.nanos`, `${nanos} is not within 0..999999999`);
  }
  const bad = illFormedString(spec, unit);
  if (bad) add(bad, "is not well-formed Unicode (lone surrogate)");
  const size = Buffer.byteLength(JSON.stringify(spec), "utf8");
  if (size > maxUnitBytes) add(unit, `is ${size} bytes as JSON; at most ${maxUnitBytes} are accepted`);
  return errors;
}

type Add = (field: string, message: string) => void;

function checkId(id: string, add: Add): void {
  for (const e of deploymentIdProblems(id, `${unit}.id`)) add(e.field, e.message);
}

/**
 * The problems with a deployment id named by `field` (Deploy's deployment_unit.id, or the
 * deployment_id of a read or delete): non-empty, at most 253 characters (a DNS-1123
 * subdomain's limit, the longest name an object can have), no whitespace or control
 * characters. Messages give the length, never the id: an unbounded id echoed in a
 * grpc-message header would break the HTTP/2 frame that carries it.
 */
export function deploymentIdProblems(id: string, field: string): FieldError[] {
  if (id === "") return [{ field, message: "must not be empty" }];
  if (id.length > maxIdLength)
    return [{ field, message: `is ${id.length} characters; at most ${maxIdLength}` }];
  if (controlOrSpace.test(id))
    return [{ field, message: "must not contain whitespace or control characters" }];
  return [];
}

function checkFunction(fn: FunctionSpec, at: string, add: Add): void {
  const pc = fn.provision_config;
  const imageProblem = containerImageProblem(pc?.container_image ?? "");
  if (imageProblem !== undefined) add(`${at}.provision_config.container_image`, imageProblem);
  const nfr = fn.nfr_requirements;
  if (nfr?.availability !== undefined && !(nfr.availability >= 0 && nfr.availability <= 1)) {
    add(`${at}.nfr_requirements.availability`, `${nfr.availability} is not within 0..1`);
  }
}

// With the u flag a surrogate pair is one code point, so this matches only lone halves.
const loneSurrogate = /[\uD800-\uDFFF]/u;

/** The path of the first string (key or value) that is not well-formed UTF-16. */
function illFormedString(value: unknown, path: string): string | undefined {
  if (typeof value === "string") return loneSurrogate.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = illFormedString(item, `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === "object" && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (loneSurrogate.test(key)) return `${path} (a key)`;
      const found = illFormedString(item, `${path}.${key === "deployment_id" ? "id" : key}`);
      if (found) return found;
    }
  }
  return undefined;
}
