// The one rule for a container image reference, used by the CRM's Deploy checks and by the
// PM's model checks (@oaas/models), so a unit the PM accepts is never refused by a CRM for
// its image (that was a 502 at the PM, with a DOWN deployment stored), and an image a
// kubelet would refuse (InvalidImageName) is refused before anything is stored.
//
// The grammar is the distribution reference grammar, which kubelets parse images with
// (https://github.com/distribution/reference/blob/main/reference.go; names as in
// https://kubernetes.io/docs/concepts/containers/images/#image-names):
//   reference      := name [ ":" tag ] [ "@" digest ]
//   name           := [ domain "/" ] path-component ( "/" path-component )*
//   domain         := host [ ":" port ]      host: DNS name (any case), IPv4, or [IPv6]
//   path-component := [a-z0-9]+ ( ( "." | "_" | "__" | "-"+ ) [a-z0-9]+ )*
//   tag            := [\w][\w.-]{0,127}
//   digest         := algorithm ":" hex      (sha256: 64, sha384: 96, sha512: 128 lowercase hex)
// A first component followed by "/" is the registry when it reads as a host; the rest of the
// name is lowercase in every case (the "must be lowercase" InvalidImageName).

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const whitespaceOrControl = /[\s\u0000-\u001f\u007f-\u009f]/u;

/** Longest repository name, registry included (distribution/reference NameTotalLengthMax). */
export const imageNameMaxLength = 255;
/** Longest tag (distribution/reference: `[\w][\w.-]{0,127}`). */
export const imageTagMaxLength = 128;
/** Longest digest: "sha512:" and 128 hex digits, the longest algorithm registries accept. */
const imageDigestMaxLength = 135;

const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domainPattern = new RegExp(`^${host}(?::[0-9]+)?$`, "u");
const pathComponentPattern = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/u;
const tagPattern = /^\w[\w.-]*$/u;
const digestShape = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/u;
/** The digest algorithms a registry verifies, with the hex length of each. */
const digestHexLength: Readonly<Record<string, number>> = { sha256: 64, sha384: 96, sha512: 128 };
/** A bare 64-hex name is an image id, which a reference may not be (ParseNormalizedNamed). */
const imageIdPattern = /^[a-f0-9]{64}$/u;

/**
 * Why `image` cannot be a container image reference, or undefined when it can. The rule is
 * the distribution reference grammar above (what a kubelet parses before a pull; what it
 * refuses is an InvalidImageName that no retry cures), plus: not empty, no whitespace or
 * control characters, a name of at most 255 characters, a tag of at most 128 and a
 * registered digest algorithm with its exact length. The message names the part at fault
 * (the caller names the field). Whether the image exists is left to the pull.
 */
export function containerImageProblem(image: string): string | undefined {
  if (image === "") return "is required (the function's image)";
  if (whitespaceOrControl.test(image)) return "must not contain whitespace or control characters";
  const at = image.indexOf("@");
  const nameAndTag = at < 0 ? image : image.slice(0, at);
  const digest = at < 0 ? undefined : image.slice(at + 1);
  // A tag follows the last ":" after the last "/" (a ":" before it is a registry's port).
  const colon = nameAndTag.lastIndexOf(":");
  const hasTag = colon > nameAndTag.lastIndexOf("/");
  const name = hasTag ? nameAndTag.slice(0, colon) : nameAndTag;
  const tag = hasTag ? nameAndTag.slice(colon + 1) : undefined;
  if (name.length > imageNameMaxLength)
    return `name is ${name.length} characters; a registry accepts at most ${imageNameMaxLength}`;
  if (tag !== undefined && tag.length > imageTagMaxLength)
    return `tag is ${tag.length} characters; a registry accepts at most ${imageTagMaxLength}`;
  if (digest !== undefined && digest.length > imageDigestMaxLength)
    return `digest is ${digest.length} characters; the longest (sha512) has ${imageDigestMaxLength}`;
  return nameProblem(name) ?? tagProblem(tag) ?? digestProblem(digest);
}

/** Why `name` (registry and repository path, no tag or digest) breaks the grammar. */
function nameProblem(name: string): string | undefined {
  if (name === "") return "has no repository name";
  if (imageIdPattern.test(name))
    return `"${name}" is a 64-digit hex image id, not a repository name (name it by repository and digest)`;
  const parts = name.split("/");
  const [first = "", ...rest] = parts;
  // The first component is the registry when something follows it and it reads as a host:
  // a dot, a port, "localhost" or an uppercase letter (a path is never uppercase).
  const firstIsRegistry =
    rest.length > 0 &&
    (first.includes(".") || first.includes(":") || first === "localhost" || first !== first.toLowerCase());
  if (firstIsRegistry && !domainPattern.test(first))
    return `registry "${first}" is not a host name, IPv4 or [IPv6] address with an optional :port`;
  for (const part of firstIsRegistry ? rest : parts) {
    const problem = pathComponentProblem(part);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function pathComponentProblem(part: string): string | undefined {
  if (part === "") return 'has an empty repository path component ("//", or "/" at an end)';
  if (pathComponentPattern.test(part)) return undefined;
  if (pathComponentPattern.test(part.toLowerCase()))
    return `repository path "${part}" must be lowercase (a kubelet refuses it as InvalidImageName)`;
  return `repository path "${part}" must be lowercase letters and digits, separated by ".", "_", "__" or "-"`;
}

function tagProblem(tag: string | undefined): string | undefined {
  if (tag === undefined || tagPattern.test(tag)) return undefined;
  if (tag === "") return 'has an empty tag (nothing after ":")';
  return `tag "${tag}" must be letters, digits and "_", ".", "-", not starting with "." or "-"`;
}

function digestProblem(digest: string | undefined): string | undefined {
  if (digest === undefined) return undefined;
  if (!digestShape.test(digest))
    return `digest "${digest}" must be algorithm:hex (e.g. sha256: and 64 hex digits)`;
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = digestHexLength[algorithm];
  if (length === undefined)
    return `digest algorithm "${algorithm}" is not one a registry verifies (${Object.keys(digestHexLength).join(", ")})`;
  if (hex.length !== length || hex !== hex.toLowerCase())
    return `${algorithm} digest must be ${length} lowercase hex digits (has ${hex.length})`;
  return undefined;
}
