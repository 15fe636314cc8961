// The CRM's gate from its settings (process/gate.ts): the served namespaces are a boundary
// whoever asks (an admin token with every namespace included), refusals are counted by
// refusal and reason, and running open says so.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseCrmConfig } from "@oaas/config";
import { createLogger, createMetrics } from "@oaas/telemetry";
import { captureLogLines } from "@oaas/testkit";
import { expect } from "chai";
import { openWarningIntervalMs, type Repeater } from "@oaas/auth";
import { createCrmGate, warnOpen } from "../../src/process/gate.ts";

const admin = "admin-token-0123456789abcdef";
const teamA = "team-a-token-0123456789abcdef";

describe("crm: the gate built from the CRM's settings", function () {
  let dir = "";
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "oaas-crm-gate-"));
    writeFileSync(
      path.join(dir, "tokens.csv"),
      `${admin},root,admin\n${teamA},ci-a,deployer,"oaas,team-a"\n`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("cuts every scope to the served namespaces and counts refusals by refusal and reason", async function () {
    const config = parseCrmConfig({
      OPRC_CRM_K8S_NAMESPACE: "oaas",
      OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "tokens.csv"),
    });
    const { lines, stream } = captureLogLines();
    const metrics = createMetrics({ serviceName: "gate-test" });
    const gate = await createCrmGate(config, createLogger({ service: "t", level: "debug", stream }), metrics);
    const as = (token: string) => ({ authorization: `Bearer ${token}`, source: "10.1.1.1" });
    expect(await gate(as(admin), "deployer", "oaas")).to.include({ ok: true });
    // An admin token includes every namespace, but the CRM serves oaas only.
    expect(await gate(as(admin), "viewer", "kube-system")).to.include({ ok: false, status: 403 });
    // ci-a's own scope names team-a too: still outside what this CRM serves.
    expect(await gate(as(teamA), "deployer", "team-a")).to.include({ ok: false, status: 403 });
    const ok = await gate(as(teamA), "deployer", "oaas");
    expect(ok.ok && ok.principal.namespaces).to.deep.equal(["oaas"]);
    expect(await gate({ source: "10.1.1.1" }, "viewer")).to.include({ ok: false, status: 401 });
    const text = await metrics.render();
    expect(text).to.match(
      /oaas_crm_auth_refusals_total\{[^}]*refusal="forbidden"[^}]*reason="namespace"[^}]*\} 2/,
    );
    expect(text).to.match(
      /oaas_crm_auth_refusals_total\{[^}]*refusal="unauthenticated"[^}]*reason="missing"[^}]*\} 1/,
    );
    expect(lines.filter((l) => l.level === "warn")).to.deep.equal([]);
    await metrics.shutdown();
  });

  it("serving several namespaces: an admin gets all of them, a scoped token only those it shares", async function () {
    const config = parseCrmConfig({
      OPRC_CRM_K8S_NAMESPACE: "oaas",
      OPRC_CRM_ALLOWED_NAMESPACES: "team-a,team-b",
      OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "tokens.csv"),
    });
    const { stream } = captureLogLines();
    const gate = await createCrmGate(config, createLogger({ service: "t", level: "debug", stream }));
    const as = (token: string) => ({ authorization: `Bearer ${token}`, source: "10.1.1.2" });
    const root = await gate(as(admin), "admin", "team-b");
    expect(root.ok && root.principal.namespaces).to.deep.equal(["team-a", "team-b"]);
    const ciA = await gate(as(teamA), "deployer", "team-a");
    expect(ciA.ok && ciA.principal.namespaces, "oaas is in its scope but not served").to.deep.equal([
      "team-a",
    ]);
    expect(await gate(as(teamA), "deployer", "team-b")).to.include({ ok: false, status: 403 });
    expect(await gate(as(admin), "viewer", "oaas"), "the CRM's own, not served").to.include({
      ok: false,
      status: 403,
    });
  });

  it("running open (dev with nothing configured) serves anonymous admin in the served namespaces only; the gate itself does not warn", async function () {
    const config = parseCrmConfig({ OPRC_CRM_K8S_NAMESPACE: "oaas" });
    expect(config.auth.open).to.equal("dev-default");
    const { lines, stream } = captureLogLines();
    const gate = await createCrmGate(config, createLogger({ service: "t", level: "debug", stream }));
    // The warning is the process's (warnOpen, once per process), not each gate's.
    expect(lines.filter((l) => l.level === "warn")).to.deep.equal([]);
    const served = await gate({ source: "x" }, "admin", "oaas");
    expect(served.ok && served.principal.name).to.equal("anonymous");
    expect(await gate({ source: "x" }, "admin", "default")).to.include({ ok: false, status: 403 });
  });

  it("refuses to start when the tokens file is missing", async function () {
    const config = parseCrmConfig({ OPRC_CRM_AUTH_TOKENS_FILE: path.join(dir, "absent.csv") });
    const { stream } = captureLogLines();
    const error = await createCrmGate(config, createLogger({ service: "t", level: "debug", stream })).catch(
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(Error);
  });

  it("running open warns at startup and at every tick of its hourly timer (injected), until stopped", function () {
    for (const [env, want] of [
      [{}, "OPRC_CRM_AUTH_TOKENS_FILE"],
      [
        { OPRC_CRM_PROFILE: "edge", OPRC_CRM_SECURITY_MTLS: "false", OPRC_CRM_AUTH_DISABLED: "true" },
        "OPRC_CRM_AUTH_DISABLED=true",
      ],
    ] as const) {
      const { lines, stream } = captureLogLines();
      // The test fires the hourly ticks instead of waiting an hour.
      let tick: (() => void) | undefined;
      let everyMs: number | undefined;
      let stopped = false;
      const repeat: Repeater = (fn, ms) => {
        tick = fn;
        everyMs = ms;
        return () => (stopped = true);
      };
      const stop = warnOpen(
        parseCrmConfig(env),
        createLogger({ service: "t", level: "debug", stream }),
        repeat,
      );
      const warned = () => lines.filter((l) => l.level === "warn");
      expect(warned()).to.have.length(1);
      expect(warned()[0]?.message).to.contain(want);
      expect(everyMs).to.equal(openWarningIntervalMs).and.to.equal(3_600_000);
      tick?.();
      tick?.();
      expect(warned()).to.have.length(3);
      stop();
      expect(stopped).to.equal(true);
    }
    // Not open: nothing said, no timer.
    let started = false;
    const { lines, stream } = captureLogLines();
    warnOpen(
      parseCrmConfig({ OPRC_CRM_AUTH_TOKENS_FILE: "/nonexistent" }),
      createLogger({ service: "t", level: "debug", stream }),
      () => {
        started = true;
        return () => undefined;
      },
    );
    expect(started).to.equal(false);
    expect(lines).to.deep.equal([]);
  });
});
