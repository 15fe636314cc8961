// @oaas/cli as a library: the PM client and the programmatic entry point (e2e suites and
// the start script can drive the same code as the `oaasctl` binary).
export {
  PmClient,
  type PmClientOptions,
  type PackageFilter,
  type DeploymentFilter,
  type Json,
} from "./pm-client.ts";
export { run, cliVersion } from "./main.ts";
export { buildProgram, defaultPmUrl, type ProgramIo } from "./program.ts";
export { CliError, PmHttpError, PmUnreachableError, NotReadyError, UsageError, exitCodes } from "./errors.ts";
