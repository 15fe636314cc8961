import { expect } from "chai";
import {
  derivePhase,
  findCondition,
  rfc3339,
  setCondition,
  statusSummary,
  summarize,
  type Condition,
  type Phase,
  type SummarizedStatus,
} from "../../src/index.ts";

const t0 = new Date("2026-03-01T10:00:00.123Z");
const t1 = new Date("2026-03-01T10:05:00.999Z");

const cond = (
  type: Condition["type"],
  status: Condition["status"],
  reason = "R",
  generation = 1,
): Condition => ({
  type,
  status,
  reason,
  message: `${type} ${status}: ${reason}`,
  lastTransitionTime: rfc3339(t0),
  observedGeneration: generation,
});

describe("crd: conditions", () => {
  describe("setCondition", () => {
    const rows: {
      name: string;
      given: Condition[] | undefined;
      set: Omit<Condition, "lastTransitionTime">;
      want: Condition[];
    }[] = [
      {
        name: "appends a new type with now as the transition time",
        given: undefined,
        set: { type: "Available", status: "False", reason: "Pending", message: "m" },
        want: [
          {
            type: "Available",
            status: "False",
            reason: "Pending",
            message: "m",
            lastTransitionTime: "2026-03-01T10:05:00Z",
          },
        ],
      },
      {
        name: "keeps lastTransitionTime when the status did not change, updates the rest",
        given: [cond("Available", "True", "Old")],
        set: { type: "Available", status: "True", reason: "New", message: "n", observedGeneration: 2 },
        want: [
          {
            type: "Available",
            status: "True",
            reason: "New",
            message: "n",
            observedGeneration: 2,
            lastTransitionTime: rfc3339(t0),
          },
        ],
      },
      {
        name: "moves lastTransitionTime when the status changed",
        given: [cond("Available", "True")],
        set: { type: "Available", status: "False", reason: "Down", message: "d" },
        want: [
          {
            type: "Available",
            status: "False",
            reason: "Down",
            message: "d",
            lastTransitionTime: rfc3339(t1),
          },
        ],
      },
      {
        name: "leaves other conditions and the order alone",
        given: [cond("Progressing", "True"), cond("Available", "False"), cond("Degraded", "False")],
        set: { type: "Available", status: "True", reason: "Up", message: "u" },
        want: [
          cond("Progressing", "True"),
          { type: "Available", status: "True", reason: "Up", message: "u", lastTransitionTime: rfc3339(t1) },
          cond("Degraded", "False"),
        ],
      },
    ];
    for (const row of rows) {
      it(row.name, () => {
        const before = structuredClone(row.given);
        expect(setCondition(row.given, row.set, t1)).to.deep.equal(row.want);
        expect(row.given, "input not mutated").to.deep.equal(before);
      });
    }

    it("writes Kubernetes' second-precision RFC 3339", () => {
      expect(rfc3339(t0)).to.equal("2026-03-01T10:00:00Z");
    });
  });

  it("findCondition finds by type, or undefined", () => {
    const list = [cond("Available", "True"), cond("Degraded", "False")];
    expect(findCondition(list, "Degraded")).to.equal(list[1]);
    expect(findCondition(list, "Progressing")).to.equal(undefined);
    expect(findCondition(undefined, "Available")).to.equal(undefined);
  });

  describe("derivePhase and summarize", () => {
    const rows: {
      name: string;
      given: Condition[] | undefined;
      deleting?: boolean;
      generation?: number;
      phase: Phase;
      summary: SummarizedStatus;
      reason: string;
    }[] = [
      {
        name: "no conditions",
        given: undefined,
        phase: "Pending",
        summary: "SUMMARY_UNKNOWN",
        reason: "AwaitingReconcile",
      },
      {
        name: "empty list",
        given: [],
        phase: "Pending",
        summary: "SUMMARY_UNKNOWN",
        reason: "AwaitingReconcile",
      },
      {
        name: "deleting wins over everything",
        given: [cond("Available", "True"), cond("Degraded", "True", "InvalidSpec")],
        deleting: true,
        phase: "Deleting",
        summary: "PROGRESSING",
        reason: "Deleting",
      },
      {
        name: "Degraded with a terminal reason is Failed",
        given: [cond("Available", "False"), cond("Degraded", "True", "InvalidSpec")],
        phase: "Failed",
        summary: "ERROR",
        reason: "InvalidSpec",
      },
      {
        name: "Degraded with a retryable reason, even while Available",
        given: [
          cond("Available", "True"),
          cond("Progressing", "True"),
          cond("Degraded", "True", "ApplyFailed"),
        ],
        phase: "Degraded",
        summary: "DEGRADED",
        reason: "ApplyFailed",
      },
      {
        name: "neither available nor progressing is stuck: Degraded",
        given: [
          cond("Available", "False", "MinimumReplicasUnavailable"),
          cond("Progressing", "False", "DeadlineExceeded"),
        ],
        phase: "Degraded",
        summary: "DEGRADED",
        reason: "MinimumReplicasUnavailable",
      },
      {
        name: "rolling out while available is Progressing",
        given: [
          cond("Available", "True"),
          cond("Progressing", "True", "RolloutInProgress"),
          cond("Degraded", "False"),
        ],
        phase: "Progressing",
        summary: "PROGRESSING",
        reason: "RolloutInProgress",
      },
      {
        name: "Available",
        given: [
          cond("Available", "True", "MinimumReplicasAvailable"),
          cond("Progressing", "False"),
          cond("Degraded", "False"),
        ],
        phase: "Available",
        summary: "RUNNING",
        reason: "MinimumReplicasAvailable",
      },
      {
        name: "only Unknown conditions: Pending with their reason",
        given: [cond("Available", "Unknown", "Initializing")],
        phase: "Pending",
        summary: "SUMMARY_UNKNOWN",
        reason: "Initializing",
      },
      {
        name: "NfrObserved alone never makes a phase",
        given: [cond("NfrObserved", "True")],
        phase: "Pending",
        summary: "SUMMARY_UNKNOWN",
        reason: "AwaitingReconcile",
      },
      {
        name: "conditions older than the spec: Progressing, even when they said Failed",
        given: [cond("Available", "False", "R", 1), cond("Degraded", "True", "InvalidSpec", 1)],
        generation: 2,
        phase: "Progressing",
        summary: "PROGRESSING",
        reason: "NewGeneration",
      },
      {
        name: "conditions of the current generation are not stale",
        given: [cond("Available", "True", "Up", 2), cond("NfrObserved", "True", "Ok", 1)],
        generation: 2,
        phase: "Available",
        summary: "RUNNING",
        reason: "Up",
      },
    ];
    for (const row of rows) {
      it(row.name, () => {
        const options = {
          deleting: row.deleting ?? false,
          ...(row.generation ? { generation: row.generation } : {}),
        };
        expect(derivePhase(row.given, options.deleting, row.generation)).to.equal(row.phase);
        expect(summarize(row.given ? { conditions: row.given } : undefined, options)).to.equal(row.summary);
        const summary = statusSummary(row.given, options);
        expect(summary.reason).to.equal(row.reason);
        if (row.phase !== "Available")
          expect(summary.message, "a message a person can act on").not.to.equal("");
      });
    }

    it("summarize ignores a stored phase that disagrees with the conditions", () => {
      expect(
        summarize({ phase: "Available", conditions: [cond("Degraded", "True", "NameConflict")] }),
      ).to.equal("ERROR");
    });
  });
});
