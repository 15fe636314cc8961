// Option-builder fixtures: record("a", withAddon("odgm"), withFunction("f", withImage("x")))
// and context("full", withFeature("hpa")). Every record gets a uid so owner references build.
import {
  apiVersion,
  kind,
  type DeploymentRecord,
  type FunctionSpec,
  type NfrSpec,
  type OdgmConfig,
} from "@oaas/crd";
import {
  defaultRenderContext,
  type MonitoringOptions,
  type Profile,
  type RenderContext,
} from "../src/index.ts";

export type RecordOption = (record: DeploymentRecord) => void;
export type FunctionOption = (fn: FunctionSpec) => void;
export type ContextOption = (context: RenderContext) => void;

export const testUid = "0b7a3c52-5f0e-4c55-9d0e-6a1f2e3d4c5b";

export function record(name: string, ...options: RecordOption[]): DeploymentRecord {
  const result: DeploymentRecord = { apiVersion, kind, metadata: { name, uid: testUid }, spec: {} };
  for (const option of options) option(result);
  return result;
}

export const inNamespace =
  (namespace: string): RecordOption =>
  (r) =>
    void (r.metadata.namespace = namespace);
export const withUid =
  (uid: string | undefined): RecordOption =>
  (r) => {
    if (uid === undefined) delete r.metadata.uid;
    else r.metadata.uid = uid;
  };
export const withAddon =
  (addon: string): RecordOption =>
  (r) =>
    void (r.spec.addons = [...(r.spec.addons ?? []), addon]);
export const withTemplate =
  (name: string): RecordOption =>
  (r) =>
    void (r.spec.selected_template = name);
export const withHint =
  (name: string): RecordOption =>
  (r) =>
    void (r.spec.template_hint = name);
export const withDeploymentId =
  (id: string): RecordOption =>
  (r) =>
    void (r.spec.deployment_id = id);
export const withOdgm =
  (config: OdgmConfig): RecordOption =>
  (r) =>
    void (r.spec.odgm_config = config);
export const withRequirements =
  (requirements: NonNullable<NfrSpec["requirements"]>): RecordOption =>
  (r) =>
    void (r.spec.nfr = { ...r.spec.nfr, requirements });
export const withEnforcement =
  (enforcement: NonNullable<NfrSpec["enforcement"]>): RecordOption =>
  (r) =>
    void (r.spec.nfr = { ...r.spec.nfr, enforcement });
/** The hand-written `spec.function` shorthand. */
export const withShorthand =
  (image?: string, port?: number): RecordOption =>
  (r) =>
    void (r.spec.function = {
      ...(image === undefined ? {} : { image }),
      ...(port === undefined ? {} : { port }),
    });

/** A function with a default image unless an option replaces it. */
export function withFunction(key: string, ...options: FunctionOption[]): RecordOption {
  return (r) => {
    const fn: FunctionSpec = {
      function_key: key,
      provision_config: { container_image: `ghcr.io/example/${key.toLowerCase()}:1` },
    };
    for (const option of options) option(fn);
    r.spec.functions = [...(r.spec.functions ?? []), fn];
  };
}

const provision =
  (fields: NonNullable<FunctionSpec["provision_config"]>): FunctionOption =>
  (fn) =>
    void (fn.provision_config = { ...fn.provision_config, ...fields });
export const withImage =
  (image: string | undefined): FunctionOption =>
  (fn) => {
    const pc = { ...fn.provision_config };
    if (image === undefined) delete pc.container_image;
    else pc.container_image = image;
    fn.provision_config = pc;
  };
export const withPort = (port: number): FunctionOption => provision({ port });
export const withScale = (min: number | undefined, max?: number): FunctionOption =>
  provision({
    ...(min === undefined ? {} : { min_scale: min }),
    ...(max === undefined ? {} : { max_scale: max }),
  });
export const withResources = (resources: {
  cpu_request?: string;
  memory_request?: string;
  cpu_limit?: string;
  memory_limit?: string;
}): FunctionOption => provision(resources);
export const withConcurrency = (max: number): FunctionOption => provision({ max_concurrency: max });
export const withHttp2: FunctionOption = provision({ need_http2: true });
export const withConfig =
  (config: Record<string, string>): FunctionOption =>
  (fn) =>
    void (fn.config = { ...fn.config, ...config });
export const withFunctionNfr =
  (nfr: NonNullable<FunctionSpec["nfr_requirements"]>): FunctionOption =>
  (fn) =>
    void (fn.nfr_requirements = nfr);

export function context(profile: Profile, ...options: ContextOption[]): RenderContext {
  const result = defaultRenderContext(profile);
  for (const option of options) option(result);
  return result;
}

export const withFeature =
  (name: "odgm" | "hpa" | "knative", on = true): ContextOption =>
  (c) =>
    void (c.features = { ...c.features, [name]: on });
export const withKnativeInstalled: ContextOption = (c) =>
  void (c.capabilities = { ...c.capabilities, knativeInstalled: true });
/** Knative flag on and CRDs present: the knative template is a candidate. */
export const withKnative: ContextOption = (c) => {
  withFeature("knative")(c);
  withKnativeInstalled(c);
};
export const withPrometheusOperator: ContextOption = (c) =>
  void (c.capabilities = { ...c.capabilities, prometheusOperatorInstalled: true });
export const withMonitoring =
  (scrapeKind: MonitoringOptions["scrapeKind"], matchLabels: Record<string, string> = {}): ContextOption =>
  (c) =>
    void (c.monitoring = { scrapeKind, matchLabels });
export const withOdgmImage =
  (image: string): ContextOption =>
  (c) =>
    void (c.odgmImage = image);

/** The hand-written sample record (hello-class). */
export function seedRecord(...options: RecordOption[]): DeploymentRecord {
  return record(
    "hello-class",
    withTemplate("dev"),
    withAddon("odgm"),
    withShorthand("ghcr.io/pawissanutt/oprc-function:latest", 8080),
    withOdgm({ collections: ["orders", "users"] }),
    ...options,
  );
}
