// The built-in resource types the suites read and write through @oaas/kube's helpers
// (getObject, listObjects, applyObject, deleteObject, resourcePath), named once.
// Nodes and CustomResourceDefinitions come from @oaas/kube itself.
import type { ResourceType } from "@oaas/kube";

function type(group: string, version: string, plural: string, namespaced = true): ResourceType {
  return { group, version, plural, namespaced };
}

const rbac = "rbac.authorization.k8s.io";

export const builtIn = {
  namespaces: type("", "v1", "namespaces", false),
  pods: type("", "v1", "pods"),
  services: type("", "v1", "services"),
  configMaps: type("", "v1", "configmaps"),
  secrets: type("", "v1", "secrets"),
  serviceAccounts: type("", "v1", "serviceaccounts"),
  persistentVolumeClaims: type("", "v1", "persistentvolumeclaims"),
  persistentVolumes: type("", "v1", "persistentvolumes", false),
  deployments: type("apps", "v1", "deployments"),
  statefulSets: type("apps", "v1", "statefulsets"),
  replicaSets: type("apps", "v1", "replicasets"),
  horizontalPodAutoscalers: type("autoscaling", "v2", "horizontalpodautoscalers"),
  podDisruptionBudgets: type("policy", "v1", "poddisruptionbudgets"),
  networkPolicies: type("networking.k8s.io", "v1", "networkpolicies"),
  roles: type(rbac, "v1", "roles"),
  roleBindings: type(rbac, "v1", "rolebindings"),
  clusterRoles: type(rbac, "v1", "clusterroles", false),
  clusterRoleBindings: type(rbac, "v1", "clusterrolebindings", false),
  /** Create-only: POST to the collection, the answer carries status.allowed. */
  subjectAccessReviews: type("authorization.k8s.io", "v1", "subjectaccessreviews", false),
} as const;
