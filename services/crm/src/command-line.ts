// The `crm` command line, parsed once with commander (as oaasctl, services/cli): one
// command per role, `crds`, `history <deployment-id>` and `nfr explain <deployment-id>`.
// Each command hands typed options to one action (program.ts) and returns its exit code;
// commander owns the flags, `--help` and the usage errors, so no command parses its own
// arguments. Exit codes: 0 done (or --help), 1 bad configuration or a failed run, 2 bad
// usage (unknown or not yet built role, unknown flag, missing or invalid argument),
// 3 nothing found for the id (history, nfr explain).
import { Command, CommanderError, InvalidArgumentError } from "commander";
import type { HistoryOptions } from "./roles/history-command.ts";
import type { NfrExplainOptions } from "./roles/nfr-command.ts";
import { builtRoles, plannedRoles, type Role } from "./roles/role-names.ts";

/** Exit codes of every `crm` command. */
export const exitCodes = { ok: 0, failed: 1, usage: 2, notFound: 3 } as const;

/** What each command does; each resolves with the process's exit code. */
export interface CrmActions {
  role(role: Role): Promise<number>;
  crds(): Promise<number>;
  history(id: string, options: HistoryOptions): Promise<number>;
  nfrExplain(id: string, options: NfrExplainOptions): Promise<number>;
}

/** Where commander writes help (out) and usage errors (err). */
export interface CommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

const commands = ["crds", "history", "nfr"] as const;
const historyUsage = "crm history <deployment-id> [--namespace ns] [--limit n] [-o json]";
const explainUsage = "crm nfr explain <deployment-id> [--namespace ns] [--at-rps n] [-o json]";

/** The one-screen usage printed for no command or an unknown one. */
export function usage(): string {
  return `usage: crm <${[...builtRoles, ...plannedRoles, ...commands].join("|")}>\n  ${historyUsage}\n  ${explainUsage}`;
}

/**
 * Runs `crm <argv>` (argv without node and script) through `actions`; resolves with the
 * exit code. Usage errors are printed by commander (one line on `io.err`) and exit 2.
 */
export async function runCommandLine(
  argv: readonly string[],
  actions: CrmActions,
  io: CommandIo,
): Promise<number> {
  const first = argv[0] ?? "";
  if (plannedRoles.includes(first)) {
    io.err(`crm ${first}: not built yet\n`);
    return exitCodes.usage;
  }
  const known: readonly string[] = [...builtRoles, ...commands, "help"];
  if (!known.includes(first) && !first.startsWith("-")) {
    io.err(`${usage()}\n`);
    return exitCodes.usage;
  }
  let code: number = exitCodes.ok;
  const program = buildCommandLine(actions, io, (c) => (code = c));
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    throw error;
  }
  return code;
}

/** The commander tree; `done` receives the exit code of the action that ran. */
function buildCommandLine(actions: CrmActions, io: CommandIo, done: (code: number) => void): Command {
  const program = new Command("crm")
    .description(
      "The Class Runtime Manager: run one role (or all), install the CRD, or read a record's history and NFR decisions.",
    )
    .addHelpText(
      "after",
      `\nExit codes: 0 ok, 1 bad configuration or failed run, 2 bad usage, 3 no history or record for the id.`,
    )
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showSuggestionAfterError(true);

  for (const role of builtRoles) {
    program
      .command(role)
      .description(role === "all" ? "every role in one process" : `run the ${role} role`)
      .action(async () => done(await actions.role(role)));
  }
  program
    .command("crds")
    .description("install or upgrade the DeploymentRecord CRD and wait until it is Established")
    .action(async () => done(await actions.crds()));
  program
    .command("history")
    .description("a record's history from Redis, oldest first (a table, or JSON lines with -o json)")
    .argument("<deployment-id>", "the deployment id the record was made for")
    .option("-n, --namespace <ns>", "the record's namespace (default: OPRC_CRM_K8S_NAMESPACE)")
    .option("--limit <n>", "only the newest n entries", parseLimit)
    .option("-o, --output <format>", "json for one JSON object a line")
    .action(async (id: string, options: HistoryOptions) => {
      if (id === "") {
        io.err(`usage: ${historyUsage}\n`);
        return done(exitCodes.usage);
      }
      done(await actions.history(id, options));
    });
  const nfr = program.command("nfr").description("NFR recommendations and the enforcer's decisions");
  nfr
    .command("explain")
    .description(
      "why a record has its recommendations, what the enforcer last decided and why, and what it would apply now; reads only",
    )
    .argument("<deployment-id>", "the deployment id the record was made for")
    .option("-n, --namespace <ns>", "the record's namespace (default: OPRC_CRM_K8S_NAMESPACE)")
    .option("--at-rps <n>", "also the recommendation at this request rate (per second)", parseRate)
    .option("-o, --output <format>", "json for one JSON document")
    .action(async (id: string, options: NfrExplainOptions) => {
      if (id === "") {
        io.err(`usage: ${explainUsage}\n`);
        return done(exitCodes.usage);
      }
      done(await actions.nfrExplain(id, options));
    });
  return program;
}

function parseLimit(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError("must be a whole number above 0.");
  return n;
}

function parseRate(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new InvalidArgumentError("must be a number of requests per second, 0 or more.");
  return n;
}
