// Pure: why a workload's pods do not run, read from the pods' own status, in words a
// person can act on. A Deployment says ProgressDeadlineExceeded only after its deadline
// (600 s by default) and never says why; its pods already do: the scheduler's
// PodScheduled=False Unschedulable condition, the kubelet's waiting reasons
// (ErrImagePull, ImagePullBackOff, CreateContainerConfigError, CrashLoopBackOff) and the
// last termination (exit code, OOMKilled). The reconciler reads a workload's pods only
// while it is not available (observe.ts podReads) and folds the problem found here into
// the workload's health (withPodProblem). Quota and admission refusals never reach a pod:
// the ReplicaSet's ReplicaFailure (FailedCreate) condition, which the deployment
// controller copies into the Deployment, says them (workload-health.ts deploymentHealth).
import type { LiveObject } from "./live-object.ts";
import type { WorkloadHealth } from "./workload-health.ts";

/** One reason a pod does not run, and what to do about it. */
export interface PodProblem {
  /** CamelCase condition reason (see podReasons). */
  reason: string;
  /** For a person: which pod and container, what is wrong (image, exit code, the scheduler's words) and what to do. */
  message: string;
  /** The pod it was read from. */
  pod: string;
}

/**
 * The reasons reported, most telling first: when a workload's pods show several, the
 * first of this list wins. ErrImagePull and ImagePullBackOff alternate on every retry of
 * the kubelet, so both read ImagePullBackOff (one reason, one Event); a container that
 * exits non-zero and is restarted reads CrashLoopBackOff whether the kubelet is waiting
 * or has just seen it exit.
 */
export const podReasons = [
  "InvalidImageName",
  "ImagePullBackOff",
  "CreateContainerConfigError",
  "CreateContainerError",
  "CrashLoopBackOff",
  "RunContainerError",
  "Unschedulable",
] as const;
export type PodReason = (typeof podReasons)[number];

interface PodCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
interface Terminated {
  exitCode?: number;
  reason?: string;
  message?: string;
}
interface ContainerStatus {
  name?: string;
  image?: string;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: Terminated };
  lastState?: { terminated?: Terminated };
}

/** kubelet waiting reasons (pkg/kubelet/images and kuberuntime) and what they read as here. */
const waitingReasons: Readonly<Record<string, PodReason>> = {
  ErrImagePull: "ImagePullBackOff",
  ImagePullBackOff: "ImagePullBackOff",
  ErrImageNeverPull: "ImagePullBackOff",
  RegistryUnavailable: "ImagePullBackOff",
  InvalidImageName: "InvalidImageName",
  CreateContainerConfigError: "CreateContainerConfigError",
  CreateContainerError: "CreateContainerError",
  CrashLoopBackOff: "CrashLoopBackOff",
  RunContainerError: "RunContainerError",
};

const listAt = <T>(status: Record<string, unknown> | undefined, key: string): T[] =>
  Array.isArray(status?.[key]) ? (status[key] as T[]) : [];

/**
 * The problem of one pod, or undefined when it shows none (running, starting, or gone:
 * a pod being deleted is skipped). Containers are read in the order init containers,
 * then containers; the first with a reason of podReasons wins.
 */
export function podProblem(pod: LiveObject): PodProblem | undefined {
  if (pod.metadata?.deletionTimestamp) return undefined;
  const name = pod.metadata?.name ?? "";
  const namespace = pod.metadata?.namespace ?? "";
  const scheduled = listAt<PodCondition>(pod.status, "conditions").find((c) => c.type === "PodScheduled");
  if (scheduled?.status === "False" && scheduled.reason === "Unschedulable") {
    return {
      reason: "Unschedulable",
      pod: name,
      message:
        `pod ${name} cannot be scheduled: ${(scheduled.message ?? "no node fits it").replace(/\.\s*$/, "")}. ` +
        `Add nodes or free capacity, or lower the function's cpu/memory requests; check node selectors, ` +
        `taints and affinity. The pod starts as soon as a node fits it.`,
    };
  }
  const containers = [
    ...listAt<ContainerStatus>(pod.status, "initContainerStatuses"),
    ...listAt<ContainerStatus>(pod.status, "containerStatuses"),
  ];
  const found = containers
    .map((c) => containerProblem(c, name, namespace))
    .filter((p): p is PodProblem => p !== undefined);
  return found.sort((a, b) => rank(a.reason) - rank(b.reason))[0];
}

function containerProblem(c: ContainerStatus, pod: string, namespace: string): PodProblem | undefined {
  const waiting = c.state?.waiting;
  const exited = c.state?.terminated;
  const crashed = exited !== undefined && (exited.exitCode ?? 0) !== 0;
  const reason = waiting?.reason !== undefined ? waitingReasons[waiting.reason] : undefined;
  if (reason === undefined && !crashed) return undefined;
  const container = `pod ${pod}: container ${c.name ?? ""}`;
  const said = waiting?.message ? `${waiting.reason ?? ""}: ${waiting.message}` : (waiting?.reason ?? "");
  switch (reason ?? "CrashLoopBackOff") {
    case "ImagePullBackOff":
      return {
        reason: "ImagePullBackOff",
        pod,
        message:
          `${container} cannot pull image "${c.image ?? ""}" (${said}). Check that the image name and tag ` +
          `exist in the registry and that the pull secret grants access, then redeploy with a fixed image.`,
      };
    case "InvalidImageName":
      return {
        reason: "InvalidImageName",
        pod,
        message: `${container}: "${c.image ?? ""}" is not a valid image reference (${said}). Redeploy with a valid image.`,
      };
    case "CreateContainerConfigError":
      return {
        reason: "CreateContainerConfigError",
        pod,
        message:
          `${container} cannot be created (${said}). Create the Secret or ConfigMap it refers to ` +
          `or fix the reference in the function's configuration.`,
      };
    case "CrashLoopBackOff": {
      const last = exited ?? c.lastState?.terminated;
      const exit =
        last === undefined
          ? "no exit recorded"
          : `last exit code ${last.exitCode ?? "unknown"}${last.reason ? `, ${last.reason}` : ""}`;
      const advice =
        last?.reason === "OOMKilled"
          ? "It ran out of memory: raise the function's memory limit (or lower its use), then redeploy."
          : `Read its logs (kubectl logs -n ${namespace} ${pod} -c ${c.name ?? ""} --previous), fix the image or its configuration, then redeploy.`;
      return { reason: "CrashLoopBackOff", pod, message: `${container} keeps crashing (${exit}). ${advice}` };
    }
    default:
      return {
        reason: reason ?? "CrashLoopBackOff",
        pod,
        message: `${container} cannot start (${said}). Check the image's entrypoint and the function's configuration, then redeploy.`,
      };
  }
}

const rank = (reason: string): number => {
  const i = podReasons.indexOf(reason as PodReason);
  return i < 0 ? podReasons.length : i;
};

/**
 * The one problem to report for a workload's pods: the most telling reason (podReasons
 * order), from the first pod by name showing it, with how many pods show that reason.
 * Undefined when no pod shows a problem.
 */
export function workloadPodProblem(
  pods: readonly LiveObject[],
): (PodProblem & { count: number; of: number }) | undefined {
  const live = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const problems = live
    .map(podProblem)
    .filter((p): p is PodProblem => p !== undefined)
    .sort((a, b) => rank(a.reason) - rank(b.reason) || a.pod.localeCompare(b.pod));
  const first = problems[0];
  if (first === undefined) return undefined;
  return { ...first, count: problems.filter((p) => p.reason === first.reason).length, of: live.length };
}

/** What a workload's pod read gave: its pods, or why they could not be read. */
export type PodRead = { pods: readonly LiveObject[] } | { error: string };

/**
 * A workload's health with what its pods say. A problem makes it degraded with the pod's
 * reason; it outranks RollingOut and ProgressDeadlineExceeded (it says why), not a
 * ReplicaFailure (no pod can be created: that is the cause). A read that failed is said
 * in the message and changes nothing else. `workload`: "Deployment <name>".
 */
export function withPodProblem(health: WorkloadHealth, read: PodRead, workload: string): WorkloadHealth {
  if (health.state === "available") return health;
  if ("error" in read)
    return { ...health, message: `${health.message} (its pods could not be read: ${read.error})` };
  const problem = workloadPodProblem(read.pods);
  if (problem === undefined) return health;
  if (health.state === "degraded" && health.reason !== "ProgressDeadlineExceeded") return health;
  return {
    state: "degraded",
    reason: problem.reason,
    message: `${workload}: ${problem.count} of ${problem.of} pod(s) ${problem.reason}; ${problem.message}`,
  };
}
