// The answers the stand-in PM (pm-stub.ts) builds: package validation by field path as
// the PM reports it, and record statuses as the CRM's DeploymentRecord reports them
// (available or progressing, or held by a rollout problem).

type Obj = Record<string, unknown>;

/** The field-path checks the PM's validation makes that the tests exercise. */
export function validatePackage(body: unknown): string[] {
  const p = (body ?? {}) as Obj;
  const problems: string[] = [];
  if (typeof p.name !== "string" || p.name === "") problems.push("name: must not be empty");
  else if (/\s/.test(p.name)) problems.push("name: must not contain spaces");
  const functions = Array.isArray(p.functions) ? (p.functions as Obj[]) : [];
  const keys = new Set(functions.map((f) => f.key));
  (Array.isArray(p.classes) ? (p.classes as Obj[]) : []).forEach((c, i) => {
    (Array.isArray(c.function_bindings) ? (c.function_bindings as Obj[]) : []).forEach((b, j) => {
      if (!keys.has(b.function_key)) {
        problems.push(
          `classes[${i}].function_bindings[${j}].function_key: no function "${String(b.function_key)}"`,
        );
      }
    });
  });
  return problems;
}

/** A status as the CRM's DeploymentRecord reports it: conditions and per-function readiness. */
export function recordStatus(id: string, available: boolean, cluster: string): Obj {
  const t = new Date(Date.now() - 30_000).toISOString();
  return {
    id,
    deployment_id: id,
    cluster,
    status: available ? "RUNNING" : "PROGRESSING",
    phase: available ? "Available" : "Progressing",
    last_updated: t,
    message: available
      ? "RUNNING (Available): every function is ready"
      : "PROGRESSING (Progressing): 1 of 2 functions ready",
    status_resource_refs: [],
    conditions: [
      {
        type: "Available",
        status: available ? "True" : "False",
        reason: available ? "AllReady" : "WaitingForPods",
        message: available ? "" : "count: 0/1 pods ready",
        last_transition_time: t,
      },
      {
        type: "Progressing",
        status: available ? "False" : "True",
        reason: available ? "Done" : "Rollout",
        message: "",
        last_transition_time: t,
      },
    ],
    functions: [
      { function_key: "greet", ready: true, reason: "Ready", url: `http://${id}-greet.oaas.svc:8080` },
      {
        function_key: "count",
        ready: available,
        reason: available ? "Ready" : "PodsNotReady",
        message: available ? "" : "0/1 pods ready",
        url: `http://${id}-count.oaas.svc:8080`,
      },
    ],
  };
}

/** A record a rollout problem holds: DEGRADED, its reason on the Degraded condition and a function. */
export function blockedStatus(
  id: string,
  cluster: string,
  blocked: { reason: string; message: string },
): Obj {
  const t = new Date(Date.now() - 30_000).toISOString();
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    reason,
    message,
    last_transition_time: t,
    observed_generation: 1,
  });
  return {
    id,
    deployment_id: id,
    cluster,
    status: "DEGRADED",
    phase: "Degraded",
    last_updated: t,
    message: `DEGRADED (Degraded): ${blocked.message}`,
    status_resource_refs: [],
    conditions: [
      condition("Available", "False", blocked.reason, blocked.message),
      condition("Progressing", "True", "RollingOut", "0/1 replicas updated"),
      condition("Degraded", "True", blocked.reason, blocked.message),
    ],
    functions: [{ function_key: "greet", ready: false, reason: blocked.reason, message: blocked.message }],
  };
}
