// The rules of the model that a schema cannot state, each reported with its field path
// so a client fixes every problem in one round trip. The table:
//   keys and names          keys.ts keyProblem: 1..253 letters/digits/"._-~", NFC, not
//                           "." or ".." (package name, class/function keys, binding
//                           names and function_key, dependencies, deployment key,
//                           package_name, class_key, target_env, target_clusters,
//                           function_key of specs, odgm collections)
//   classes / functions     unique keys; binding names unique within a class
//   function_bindings       function_key names a function of the same package
//   dependencies            not the package itself; exist and form no cycle (when the
//                           other packages are known)
//   provision_config        container_image (@oaas/kube-rules containerImageProblem), cpu/memory
//                           Kubernetes quantities, min_scale <= max_scale
//   config (functions)      keys are environment variable names (@oaas/kube-rules envNameProblem)
//   deployments (embedded)  package_name is this package, class_key names one of its classes
// Number ranges (ports, scales, fractions, partition counts...) are in the schema,
// built from bounds.ts: decodePackage/decodeDeployment and the PM's REST layer check them
// before these rules run.
import { containerImageProblem, envNameProblem, quantityProblem } from "@oaas/kube-rules";
import { keyProblem } from "./keys.ts";
import type {
  FieldError,
  FunctionDeploymentSpec,
  OClassDeployment,
  OPackage,
  ProvisionConfig,
} from "./types.ts";

type Add = (field: string, message: string) => void;

function collector(): { errors: FieldError[]; add: Add } {
  const errors: FieldError[] = [];
  return { errors, add: (field, message) => errors.push({ field, message }) };
}

/** Adds keyProblem's message for `value` at `field` (keys.ts holds the rule). */
function checkKey(value: string, field: string, add: Add): void {
  const problem = keyProblem(value);
  if (problem !== undefined) add(field, problem);
}

/** `config` keys become container environment variable names (Kubernetes' rule, @oaas/kube-rules). */
function checkConfig(config: Readonly<Record<string, string>> | undefined, at: string, add: Add): void {
  for (const name of Object.keys(config ?? {})) {
    const problem = envNameProblem(name);
    if (problem !== undefined) add(`${at}.config.${name.slice(0, 80)}`, problem);
  }
}

function checkUnique(values: readonly string[], field: (i: number) => string, add: Add): void {
  const seen = new Set<string>();
  values.forEach((value, i) => {
    if (value !== "" && seen.has(value)) add(field(i), `duplicate key "${value}"`);
    seen.add(value);
  });
}

function checkProvision(pc: ProvisionConfig | undefined, at: string, add: Add): void {
  if (!pc) return;
  // Absent is allowed here (a deployment may take the package's image); planning reports a
  // function left without one.
  const image = pc.container_image;
  const imageProblem = image === undefined ? undefined : containerImageProblem(image);
  if (imageProblem !== undefined) add(`${at}.container_image`, imageProblem);
  for (const name of ["cpu_request", "memory_request", "cpu_limit", "memory_limit"] as const) {
    const q = pc[name];
    const problem = q === undefined ? undefined : quantityProblem(q);
    if (problem !== undefined) add(`${at}.${name}`, problem);
  }
  if (pc.min_scale !== undefined && pc.max_scale !== undefined && pc.min_scale > pc.max_scale) {
    add(`${at}.min_scale`, `${pc.min_scale} exceeds max_scale ${pc.max_scale}`);
  }
}

function checkFunctionSpec(fn: FunctionDeploymentSpec, at: string, add: Add): void {
  checkKey(fn.function_key, `${at}.function_key`, add);
  checkProvision(fn.provision_config, `${at}.provision_config`, add);
  checkConfig(fn.config, at, add);
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
  d.functions.forEach((fn, i) => checkFunctionSpec(fn, p(`functions[${i}]`), add));
  checkUnique(
    d.functions.map((f) => f.function_key),
    (i) => p(`functions[${i}].function_key`),
    add,
  );
  d.odgm?.collections.forEach((c, i) => checkKey(c, p(`odgm.collections[${i}]`), add));
  // The CRM refuses a collection listed twice too; here it is a 400 naming it, not a 502.
  checkUnique(d.odgm?.collections ?? [], (i) => p(`odgm.collections[${i}]`), add);
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
    checkConfig(fn.config, `functions[${i}]`, add);
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
