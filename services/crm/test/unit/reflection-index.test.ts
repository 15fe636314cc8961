import { fromBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { fileDescriptors } from "@oaas/proto";
import { expect } from "chai";
import { reflectionIndex, type ReflectionAnswer } from "../../src/ingress/reflection-index.ts";

const answer = reflectionIndex(fileDescriptors);
const fileNames = (a: ReflectionAnswer) => {
  if (a.kind !== "files") throw new Error(`expected files, got ${a.kind}`);
  return a.files.map((bytes) => fromBinary(FileDescriptorProtoSchema, bytes).name);
};

describe("server reflection answers", function () {
  it("lists every service", function () {
    expect(answer({ case: "listServices", value: "*" })).to.deep.equal({
      kind: "services",
      names: [
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
        "grpc.reflection.v1alpha.ServerReflection",
        "oaas.crm.v1.RecordDetailService",
        "oaas.deployment.DeploymentService",
        "oaas.health.CrmInfoService",
        "oaas.health.HealthService",
      ],
    });
  });

  it("answers a file with its dependencies", function () {
    expect(fileNames(answer({ case: "fileByFilename", value: "oaas/deployment.proto" }))).to.deep.equal([
      "oaas/deployment.proto",
      "oaas/common.proto",
    ]);
    // The added service's file comes with the contract files it imports (common.proto for
    // NfrRequirements, deployment.proto for the summary enum), in import order.
    expect(
      fileNames(answer({ case: "fileByFilename", value: "oaas/crm/v1/record_detail.proto" })),
    ).to.deep.equal(["oaas/crm/v1/record_detail.proto", "oaas/common.proto", "oaas/deployment.proto"]);
    expect(fileNames(answer({ case: "fileByFilename", value: "oaas/common.proto" }))).to.deep.equal([
      "oaas/common.proto",
    ]);
  });

  const symbols: [string, string][] = [
    ["oaas.deployment.DeploymentService", "oaas/deployment.proto"],
    ["oaas.deployment.DeploymentService.Deploy", "oaas/deployment.proto"],
    [".oaas.deployment.DeploymentUnit", "oaas/deployment.proto"],
    ["oaas.deployment.DeploymentUnit.functions", "oaas/deployment.proto"],
    ["oaas.health.HealthCheckResponse.ServingStatus", "oaas/health.proto"],
    ["oaas.common.StatusCode", "oaas/common.proto"],
    ["grpc.health.v1.Health", "grpc/health/v1/health.proto"],
    ["oaas.crm.v1.RecordDetailService.GetStatusDetail", "oaas/crm/v1/record_detail.proto"],
    ["oaas.crm.v1.ConditionDetail", "oaas/crm/v1/record_detail.proto"],
    ["oaas.crm.v1.PageTooLarge", "oaas/crm/v1/paging.proto"],
  ];
  for (const [symbol, file] of symbols) {
    it(`finds the file of ${symbol}`, function () {
      expect(fileNames(answer({ case: "fileContainingSymbol", value: symbol }))[0]).to.equal(file);
    });
  }

  it("answers NOT_FOUND for unknown names and extensions, INVALID_ARGUMENT for an empty request", function () {
    expect(answer({ case: "fileByFilename", value: "nope.proto" })).to.include({ kind: "error", code: 5 });
    expect(answer({ case: "fileContainingSymbol", value: "nope.X" })).to.include({ kind: "error", code: 5 });
    expect(answer({ case: "fileContainingExtension", value: {} })).to.include({ kind: "error", code: 5 });
    expect(
      answer({ case: "allExtensionNumbersOfType", value: "oaas.deployment.DeploymentUnit" }),
    ).to.deep.equal({
      kind: "extensionNumbers",
      baseTypeName: "oaas.deployment.DeploymentUnit",
      numbers: [],
    });
    expect(answer({ case: undefined })).to.include({ kind: "error", code: 3 });
  });
});
