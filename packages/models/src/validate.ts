// The rules of the model that a schema cannot state, each reported with its field path
// so a client fixes every problem in one round trip. The table (issue 9):
//   keys and names          non-empty, <= 253 characters, no whitespace or control
//                           characters, not "." or ".." (package name, class/function keys,
//                           binding names, deployment key, cluster names)
//   classes / functions     unique keys; binding names unique within a class
//   function_bindings       function_key names a function of the same package
//   dependencies            not the package itself; exist and form no cycle (when the
//                           other packages are known)
//   nfr_requirements        availability and cpu_utilization_target within 0..1
//   provision_config        port 1..65535, cpu/memory Kubernetes quantities,
//                           min_scale <= max_scale
//   deployments (embedded)  package_name is this package, class_key names one of its classes
import { isValidQuantity } from "@oaas/templates";
import type {
  FieldError,
  FunctionDeploymentSpec,
  NfrRequirements,
  OClassDeployment,
  OPackage,
  ProvisionConfig,
} from "./types.ts";

type Add = (field: string, message: string) => void;

function collector(): { errors: FieldError[]; add: Add } {
  const errors: FieldError[] = [];
  return { errors, add: (field, message) => errors.push({ field, message }) };
}

/** Longest key, in characters: a key is one URL path segment of the REST API (the PM serves up to 4 KiB per segment, enough for 253 characters percent-encoded) and the DNS subdomain limit. */
export const maxKeyLength = 253;

/**
 * Non-empty, at most maxKeyLength characters, without whitespace or control characters,
 * and not "." or ".." (URL normalisation turns those path segments into other routes):
 * keys end up in URLs, labels and Kubernetes names, and a stored key must stay readable
 * and deletable through its own URL.
 */
function checkKey(value: string, field: string, add: Add): void {
  const shown = value.length > 80 ? `${value.slice(0, 80)}...` : value;
  if (value === "") add(field, "must not be empty");
  else if (codePoints(value) > maxKeyLength)
    add(field, `is ${codePoints(value)} characters long; at most ${maxKeyLength}`);
  else if (/\s/u.test(value)) add(field, `"${shown}" must not contain whitespace`);
  else if (/\p{Cc}/u.test(value))
    add(field, `"${JSON.stringify(value).slice(1, 81)}" must not contain control characters`);
  else if (value === "." || value === "..") add(field, `"${value}" is not a usable key (a URL path segment)`);
}

/**
 * What is wrong with `value` as a key (a package name, class, function or deployment key,
 * a cluster name), or undefined when it is usable. The same rule the PM's validation
 * applies; clients (oaasctl) call it before putting a key into a URL path.
 */
export function keyProblem(value: string): string | undefined {
  let problem: string | undefined;
  checkKey(value, "", (_field, message) => (problem ??= message));
  return problem;
}

/** Characters as Unicode code points (a 4-byte emoji is one), not UTF-16 units. */
function codePoints(value: string): number {
  return value.match(/./gsu)?.length ?? 0;
}

function checkUnique(values: readonly string[], field: (i: number) => string, add: Add): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (value !== "" && seen.has(value)) add(field(i), `duplicate key "${value}"`);
    seen.add(value);
  });
}

function checkFraction(value: number | undefined, field: string, add: Add): void {
  if (value !== undefined && !(value >= 0 && value <= 1)) add(field, `${value} is not within 0..1`);
}

export function checkNfr(nfr: NfrRequirements | undefined, at: string, add: Add): void {
  checkFraction(nfr?.availability, `${at}.availability`, add);
  checkFraction(nfr?.cpu_utilization_target, `${at}.cpu_utilization_target`, add);
}

export function checkProvision(pc: ProvisionConfig | undefined, at: string, add: Add): void {
  if (!pc) return;
  if (pc.port !== undefined && (pc.port < 1 || pc.port > 65_535)) {
    add(`${at}.port`, `${pc.port} is out of range 1..65535`);
  }
  for (const name of ["cpu_request", "memory_request", "cpu_limit", "memory_limit"] as const) {
    const q = pc[name];
    if (q !== undefined && !isValidQuantity(q)) {
      add(`${at}.${name}`, `"${q.slice(0, 40)}" is not a Kubernetes quantity (e.g. 500m, 256Mi)`);
    }
  }
  if (pc.min_scale !== undefined && pc.max_scale !== undefined && pc.min_scale > pc.max_scale) {
    add(`${at}.min_scale`, `${pc.min_scale} exceeds max_scale ${pc.max_scale}`);
  }
}

function checkFunctionSpec(fn: FunctionDeploymentSpec, at: string, add: Add): void {
  checkKey(fn.function_key, `${at}.function_key`, add);
  checkNfr(fn.nfr_requirements, `${at}.nfr_requirements`, add);
  checkProvision(fn.provision_config, `${at}.provision_config`, add);
}

/** The problems of a class deployment; `at` prefixes every field path (e.g. "deployments[0]"). */
export function validateDeployment(d: OClassDeployment, at = ""): FieldError[] {
  const { errors, add } = collector();
  const p = (field: string) => (at ? `${at}.${field}` : field);
  if (d.key !== "") checkKey(d.key, p("key"), add);
  checkKey(d.package_name, p("package_name"), add);
  checkKey(d.class_key, p("class_key"), add);
  if (d.target_env !== "") checkKey(d.target_env, p("target_env"), add);
  d.target_clusters.forEach((c, i) => checkKey(c, p(`target_clusters[${i}]`), add));
  checkUnique(d.target_clusters, (i) => p(`target_clusters[${i}]`), add);
  checkNfr(d.nfr_requirements, p("nfr_requirements"), add);
  d.functions.forEach((fn, i) => checkFunctionSpec(fn, p(`functions[${i}]`), add));
  checkUnique(
    d.functions.map((f) => f.function_key),
    (i) => p(`functions[${i}].function_key`),
    add,
  );
  d.odgm?.collections.forEach((c, i) => checkKey(c, p(`odgm.collections[${i}]`), add));
  return errors;
}

/** What validatePackage knows of the other stored packages: name -> its dependencies. */
export type KnownPackages = ReadonlyMap<string, readonly string[]>;

/**
 * The problems of a package. With `known` (the other stored packages), dependencies must
 * exist and must not lead back to this package; without it only self-dependency is caught.
 */
export function validatePackage(pkg: OPackage, known?: KnownPackages): FieldError[] {
  const { errors, add } = collector();
  checkKey(pkg.name, "name", add);
  pkg.functions.forEach((fn, i) => {
    checkKey(fn.key, `functions[${i}].key`, add);
    checkProvision(fn.provision_config, `functions[${i}].provision_config`, add);
  });
  checkUnique(
    pkg.functions.map((f) => f.key),
    (i) => `functions[${i}].key`,
    add,
  );
  const functionKeys = new Set(pkg.functions.map((f) => f.key));
  pkg.classes.forEach((cls, i) => {
    checkKey(cls.key, `classes[${i}].key`, add);
    cls.function_bindings.forEach((b, j) => {
      const at = `classes[${i}].function_bindings[${j}]`;
      checkKey(b.name, `${at}.name`, add);
      if (!functionKeys.has(b.function_key)) {
        add(`${at}.function_key`, `"${b.function_key}" is not a function of package "${pkg.name}"`);
      }
    });
    checkUnique(
      cls.function_bindings.map((b) => b.name),
      (j) => `classes[${i}].function_bindings[${j}].name`,
      add,
    );
  });
  checkUnique(
    pkg.classes.map((c) => c.key),
    (i) => `classes[${i}].key`,
    add,
  );
  checkDependencies(pkg, known, add);
  const classKeys = new Set(pkg.classes.map((c) => c.key));
  pkg.deployments.forEach((d, i) => {
    const at = `deployments[${i}]`;
    errors.push(...validateDeployment(d, at));
    if (d.package_name !== pkg.name) {
      add(`${at}.package_name`, `"${d.package_name}" is not this package ("${pkg.name}")`);
    }
    if (d.class_key !== "" && !classKeys.has(d.class_key)) {
      add(`${at}.class_key`, `"${d.class_key}" is not a class of package "${pkg.name}"`);
    }
  });
  return errors;
}

function checkDependencies(pkg: OPackage, known: KnownPackages | undefined, add: Add): void {
  pkg.dependencies.forEach((dep, i) => {
    const field = `dependencies[${i}]`;
    checkKey(dep, field, add);
    if (dep === pkg.name) add(field, "a package cannot depend on itself");
    else if (known && !known.has(dep)) add(field, `package "${dep}" does not exist`);
    else if (known) {
      const cycle = pathBack(dep, pkg.name, known, new Set());
      if (cycle) add(field, `dependency cycle: ${[pkg.name, ...cycle].join(" -> ")}`);
    }
  });
}

/** A dependency path from `from` that reaches `target`, or undefined. */
function pathBack(
  from: string,
  target: string,
  known: KnownPackages,
  visited: Set<string>,
): string[] | undefined {
  if (from === target) return [from];
  if (visited.has(from)) return undefined;
  visited.add(from);
  for (const next of known.get(from) ?? []) {
    const rest = pathBack(next, target, known, visited);
    if (rest) return [from, ...rest];
  }
  return undefined;
}
