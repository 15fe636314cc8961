import { useTestRedis } from "@oaas/testkit";
import { Queue, QueueEvents, Worker } from "bullmq";
import { expect } from "chai";

describe("smoke: BullMQ on the real Redis", function () {
  this.timeout(30_000);
  const testRedis = useTestRedis();

  it("writes a job, a worker reads it, and the result comes back", async () => {
    const redis = testRedis();
    const queue = new Queue("smoke", { connection: redis.connect(), prefix: redis.prefix });
    const events = new QueueEvents("smoke", { connection: redis.connect(), prefix: redis.prefix });
    const worker = new Worker<{ n: number }, { doubled: number }>(
      "smoke",
      (job) => Promise.resolve({ doubled: job.data.n * 2 }),
      { connection: redis.connect(), prefix: redis.prefix },
    );
    try {
      await events.waitUntilReady();
      const job = await queue.add("double", { n: 21 }, { removeOnComplete: false });
      const stored = await queue.getJob(job.id ?? "");
      expect(stored?.data).to.deep.equal({ n: 21 });

      const result = (await job.waitUntilFinished(events, 10_000)) as { doubled: number };
      expect(result).to.deep.equal({ doubled: 42 });
      expect(await queue.getJobCounts("completed")).to.deep.equal({ completed: 1 });
    } finally {
      await worker.close();
      await events.close();
      await queue.close();
    }
  });
});
