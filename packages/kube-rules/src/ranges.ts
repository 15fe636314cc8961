// Kubernetes' own ranges for the numbers copied into objects. Every replica field
// (apps/v1 Deployment.spec.replicas, autoscaling/v2 HPA min/maxReplicas, Knative's scale
// annotations, which Knative parses as int32) is an int32, and a container port is
// 1..65535 (core/v1 ContainerPort). Sources: https://github.com/kubernetes/api
// (apps/v1/types.go, autoscaling/v2/types.go, core/v1/types.go).

/** Largest value of a Kubernetes int32 field. */
export const int32Max = 2_147_483_647;
/** Smallest container port. */
export const minPort = 1;
/** Largest container port. */
export const maxPort = 65_535;
