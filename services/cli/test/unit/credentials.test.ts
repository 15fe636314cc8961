// Where oaasctl's token comes from (--token, OAAS_TOKEN, the config file npm start writes,
// in that order; the file's token only for the PM it names) and what it prints when the
// PM refuses it: which setting the token came from and which to change.
import { expect } from "chai";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configPath } from "../../src/credentials.ts";
import { runInProcess } from "../support/io.ts";

describe("oaasctl credentials", function () {
  let server: http.Server;
  let url = "";
  let dir = "";
  const seen: (string | undefined)[] = [];

  before(async function () {
    dir = await mkdtemp(join(tmpdir(), "oaasctl-creds-"));
    // A PM that knows two tokens: `good-token` may read, `viewer-token` is refused writes.
    server = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.setHeader("content-type", "application/json");
      const auth = req.headers.authorization;
      if (auth === "Bearer good-token") res.end("[]");
      else if (auth === "Bearer viewer-token")
        res
          .writeHead(403)
          .end(JSON.stringify({ error: "viewer via viewer may not do this: it needs the deployer role" }));
      else
        res
          .writeHead(401, { "www-authenticate": 'Bearer realm="oaas-pm"' })
          .end(JSON.stringify({ error: "authentication required: send Authorization: Bearer <token>" }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async function () {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });
  beforeEach(() => (seen.length = 0));

  const config = async (body: unknown) => {
    const path = join(dir, "oaasctl.json");
    await writeFile(path, JSON.stringify(body), { mode: 0o600 });
    return path;
  };

  it("the config file's path: OAASCTL_CONFIG, else npm start's local directory", function () {
    expect(configPath({ OAASCTL_CONFIG: "/x/c.json", OAAS_LOCAL_DIR: "/l" })).to.equal("/x/c.json");
    expect(configPath({ OAAS_LOCAL_DIR: "/l" })).to.equal("/l/oaasctl.json");
    expect(configPath({ OAAS_CACHE_DIR: "/c" })).to.equal("/c/local/oaasctl.json");
    expect(configPath({ HOME: "/h" })).to.equal("/h/.cache/oaas/local/oaasctl.json");
  });

  it("--token wins over OAAS_TOKEN, which wins over the config file (which also names the PM)", async function () {
    const path = await config({ pm_url: url, token: "file-token" });
    const env = { OAASCTL_CONFIG: path };
    expect((await runInProcess(["package", "list"], env)).code).to.equal(1);
    expect((await runInProcess(["package", "list"], { ...env, OAAS_TOKEN: "good-token" })).code).to.equal(0);
    expect(
      (await runInProcess(["package", "list", "--token", "good-token"], { ...env, OAAS_TOKEN: "x" })).code,
    ).to.equal(0);
    expect(seen).to.deep.equal(["Bearer file-token", "Bearer good-token", "Bearer good-token"]);
  });

  it("the config file's token goes only to the PM the file names", async function () {
    const path = await config({ pm_url: "http://127.0.0.1:1", token: "file-token" });
    const run = await runInProcess(["package", "list"], { OAASCTL_CONFIG: path, OAAS_PM_URL: url });
    expect(seen).to.deep.equal([undefined]);
    expect(run.code).to.equal(1);
    expect(run.stderr).to.contain("needs a token").and.to.contain("--token").and.to.contain("OAAS_TOKEN");
  });

  it("401 names the setting the refused token came from; 403 says the role does not allow it", async function () {
    const path = await config({ pm_url: url, token: "stale-token" });
    const stale = await runInProcess(["package", "list"], { OAASCTL_CONFIG: path });
    expect(stale.stderr).to.contain(`does not accept the token from the config file ${path}`);
    expect(stale.stderr).not.to.contain("stale-token");
    const env = { OAASCTL_CONFIG: path, OAAS_TOKEN: "viewer-token" };
    const refused = await runInProcess(["package", "delete", "shop"], env);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.contain("token from OAAS_TOKEN").and.to.contain("needs the deployer role");
    expect(refused.stderr.trim().split("\n")).to.have.length(1);
  });

  it("an empty --token or OAAS_TOKEN is refused before anything is sent, never replaced by the config file's token", async function () {
    const path = await config({ pm_url: url, token: "good-token" });
    for (const [args, env, names] of [
      [["--token", ""], {}, "--token is empty"],
      [["--token", "  "], {}, "--token is empty"],
      [[], { OAAS_TOKEN: "" }, "OAAS_TOKEN is set but empty"],
    ] as const) {
      const run = await runInProcess([...args, "package", "list"], { OAASCTL_CONFIG: path, ...env });
      expect(run.code, names).to.equal(2);
      expect(run.stderr).to.contain(names);
    }
    expect(seen).to.deep.equal([]);
  });

  it("a 401 without a token says why the config file's token was not sent", async function () {
    const cases: [unknown, string][] = [
      [undefined, "there is no config file at"],
      [{ pm_url: url }, "holds no token"],
      [{ token: "file-token" }, "names no pm_url"],
      [
        { pm_url: "http://127.0.0.1:1", token: "file-token" },
        "holds a token for http://127.0.0.1:1, which oaasctl does not send to",
      ],
    ];
    for (const [body, why] of cases) {
      const path = body === undefined ? join(dir, "absent.json") : await config(body);
      const run = await runInProcess(["package", "list"], { OAASCTL_CONFIG: path, OAAS_PM_URL: url });
      expect(run.code).to.equal(1);
      expect(run.stderr).to.contain("needs a token").and.to.contain(why).and.not.to.contain("file-token");
    }
    expect(seen).to.deep.equal([undefined, undefined, undefined, undefined]);
  });

  it("a config file others may read: its token is used, with a warning naming the file and chmod 600", async function () {
    const path = await config({ pm_url: url, token: "good-token" });
    await chmod(path, 0o644);
    const loose = await runInProcess(["package", "list"], { OAASCTL_CONFIG: path });
    expect(loose.code).to.equal(0);
    expect(loose.stderr).to.contain(`readable by others (mode 0644): chmod 600 ${path}`);
    expect(loose.stderr).not.to.contain("good-token");
    await chmod(path, 0o600);
    const tight = await runInProcess(["package", "list"], { OAASCTL_CONFIG: path });
    expect(tight.stderr).to.equal("");
    // Not the file's token in use: nothing to warn about.
    await chmod(path, 0o644);
    const flag = await runInProcess(["package", "list", "--token", "good-token"], { OAASCTL_CONFIG: path });
    expect(flag.stderr).to.equal("");
    await chmod(path, 0o600);
  });
});
