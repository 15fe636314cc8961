// "Is this resource type served?" from the API server's discovery document of its
// group/version (GET /apis/<group>/<version>): a CRD that is not installed has none.
import { isKubeError, type KubeClient, type ResourceType } from "@oaas/kube";

interface ApiResourceList {
  resources?: { name?: string }[];
}

/**
 * True when the API server lists `type.plural` in its group/version; false when the
 * group/version is not served (404). Other failures (unreachable, 5xx) throw: "unknown"
 * must not be taken for "absent".
 */
export async function isServed(kube: KubeClient, type: ResourceType, signal?: AbortSignal): Promise<boolean> {
  const path = type.group ? `/apis/${type.group}/${type.version}` : `/api/${type.version}`;
  try {
    const list = await kube.request<ApiResourceList>({ method: "GET", path, ...(signal ? { signal } : {}) });
    return (list.resources ?? []).some((r) => r.name === type.plural);
  } catch (error) {
    if (isKubeError(error, "notFound")) return false;
    throw error;
  }
}
