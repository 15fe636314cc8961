// The storage contract against a real etcd (the binary e2e/cluster builds), plain and
// over TLS with client certificates, each under its own key prefix per test.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startTestEtcd, type TestEtcd } from "@oaas/testkit";
import { expect } from "chai";
import { Etcd3 } from "etcd3";
import { createStorage } from "../../src/app.ts";
import { parsePmConfig } from "../../src/config/index.ts";
import { EtcdKv, KvStorage, StorageUnavailableError } from "../../src/storage/index.ts";
import { storageContract } from "../support/storage-contract.ts";

const prefix = () => `/oaas-pm-test/${randomBytes(4).toString("hex")}`;

describe("pm storage contract: etcd", function () {
  this.timeout(120_000);
  let etcd: TestEtcd;
  before(async function () {
    etcd = await startTestEtcd();
  });
  after(async function () {
    await etcd.stop();
  });
  storageContract(() =>
    Promise.resolve(
      new KvStorage(new EtcdKv({ endpoints: [etcd.endpoint], keyPrefix: prefix(), timeoutMs: 5000 })),
    ),
  );

  it("keys live under ETCD_KEY_PREFIX", async function () {
    const keyPrefix = prefix();
    const storage = new KvStorage(new EtcdKv({ endpoints: [etcd.endpoint], keyPrefix, timeoutMs: 5000 }));
    const raw = new EtcdKv({ endpoints: [etcd.endpoint], keyPrefix: "/", timeoutMs: 5000 });
    try {
      await storage.createPackage({
        name: "shop",
        disabled: false,
        metadata: { tags: [] },
        classes: [],
        functions: [],
        dependencies: [],
        deployments: [],
      });
      const keys = (await raw.list(keyPrefix.slice(1))).map((e) => e.key);
      expect(keys).to.deep.equal([`${keyPrefix.slice(1)}/packages/shop`]);
    } finally {
      await storage.close();
      await raw.close();
    }
  });
});

describe("pm storage contract: etcd over TLS with client certificates", function () {
  this.timeout(120_000);
  let etcd: TestEtcd;
  before(async function () {
    etcd = await startTestEtcd({ tls: true });
  });
  after(async function () {
    await etcd.stop();
  });
  const settings = (tls: { caCertPath?: string; clientCertPath?: string; clientKeyPath?: string }) => ({
    endpoints: [etcd.endpoint],
    keyPrefix: prefix(),
    timeoutMs: 3000,
    tls,
  });
  storageContract(() => {
    const t = etcd.tls;
    if (!t) throw new Error("etcd started without TLS");
    return Promise.resolve(
      new KvStorage(
        new EtcdKv(
          settings({ caCertPath: t.caCert, clientCertPath: t.clientCert, clientKeyPath: t.clientKey }),
        ),
      ),
    );
  });

  it("without a client certificate the server refuses: StorageUnavailableError", async function () {
    const t = etcd.tls;
    if (!t) throw new Error("etcd started without TLS");
    const storage = new KvStorage(new EtcdKv(settings({ caCertPath: t.caCert })));
    try {
      let error: unknown;
      try {
        await storage.ping();
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(StorageUnavailableError);
    } finally {
      await storage.close();
    }
  });
});

describe("pm storage: etcd with authentication (ETCD_USERNAME / ETCD_PASSWORD)", function () {
  this.timeout(120_000);
  let etcd: TestEtcd;
  before(async function () {
    etcd = await startTestEtcd();
    // Turn authentication on the way an operator does: a root user with the root role.
    const admin = new Etcd3({ hosts: `http://${etcd.endpoint}` });
    try {
      await admin.role("root").create();
      await admin.user("root").create("s3cret");
      await admin.user("root").addRole("root");
      await admin.auth.authEnable({});
    } finally {
      admin.close();
    }
  });
  after(async function () {
    await etcd.stop();
  });

  const storage = (password: string) =>
    new KvStorage(
      new EtcdKv({
        endpoints: [etcd.endpoint],
        keyPrefix: prefix(),
        timeoutMs: 3000,
        username: "root",
        password,
      }),
    );

  it("reads and writes with the right password", async function () {
    const s = storage("s3cret");
    try {
      await s.createPackage({
        name: "p",
        disabled: false,
        metadata: { tags: [] },
        classes: [],
        functions: [],
        dependencies: [],
        deployments: [],
      });
      expect((await s.getPackage("p"))?.name).to.equal("p");
    } finally {
      await s.close();
    }
  });

  it("the password from ETCD_PASSWORD_FILE (a mounted Secret, trailing newline dropped)", async function () {
    const dir = await mkdtemp(join(tmpdir(), "oaas-etcd-password-"));
    const file = join(dir, "password");
    await writeFile(file, "s3cret\n", { mode: 0o600 });
    const config = parsePmConfig({
      OPRC_PM_AUTH_DISABLED: "true",
      STORAGE_TYPE: "etcd",
      ETCD_ENDPOINTS: etcd.endpoint,
      ETCD_KEY_PREFIX: prefix(),
      ETCD_USERNAME: "root",
      ETCD_PASSWORD_FILE: file,
    });
    const s = createStorage(config.storage);
    try {
      // A wrong or missing password fails every call (the test below); this one is answered.
      expect(await s.getPackage("absent")).to.equal(undefined);
    } finally {
      await s.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a wrong password is StorageUnavailableError, and so is no user at all", async function () {
    for (const s of [
      storage("wrong"),
      new KvStorage(new EtcdKv({ endpoints: [etcd.endpoint], keyPrefix: prefix(), timeoutMs: 3000 })),
    ]) {
      try {
        const error = await s.getPackage("p").then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).to.be.instanceOf(StorageUnavailableError);
      } finally {
        await s.close();
      }
    }
  });
});
