// npm run cluster:up | cluster:down | cluster:status
//   up      builds the binaries if needed, starts the local cluster, prints the kubeconfig path
//   down    stops it (only the PIDs it started) and removes its temp directory
//   status  prints the kubeconfig path, or exits 1 when no cluster is running
//   down --under <dir>   stops every cluster a test run started under <dir>
import { currentCluster, downCurrentCluster, stopClustersUnder, upCurrentCluster } from "@oaas/testkit";

const [command, flag, value] = process.argv.slice(2);

async function main(): Promise<number> {
  switch (command) {
    case "up": {
      const begin = Date.now();
      const state = await upCurrentCluster({ log: (m) => console.error(m) });
      console.error(
        `cluster up in ${((Date.now() - begin) / 1000).toFixed(1)}s (${state.kubernetesVersion})`,
      );
      console.log(state.kubeconfig);
      return 0;
    }
    case "down":
      if (flag === "--under" && value) await stopClustersUnder(value);
      else await downCurrentCluster();
      return 0;
    case "status": {
      const state = currentCluster();
      if (!state) {
        console.error("no local cluster running (npm run cluster:up)");
        return 1;
      }
      console.error(
        `running since ${state.startedAt}, ${state.kubernetesVersion}, API server ${state.server}`,
      );
      console.log(state.kubeconfig);
      return 0;
    }
    default:
      console.error("usage: cli.ts up | down [--under <dir>] | status");
      return 2;
  }
}

process.exitCode = await main();
