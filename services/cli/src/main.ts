// oaasctl entry point: run the program, print any error as ONE line, exit with its code.
import { CommanderError } from "commander";
import cliPackage from "../package.json" with { type: "json" };
import { CliError, exitCodes, oneLine } from "./errors.ts";
import { buildProgram, type ProgramIo } from "./program.ts";

/** The version in services/cli/package.json. */
export function cliVersion(): string {
  return cliPackage.version;
}

/**
 * Runs oaasctl with `argv` (without node and script) and returns the exit code.
 * Commander prints its own usage errors; everything else is printed here as `error: ...`.
 */
export async function run(argv: readonly string[], io: ProgramIo): Promise<number> {
  const program = buildProgram(io);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and --version end through here with exit code 0
      return err.exitCode === 0 ? 0 : exitCodes.usage;
    }
    if (err instanceof CliError) {
      io.err.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    io.err.write(`error: unexpected: ${oneLine(err instanceof Error ? err.message : String(err))}\n`);
    return exitCodes.failed;
  }
}

if (import.meta.main) {
  process.exitCode = await run(process.argv.slice(2), {
    out: process.stdout,
    err: process.stderr,
    env: process.env,
    now: Date.now,
    version: cliVersion(),
  });
}
