// The security settings of every pod the templates render (function Deployments, Knative
// revisions, ODGM), from one place, so each passes the Pod Security Standard `restricted`
// (https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted) in a
// namespace labelled pod-security.kubernetes.io/enforce=restricted.
//
// Everything sits on the containers, none on the pod: Knative Serving's webhook drops a
// pod-level securityContext unless the `kubernetes.podspec-securitycontext` feature is on,
// while it accepts these container fields (allowPrivilegeEscalation and seccompProfile
// since Knative 1.8) and `automountServiceAccountToken: false`. The restricted standard
// accepts runAsNonRoot and seccompProfile on every container instead of on the pod.
//
// runAsNonRoot without runAsUser: the image's own USER is kept (no uid is forced on it),
// and the kubelet refuses to start an image that would run as uid 0
// (CreateContainerConfigError "container has runAsNonRoot and image will run as root").
// readOnlyRootFilesystem is not set: `restricted` does not ask for it and function images
// may write to their filesystem.
import type { V1Container, V1SecurityContext } from "@kubernetes/client-node";

/** The container securityContext `restricted` requires, as rendered on every container. */
export function restrictedContainerSecurity(): V1SecurityContext {
  return {
    runAsNonRoot: true,
    allowPrivilegeEscalation: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** What a rendered pod spec holds (Deployment and Knative pod templates alike). */
interface PodSpecLike {
  containers: V1Container[];
}

/**
 * `spec` with every container restricted and `automountServiceAccountToken: false`
 * (function and ODGM pods call no Kubernetes API; an unmounted token cannot leak).
 * A container's own securityContext fields are overridden: the templates set none.
 */
export function restrictedPod<S extends PodSpecLike>(spec: S): S & { automountServiceAccountToken: false } {
  // Object.assign: the client's model types are classes (the lint refuses spreading them);
  // what render returns is plain JSON either way.
  const containers = spec.containers.map((c) =>
    Object.assign({}, c, {
      securityContext: Object.assign({}, c.securityContext, restrictedContainerSecurity()),
    }),
  );
  return Object.assign({}, spec, { automountServiceAccountToken: false as const, containers });
}
