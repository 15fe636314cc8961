// The kubeconfig every process loads. Our own small loader (kubeconfig/), not
// @kubernetes/client-node's KubeConfig: importing that library costs about 80 MiB of
// resident memory. What it supports and refuses: kubeconfig/model.ts.
import { loadKubeConfigFrom, type LoadedKubeConfig } from "./kubeconfig/loader.ts";

/**
 * The KubeConfig a process uses: the file named by `path` when given, else the usual
 * lookup ($KUBECONFIG, ~/.kube/config, then the in-cluster service account). Throws
 * KubeConfigError when the file is unreadable, malformed, or uses an unsupported auth field.
 */
export function loadKubeConfig(path?: string): LoadedKubeConfig {
  return loadKubeConfigFrom(path);
}
