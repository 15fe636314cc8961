// Which RPCs log at info: the ones that change state. Reads repeat at idle (the PM reads
// every deployment's status on each refresh) and log at debug.
import { expect } from "chai";
import { rpcLogLevel } from "../../src/ingress/interceptor.ts";

describe("ingress: log level of an RPC's line", function () {
  const rows: [service: string, method: string, level: string][] = [
    ["oaas.deployment.DeploymentService", "Deploy", "info"],
    ["oaas.deployment.DeploymentService", "DeleteDeployment", "info"],
    ["oaas.deployment.DeploymentService", "GetDeploymentStatus", "debug"],
    ["oaas.deployment.DeploymentService", "ListClassRuntimes", "debug"],
    ["oaas.deployment.DeploymentService", "GetClassRuntime", "debug"],
    ["oaas.health.CrmInfoService", "GetEnvHealth", "debug"],
    ["grpc.health.v1.Health", "Check", "debug"],
    ["grpc.reflection.v1.ServerReflection", "ServerReflectionInfo", "debug"],
    // Same method name on another service is not a write of ours.
    ["other.Service", "Deploy", "debug"],
  ];
  for (const [service, method, level] of rows) {
    it(`${service}/${method}: ${level}`, function () {
      expect(rpcLogLevel(service, method)).to.equal(level);
    });
  }
});
