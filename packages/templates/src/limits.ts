// Range checks of the numbers render copies into objects, against Kubernetes' own ranges
// (@oaas/kube-rules ranges.ts). The wire carries scale values as uint32, but every
// Kubernetes replica field is int32: 2147483648 would be stored and refused only at
// apply time.
import { fail, ok, type RenderErrorCode, type Result } from "./errors.ts";

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
