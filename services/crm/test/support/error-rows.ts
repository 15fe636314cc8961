// The DeploymentService error rows (codes mapped in src/ingress/error-map.ts) as data, so the same requests go through every client
// kind (Connect-ES, grpc-js, grpcurl). Requests are protobuf JSON with proto field
// names, which all three accept.
import { Code } from "@connectrpc/connect";

export type Rpc =
  "Deploy" | "GetDeploymentStatus" | "GetClassRuntime" | "DeleteDeployment" | "ListClassRuntimes";

export interface ErrorRow {
  readonly name: string;
  readonly rpc: Rpc;
  readonly request: Record<string, unknown>;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly code: Code;
  /** Text the status message must contain (the field it names); each of a list. */
  readonly mentions?: string | readonly string[];
}

type Json = Record<string, unknown>;

/** A valid DeploymentUnit in JSON; `change` edits it. */
export function unitJson(
  id: string,
  change: (u: Json & { functions: Json[] }) => void = () => undefined,
): Json {
  const u = {
    id,
    package_name: "pkg",
    class_key: "cls",
    target_env: "dev",
    functions: [
      { function_key: "fn", provision_config: { container_image: "ghcr.io/oaas/fn:1", port: 8080 } },
    ] as Json[],
  };
  change(u);
  return u;
}

const firstFn = (u: { functions: Json[] }) => u.functions[0] as Json & { provision_config?: Json };
const provision = (u: { functions: Json[] }) => (firstFn(u).provision_config ??= {});
const deploy = (unit: Json) => ({ deployment_unit: unit });

/** The id whose derived record name is held by another deployment (see setUpRows). */
export const collidingId = "row-taken";

export const errorRows: readonly ErrorRow[] = [
  {
    name: "missing unit",
    rpc: "Deploy",
    request: {},
    code: Code.InvalidArgument,
    mentions: "deployment_unit",
  },
  {
    name: "empty id",
    rpc: "Deploy",
    request: deploy(unitJson("")),
    code: Code.InvalidArgument,
    mentions: "deployment_unit.id",
  },
  {
    name: "id with control characters",
    rpc: "Deploy",
    request: deploy(unitJson("a\u0007b")),
    code: Code.InvalidArgument,
    mentions: "deployment_unit.id",
  },
  {
    name: "id too long for any name",
    rpc: "Deploy",
    request: deploy(unitJson("x".repeat(300))),
    code: Code.InvalidArgument,
    mentions: "deployment_unit.id",
  },
  {
    name: "no functions",
    rpc: "Deploy",
    request: deploy(unitJson("row-nofn", (u) => (u.functions = []))),
    code: Code.InvalidArgument,
    mentions: "deployment_unit.functions",
  },
  {
    name: "function without image",
    rpc: "Deploy",
    request: deploy(unitJson("row-noimg", (u) => delete provision(u)["container_image"])),
    code: Code.InvalidArgument,
    mentions: "container_image",
  },
  {
    name: "function without provision_config",
    rpc: "Deploy",
    request: deploy(unitJson("row-nopc", (u) => delete firstFn(u).provision_config)),
    code: Code.InvalidArgument,
    mentions: "container_image",
  },
  {
    // A kubelet answers InvalidImageName: repository paths are lowercase.
    name: "image with an uppercase repository path",
    rpc: "Deploy",
    request: deploy(
      unitJson("row-upimg", (u) => (provision(u).container_image = "ghcr.io/Example/Cart-Add:1.0")),
    ),
    code: Code.InvalidArgument,
    mentions: ["functions[0].provision_config.container_image", "must be lowercase"],
  },
  {
    name: "empty function_key",
    rpc: "Deploy",
    request: deploy(unitJson("row-nokey", (u) => (firstFn(u).function_key = ""))),
    code: Code.InvalidArgument,
    mentions: "function_key",
  },
  {
    name: "duplicate function_key",
    rpc: "Deploy",
    request: deploy(unitJson("row-dupkey", (u) => u.functions.push({ ...firstFn(u) }))),
    code: Code.InvalidArgument,
    mentions: "functions[1].function_key",
  },
  {
    name: "port out of range",
    rpc: "Deploy",
    request: deploy(unitJson("row-port", (u) => (provision(u).port = 70000))),
    code: Code.InvalidArgument,
    mentions: "provision_config.port",
  },
  {
    name: "bad cpu quantity",
    rpc: "Deploy",
    request: deploy(unitJson("row-cpu", (u) => (provision(u).cpu_request = "lots"))),
    code: Code.InvalidArgument,
    mentions: "cpu_request",
  },
  {
    name: "bad memory quantity",
    rpc: "Deploy",
    request: deploy(unitJson("row-mem", (u) => (provision(u).memory_limit = "12XB"))),
    code: Code.InvalidArgument,
    mentions: "memory_limit",
  },
  {
    name: "min_scale above max_scale",
    rpc: "Deploy",
    request: deploy(
      unitJson("row-scale", (u) => Object.assign(provision(u), { min_scale: 5, max_scale: 2 })),
    ),
    code: Code.InvalidArgument,
    mentions: "min_scale",
  },
  {
    name: "availability above 1",
    rpc: "Deploy",
    request: deploy(unitJson("row-avail", (u) => (firstFn(u).nfr_requirements = { availability: 1.5 }))),
    code: Code.InvalidArgument,
    mentions: "availability",
  },
  {
    name: "config key that is no env var name",
    rpc: "Deploy",
    request: deploy(unitJson("row-env", (u) => (firstFn(u).config = { "A=B": "1" }))),
    code: Code.InvalidArgument,
    mentions: "config",
  },
  {
    name: "invalid x-namespace",
    rpc: "Deploy",
    request: deploy(unitJson("row-ns")),
    metadata: { "x-namespace": "UPPER_case" },
    code: Code.InvalidArgument,
    mentions: "x-namespace",
  },
  {
    name: "ODGM requested while the feature is off",
    rpc: "Deploy",
    request: deploy(unitJson("row-odgm", (u) => (u["odgm_config"] = { collections: ["a"] }))),
    code: Code.FailedPrecondition,
    mentions: "ODGM",
  },
  {
    name: "unknown template",
    rpc: "Deploy",
    request: deploy(unitJson("row-template")),
    metadata: { "x-template": "no-such-template" },
    code: Code.FailedPrecondition,
    mentions: "template",
  },
  {
    // Outside the served namespaces (OPRC_CRM_ALLOWED_NAMESPACES): refused before any lookup.
    name: "namespace not served",
    rpc: "Deploy",
    request: deploy(unitJson("row-missing-ns")),
    metadata: { "x-namespace": "no-such-namespace-here" },
    code: Code.PermissionDenied,
    mentions: "no-such-namespace-here",
  },
  {
    name: "name held by another deployment",
    rpc: "Deploy",
    request: deploy(unitJson(collidingId)),
    code: Code.AlreadyExists,
    mentions: "other-deployment",
  },
  {
    name: "status of unknown id",
    rpc: "GetDeploymentStatus",
    request: { deployment_id: "row-unknown" },
    code: Code.NotFound,
  },
  {
    name: "runtime of unknown id",
    rpc: "GetClassRuntime",
    request: { deployment_id: "row-unknown" },
    code: Code.NotFound,
  },
  {
    name: "delete of unknown id",
    rpc: "DeleteDeployment",
    request: { deployment_id: "row-unknown" },
    code: Code.NotFound,
  },
  {
    name: "status of an empty id",
    rpc: "GetDeploymentStatus",
    request: { deployment_id: "" },
    code: Code.InvalidArgument,
    mentions: "deployment_id",
  },
  // 70,000 characters once broke the HTTP/2 frame of the answer
  // (the NOT_FOUND message echoed the id); now a bounded INVALID_ARGUMENT naming the field.
  ...(["GetDeploymentStatus", "GetClassRuntime", "DeleteDeployment"] as const).map((rpc): ErrorRow => ({
    name: "id of 70,000 characters",
    rpc,
    request: { deployment_id: "l".repeat(70_000) },
    code: Code.InvalidArgument,
    mentions: ["deployment_id", "is 70000 characters"],
  })),
  {
    name: "Deploy with an id of 70,000 characters",
    rpc: "Deploy",
    request: deploy(unitJson("l".repeat(70_000))),
    code: Code.InvalidArgument,
    mentions: ["deployment_unit.id", "is 70000 characters"],
  },
  {
    name: "list with an unknown status",
    rpc: "ListClassRuntimes",
    request: { status: "GREEN" },
    code: Code.InvalidArgument,
    mentions: "status",
  },
];

/** The texts a row's message must contain. */
export function mentionsOf(row: ErrorRow): readonly string[] {
  return row.mentions === undefined ? [] : typeof row.mentions === "string" ? [row.mentions] : row.mentions;
}

/** Ids of the Deploy rows: none of them may leave a record behind. */
export const refusedIds = errorRows
  .filter((r) => r.rpc === "Deploy" && r.code !== Code.AlreadyExists)
  .map((r) => (r.request["deployment_unit"] as { id?: string } | undefined)?.id)
  .filter((id): id is string => typeof id === "string" && id !== "");
