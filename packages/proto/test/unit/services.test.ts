// Clients call full method paths (/package.Service/Method); these pin them.
import type { DescService } from "@bufbuild/protobuf";
import { expect } from "chai";
import {
  CrmInfoService,
  DeploymentService,
  fileDescriptors,
  grpcHealthV1,
  HealthService,
  RecordDetailService,
  reflectionV1,
  reflectionV1alpha,
} from "../../src/index.js";

const paths = (service: DescService) => service.methods.map((m) => `/${service.typeName}/${m.name}`);
const kinds = (service: DescService) => service.methods.map((m) => m.methodKind);

describe("proto: services", function () {
  it("DeploymentService methods", function () {
    expect(paths(DeploymentService)).to.deep.equal([
      "/oaas.deployment.DeploymentService/Deploy",
      "/oaas.deployment.DeploymentService/GetDeploymentStatus",
      "/oaas.deployment.DeploymentService/DeleteDeployment",
      "/oaas.deployment.DeploymentService/ListClassRuntimes",
      "/oaas.deployment.DeploymentService/GetClassRuntime",
    ]);
    expect(kinds(DeploymentService)).to.deep.equal(Array(5).fill("unary"));
    expect(DeploymentService.method.deploy.input.typeName).to.equal("oaas.deployment.DeployRequest");
    expect(DeploymentService.method.deploy.output.typeName).to.equal("oaas.deployment.DeployResponse");
  });

  it("oaas.health services", function () {
    expect(paths(HealthService)).to.deep.equal([
      "/oaas.health.HealthService/Check",
      "/oaas.health.HealthService/Watch",
    ]);
    expect(kinds(HealthService)).to.deep.equal(["unary", "server_streaming"]);
    expect(paths(CrmInfoService)).to.deep.equal(["/oaas.health.CrmInfoService/GetEnvHealth"]);
    expect(CrmInfoService.method.getEnvHealth.output.typeName).to.equal("oaas.health.CrmEnvHealth");
  });

  it("oaas.crm.v1.RecordDetailService (added beside the contract PMs already speak)", function () {
    expect(paths(RecordDetailService)).to.deep.equal([
      "/oaas.crm.v1.RecordDetailService/GetStatusDetail",
      "/oaas.crm.v1.RecordDetailService/GetHistory",
      "/oaas.crm.v1.RecordDetailService/GetNfrDetail",
    ]);
    expect(kinds(RecordDetailService)).to.deep.equal(["unary", "unary", "unary"]);
    expect(RecordDetailService.method.getNfrDetail.output.typeName).to.equal(
      "oaas.crm.v1.GetNfrDetailResponse",
    );
    expect(RecordDetailService.method.getStatusDetail.output.typeName).to.equal(
      "oaas.crm.v1.GetStatusDetailResponse",
    );
    expect(RecordDetailService.method.getHistory.output.typeName).to.equal("oaas.crm.v1.GetHistoryResponse");
  });

  it("grpc.health.v1.Health", function () {
    const { Health } = grpcHealthV1;
    expect(paths(Health)).to.deep.equal([
      "/grpc.health.v1.Health/Check",
      "/grpc.health.v1.Health/List",
      "/grpc.health.v1.Health/Watch",
    ]);
    expect(kinds(Health)).to.deep.equal(["unary", "unary", "server_streaming"]);
  });

  it("server reflection v1 and v1alpha", function () {
    for (const [pkg, service] of [
      ["grpc.reflection.v1", reflectionV1.ServerReflection],
      ["grpc.reflection.v1alpha", reflectionV1alpha.ServerReflection],
    ] as const) {
      expect(paths(service)).to.deep.equal([`/${pkg}.ServerReflection/ServerReflectionInfo`]);
      expect(kinds(service)).to.deep.equal(["bidi_streaming"]);
    }
  });

  it("fileDescriptors lists every file after its dependencies", function () {
    expect(fileDescriptors.map((f) => f.name)).to.have.members([
      "oaas/common",
      "oaas/deployment",
      "oaas/health",
      "oaas/crm/v1/record_detail",
      "oaas/crm/v1/paging",
      "grpc/health/v1/health",
      "grpc/reflection/v1/reflection",
      "grpc/reflection/v1alpha/reflection",
    ]);
    fileDescriptors.forEach((file, i) => {
      for (const dep of file.dependencies) {
        expect(fileDescriptors.indexOf(dep), `${file.name} depends on ${dep.name}`).to.be.within(0, i - 1);
      }
    });
  });
});
