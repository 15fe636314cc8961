// @oaas/queue: the CRM's work queues in Redis (BullMQ) and record history.
export * from "./types.ts";
