// The roles a principal can hold, ordered: each role may do what the roles below it may.
// The ladder follows Argo CD's built-in roles (readonly < admin) with the split Kubernetes'
// user-facing ClusterRoles make (view < edit < admin), plus `metrics`, which may only scrape
// /metrics (controller-runtime protects its metrics endpoint the same way).

/** Every role, lowest first. */
export const roles = ["metrics", "viewer", "deployer", "admin"] as const;

/** A principal's role: `metrics` scrapes, `viewer` reads, `deployer` writes deployments and packages, `admin` does everything. */
export type Role = (typeof roles)[number];

/** What a route or RPC needs: a role, or `public` for the probes that must stay open (`/healthz`, `/readyz`, `/health`). */
export type Need = Role | "public";

const rank: Readonly<Record<Role, number>> = { metrics: 0, viewer: 1, deployer: 2, admin: 3 };

/** The role named by `text` (exact, lower case), or undefined. */
export function parseRole(text: string): Role | undefined {
  return (roles as readonly string[]).includes(text) ? (text as Role) : undefined;
}

/** Whether a principal holding `have` may do what needs `need`. */
export function roleSatisfies(have: Role, need: Need): boolean {
  return need === "public" || rank[have] >= rank[need];
}
