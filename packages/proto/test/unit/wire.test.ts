// Existing PMs decode by field number, so these tests pin numbers and wire types with
// hand-made bytes instead of trusting the generated code to agree with itself.
import { create, equals, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import { expect } from "chai";
import {
  CrmEnvHealthSchema,
  DeployResponseSchema,
  DeploymentUnitSchema,
  FunctionDeploymentSpecSchema,
  FunctionRouteSchema,
  ListClassRuntimesRequestSchema,
  OdgmConfigSchema,
  StatusCode,
} from "../../src/index.js";

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString("hex");

/** Top-level [fieldNo, wireType] pairs in encoding order. */
function tags(bytes: Uint8Array): [number, WireType][] {
  const reader = new BinaryReader(bytes);
  const out: [number, WireType][] = [];
  while (reader.pos < reader.len) {
    const [fieldNo, wireType] = reader.tag();
    reader.skip(wireType, fieldNo);
    out.push([fieldNo, wireType]);
  }
  return out;
}

function fullUnit() {
  return create(DeploymentUnitSchema, {
    id: "dep-1",
    packageName: "pkg",
    classKey: "Counter",
    functions: [
      {
        functionKey: "incr",
        description: "adds one",
        availableLocation: "edge",
        nfrRequirements: {
          maxLatencyMs: 50,
          minThroughputRps: 100,
          availability: 0.99,
          cpuUtilizationTarget: 0.7,
        },
        provisionConfig: {
          containerImage: "ghcr.io/x/incr:1",
          port: 8080,
          maxConcurrency: 0,
          needHttp2: true,
          cpuRequest: "100m",
          memoryRequest: "64Mi",
          cpuLimit: "1",
          memoryLimit: "128Mi",
          minScale: 0,
          maxScale: 5,
        },
        config: { LOG_LEVEL: "debug", MODE: "fast" },
      },
    ],
    targetEnv: "prod",
    createdAt: { seconds: 1_700_000_000n, nanos: 5 },
    odgmConfig: {
      collections: ["a", "b"],
      partitionCount: 3,
      replicaCount: 2,
      shardType: "raft",
      invocations: {
        fnRoutes: {
          incr: {
            url: "http://incr",
            stateless: true,
            standby: false,
            activeGroup: [1n, 18446744073709551615n],
          },
        },
        disabledFn: ["old"],
      },
      options: { k: "v" },
    },
  });
}

function fieldNumbers(schema: DescMessage, bytes: Uint8Array): number[] {
  expect(fromBinary(schema, bytes).$typeName).to.equal(schema.typeName);
  return tags(bytes).map(([n]) => n);
}

describe("proto: wire format", function () {
  it("DeployResponse{status=NOT_FOUND, deployment_id=x} is 08 02 12 01 78", function () {
    const msg = create(DeployResponseSchema, { status: StatusCode.NOT_FOUND, deploymentId: "x" });
    expect(hex(toBinary(DeployResponseSchema, msg))).to.equal("0802120178");
    const decoded = fromBinary(DeployResponseSchema, Uint8Array.from([0x08, 0x02, 0x12, 0x01, 0x78]));
    expect(decoded.status).to.equal(StatusCode.NOT_FOUND);
    expect(decoded.deploymentId).to.equal("x");
    expect(decoded.message).to.be.undefined;
  });

  it("optional fields are on the wire when set, even to their zero value", function () {
    const route = create(FunctionRouteSchema, { url: "u", stateless: false, activeGroup: [1n, 2n] });
    // 1:"u", 2:varint 0, 4:packed uint64 [1,2]; standby (3) unset, so absent.
    expect(hex(toBinary(FunctionRouteSchema, route))).to.equal("0a0175100022020102");
  });

  it("fields numbered past a gap keep their numbers", function () {
    const req = create(ListClassRuntimesRequestSchema, { limit: 5, offset: 0 });
    // limit = 10 (tag 0x50), offset = 11 (tag 0x58).
    expect(hex(toBinary(ListClassRuntimesRequestSchema, req))).to.equal("50055800");
    const health = create(CrmEnvHealthSchema, { availability: 0.5 });
    // availability = 7 as fixed64 (tag 0x39), little-endian IEEE 754.
    expect(hex(toBinary(CrmEnvHealthSchema, health))).to.equal("39000000000000e03f");
  });

  it("map fields are repeated key=1/value=2 entries", function () {
    const odgm = create(OdgmConfigSchema, { options: { k: "v" } });
    expect(hex(toBinary(OdgmConfigSchema, odgm))).to.equal("32060a016b120176");
  });

  it("a fully populated DeploymentUnit uses the contract's field numbers", function () {
    const unit = fullUnit();
    const bytes = toBinary(DeploymentUnitSchema, unit);
    expect(tags(bytes)).to.deep.equal([
      [1, WireType.LengthDelimited],
      [2, WireType.LengthDelimited],
      [3, WireType.LengthDelimited],
      [5, WireType.LengthDelimited],
      [6, WireType.LengthDelimited],
      [8, WireType.LengthDelimited],
      [9, WireType.LengthDelimited],
    ]);
    const fn = unit.functions[0];
    expect(fn).to.exist;
    if (!fn || !unit.odgmConfig) return;
    const fnBytes = toBinary(FunctionDeploymentSpecSchema, fn);
    expect(fieldNumbers(FunctionDeploymentSpecSchema, fnBytes)).to.deep.equal([1, 5, 6, 7, 8, 9, 9]);
    const odgmBytes = toBinary(OdgmConfigSchema, unit.odgmConfig);
    expect(fieldNumbers(OdgmConfigSchema, odgmBytes)).to.deep.equal([1, 1, 2, 3, 4, 5, 6]);
  });

  it("a fully populated DeploymentUnit survives a binary round trip", function () {
    const unit = fullUnit();
    const decoded = fromBinary(DeploymentUnitSchema, toBinary(DeploymentUnitSchema, unit));
    expect(equals(DeploymentUnitSchema, decoded, unit)).to.be.true;
    expect(decoded).to.deep.equal(unit);
    const route = decoded.odgmConfig?.invocations?.fnRoutes.incr;
    expect(route?.activeGroup).to.deep.equal([1n, 18446744073709551615n]);
    expect(route?.standby).to.equal(false);
    expect(decoded.functions[0]?.provisionConfig?.minScale).to.equal(0);
  });

  it("retired field numbers stay reserved", function () {
    const reserved = (schema: DescMessage) => schema.proto.reservedRange.map((r) => [r.start, r.end]);
    expect(reserved(FunctionDeploymentSpecSchema)).to.deep.equal([
      [2, 3],
      [4, 5],
    ]);
    expect(reserved(DeploymentUnitSchema)).to.deep.equal([
      [4, 5],
      [7, 8],
    ]);
  });
});
