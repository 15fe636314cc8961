import { KvStorage, MemoryKv } from "../../src/storage/index.ts";
import { storageContract } from "../support/storage-contract.ts";

describe("pm storage contract: memory", function () {
  storageContract(() => Promise.resolve(new KvStorage(new MemoryKv())));
});
