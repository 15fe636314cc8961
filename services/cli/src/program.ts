// The command tree (commander): arguments and options in, one call into commands/*.
// Global options may appear anywhere on the line; actions read them with optsWithGlobals.
import { Command, Option } from "commander";
import { applyPackage, deletePackage, getPackage, listPackages } from "./commands/packages.ts";
import {
  deleteDeployment,
  deploy,
  deploymentMappings,
  getDeployment,
  listDeployments,
} from "./commands/deployments.ts";
import type { WaitFlags } from "./wait.ts";
import { history, nfr, status } from "./commands/status.ts";
import { getRuntime, listRuntimes } from "./commands/runtimes.ts";
import { clusters, version } from "./commands/clusters.ts";
import type { Context } from "./commands/context.ts";
import { atRps, parseBool, parseClusters, parseCount, parseKey, parseRatio } from "./option-parsers.ts";
import { parseDuration } from "./durations.ts";
import { exitCodes, oneLine, UsageError } from "./errors.ts";
import { outputFormats, parseOutputFormat } from "./output.ts";
import {
  configPath,
  configTokenNote,
  credentialOf,
  defaultPmUrl,
  looseConfigWarning,
  pmUrlOf,
  readConfig,
} from "./credentials.ts";
import { PmClient } from "./pm-client.ts";
import type { WritableLike } from "./progress.ts";

export { defaultPmUrl };

export interface ProgramIo {
  readonly out: WritableLike;
  readonly err: WritableLike;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => number;
  readonly version: string;
}

/** The options every command accepts (after commander parsed them). */
export interface GlobalOptions {
  pmUrl?: string;
  token?: string;
  output: string;
  requestTimeout: string;
}

/**
 * Builds `oaasctl`. Commander's parse errors throw CommanderError (exitOverride) after
 * printing their one line; main.ts maps exit codes.
 */
export function buildProgram(io: ProgramIo): Command {
  const program = new Command("oaasctl")
    .description("Manage OaaS packages and class deployments through the Package Manager's REST API.")
    .addHelpText(
      "after",
      `\nExit codes: 0 ok, ${exitCodes.failed} the PM answered with an error, ${exitCodes.usage} bad arguments or input file, ` +
        `${exitCodes.unreachable} PM unreachable, ${exitCodes.notReady} --wait timed out or the deployment failed.`,
    )
    .option(
      "--pm-url <url>",
      `Package Manager base URL (env OAAS_PM_URL, else the config file's pm_url, else ${defaultPmUrl})`,
    )
    .option(
      "--token <token>",
      "bearer token for the PM (env OAAS_TOKEN, else the config file npm start writes: $OAASCTL_CONFIG or $OAAS_LOCAL_DIR/oaasctl.json, default ~/.cache/oaas/local/oaasctl.json)",
    )
    .addOption(new Option("-o, --output <format>", "output format").choices(outputFormats).default("table"))
    .option("--request-timeout <duration>", "timeout of each request to the PM", "30s")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out.write(s),
      writeErr: (s) => io.err.write(s),
      // "error: unknown command 'x'\n(Did you mean y?)" -> one line, like every other error
      outputError: (s, write) => write(`${oneLine(s)}\n`),
    })
    .showSuggestionAfterError(true);

  /** Context for an action, built from the options as given on the command line. */
  const context = (cmd: Command): Context => {
    const g = cmd.optsWithGlobals<GlobalOptions>();
    const path = configPath(io.env);
    const config = readConfig(path);
    const pmUrl = pmUrlOf(g.pmUrl, io.env, config);
    let base: URL;
    try {
      base = new URL(pmUrl);
    } catch {
      throw new UsageError(`--pm-url: "${pmUrl}" is not a URL (example: ${defaultPmUrl})`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") {
      throw new UsageError(`--pm-url: "${pmUrl}" must be an http or https URL`);
    }
    const credential = credentialOf(g.token, io.env, config, path, pmUrl);
    const loose = looseConfigWarning(config, path, credential);
    if (loose !== undefined) io.err.write(`${loose}\n`);
    return {
      client: new PmClient({
        baseUrl: pmUrl,
        ...(credential !== undefined ? { credential } : {}),
        configNote: configTokenNote(config, path, pmUrl),
        timeoutMs: parseDuration(g.requestTimeout, "--request-timeout"),
        // The end-to-end tests check every answer against the PM's OpenAPI document.
        checkAnswers: io.env.OAAS_CHECK_ANSWERS === "1",
      }),
      output: parseOutputFormat(g.output),
      out: io.out,
      err: io.err,
      now: io.now,
    };
  };

  const waitFlags = (opts: { wait?: boolean; timeout: string; pollInterval: string }): WaitFlags => ({
    wait: opts.wait === true,
    timeoutMs: parseDuration(opts.timeout, "--timeout"),
    intervalMs: parseDuration(opts.pollInterval, "--poll-interval"),
  });
  const withWait = (cmd: Command, what: string) =>
    cmd
      .option("--wait", `wait until ${what}, showing progress`)
      .option("--timeout <duration>", "how long --wait waits", "5m")
      .option("--poll-interval <duration>", "how often --wait asks", "2s");

  // --- package ----------------------------------------------------------------------
  const pkg = program.command("package").alias("packages").alias("pkg").description("manage packages");
  pkg
    .command("apply")
    .description("create the package in a file, or update it when it exists")
    .requiredOption("-f, --file <path>", "package file (.yaml, .yml or .json; - for stdin)")
    .action(async (opts: { file: string }, cmd: Command) => applyPackage(context(cmd), opts.file));
  pkg
    .command("list")
    .alias("ls")
    .description("list packages")
    .option("--name-pattern <pattern>", "only names matching the pattern")
    .option("--tags <tags>", "only packages with these tags (comma-separated)")
    .option("--disabled <bool>", "only disabled (true) or enabled (false) packages", parseBool)
    .option("--limit <n>", "at most n packages", parseCount)
    .option("--offset <n>", "skip the first n packages", parseCount)
    .action(
      async (
        opts: { namePattern?: string; tags?: string; disabled?: boolean; limit?: number; offset?: number },
        cmd: Command,
      ) =>
        listPackages(context(cmd), {
          name_pattern: opts.namePattern,
          tags: opts.tags,
          disabled: opts.disabled,
          limit: opts.limit,
          offset: opts.offset,
        }),
    );
  pkg
    .command("get <name>")
    .description("show a package: classes, bindings and functions")
    .action(async (name: string, _opts: unknown, cmd: Command) => getPackage(context(cmd), name));
  pkg
    .command("delete <name>")
    .alias("rm")
    .description("delete a package (the PM refuses while it has deployments, unless it cascades)")
    .action(async (name: string, _opts: unknown, cmd: Command) => deletePackage(context(cmd), name));

  // --- deploy ---------------------------------------------------------------------------
  withWait(
    program
      .command("deploy [package] [class]")
      .description("deploy a class of a package to one or more clusters")
      .option(
        "--env <clusters>",
        "target clusters, comma-separated (default: the PM's default cluster)",
        parseClusters,
      )
      .option("-f, --file <path>", "a full OClassDeployment (.yaml/.json); arguments override its fields")
      .option("--key <key>", "logical deployment key (default: <package>-<class>)", parseKey)
      .option("--target-env <name>", "the deployment's target_env")
      .option("--availability <ratio>", "target availability 0..1 for replica sizing", parseRatio)
      .option(
        "--update",
        "redeploy an existing deployment (e.g. after package apply changed an image): the CRMs roll it out",
      ),
    "the deployment is RUNNING",
  ).action(
    async (
      packageName: string | undefined,
      classKey: string | undefined,
      opts: {
        env?: string[];
        file?: string;
        key?: string;
        targetEnv?: string;
        availability?: number;
        update?: boolean;
        wait?: boolean;
        timeout: string;
        pollInterval: string;
      },
      cmd: Command,
    ) =>
      deploy(
        context(cmd),
        {
          packageName,
          classKey,
          envs: opts.env,
          key: opts.key,
          targetEnv: opts.targetEnv,
          availability: opts.availability,
          filePath: opts.file,
          update: opts.update === true,
        },
        waitFlags(opts),
      ),
  );

  // --- deployment ---------------------------------------------------------------------
  const dep = program
    .command("deployment")
    .alias("deployments")
    .alias("dep")
    .description("manage class deployments");
  dep
    .command("list")
    .alias("ls")
    .description("list class deployments")
    .option("--package <name>", "only this package")
    .option("--class <key>", "only this class")
    .option("--target-env <name>", "only this target_env")
    .option("--cluster <name>", "only deployments sent to this cluster")
    .option(
      "--condition <condition>",
      "only this condition (PENDING, DEPLOYING, RUNNING, DOWN, DELETED, UNKNOWN)",
    )
    .option("--limit <n>", "at most n deployments", parseCount)
    .option("--offset <n>", "skip the first n deployments", parseCount)
    .action(
      async (
        opts: {
          package?: string;
          class?: string;
          targetEnv?: string;
          cluster?: string;
          condition?: string;
          limit?: number;
          offset?: number;
        },
        cmd: Command,
      ) =>
        listDeployments(context(cmd), {
          package_name: opts.package,
          class_key: opts.class,
          target_env: opts.targetEnv,
          target_cluster: opts.cluster,
          condition: opts.condition?.toUpperCase(),
          limit: opts.limit,
          offset: opts.offset,
        }),
    );
  dep
    .command("get <key>")
    .description("show a deployment with its per-cluster status")
    .action(async (key: string, _opts: unknown, cmd: Command) => getDeployment(context(cmd), key));
  dep
    .command("mappings <key>")
    .description("show the per-cluster unit ids of a deployment")
    .action(async (key: string, _opts: unknown, cmd: Command) => deploymentMappings(context(cmd), key));
  dep
    .command("delete <key>")
    .alias("rm")
    .description("delete a deployment on every cluster it was sent to")
    .option("--cluster <name>", "delete it on this cluster only")
    .action(async (key: string, opts: { cluster?: string }, cmd: Command) =>
      deleteDeployment(context(cmd), key, opts.cluster),
    );

  // --- runtime ---------------------------------------------------------------------------
  const rt = program
    .command("runtime")
    .alias("runtimes")
    .alias("class-runtimes")
    .description("class runtimes: the units the CRMs hold, across clusters");
  rt.command("list")
    .alias("ls")
    .description("runtimes aggregated over clusters (names clusters that did not answer)")
    .option("--package <name>", "only this package")
    .option("--class <key>", "only this class")
    .option("--env <name>", "only this target environment")
    .option("--cluster <name>", "only this cluster")
    .option("--status <status>", "only this summarized status (RUNNING, PROGRESSING, DEGRADED, ERROR)")
    .option("--limit <n>", "at most n runtimes", parseCount)
    .option("--offset <n>", "skip the first n runtimes", parseCount)
    .action(
      async (
        opts: {
          package?: string;
          class?: string;
          env?: string;
          cluster?: string;
          status?: string;
          limit?: number;
          offset?: number;
        },
        cmd: Command,
      ) =>
        listRuntimes(context(cmd), {
          package_name: opts.package,
          class_key: opts.class,
          environment: opts.env,
          cluster: opts.cluster,
          status: opts.status?.toUpperCase(),
          limit: opts.limit,
          offset: opts.offset,
        }),
    );
  rt.command("get <id>")
    .description("a runtime by unit id, searched on every cluster")
    .option("--cluster <name>", "only this cluster")
    .action(async (id: string, opts: { cluster?: string }, cmd: Command) =>
      getRuntime(context(cmd), id, opts.cluster),
    );

  // --- status, clusters, history, version -----------------------------------------------
  withWait(
    program
      .command("status <id>")
      .description("status of a deployment: conditions with reasons, function readiness and URLs")
      .option("--cluster <name>", "ask this cluster (default: the PM's default cluster)"),
    "it is Available",
  ).action(
    async (
      id: string,
      opts: { cluster?: string; wait?: boolean; timeout: string; pollInterval: string },
      cmd: Command,
    ) => status(context(cmd), id, opts.cluster, waitFlags(opts)),
  );
  program
    .command("clusters")
    .description("known clusters with health and availability")
    .action(async (_opts: unknown, cmd: Command) => clusters(context(cmd)));
  program
    .command("history <deployment-id>")
    .description("what the CRMs did with a deployment (logical key or unit id), oldest first")
    .option("--cluster <name>", "only this cluster")
    .action(async (id: string, opts: { cluster?: string }, cmd: Command) =>
      history(context(cmd), id, opts.cluster),
    );
  program
    .command("nfr <deployment-id>")
    .description(
      "NFR state (what `crm nfr explain` prints): requirements, enforcement, recommendations with their basis, the enforcer's decisions and why, NfrObserved",
    )
    .option("--cluster <name>", "only this cluster")
    .option(
      "--at-rps <n>",
      "what-if: each function's replicas at this many requests/s (nothing written)",
      atRps,
    )
    .action(async (id: string, opts: { cluster?: string; atRps?: number }, cmd: Command) =>
      nfr(context(cmd), id, opts.cluster, opts.atRps),
    );
  program
    .command("version")
    .description("versions of oaasctl and the Package Manager")
    .option("--client", "only the client version (no request)")
    .action(async (opts: { client?: boolean }, cmd: Command) =>
      version(context(cmd), io.version, opts.client === true),
    );

  return program;
}
