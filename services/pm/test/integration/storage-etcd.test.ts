// The storage contract against a real etcd (the binary e2e/cluster builds), plain and
// over TLS with client certificates, each under its own key prefix per test.
import { randomBytes } from "node:crypto";
import { startTestEtcd, type TestEtcd } from "@oaas/testkit";
import { expect } from "chai";
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
