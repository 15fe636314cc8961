// The Package Manager's REST API (issue 9, seeds/003 "HTTP API (v1)"): every route the
// CLI calls is in this file, so a route renamed at integration is a one-line change.
// Response bodies are returned as parsed JSON; shapes.ts reads fields out of them.
import { keyProblem } from "@oaas/models";
import { CliError, UsageError } from "./errors.ts";
import { PmUnreachableError } from "./errors.ts";
import { connectionFailureReason, httpError } from "./http-errors.ts";

/** Parsed JSON of an answer. */
export type Json = unknown;

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

export interface PmClientOptions {
  /** e.g. http://127.0.0.1:8080 (no /api/v1: the client adds it). */
  readonly baseUrl: string;
  /** Per request, in ms; the answer must start arriving within it. */
  readonly timeoutMs: number;
  /** Ends every request of this client early (e.g. a --wait deadline). */
  readonly signal?: AbortSignal;
}

export interface PackageFilter {
  name_pattern?: string;
  disabled?: boolean;
  /** Comma-separated, as the PM takes it. */
  tags?: string;
  limit?: number;
  offset?: number;
}

export interface DeploymentFilter {
  package_name?: string;
  class_key?: string;
  target_env?: string;
  target_cluster?: string;
  condition?: string;
  limit?: number;
  offset?: number;
}

const apiPrefix = "/api/v1";

/** A thin typed wrapper over fetch: one method per PM route. */
export class PmClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;

  constructor(options: PmClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs;
    this.signal = options.signal;
  }

  /** The same client, with every request also ended by `signal` (a --wait deadline). */
  withSignal(signal: AbortSignal): PmClient {
    return new PmClient({
      baseUrl: this.baseUrl,
      timeoutMs: this.timeoutMs,
      signal: this.signal ? AbortSignal.any([this.signal, signal]) : signal,
    });
  }

  // --- packages -------------------------------------------------------------------
  listPackages(filter: PackageFilter = {}): Promise<Json> {
    return this.call("GET", "/packages", "packages", { query: { ...filter } });
  }
  getPackage(name: string): Promise<Json> {
    return this.call("GET", `/packages/${enc(name, "package name")}`, `package "${name}"`);
  }
  /** 201 created; 409 when it exists. */
  createPackage(body: Json, name: string): Promise<Json> {
    return this.call("POST", "/packages", `package "${name}"`, { body });
  }
  /** 404 when missing; 400 when the body names another package. */
  updatePackage(name: string, body: Json): Promise<Json> {
    return this.call("POST", `/packages/${enc(name, "package name")}`, `package "${name}"`, { body });
  }
  /** 204; 409 while deployments exist (unless the PM cascades). */
  async deletePackage(name: string): Promise<void> {
    await this.call("DELETE", `/packages/${enc(name, "package name")}`, `package "${name}"`);
  }

  // --- deployments ----------------------------------------------------------------
  /** 201 with the logical key, the per-cluster unit ids and the achieved availability. */
  createDeployment(body: Json, key: string): Promise<Json> {
    return this.call("POST", "/deployments", `deployment "${key}"`, { body });
  }
  /**
   * PUT /deployments/{key}: redeploy an existing deployment (same clusters; the CRMs roll
   * it out). With `generation` (the one read), sent as If-Match: a deployment changed
   * since is refused with 412 instead of overwritten.
   */
  replaceDeployment(body: Json, key: string, generation?: number): Promise<Json> {
    return this.call("PUT", `/deployments/${enc(key, "deployment key")}`, `deployment "${key}"`, {
      body,
      ...(generation === undefined ? {} : { headers: { "if-match": `"${generation}"` } }),
    });
  }
  listDeployments(filter: DeploymentFilter = {}): Promise<Json> {
    return this.call("GET", "/deployments", "deployments", { query: { ...filter } });
  }
  /** The stored OClassDeployment with its per-cluster status. */
  getDeployment(key: string): Promise<Json> {
    return this.call("GET", `/deployments/${enc(key, "deployment key")}`, `deployment "${key}"`);
  }
  /** Deletes on every cluster it was sent to, or only `cluster`; answers what was deleted. */
  deleteDeployment(key: string, cluster?: string): Promise<Json> {
    return this.call("DELETE", `/deployments/${enc(key, "deployment key")}`, `deployment "${key}"`, {
      query: { cluster },
    });
  }
  /** Logical key -> per-cluster unit ids. */
  clusterMappings(key: string): Promise<Json> {
    return this.call(
      "GET",
      `/deployments/${enc(key, "deployment key")}/cluster-mappings`,
      `deployment "${key}"`,
    );
  }

  // --- class runtimes and status (proxied to the CRMs) ---------------------------
  listClassRuntimes(query: Query = {}): Promise<Json> {
    return this.call("GET", "/class-runtimes", "class runtimes", { query });
  }
  getClassRuntime(id: string, cluster?: string): Promise<Json> {
    return this.call("GET", `/class-runtimes/${enc(id, "class runtime id")}`, `class runtime "${id}"`, {
      query: { cluster },
    });
  }
  /** Current status of a deployment unit (default cluster, or `cluster`). */
  deploymentStatus(id: string, cluster?: string): Promise<Json> {
    return this.call(
      "GET",
      `/deployment-status/${enc(id, "deployment id")}`,
      `deployment status of "${id}"`,
      {
        query: { cluster },
      },
    );
  }

  /** What the CRMs did with a deployment (logical key or unit id), per cluster, oldest first. */
  deploymentHistory(id: string, cluster?: string): Promise<Json> {
    return this.call("GET", `/deployments/${enc(id, "deployment key")}/history`, `history of "${id}"`, {
      query: { cluster },
    });
  }

  // --- clusters -------------------------------------------------------------------
  listClusters(): Promise<Json> {
    return this.call("GET", "/clusters", "clusters");
  }
  clustersHealth(): Promise<Json> {
    return this.call("GET", "/clusters/health", "cluster health");
  }
  clusterHealth(name: string): Promise<Json> {
    return this.call("GET", `/clusters/${enc(name, "cluster name")}/health`, `health of cluster "${name}"`);
  }

  /** GET /health (outside /api/v1). */
  health(): Promise<Json> {
    return this.call("GET", "/health", "PM health", { root: true });
  }

  /**
   * One request. Throws PmUnreachableError when no answer came (exit 3), the mapped
   * PmHttpError for a non-2xx answer, CliError when a 2xx body is not JSON.
   */
  private async call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    route: string,
    what: string,
    options: { query?: Query; body?: Json; root?: boolean; headers?: Record<string, string> } = {},
  ): Promise<Json> {
    const url = new URL(this.baseUrl + (options.root ? "" : apiPrefix) + route);
    for (const [name, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers: {
          accept: "application/json",
          ...(options.body === undefined ? {} : { "content-type": "application/json" }),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: this.signal
          ? AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)])
          : AbortSignal.timeout(this.timeoutMs),
      });
      text = await response.text();
    } catch (err) {
      throw new PmUnreachableError(this.baseUrl, connectionFailureReason(err, this.timeoutMs));
    }
    if (!response.ok) throw httpError(response.status, what, text);
    if (text.trim() === "") return undefined;
    try {
      return JSON.parse(text) as Json;
    } catch {
      throw new CliError(
        `the Package Manager sent a non-JSON answer for ${what} (${method} ${url.pathname})`,
      );
    }
  }
}

/**
 * A key as one URL path segment. An empty key would address the collection instead (GET
 * /packages/ lists them), "." and ".." other routes: refused with the PM's own key rule
 * (@oaas/models keyProblem) before any request.
 * @throws UsageError naming what the key is.
 */
function enc(segment: string, what: string): string {
  const problem = keyProblem(segment);
  if (problem !== undefined) throw new UsageError(`${what}: ${problem}`);
  return encodeURIComponent(segment);
}
