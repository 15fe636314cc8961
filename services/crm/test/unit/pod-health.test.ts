// Table tests of how a workload's pods are read (services/crm/src/children/pod-health.ts):
// the scheduler's and the kubelet's reasons, in words that say what to do, and how they
// fold into a workload's health. Pods are built as the API server returns them
// (status shapes from core/v1 PodStatus). No cluster.
import { expect } from "chai";
import type { LiveObject } from "../../src/children/live-object.ts";
import {
  podProblem,
  withPodProblem,
  workloadPodProblem,
  type PodRead,
} from "../../src/children/pod-health.ts";
import type { WorkloadHealth } from "../../src/children/workload-health.ts";

type PodOption = (pod: LiveObject & { status: Record<string, unknown> }) => void;

function pod(name: string, ...options: PodOption[]): LiveObject {
  const p = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "prod" },
    status: { phase: "Pending" } as Record<string, unknown>,
  };
  for (const option of options) option(p);
  return p;
}
const unschedulable =
  (message: string): PodOption =>
  (p) =>
    void (p.status["conditions"] = [
      { type: "PodScheduled", status: "False", reason: "Unschedulable", message },
    ]);
const scheduled: PodOption = (p) =>
  void (p.status["conditions"] = [{ type: "PodScheduled", status: "True" }]);
const container =
  (state: Record<string, unknown>, extra: Record<string, unknown> = {}, init = false): PodOption =>
  (p) => {
    const key = init ? "initContainerStatuses" : "containerStatuses";
    const list = (p.status[key] as unknown[] | undefined) ?? [];
    p.status[key] = [...list, { name: init ? "setup" : "fn", image: "reg.example/shop:v2", state, ...extra }];
  };
const waiting = (reason: string, message?: string) =>
  container({ waiting: { reason, ...(message ? { message } : {}) } });
const deleting: PodOption = (p) =>
  void (p.metadata = { ...p.metadata, deletionTimestamp: "2026-11-30T12:00:00Z" });

describe("pod health: one pod's problem", function () {
  const rows: { name: string; pod: LiveObject; reason?: string; says?: string[] }[] = [
    {
      name: "the scheduler cannot place it: Unschedulable with its message and what to do",
      pod: pod("p", unschedulable("0/2 nodes are available: 2 Insufficient cpu.")),
      reason: "Unschedulable",
      says: [
        "pod p cannot be scheduled: 0/2 nodes are available: 2 Insufficient cpu. Add nodes",
        "lower the function's cpu/memory requests",
      ],
    },
    {
      name: "ErrImagePull: ImagePullBackOff with the image and the kubelet's words",
      pod: pod("p", scheduled, waiting("ErrImagePull", "manifest unknown")),
      reason: "ImagePullBackOff",
      says: [
        'cannot pull image "reg.example/shop:v2"',
        "ErrImagePull: manifest unknown",
        "redeploy with a fixed image",
      ],
    },
    {
      name: "ImagePullBackOff: the same reason (the kubelet alternates the two)",
      pod: pod("p", scheduled, waiting("ImagePullBackOff", 'Back-off pulling image "reg.example/shop:v2"')),
      reason: "ImagePullBackOff",
      says: ['cannot pull image "reg.example/shop:v2"'],
    },
    {
      name: "InvalidImageName",
      pod: pod("p", scheduled, waiting("InvalidImageName")),
      reason: "InvalidImageName",
      says: ["is not a valid image reference"],
    },
    {
      name: "CrashLoopBackOff: the last exit code and OOMKilled, and to raise the memory limit",
      pod: pod(
        "p",
        scheduled,
        container(
          { waiting: { reason: "CrashLoopBackOff", message: "back-off 40s restarting failed container" } },
          { lastState: { terminated: { exitCode: 137, reason: "OOMKilled" } }, restartCount: 4 },
        ),
      ),
      reason: "CrashLoopBackOff",
      says: [
        "container fn keeps crashing (last exit code 137, OOMKilled)",
        "raise the function's memory limit",
      ],
    },
    {
      name: "just exited non-zero (between back-offs): CrashLoopBackOff with the logs to read",
      pod: pod(
        "p",
        scheduled,
        container({ terminated: { exitCode: 2, reason: "Error" } }, { restartCount: 1 }),
      ),
      reason: "CrashLoopBackOff",
      says: ["last exit code 2, Error", "kubectl logs -n prod p -c fn --previous"],
    },
    {
      name: "CreateContainerConfigError: the missing Secret named by the kubelet",
      pod: pod("p", scheduled, waiting("CreateContainerConfigError", 'secret "db" not found')),
      reason: "CreateContainerConfigError",
      says: ['secret "db" not found', "Create the Secret or ConfigMap"],
    },
    {
      name: "an init container that cannot pull counts too",
      pod: pod("p", scheduled, container({ waiting: { reason: "ErrImagePull" } }, {}, true)),
      reason: "ImagePullBackOff",
      says: ["container setup cannot pull"],
    },
    {
      name: "the worse of two containers: an image that cannot be pulled before a crash",
      pod: pod(
        "p",
        scheduled,
        waiting("CrashLoopBackOff"),
        container({ waiting: { reason: "ErrImagePull" } }, {}, true),
      ),
      reason: "ImagePullBackOff",
    },
    { name: "just created: nothing to say", pod: pod("p") },
    {
      name: "scheduled, ContainerCreating: nothing to say",
      pod: pod("p", scheduled, waiting("ContainerCreating")),
    },
    { name: "running", pod: pod("p", scheduled, container({ running: { startedAt: "x" } })) },
    {
      name: "an init container that completed (exit 0)",
      pod: pod("p", scheduled, container({ terminated: { exitCode: 0 } }, {}, true)),
    },
    { name: "being deleted: skipped", pod: pod("p", deleting, waiting("ErrImagePull")) },
  ];
  for (const row of rows)
    it(`${row.name} -> ${row.reason ?? "none"}`, function () {
      const problem = podProblem(row.pod);
      expect(problem?.reason).to.equal(row.reason);
      for (const text of row.says ?? []) expect(problem?.message).to.contain(text);
    });
});

describe("pod health: a workload's pods, folded into its health", function () {
  const rolling: WorkloadHealth = {
    state: "progressing",
    reason: "RollingOut",
    message: "Deployment shop: 0/2 updated",
  };
  const deadline: WorkloadHealth = {
    state: "degraded",
    reason: "ProgressDeadlineExceeded",
    message: "deadline",
  };
  const quota: WorkloadHealth = { state: "degraded", reason: "FailedCreate", message: "exceeded quota" };
  const available: WorkloadHealth = { state: "available", reason: "Available", message: "2/2" };
  const pullFails = (name: string) => pod(name, scheduled, waiting("ErrImagePull"));
  const rows: {
    name: string;
    health: WorkloadHealth;
    read: PodRead;
    want: Partial<WorkloadHealth>;
    says?: string;
  }[] = [
    {
      name: "rolling out, a pod cannot pull: degraded with the pod's reason and a count",
      health: rolling,
      read: { pods: [pod("a", scheduled, container({ running: {} })), pullFails("b")] },
      want: { state: "degraded", reason: "ImagePullBackOff" },
      says: "Deployment shop: 1 of 2 pod(s) ImagePullBackOff; pod b: container fn cannot pull",
    },
    {
      name: "past its progress deadline: the pods say why",
      health: deadline,
      read: { pods: [pod("a", unschedulable("0/2 nodes are available: 2 Too many pods."))] },
      want: { state: "degraded", reason: "Unschedulable" },
      says: "2 Too many pods",
    },
    {
      name: "a quota refusal stays the cause",
      health: quota,
      read: { pods: [pullFails("a")] },
      want: quota,
    },
    {
      name: "pods with nothing to say: unchanged",
      health: rolling,
      read: { pods: [pod("a", scheduled)] },
      want: rolling,
    },
    { name: "no pods: unchanged", health: rolling, read: { pods: [] }, want: rolling },
    {
      name: "available: unchanged whatever the pods",
      health: available,
      read: { pods: [pullFails("a")] },
      want: available,
    },
    {
      name: "a read that failed: said in the message, nothing else changes",
      health: rolling,
      read: { error: "Forbidden: pods is forbidden" },
      want: { state: "progressing", reason: "RollingOut" },
      says: "(its pods could not be read: Forbidden: pods is forbidden)",
    },
  ];
  for (const row of rows)
    it(row.name, function () {
      const got = withPodProblem(row.health, row.read, "Deployment shop");
      expect(got).to.include(row.want);
      if (row.says) expect(got.message).to.contain(row.says);
    });

  it("picks the most telling reason, then the first pod by name, whatever the list order", function () {
    const pods = [
      pod("c", unschedulable("0/2 nodes")),
      pullFails("z"),
      pullFails("b"),
      pod("a", scheduled, waiting("CrashLoopBackOff")),
    ];
    const forward = workloadPodProblem(pods);
    expect(forward).to.include({ reason: "ImagePullBackOff", pod: "b", count: 2, of: 4 });
    expect(workloadPodProblem([...pods].reverse())).to.deep.equal(forward);
  });

  it("a pod being deleted counts neither as a problem nor among the pods", function () {
    expect(
      workloadPodProblem([pod("old", deleting, waiting("ErrImagePull")), pod("new", scheduled)]),
    ).to.equal(undefined);
    expect(workloadPodProblem([pod("old", deleting), pullFails("new")])).to.include({ count: 1, of: 1 });
  });
});
