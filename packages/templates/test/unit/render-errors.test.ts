// render() rows: errors are values carrying a code and the field path at fault.
import {
  context,
  withAddon,
  withConfig,
  withFeature,
  withFunction,
  withFunctionNfr,
  withImage,
  withOdgm,
  withPort,
  withResources,
  withScale,
  withShorthand,
  withUid,
} from "../fixtures.ts";
import { renderRows, f, type Row } from "../render-rows.ts";

const rows: Row[] = [
  // Errors are values, with the field path.
  { name: "no functions", given: [], wantError: { code: "NoFunctions", path: "spec.functions" } },
  {
    name: "function without image",
    given: [f, withFunction("g", withImage(undefined))],
    wantError: { code: "MissingImage", path: "spec.functions[1].provision_config.container_image" },
  },
  {
    name: "blank image",
    given: [withFunction("g", withImage("  "))],
    wantError: { code: "MissingImage", path: "spec.functions[0].provision_config.container_image" },
  },
  {
    name: "shorthand without image",
    given: [withShorthand(undefined, 8080)],
    wantError: { code: "MissingImage", path: "spec.function.image" },
  },
  {
    name: "both functions and the shorthand",
    given: [f, withShorthand("img")],
    wantError: { code: "ConflictingFunctions", path: "spec.function" },
  },
  {
    name: "invalid cpu quantity",
    given: [withFunction("f", withResources({ cpu_request: "lots" }))],
    wantError: { code: "InvalidQuantity", path: "spec.functions[0].provision_config.cpu_request" },
  },
  {
    name: "negative memory limit",
    given: [withFunction("f", withResources({ memory_limit: "-1Gi" }))],
    wantError: { code: "InvalidQuantity", path: "spec.functions[0].provision_config.memory_limit" },
  },
  {
    name: "request above limit",
    given: [withFunction("f", withResources({ memory_request: "2Gi", memory_limit: "1Gi" }))],
    wantError: { code: "RequestExceedsLimit", path: "spec.functions[0].provision_config.memory_request" },
  },
  {
    name: "min_scale above max_scale",
    given: [withFunction("f", withScale(5, 2))],
    wantError: { code: "InvalidScale", path: "spec.functions[0].provision_config.max_scale" },
  },
  {
    name: "port out of range",
    given: [withFunction("f", withPort(70000))],
    wantError: { code: "InvalidPort", path: "spec.functions[0].provision_config.port" },
  },
  {
    name: "duplicate function key",
    given: [f, f],
    wantError: { code: "DuplicateFunctionKey", path: "spec.functions[1].function_key" },
  },
  {
    name: "empty function key",
    given: [withFunction("")],
    wantError: { code: "InvalidFunctionKey", path: "spec.functions[0].function_key" },
  },
  {
    name: "bad env name",
    given: [withFunction("f", withConfig({ "1BAD": "x" }))],
    wantError: { code: "InvalidEnvName", path: "spec.functions[0].config.1BAD" },
  },
  {
    name: "zero CPU target",
    given: [withFunction("f", withFunctionNfr({ cpu_utilization_target: 0 }))],
    wantError: {
      code: "InvalidCpuTarget",
      path: "spec.functions[0].nfr_requirements.cpu_utilization_target",
    },
  },
  {
    name: "collection name with a comma",
    given: [f, withAddon("odgm"), withOdgm({ collections: ["a,b"] })],
    context: context("dev", withFeature("odgm")),
    wantError: { code: "InvalidCollection", path: "spec.odgm_config.collections[0]" },
  },
  {
    name: "duplicate collection",
    given: [f, withAddon("odgm"), withOdgm({ collections: ["a", "a"] })],
    context: context("dev", withFeature("odgm")),
    wantError: { code: "InvalidCollection", path: "spec.odgm_config.collections[1]" },
  },
  {
    name: "record without uid",
    given: [f, withUid(undefined)],
    wantError: { code: "MissingUid", path: "metadata.uid" },
  },
];

describe("templates: render", () => {
  renderRows(rows);
});
