// The one rule for a container image reference, used by the CRM's Deploy checks and by the
// PM's model checks (@oaas/models), so a unit the PM accepts is never refused by a CRM for
// its image (that was a 502 at the PM, with a DOWN deployment stored).

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const whitespaceOrControl = /[\s\u0000-\u001f\u007f-\u009f]/u;

/** Longest repository name, registry included (distribution/reference NameTotalLengthMax). */
export const imageNameMaxLength = 255;
/** Longest tag (distribution/reference: `[\w][\w.-]{0,127}`). */
export const imageTagMaxLength = 128;
/** Longest digest: "sha512:" and 128 hex digits, the longest algorithm registries accept. */
const imageDigestMaxLength = 135;

/**
 * Why `image` cannot be a container image reference, or undefined when it can. Checks the
 * shape as far as Kubernetes does before a pull: not empty, and no whitespace or control
 * characters (the API server refuses surrounding whitespace; an image with any whitespace
 * inside can never be pulled); and the lengths no registry accepts (name <= 255, tag <=
 * 128, digest <= 135 characters: distribution/reference), which would otherwise be
 * stored and fail only as ErrImagePull. The rest of the grammar (registry, characters of
 * name and tag) is left to the container runtime, which reports it as ErrImagePull.
 */
export function containerImageProblem(image: string): string | undefined {
  if (image === "") return "is required (the function's image)";
  if (whitespaceOrControl.test(image)) return "must not contain whitespace or control characters";
  const at = image.indexOf("@");
  const nameAndTag = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? "" : image.slice(at + 1);
  // A tag follows the last ":" after the last "/" (a ":" before it is a registry's port).
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > nameAndTag.lastIndexOf("/");
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : "";
  if (name.length > imageNameMaxLength)
    return `name is ${name.length} characters; a registry accepts at most ${imageNameMaxLength}`;
  if (tag.length > imageTagMaxLength)
    return `tag is ${tag.length} characters; a registry accepts at most ${imageTagMaxLength}`;
  if (digest.length > imageDigestMaxLength)
    return `digest is ${digest.length} characters; the longest (sha512) has ${imageDigestMaxLength}`;
  return undefined;
}
