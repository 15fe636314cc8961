// Kubernetes' own ranges for the numbers render copies into objects. The wire carries
// scale values as uint32, but every Kubernetes replica field (Deployment.spec.replicas,
// HPA min/maxReplicas, Knative's scale annotations, which Knative parses as int32) is
// int32: 2147483648 would be stored and refused only at apply time. Sources:
// k8s.io/api apps/v1 and autoscaling/v2 types (int32), core/v1 ContainerPort (1..65535).
import { fail, ok, type RenderErrorCode, type Result } from "./errors.ts";

/** Largest value of a Kubernetes int32 field. */
export const int32Max = 2_147_483_647;
export const minPort = 1;
export const maxPort = 65_535;

/** An integer within lo..hi, or the error naming `path`. */
export function checkRange(
  value: number,
  lo: number,
  hi: number,
  path: string,
  code: RenderErrorCode,
  what: string,
): Result<number> {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    return fail(code, path, `${what} must be an integer ${lo}..${hi}, got ${String(value)}`);
  }
  return ok(value);
}
