import * as k8s from "@kubernetes/client-node";

/**
 * The KubeConfig a process uses: the file named by `path` when given, else the
 * usual lookup ($KUBECONFIG, ~/.kube/config, then the in-cluster service account).
 */
export function loadKubeConfig(path?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}
