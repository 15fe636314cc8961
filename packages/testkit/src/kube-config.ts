import * as k8s from "@kubernetes/client-node";

/**
 * A copy of `kc` with the same credentials and contexts but every cluster's server set
 * to `server`: for a second API server on the same PKI (an HA peer), or a port where
 * nothing listens or nothing answers.
 */
export function kubeConfigPointedAt(kc: k8s.KubeConfig, server: string): k8s.KubeConfig {
  const other = new k8s.KubeConfig();
  other.loadFromOptions({
    clusters: kc.getClusters().map((c) => ({ ...c, server })),
    users: kc.getUsers(),
    contexts: kc.getContexts(),
    currentContext: kc.getCurrentContext(),
  });
  return other;
}
