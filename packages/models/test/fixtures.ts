// A package as an existing client writes it (every field present, snake_case, SCREAMING
// enums), and option builders for the validation table.
import type { OClassDeployment, OPackage } from "../src/index.ts";

/** JSON exactly as an existing client sends it: decoding must leave it unchanged. */
export const clientPackageJson = {
  name: "shop",
  version: "1.2.0",
  disabled: false,
  metadata: {
    author: "dev@example.com",
    description: "a shop",
    tags: ["retail", "demo"],
    created_at: "2026-01-02T03:04:05Z",
    updated_at: "2026-01-02T03:04:05Z",
  },
  classes: [
    {
      key: "cart",
      description: "a cart",
      state_spec: {
        key_specs: [{ name: "items", key_type: "string", nullable: false }],
        default_provider: "memory",
        consistency_model: "STRONG",
        persistent: true,
        serialization_format: "json",
      },
      function_bindings: [
        {
          name: "add",
          function_key: "cart-add",
          access_modifier: "PUBLIC",
          stateless: false,
          parameters: ["item"],
        },
        {
          name: "total",
          function_key: "cart-total",
          access_modifier: "INTERNAL",
          stateless: true,
          parameters: [],
        },
      ],
      disabled: false,
    },
  ],
  functions: [
    {
      key: "cart-add",
      function_type: "CUSTOM",
      description: "adds an item",
      provision_config: {
        container_image: "ghcr.io/shop/add:1",
        port: 8080,
        max_concurrency: 0,
        need_http2: false,
        cpu_request: "100m",
        memory_request: "128Mi",
        min_scale: 1,
        max_scale: 10,
      },
      config: { LOG_LEVEL: "info" },
    },
    {
      key: "cart-total",
      function_type: "BUILTIN",
      provision_config: { container_image: "ghcr.io/shop/total:1", max_concurrency: 4, need_http2: true },
      config: {},
    },
  ],
  dependencies: [],
  deployments: [],
};

/** A decoded-shape copy of the client package, changed by the options. */
export function pkg(...options: ((p: OPackage) => void)[]): OPackage {
  const p = structuredClone(clientPackageJson) as OPackage;
  for (const o of options) o(p);
  return p;
}

export function deployment(...options: ((d: OClassDeployment) => void)[]): OClassDeployment {
  const d: OClassDeployment = {
    key: "shop-cart",
    package_name: "shop",
    class_key: "cart",
    target_env: "dev",
    target_clusters: ["a", "b"],
    nfr_requirements: { availability: 0.99 },
    functions: [],
    condition: "PENDING",
  };
  for (const o of options) o(d);
  return d;
}

/** xs[i], failing the test when it is missing. */
export function nth<T>(xs: readonly T[], i: number): T {
  const x = xs[i];
  if (x === undefined) throw new Error(`no element ${i}`);
  return x;
}

/** value, failing the test when it is undefined. */
export function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("value is undefined");
  return value;
}
