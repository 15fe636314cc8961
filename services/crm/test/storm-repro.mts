import { createClient } from "@connectrpc/connect";
import { CrmInfoService, DeploymentService, grpcHealthV1, HealthService } from "@oaas/proto";
import { transport, type ProtocolName } from "./support/clients.ts";
import { unit } from "./support/fixtures.ts";
const base = process.argv[2]!;
const rounds = Number(process.argv[3] ?? 5);
const protocols: ProtocolName[] = ["grpc", "connect", "grpc-web"];
function everyRpc(protocol: ProtocolName) {
  const t = transport(protocol, base);
  const d = createClient(DeploymentService, t);
  const h = createClient(HealthService, t);
  const g = createClient(grpcHealthV1.Health, t);
  const i = createClient(CrmInfoService, t);
  return [
    (o: any) => d.deploy({ deploymentUnit: unit("storm") }, o),
    (o: any) => d.getDeploymentStatus({ deploymentId: "storm" }, o),
    (o: any) => d.getClassRuntime({ deploymentId: "storm" }, o),
    (o: any) => d.listClassRuntimes({}, o),
    (o: any) => d.deleteDeployment({ deploymentId: "storm-never" }, o),
    (o: any) => h.check({}, o),
    (o: any) => g.check({}, o),
    (o: any) => i.getEnvHealth({}, o),
  ];
}
for (let round = 0; round < rounds; round++) {
  const t0 = Date.now();
  const calls: Promise<unknown>[] = [];
  const pending = new Set<string>();
  for (const protocol of protocols) {
    everyRpc(protocol).forEach((call, idx) => {
      for (let ms = 0; ms <= 10; ms++) {
        const key = `${protocol}/${idx}/${ms}`;
        pending.add(key);
        const cancel = new AbortController();
        calls.push(call({ signal: cancel.signal }).catch(() => undefined).finally(() => pending.delete(key)));
        setTimeout(() => cancel.abort(), ms);
      }
    });
  }
  const timer = setInterval(() => console.log("pending", [...pending].slice(0, 20).join(" "), pending.size), 5000);
  await Promise.all(calls);
  clearInterval(timer);
  console.log(`round ${round} ${Date.now() - t0} ms`);
}
