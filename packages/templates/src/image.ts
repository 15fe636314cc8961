// The one rule for a container image reference, used by the CRM's Deploy checks and by the
// PM's model checks (@oaas/models), so a unit the PM accepts is never refused by a CRM for
// its image (that was a 502 at the PM, with a DOWN deployment stored).

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const whitespaceOrControl = /[\s\u0000-\u001f\u007f-\u009f]/u;

/**
 * Why `image` cannot be a container image reference, or undefined when it can. Checks the
 * shape only, as far as Kubernetes does before a pull: not empty, and no whitespace or
 * control characters (the API server refuses surrounding whitespace; an image with any
 * whitespace inside can never be pulled). Registry, tag and digest are left to the
 * container runtime, which reports them as the pod's ErrImagePull.
 */
export function containerImageProblem(image: string): string | undefined {
  if (image === "") return "is required (the function's image)";
  if (whitespaceOrControl.test(image)) return "must not contain whitespace or control characters";
  return undefined;
}
