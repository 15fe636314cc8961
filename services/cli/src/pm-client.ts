// The Package Manager's REST API (services/pm/README.md "HTTP API"): every route the CLI
// calls is in this file, each answer typed by the PM's contract (@oaas/pm-api), so a
// field renamed in the PM fails the type check here instead of the CLI guessing.
// With `checkAnswers` (OAAS_CHECK_ANSWERS=1, set by the end-to-end tests) every answer is
// also validated against the OpenAPI document the PM serves, and one that does not match
// is an error.
import { keyProblem, maxPageSize } from "@oaas/models";
import {
  apiPrefix,
  failedClustersHeader,
  nextPageHeader,
  nextPagePath,
  type ClusterInfo,
  type DeleteResult,
  type Deployment,
  type DeploymentHistory,
  type DeploymentNfr,
  type DeploymentMappings,
  type DeploymentResult,
  type DeploymentStatus,
  type DeploymentWithClusters,
  type FailedCluster,
  type Package,
  type PackageWritten,
  type RuntimeItem,
  type RuntimeList,
} from "@oaas/pm-api";
import type { AnswerChecker } from "@oaas/pm-api/answer-check";
import { CliError, UsageError } from "./errors.ts";
import { PmUnreachableError } from "./errors.ts";
import { authError } from "./auth-errors.ts";
import type { Credential } from "./credentials.ts";
import { connectionFailureReason, httpError } from "./http-errors.ts";

/** A request body (a manifest a person wrote, or one the CLI built). */
export type Json = unknown;

/** GET /health (outside /api/v1 and its contract: a probe). */
export interface PmHealth {
  readonly status?: string;
}

/** GET /class-runtimes: the runtimes and the clusters that did not answer (its header). */
export interface RuntimeAnswer {
  readonly items: RuntimeList;
  readonly failed_clusters: FailedCluster[];
}

/** Query parameters; undefined values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

export interface PmClientOptions {
  /** e.g. http://127.0.0.1:8080 (no /api/v1: the client adds it). */
  readonly baseUrl: string;
  /** Per request, in ms; the answer must start arriving within it. */
  readonly timeoutMs: number;
  /** Ends every request of this client early (e.g. a --wait deadline). */
  readonly signal?: AbortSignal;
  /** Validate every answer against the PM's OpenAPI document (tests). */
  readonly checkAnswers?: boolean;
  /** Sent as `authorization: Bearer`; its source is named when the PM answers 401 or 403. */
  readonly credential?: Credential;
  /** Why the config file's token was not sent (the end of a 401's advice). */
  readonly configNote?: string;
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

/** A thin typed wrapper over fetch: one method per PM route. */
export class PmClient {
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly checkAnswers: boolean;
  private readonly options: PmClientOptions;
  private checker: Promise<AnswerChecker> | undefined;

  constructor(options: PmClientOptions) {
    this.options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.timeoutMs = options.timeoutMs;
    this.signal = options.signal;
    this.checkAnswers = options.checkAnswers ?? false;
  }

  /** The authorization header, when a token is configured. */
  private auth(): Record<string, string> {
    const token = this.options.credential?.token;
    return token === undefined ? {} : { authorization: `Bearer ${token}` };
  }

  /** The same client, with every request also ended by `signal` (a --wait deadline). */
  withSignal(signal: AbortSignal): PmClient {
    return new PmClient({
      ...this.options,
      signal: this.signal ? AbortSignal.any([this.signal, signal]) : signal,
    });
  }

  // --- packages -------------------------------------------------------------------
  /** Every package matching the filter (every page; at most `limit` from `offset`). */
  listPackages(filter: PackageFilter = {}): Promise<Package[]> {
    return this.listAll<Package>("/packages", "packages", { ...filter });
  }
  getPackage(name: string): Promise<Package> {
    return this.call<Package>("GET", `/packages/${enc(name, "package name")}`, `package "${name}"`);
  }
  /** 201 created; 409 when it exists. */
  createPackage(body: Json, name: string): Promise<PackageWritten> {
    return this.call<PackageWritten>("POST", "/packages", `package "${name}"`, { body });
  }
  /** 404 when missing; 400 when the body names another package. */
  updatePackage(name: string, body: Json): Promise<PackageWritten> {
    return this.call<PackageWritten>("POST", `/packages/${enc(name, "package name")}`, `package "${name}"`, {
      body,
    });
  }
  /** 204; 409 while deployments exist (unless the PM cascades). */
  async deletePackage(name: string): Promise<void> {
    await this.call("DELETE", `/packages/${enc(name, "package name")}`, `package "${name}"`);
  }

  // --- deployments ----------------------------------------------------------------
  /** 201 with the logical key, the per-cluster unit ids and the achieved availability. */
  createDeployment(body: Json, key: string): Promise<DeploymentResult> {
    return this.call<DeploymentResult>("POST", "/deployments", `deployment "${key}"`, { body });
  }
  /**
   * PUT /deployments/{key}: redeploy an existing deployment (same clusters; the CRMs roll
   * it out). With `generation` (the one read), sent as If-Match: a deployment changed
   * since is refused with 412 instead of overwritten.
   */
  replaceDeployment(body: Json, key: string, generation?: number): Promise<DeploymentResult> {
    return this.call<DeploymentResult>(
      "PUT",
      `/deployments/${enc(key, "deployment key")}`,
      `deployment "${key}"`,
      {
        body,
        ...(generation === undefined ? {} : { headers: { "if-match": `"${generation}"` } }),
      },
    );
  }
  /** Every deployment matching the filter (every page; at most `limit` from `offset`). */
  listDeployments(filter: DeploymentFilter = {}): Promise<Deployment[]> {
    return this.listAll<Deployment>("/deployments", "deployments", { ...filter });
  }
  /** The stored OClassDeployment with its per-cluster status. */
  getDeployment(key: string): Promise<DeploymentWithClusters> {
    return this.call<DeploymentWithClusters>(
      "GET",
      `/deployments/${enc(key, "deployment key")}`,
      `deployment "${key}"`,
    );
  }
  /** Deletes on every cluster it was sent to, or only `cluster`; answers what was deleted. */
  deleteDeployment(key: string, cluster?: string): Promise<DeleteResult> {
    return this.call<DeleteResult>(
      "DELETE",
      `/deployments/${enc(key, "deployment key")}`,
      `deployment "${key}"`,
      {
        query: { cluster },
      },
    );
  }
  /** Logical key -> per-cluster unit ids. */
  clusterMappings(key: string): Promise<DeploymentMappings> {
    return this.call<DeploymentMappings>(
      "GET",
      `/deployments/${enc(key, "deployment key")}/cluster-mappings`,
      `deployment "${key}"`,
    );
  }

  // --- class runtimes and status (proxied to the CRMs) ---------------------------
  /** The runtimes of every cluster (every page), and which clusters did not answer on any page. */
  async listClassRuntimes(query: Query = {}): Promise<RuntimeAnswer> {
    const failed = new Map<string, FailedCluster>();
    const items = await this.listAll<RuntimeItem>("/class-runtimes", "class runtimes", query, (headers) => {
      const header = headers.get(failedClustersHeader);
      if (header !== null) for (const f of JSON.parse(header) as FailedCluster[]) failed.set(f.cluster, f);
    });
    return { items, failed_clusters: [...failed.values()] };
  }
  getClassRuntime(id: string, cluster?: string): Promise<RuntimeItem> {
    return this.call<RuntimeItem>(
      "GET",
      `/class-runtimes/${enc(id, "class runtime id")}`,
      `class runtime "${id}"`,
      {
        query: { cluster },
      },
    );
  }
  /** Current status of a deployment unit (default cluster, or `cluster`). */
  deploymentStatus(id: string, cluster?: string): Promise<DeploymentStatus> {
    return this.call<DeploymentStatus>(
      "GET",
      `/deployment-status/${enc(id, "deployment id")}`,
      `deployment status of "${id}"`,
      {
        query: { cluster },
      },
    );
  }

  /** What the CRMs did with a deployment (logical key or unit id), per cluster, oldest first. */
  deploymentHistory(id: string, cluster?: string): Promise<DeploymentHistory> {
    return this.call<DeploymentHistory>(
      "GET",
      `/deployments/${enc(id, "deployment key")}/history`,
      `history of "${id}"`,
      {
        query: { cluster },
      },
    );
  }

  /** A deployment's NFR state (logical key or unit id) on each cluster holding it; `atRps` adds a what-if. */
  deploymentNfr(id: string, cluster?: string, atRps?: number): Promise<DeploymentNfr> {
    return this.call<DeploymentNfr>(
      "GET",
      `/deployments/${enc(id, "deployment key")}/nfr`,
      `NFR state of "${id}"`,
      {
        query: { cluster, at_rps: atRps },
      },
    );
  }

  // --- clusters -------------------------------------------------------------------
  listClusters(): Promise<ClusterInfo[]> {
    return this.call<ClusterInfo[]>("GET", "/clusters", "clusters");
  }

  /** GET /health (outside /api/v1). */
  health(): Promise<PmHealth> {
    return this.call<PmHealth>("GET", "/health", "PM health", { root: true });
  }

  /**
   * A list route read to its end: the first page from `query` (its `limit`, when given,
   * is the most items wanted in all; a page asks at most maxPageSize), then each page the
   * answer's Link header (rel="next", @oaas/pm-api paging.ts) names, until none is named
   * or `limit` items are in. The output is the list a single unbounded answer would be.
   */
  private async listAll<T>(
    route: string,
    what: string,
    query: Query,
    onHeaders?: (headers: Headers) => void,
  ): Promise<T[]> {
    const wanted = typeof query["limit"] === "number" ? query["limit"] : undefined;
    const first = { ...query, limit: wanted === undefined ? undefined : Math.min(wanted, maxPageSize) };
    const items: T[] = [];
    let next: string | undefined;
    const read = (headers: Headers) => {
      next = nextPagePath(headers.get(nextPageHeader));
      onHeaders?.(headers);
    };
    items.push(...(await this.call<T[]>("GET", route, what, { query: first, onHeaders: read })));
    const seen = new Set<string>();
    while (next !== undefined && (wanted === undefined || items.length < wanted) && !seen.has(next)) {
      seen.add(next);
      const path: string = next;
      next = undefined;
      items.push(...(await this.call<T[]>("GET", path, what, { root: true, onHeaders: read })));
    }
    return wanted === undefined ? items : items.slice(0, wanted);
  }

  /**
   * One request. Throws PmUnreachableError when no answer came (exit 3), the mapped
   * PmHttpError for a non-2xx answer, CliError when a 2xx body is not JSON.
   */
  private async call<T>(
    method: "GET" | "POST" | "PUT" | "DELETE",
    route: string,
    what: string,
    options: {
      query?: Query;
      body?: Json;
      root?: boolean;
      headers?: Record<string, string>;
      onHeaders?: (headers: Headers) => void;
    } = {},
  ): Promise<T> {
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
          ...this.auth(),
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
      throw new PmUnreachableError(
        this.baseUrl,
        connectionFailureReason(err, this.timeoutMs),
        err instanceof Error && err.name === "TimeoutError",
      );
    }
    if (this.checkAnswers) await this.check(method, url, response.status, text);
    if (response.status === 401 || response.status === 403)
      throw authError(response.status, text, {
        pmUrl: this.baseUrl,
        ...(this.options.credential !== undefined ? { credential: this.options.credential } : {}),
        ...(this.options.configNote !== undefined ? { configNote: this.options.configNote } : {}),
      });
    if (!response.ok) throw httpError(response.status, what, text);
    options.onHeaders?.(response.headers);
    if (text.trim() === "") return undefined as T;
    try {
      // The answer's type is the contract's (@oaas/pm-api); checkAnswers verifies it.
      return JSON.parse(text) as T;
    } catch {
      throw new CliError(
        `the Package Manager sent a non-JSON answer for ${what} (${method} ${url.pathname})`,
      );
    }
  }

  /** Fails when the answer does not match the PM's OpenAPI document. */
  private async check(method: string, url: URL, status: number, text: string): Promise<void> {
    this.checker ??= (async () => {
      const { answerChecker } = await import("@oaas/pm-api/answer-check");
      const res = await fetch(`${this.baseUrl}${apiPrefix}/openapi.json`, { headers: this.auth() });
      return answerChecker((await res.json()) as Parameters<typeof answerChecker>[0]);
    })();
    let body: unknown;
    try {
      body = text.trim() === "" ? undefined : JSON.parse(text);
    } catch {
      body = text;
    }
    const problem = (await this.checker).check(method, url.pathname + url.search, status, body);
    if (problem !== undefined) throw new CliError(problem);
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
