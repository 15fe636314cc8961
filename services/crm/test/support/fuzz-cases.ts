// The 5,000 requests of the ingress fuzz suite (test/integration/fuzz.test.ts), built from
// a seed: random bytes as gRPC and Connect bodies, broken gRPC framing, wrong JSON field
// types, huge strings, control characters and lone surrogates in ids, negative and
// overflowing numbers, oversized messages; each with the one status it may get
// (fuzz-oracle.ts computes it from what is sent) and how to send it.
import http2 from "node:http2";
import { create, fromBinary, fromJsonString, toBinary } from "@bufbuild/protobuf";
import { Code } from "@connectrpc/connect";
import { DeployRequestSchema, DeployResponseSchema } from "@oaas/proto";
import { unitJson } from "./error-rows.ts";
import { unit } from "./fixtures.ts";
import { connectWant, grpcWant, methodOf, type Want } from "./fuzz-oracle.ts";
import { connectRaw, grpcFrame, grpcRaw, type RawResult } from "./raw.ts";

export const svc = "/oaas.deployment.DeploymentService";
export const paths = [
  "Deploy",
  "GetDeploymentStatus",
  "DeleteDeployment",
  "ListClassRuntimes",
  "GetClassRuntime",
].map((m) => `${svc}/${m}`);

/** mulberry32: small, seedable, good enough to pick fuzz inputs reproducibly. */
export function prng(s: number): () => number {
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Requests refused by construction: invalid ids, images, keys, numbers. */
export const invalid: Want = { code: Code.InvalidArgument, rule: "invalid unit" };
export const tooLarge: Want = { code: Code.ResourceExhausted, rule: "over 4 MiB" };

export interface FuzzCase {
  readonly kind: string;
  /** The one answer this request may get. */
  readonly want: Want;
  /** The id an invalid Deploy named: no record may exist for it. */
  readonly id?: string;
  /**
   * Sent alone, each on a new HTTP/2 connection: a Node CLIENT session keeps the unsent
   * rest of a cancelled 4 MiB body queued and refuses new streams past 10 MB
   * (NGHTTP2_ENHANCE_YOUR_CALM from its own side); the server is not involved.
   */
  readonly serial?: boolean;
  send(): Promise<RawResult>;
}

/** Where the cases are sent: the ingress URL and the shared HTTP/2 session (connected after the cases are built). */
export interface FuzzTarget {
  readonly url: string;
  readonly shared: () => http2.ClientHttp2Session;
}

/** The fuzz cases for `seed`, in a fixed order (the same seed gives the same requests). */
export function buildFuzzCases(seed: number, target: FuzzTarget): FuzzCase[] {
  const random = prng(seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(256));
  const controlChar = () => String.fromCharCode(pick([0, 1, 7, 9, 10, 13, 27, 31, 127, 0x85, 0x9f]));
  const text = (n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + int(95))).join("");
  const wrongValues: readonly unknown[] = [
    -1,
    -2147483649,
    4294967296,
    1.8446744073709552e19,
    1e300,
    -0.5,
    3.7,
    2 ** 53 + 1,
    "NaN",
    "Infinity",
    "-1",
    "18446744073709551616",
    "9223372036854775808",
    "abc",
    "",
    true,
    false,
    null,
    [],
    {},
    [[1]],
    { a: { b: 1 } },
    "x".repeat(5000),
  ];
  const fieldPaths = [
    ["deployment_unit"],
    ["deployment_unit", "id"],
    ["deployment_unit", "package_name"],
    ["deployment_unit", "functions"],
    ["deployment_unit", "functions", 0],
    ["deployment_unit", "functions", 0, "function_key"],
    ["deployment_unit", "functions", 0, "provision_config"],
    ["deployment_unit", "functions", 0, "provision_config", "port"],
    ["deployment_unit", "functions", 0, "provision_config", "container_image"],
    ["deployment_unit", "functions", 0, "provision_config", "min_scale"],
    ["deployment_unit", "functions", 0, "provision_config", "max_scale"],
    ["deployment_unit", "functions", 0, "provision_config", "max_concurrency"],
    ["deployment_unit", "functions", 0, "provision_config", "need_http2"],
    ["deployment_unit", "functions", 0, "provision_config", "cpu_request"],
    ["deployment_unit", "functions", 0, "config"],
    ["deployment_unit", "functions", 0, "nfr_requirements", "availability"],
    ["deployment_unit", "functions", 0, "nfr_requirements", "cpu_utilization_target"],
    ["deployment_unit", "created_at"],
    ["deployment_unit", "created_at", "seconds"],
    ["deployment_unit", "created_at", "nanos"],
    ["deployment_unit", "odgm_config", "partition_count"],
    ["deployment_unit", "odgm_config", "invocations", "fn_routes", "r", "active_group"],
  ] as const;
  const setPath = (root: Record<string, unknown>, path: readonly (string | number)[], value: unknown) => {
    let node: Record<string | number, unknown> = root;
    path.slice(0, -1).forEach((key, i) => {
      const next = node[key];
      if (typeof next !== "object" || next === null) node[key] = typeof path[i + 1] === "number" ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    });
    node[path[path.length - 1] as string | number] = value;
  };
  const grpcDeploy = (u: ReturnType<typeof unit>) =>
    grpcFrame(toBinary(DeployRequestSchema, create(DeployRequestSchema, { deploymentUnit: u })));
  const deploy = methodOf(`${svc}/Deploy`);
  const decodes = (body: unknown) => {
    try {
      fromJsonString(deploy.input, JSON.stringify(body), { ignoreUnknownFields: true });
      return true;
    } catch {
      return false;
    }
  };
  const connectJson = (body: unknown) => () =>
    connectRaw(target.url, `${svc}/Deploy`, "application/json", JSON.stringify(body));

  const cases: FuzzCase[] = [];
  const add = (n: number, make: (i: number) => FuzzCase) => {
    for (let i = 0; i < n; i++) cases.push(make(cases.length));
  };
  // Random bytes in a well-formed gRPC envelope, to every method.
  add(1500, () => {
    const payload = bytes(int(random() < 0.9 ? 300 : 5000));
    const path = pick(paths);
    const body = grpcFrame(payload);
    return {
      kind: "grpc random payload",
      want: grpcWant(path, body),
      send: () => grpcRaw(target.shared(), path, body),
    };
  });
  // Broken framing: random bytes as the whole body, wrong lengths, compressed flag without encoding.
  add(300, () => {
    const r = random();
    const body =
      r < 0.4
        ? bytes(int(64))
        : r < 0.7
          ? Buffer.concat([grpcFrame(bytes(10)), bytes(1 + int(4))])
          : grpcFrame(bytes(20), true);
    const path = pick(paths);
    return {
      kind: "grpc broken framing",
      want: grpcWant(path, body),
      send: () => grpcRaw(target.shared(), path, body),
    };
  });
  // Random bytes as Connect bodies.
  add(700, () => {
    const body = bytes(int(400));
    const path = pick(paths);
    const type = pick(["application/proto", "application/json"]);
    return {
      kind: `connect random ${type}`,
      want: connectWant(path, type, body),
      send: () => connectRaw(target.url, path, type, body),
    };
  });
  // Random text as Connect JSON (mostly not JSON at all).
  add(300, () => {
    const body = pick([
      "{",
      "[]",
      "null",
      '{"deployment_unit":',
      text(int(200)),
      '{"deployment_unit":{"id":"x"',
      "\u0000",
    ]);
    return {
      kind: "connect junk json",
      want: connectWant(`${svc}/Deploy`, "application/json", body),
      send: () => connectRaw(target.url, `${svc}/Deploy`, "application/json", body),
    };
  });
  // Wrong field types and out-of-range numbers in Connect JSON.
  // Each value is drawn again until the body really does not decode (a draw such as
  // `true` for need_http2 is a right type), so the category's answer is exact.
  add(1200, (n) => {
    const body = { deployment_unit: unitJson(`fz-type-${n}`) };
    const times = 1 + int(3);
    for (let k = 0; k < times; k++) {
      const path = pick(fieldPaths);
      for (let tries = 0; tries < 20; tries++) {
        setPath(body, path, structuredClone(pick(wrongValues)));
        if (!decodes(body)) break;
      }
      if (decodes(body)) setPath(body, path, [[1]]); // wrong for every field of the unit
    }
    if (decodes(body)) throw new Error(`a wrong-types body decodes: ${JSON.stringify(body).slice(0, 200)}`);
    return {
      kind: "connect wrong types",
      want: connectWant(`${svc}/Deploy`, "application/json", JSON.stringify(body)),
      send: connectJson(body),
    };
  });
  // Control characters, overlong and huge strings, lone surrogates: invalid by construction.
  add(700, (n) => {
    const id = `fz-bad-${n}`;
    const r = random();
    if (r < 0.3) {
      const bad = `${text(int(10))}${controlChar()}${text(int(10))}`;
      return {
        kind: "control char in id",
        want: invalid,
        id: bad,
        send: () => grpcRaw(target.shared(), `${svc}/Deploy`, grpcDeploy(unit(bad))),
      };
    }
    if (r < 0.45) {
      const long = text(254 + int(2000));
      return {
        kind: "overlong id",
        want: invalid,
        id: long,
        send: () => grpcRaw(target.shared(), `${svc}/Deploy`, grpcDeploy(unit(long))),
      };
    }
    if (r < 0.5) {
      const huge = "h".repeat(1_000_000);
      return {
        kind: "1 MB id",
        want: invalid,
        id: huge,
        send: () => grpcRaw(target.shared(), `${svc}/Deploy`, grpcDeploy(unit(huge))),
      };
    }
    if (r < 0.55) {
      const u = unit(id);
      if (u.functions[0]) u.functions[0].description = "d".repeat(600_000);
      return {
        kind: "600 KB description",
        want: invalid,
        id,
        send: () => grpcRaw(target.shared(), `${svc}/Deploy`, grpcDeploy(u)),
      };
    }
    if (r < 0.7) {
      const u = unit(id);
      const f = u.functions[0];
      if (f?.provisionConfig) f.provisionConfig.containerImage = `img ${text(int(20))}${controlChar()}`;
      return {
        kind: "image with spaces",
        want: invalid,
        id,
        send: () => grpcRaw(target.shared(), `${svc}/Deploy`, grpcDeploy(u)),
      };
    }
    if (r < 0.85) {
      const u = unit(id);
      if (u.functions[0]) u.functions[0].functionKey = `k${controlChar()}`;
      return {
        kind: "control char in function_key",
        want: invalid,
        id,
        send: () => grpcRaw(target.shared(), `${svc}/Deploy`, grpcDeploy(u)),
      };
    }
    // JSON can carry a lone surrogate; binary protobuf cannot (UTF-8).
    const body = `{"deployment_unit":${JSON.stringify(unitJson(id)).replace('"pkg"', '"p\\ud800"')}}`;
    return {
      kind: "lone surrogate",
      want: invalid,
      id,
      send: () => connectRaw(target.url, `${svc}/Deploy`, "application/json", body),
    };
  });
  // Negative and overflowing numbers where the proto type cannot hold them.
  add(280, (n) => {
    const id = `fz-num-${n}`;
    const body = { deployment_unit: unitJson(id) };
    const [path, value] = pick([
      [["deployment_unit", "functions", 0, "provision_config", "port"], pick([-1, 4294967296, 1e20, 65536])],
      [["deployment_unit", "functions", 0, "provision_config", "min_scale"], pick([-5, 4294967296])],
      [["deployment_unit", "functions", 0, "provision_config", "max_concurrency"], -1],
      [
        ["deployment_unit", "created_at"],
        { seconds: pick(["9223372036854775808", "-9223372036854775809"]), nanos: 0 },
      ],
      [["deployment_unit", "created_at"], { seconds: "1", nanos: pick([-1, 2147483648]) }],
      [
        ["deployment_unit", "odgm_config"],
        {
          invocations: {
            fn_routes: { r: { url: "u", active_group: [pick(["-1", "18446744073709551616"])] } },
          },
        },
      ],
      [
        ["deployment_unit", "functions", 0, "nfr_requirements"],
        { availability: pick([-0.1, 1.0001, "NaN", "Infinity"]) },
      ],
      [
        ["deployment_unit", "functions", 0, "nfr_requirements"],
        { cpu_utilization_target: pick([-1, "-Infinity", "NaN"]) },
      ],
    ] as const);
    setPath(body, path, value);
    return { kind: "negative or overflowing number", want: invalid, id, send: connectJson(body) };
  });
  // Messages above the 4 MiB read limit.
  add(20, (n) => {
    const big = bytes(4 * 1024 * 1024 + 16);
    return n % 2 === 0
      ? {
          kind: "oversized grpc",
          want: tooLarge,
          serial: true,
          send: async () => {
            const own = http2.connect(target.url);
            own.on("error", () => undefined); // reported by the stream (see before())
            try {
              return await grpcRaw(own, `${svc}/Deploy`, grpcFrame(big));
            } finally {
              own.close();
            }
          },
        }
      : {
          kind: "oversized connect",
          want: tooLarge,
          serial: true,
          send: () => connectRaw(target.url, `${svc}/Deploy`, "application/proto", big),
        };
  });
  return cases;
}

/** The deployment id an OK answer to a Deploy echoed. */
export function deployedId(c: FuzzCase, result: RawResult): string | undefined {
  if (!c.kind.startsWith("grpc") && !c.kind.startsWith("connect")) return c.id;
  try {
    if (c.kind.includes("json") || c.kind === "connect wrong types") {
      const parsed = JSON.parse(new TextDecoder().decode(result.body)) as { deploymentId?: string };
      return parsed.deploymentId;
    }
    return fromBinary(DeployResponseSchema, result.body).deploymentId || undefined;
  } catch {
    return undefined;
  }
}
