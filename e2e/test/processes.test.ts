// npm start / npm run stop's process helpers (scripts/lib/processes.sh), with real
// processes: a pid the kernel gave to another process is never taken for ours nor
// signalled, and the wait for a process to answer ends at once, saying why, when it
// exited or was stopped (SIGSTOP) instead of waiting out its bound in silence.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { waitFor } from "@oaas/testkit";
import { expect } from "chai";

const root = path.resolve(import.meta.dirname, "../..");

/** Runs `body` in bash with the library sourced (step/fail as start-local defines them). */
function bash(
  body: string,
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  const script = `set -uo pipefail
source scripts/lib/processes.sh
step() { echo "STEP: $*"; }
fail() { echo "FAILED: $*"; exit 1; }
${body}`;
  return run("bash", ["-c", script], env);
}

function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env } });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output }));
  });
}

describe("npm start's process helpers (scripts/lib/processes.sh)", function () {
  this.timeout(60_000);
  let dir = "";
  const children: ChildProcess[] = [];

  /** A long-lived process of our own (killed after each test). */
  const sleeper = (): number => {
    const child = spawn("sleep", ["300"], { stdio: "ignore" });
    children.push(child);
    if (child.pid === undefined) throw new Error("sleep did not start");
    return child.pid;
  };
  /** An HTTP server answering 200 on 127.0.0.1; resolves with its pid and port. */
  const server = async (): Promise<{ pid: number; port: number }> => {
    const child = spawn(
      process.execPath,
      [
        "-e",
        'const s=require("http").createServer((q,r)=>r.end("ok"));s.listen(0,"127.0.0.1",()=>console.log(s.address().port))',
      ],
      { stdio: ["ignore", "pipe", "ignore"] },
    );
    children.push(child);
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) => resolve(Number(d.toString().trim())));
      child.once("exit", () => reject(new Error("server exited")));
    });
    return { pid: child.pid ?? 0, port };
  };
  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  beforeEach(async function () {
    dir = await mkdtemp(path.join(os.tmpdir(), "oaas-processes-"));
  });
  afterEach(async function () {
    for (const child of children.splice(0)) child.kill("SIGKILL");
    await rm(dir, { recursive: true, force: true });
  });

  it("a recorded live process is ours; with another start time it is a reused pid, never ours", async function () {
    const pid = sleeper();
    const ours = await bash(
      `pid_record "${dir}" x ${pid}; pid_ours "${dir}/x.pid" && echo OURS; pid_reused "${dir}/x.pid" || echo NOT-REUSED`,
    );
    expect(ours.output).to.contain("OURS").and.contain("NOT-REUSED");
    expect(fs.readFileSync(path.join(dir, "x.starttime"), "utf8").trim()).to.match(/^\d+$/);

    fs.writeFileSync(path.join(dir, "x.starttime"), "1\n");
    const reused = await bash(
      `pid_ours "${dir}/x.pid" || echo NOT-OURS; pid_reused "${dir}/x.pid" && echo REUSED`,
    );
    expect(reused.output).to.contain("NOT-OURS").and.contain("REUSED");

    // A pid file of an older start (no start time) is trusted; garbage or a gone process is not ours.
    fs.rmSync(path.join(dir, "x.starttime"));
    expect((await bash(`pid_ours "${dir}/x.pid" && echo OURS`)).output).to.contain("OURS");
    fs.writeFileSync(path.join(dir, "y.pid"), "12ab\n");
    const garbage = await bash(
      `pid_ours "${dir}/y.pid" || echo GARBAGE-NOT-OURS; pid_reused "${dir}/y.pid" || echo GARBAGE-NOT-REUSED`,
    );
    expect(garbage.output).to.contain("GARBAGE-NOT-OURS").and.contain("GARBAGE-NOT-REUSED");
  });

  it("npm run stop leaves alone a process that got a recorded pid, and forgets the pid file", async function () {
    const pid = sleeper();
    fs.writeFileSync(path.join(dir, "pm.pid"), `${pid}\n`);
    fs.writeFileSync(path.join(dir, "pm.starttime"), "1\n");
    const stop = await run("bash", ["scripts/stop-local.sh"], { OAAS_LOCAL_DIR: dir });
    expect(stop.code, stop.output).to.equal(0);
    expect(stop.output).to.contain(`not stopping pm: pid ${pid} now belongs to another process (sleep 300`);
    expect(alive(pid), "the other process still runs").to.be.true;
    expect(fs.readdirSync(dir)).to.deep.equal([]);
  });

  it("npm run stop ends a recorded process even while it is stopped (SIGSTOP)", async function () {
    const child = spawn("setsid", ["sleep", "300"], { stdio: "ignore" });
    children.push(child);
    const pid = child.pid ?? 0;
    await bash(`pid_record "${dir}" pm ${pid}`);
    process.kill(pid, "SIGSTOP");
    const stop = await run("bash", ["scripts/stop-local.sh"], { OAAS_LOCAL_DIR: dir });
    expect(stop.output).to.contain(`stopped pm (pid ${pid})`);
    await waitFor(() => !alive(pid) || fs.readFileSync(`/proc/${pid}/stat`, "utf8").includes(") Z "), {
      description: "the stopped process gone",
      timeoutMs: 20_000,
    });
  });

  it("wait_http returns once the URL answers", async function () {
    const { pid, port } = await server();
    const result = await bash(
      `pid_record "${dir}" s ${pid}; wait_http http://127.0.0.1:${port}/ "the server" log "${dir}/s.pid" && echo READY`,
    );
    expect(result.code, result.output).to.equal(0);
    expect(result.output).to.contain("READY");
  });

  it("wait_http ends at once, naming SIGSTOP, when the process is stopped (it accepts and never answers)", async function () {
    const { pid, port } = await server();
    process.kill(pid, "SIGSTOP");
    const result = await bash(
      `pid_record "${dir}" s ${pid}; wait_http http://127.0.0.1:${port}/ "the PM" /x/pm.log "${dir}/s.pid"; echo NOT-REACHED`,
    );
    expect(result.code).to.equal(1);
    expect(result.output).to.contain(`FAILED: the PM (pid ${pid}) is stopped (SIGSTOP); kill -CONT ${pid}`);
    expect(result.output).to.not.contain("NOT-REACHED");
  });

  it("wait_http ends at once when the process exited, naming its log", async function () {
    const child = spawn("true");
    children.push(child);
    const pid = child.pid ?? 0;
    await new Promise((resolve) => child.once("exit", resolve));
    fs.writeFileSync(path.join(dir, "gone.pid"), `${pid}\n`);
    const result = await bash(`wait_http http://127.0.0.1:9/ "the CRM" /x/crm.log "${dir}/gone.pid"`);
    expect(result.code).to.equal(1);
    expect(result.output).to.contain("FAILED: the CRM exited; read /x/crm.log");
  });
});
