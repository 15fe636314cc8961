// The template registry: canonical names and their aliases. Lookup is case-insensitive
// so "K8S_Deployment" from a hand-written record means the same as "full".

export const templateNames = ["dev", "edge", "full", "knative"] as const;
export type TemplateName = (typeof templateNames)[number];

const aliases: Readonly<Record<string, TemplateName>> = {
  dev: "dev",
  edge: "edge",
  full: "full",
  k8s_deployment: "full",
  deployment: "full",
  k8s: "full",
  knative: "knative",
  kn: "knative",
  knsvc: "knative",
};

/** The canonical template for a name or alias (case-insensitive, trimmed); undefined when unknown. */
export function resolveTemplateName(name: string): TemplateName | undefined {
  const key = name.trim().toLowerCase();
  return Object.hasOwn(aliases, key) ? aliases[key] : undefined;
}

/** Every accepted spelling, for error messages ("expected one of ..."). */
export function knownTemplateNames(): string[] {
  return Object.keys(aliases);
}
