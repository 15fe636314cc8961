export { LeaderElector, type LeaderElectorOptions } from "./elector.ts";
export { leases, mayAcquire, heldSpec, releasedSpec, microTime, type Lease } from "./lease-record.ts";
