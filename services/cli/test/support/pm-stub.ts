// A real HTTP server (node:http on a free loopback port) standing in for the Package
// Manager where a test scripts what it answers (--wait scenarios, partial answers, slow
// rollouts); the e2e suites run oaasctl against the real one. It implements the routes
// oaasctl calls with the contract's answers (@oaas/pm-api: the shapes, statuses and
// `{ "error": ... }` bodies), in-memory state, and records every request so tests can
// check what the CLI sent.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { failedClustersHeader } from "@oaas/pm-api";
import { blockedStatus, recordStatus, validatePackage } from "./pm-stub-answers.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Obj = Record<string, unknown>;

/** How a deployment's condition evolves over GET polls. */
export interface DeploymentScript {
  /** GETs answered DEPLOYING before the final condition. */
  pollsBeforeFinal: number;
  final: "RUNNING" | "DOWN" | "DEPLOYING";
  lastError?: string;
}

export interface PmStub {
  readonly url: string;
  readonly requests: RecordedRequest[];
  readonly packages: Map<string, Obj>;
  readonly deployments: Map<string, Obj>;
  /** Scripts for deployments created from now on (default: RUNNING at once). */
  deploymentScript: DeploymentScript;
  /** GET /deployment-status answers Progressing this many times per id, then Available. */
  statusPollsBeforeAvailable: number;
  /**
   * When set, GET /deployment-status answers a DEGRADED record whose Degraded condition and
   * first function carry this reason and message, after `afterPolls` progressing answers
   * (a rollout a quota blocks); GET /deployments/{key} shows its clusters DEGRADED then.
   */
  blocked?: { reason: string; message: string; afterPolls: number };
  /** Clusters whose CRM "does not answer" a class-runtimes list (a partial answer). */
  silentClusters: string[];
  /** GET /deployments/{key}/history answers, by key (a known key without one: no clusters). */
  readonly histories: Map<string, unknown>;
  /** GET /deployments/{key}/nfr answers, by key (a known key without one: no clusters). */
  readonly nfrs: Map<string, unknown>;
  /** When set, every /api/v1 request answers this status with `{error}`. */
  failAll?: { status: number; error: string };
  /** Requests for `method path`, e.g. count("GET", "/api/v1/deployments/x"). */
  count(method: string, path: string): number;
  close(): Promise<void>;
}

const clusters = ["a", "b"];

export async function startPmStub(): Promise<PmStub> {
  const requests: RecordedRequest[] = [];
  const packages = new Map<string, Obj>();
  const deployments = new Map<string, Obj>();
  const polls = new Map<string, number>();
  const scripts = new Map<string, DeploymentScript>();
  const mappings = new Map<string, { cluster: string; unit_id: string; state: string }[]>();

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://stub");
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown;
      try {
        body = text === "" ? undefined : JSON.parse(text);
      } catch {
        send(res, 400, { error: "body is not valid JSON" });
        return;
      }
      const method = req.method ?? "GET";
      requests.push({ method, path: url.pathname, query: url.searchParams, body });
      const answer = route(method, url, body);
      send(res, answer[0], answer[1], answer[2]);
    });
  });

  const stub: PmStub = {
    url: "",
    requests,
    packages,
    deployments,
    deploymentScript: { pollsBeforeFinal: 0, final: "RUNNING" },
    statusPollsBeforeAvailable: 0,
    silentClusters: [],
    histories: new Map(),
    nfrs: new Map(),
    count: (method, path) => requests.filter((r) => r.method === method && r.path === path).length,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };

  function route(method: string, url: URL, body: unknown): [number, unknown, Record<string, string>?] {
    const path = url.pathname;
    if (path === "/health") return [200, { status: "ok" }];
    if (stub.failAll) return [stub.failAll.status, { error: stub.failAll.error }];
    const seg = path
      .replace(/^\/api\/v1\/?/, "")
      .split("/")
      .map(decodeURIComponent);
    const [kind, id, sub] = seg;
    if (kind === "packages") {
      if (id === undefined && method === "GET") {
        const pattern = url.searchParams.get("name_pattern");
        return [200, [...packages.values()].filter((p) => !pattern || String(p.name).includes(pattern))];
      }
      if (id === undefined && method === "POST") {
        const problems = validatePackage(body);
        if (problems.length > 0) return [400, { error: problems.join("; ") }];
        const p = body as Obj;
        if (packages.has(String(p.name))) return [409, { error: `package ${String(p.name)} already exists` }];
        packages.set(String(p.name), p);
        return [201, { ...p, id: p.name, status: "created", message: "package created" }];
      }
      if (id !== undefined && !packages.has(id)) return [404, { error: `package "${id}" does not exist` }];
      if (id !== undefined && method === "GET") return [200, packages.get(id)];
      if (id !== undefined && method === "POST") {
        const p = body as Obj;
        if (p.name !== id)
          return [400, { error: `name: the body names package ${String(p.name)}, not ${id}` }];
        const problems = validatePackage(body);
        if (problems.length > 0) return [400, { error: problems.join("; ") }];
        packages.set(id, p);
        return [200, { ...p, id, status: "updated", message: "package updated" }];
      }
      if (id !== undefined && method === "DELETE") {
        packages.delete(id);
        return [204, undefined];
      }
    }
    if (kind === "deployments") {
      if (id === undefined && method === "GET") return [200, [...deployments.values()]];
      if (id === undefined && method === "POST") {
        const d = body as Obj;
        if (!packages.has(String(d.package_name))) {
          return [404, { error: `package "${String(d.package_name)}" does not exist` }];
        }
        const key = String(d.key);
        if (deployments.has(key)) return [409, { error: `deployment "${key}" already exists` }];
        const targets =
          Array.isArray(d.target_clusters) && d.target_clusters.length > 0 ? d.target_clusters : ["default"];
        const units = targets.map((c) => ({
          cluster: String(c),
          unit_id: `${key}-${String(c)}`,
          state: "DEPLOYED",
          updated_at: new Date().toISOString(),
        }));
        mappings.set(key, units);
        const stored = {
          ...d,
          key,
          condition: "DEPLOYING",
          replicas: 3,
          achieved_availability: 0.972,
          created_at: new Date().toISOString(),
        };
        deployments.set(key, stored);
        scripts.set(key, { ...stub.deploymentScript });
        // the PM's DeploymentResult
        return [
          201,
          {
            id: key,
            status: "created",
            message: "deployment created",
            key,
            condition: "DEPLOYING",
            replicas: 3,
            achieved_availability: 0.972,
            units: units.map(({ cluster, unit_id, state }) => ({ cluster, unit_id, state })),
          },
        ];
      }
      const d = id === undefined ? undefined : deployments.get(id);
      if (id === undefined || d === undefined)
        return [404, { error: `deployment "${String(id)}" does not exist` }];
      const units = mappings.get(id) ?? [];
      if (method === "GET" && sub === "cluster-mappings") {
        const ids = Object.fromEntries(units.map((u) => [u.cluster, u.unit_id]));
        return [200, { deployment_key: id, cluster_ids: ids, env_ids: ids, mappings: units }];
      }
      if (method === "GET" && sub === "history") return [200, stub.histories.get(id) ?? { id, clusters: [] }];
      if (method === "GET" && sub === "nfr") return [200, stub.nfrs.get(id) ?? { id, clusters: [] }];
      if (method === "GET") {
        const n = (polls.get(id) ?? 0) + 1;
        polls.set(id, n);
        const script = scripts.get(id) ?? { pollsBeforeFinal: 0, final: "RUNNING" };
        const condition = n > script.pollsBeforeFinal ? script.final : "DEPLOYING";
        const lastError = condition === "DOWN" ? script.lastError : undefined;
        // the stored deployment with each cluster's live status
        return [
          200,
          {
            ...d,
            condition,
            ...(lastError ? { last_error: lastError } : {}),
            clusters: units.map((u) => ({
              ...u,
              status:
                condition === "RUNNING"
                  ? "RUNNING"
                  : stub.blocked && (polls.get(`status:${id}`) ?? 0) > stub.blocked.afterPolls
                    ? "DEGRADED"
                    : "PROGRESSING",
            })),
          },
        ];
      }
      if (method === "DELETE") {
        const cluster = url.searchParams.get("cluster");
        const remaining = cluster ? units.filter((u) => u.cluster !== cluster) : [];
        mappings.set(id, remaining);
        if (remaining.length === 0) deployments.delete(id);
        return [
          200,
          {
            id,
            message: "deployment deleted",
            ...(cluster ? { cluster } : {}),
            key: id,
            deleted_clusters: units.filter((u) => !remaining.includes(u)).map((u) => u.cluster),
            record_deleted: remaining.length === 0,
          },
        ];
      }
    }
    if (kind === "deployment-status" && id !== undefined && method === "GET") {
      const known =
        deployments.has(id) || [...mappings.values()].some((us) => us.some((u) => u.unit_id === id));
      if (!known) return [404, { error: `deployment ${id} not found on cluster default` }];
      const n = (polls.get(`status:${id}`) ?? 0) + 1;
      polls.set(`status:${id}`, n);
      const cluster = url.searchParams.get("cluster") ?? "default";
      if (stub.blocked && n > stub.blocked.afterPolls) return [200, blockedStatus(id, cluster, stub.blocked)];
      const available = n > stub.statusPollsBeforeAvailable;
      return [200, recordStatus(id, available, cluster)];
    }
    if ((kind === "class-runtimes" || kind === "deployment-records") && method === "GET") {
      // the PM's RuntimeList: DeploymentUnit JSON per cluster, plus who did not answer
      const all = [...mappings.entries()].flatMap(([key, us]) =>
        us.map((u) => {
          const d = deployments.get(key) ?? {};
          return {
            id: u.unit_id,
            package_name: d.package_name,
            class_key: d.class_key,
            target_env: d.target_env ?? "",
            functions: [{ function_key: "greet" }, { function_key: "count" }],
            odgm_config: { collections: ["greetings"], replica_count: 3 },
            cluster: u.cluster,
            cluster_name: u.cluster,
            deployment_unit_id: u.unit_id,
          };
        }),
      );
      if (id !== undefined) {
        const one = all.find((r) => r.id === id);
        return one ? [200, one] : [404, { error: `class runtime "${id}" not found` }];
      }
      const answered = all.filter((r) => !stub.silentClusters.includes(r.cluster));
      // The clusters that did not answer go in the contract's header.
      const failed = stub.silentClusters.map((c) => ({ cluster: c, error: "deadline exceeded" }));
      return [200, answered, failed.length > 0 ? { [failedClustersHeader]: JSON.stringify(failed) } : {}];
    }
    if ((kind === "clusters" || kind === "envs") && method === "GET") {
      const checked = new Date().toISOString();
      const health = clusters.map((name, i) => ({
        cluster_name: name,
        cluster: name,
        last_seen: checked,
        source: "env-health",
        status: "HEALTHY",
        reachable: true,
        crm_version: "0.1.0",
        node_count: 3,
        ready_nodes: 3 - i,
        availability: i === 0 ? 0.999 : 0.9,
        checked_at: checked,
        breaker: i === 0 ? "closed" : "open",
      }));
      if (id === undefined) {
        return [
          200,
          health.map((h) => ({
            name: h.cluster,
            url: `http://crm-${h.cluster}:8088`,
            default: false,
            health: h,
          })),
        ];
      }
      if (id === "health") return [200, health];
      const one = health.find((h) => h.cluster === id);
      return one ? [200, one] : [404, { error: `cluster "${id}" is not configured` }];
    }
    return [404, { error: `no route ${method} ${path}` }];
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  (stub as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (body === undefined) {
    res.writeHead(status, headers).end();
    return;
  }
  res.writeHead(status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(body));
}
