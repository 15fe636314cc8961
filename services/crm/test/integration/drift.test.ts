// Drift repair against a real API server: hand edits of a child a real reconcile made,
// written the two ways other tools write (a client-side patch by another field manager,
// as kubectl set env / edit do, and a server-side apply by another field manager), are put
// back to exactly what the templates render in every part the CRM renders (server-side
// apply alone leaves items another manager added), or kept when the CRM renders no such
// field; one history entry and one Event per real repair, none for an unrelated run. The
// handler is called directly (no queue, no watcher), as the watcher would on each child
// event. Other children and a writer that keeps re-adding: drift-children.test.ts; the
// whole pipeline: drift-pipeline.test.ts.
import { expect } from "chai";
import { edits, useDriftHarness, type Writer } from "../support/drift.ts";
import { jobFor, type Harness } from "../support/reconciler.ts";
describe("crm reconciler: drift repair holds (real API server)", function () {
  this.timeout(240_000);
  const fixture = useDriftHarness();
  let h: Harness;
  before(function () {
    ({ h } = fixture.state());
  });
  const { childName, deployed, live, rendered, write, history, eventsFor, renderedParts } = fixture;

  const writers: Writer[] = ["patch", "apply"];
  for (const writer of writers) {
    for (const [i, edit] of edits.entries()) {
      const verdict = edit.path === undefined ? "kept" : "repaired";
      it(`${edit.name} by ${writer === "patch" ? "a client-side patch" : "server-side apply"} (another field manager): ${verdict}`, async function () {
        const r = await deployed(`${writer}-${i}`);
        const job = jobFor(r);
        const want = renderedParts(rendered(r).template);
        expect(renderedParts((await live(r)).spec?.template)).to.deep.equal(want);
        const manager = writer === "patch" ? "kubectl-set" : "other-tool";
        await write(r, edit, writer, manager);
        const edited = await live(r);
        if (edit.template) expect(renderedParts(edited.spec?.template)).not.to.deep.equal(want);

        await h.handle(job);
        const after = await live(r);
        // What we render is back exactly; what we never render stays.
        expect(renderedParts(after.spec?.template)).to.deep.equal(want);
        if (edit.metadata) expect(after.metadata.annotations?.["example.com/note"]).to.equal("kept");

        // Unrelated runs (the watcher's event for our own write, a resync) add nothing.
        await h.handle(job);
        await h.handle(job);
        const entries = history(r, "drift-repaired");
        const events = await eventsFor(r, "DriftRepaired");
        if (edit.path === undefined) {
          expect(entries).to.have.length(0);
          expect(events).to.have.length(0);
          return;
        }
        expect(entries, JSON.stringify(entries)).to.have.length(1);
        expect(entries[0]?.message).to.contain(edit.path).and.to.contain(manager);
        expect(entries[0]?.objects).to.deep.equal([`Deployment/${childName(r)}`]);
        expect(events).to.have.length(1);
        expect(events[0]?.type).to.equal("Normal");
        expect(events[0]?.note).to.contain(edit.path);
        expect(history(r, "failed")).to.have.length(0);
        // The repair rolled the pods: a routine rollout, so its Unavailable Event is Normal.
        const rollout = await eventsFor(r, "Unavailable");
        expect(rollout).to.have.length.above(0);
        expect(rollout.map((e) => e.type)).to.satisfy((types: string[]) =>
          types.every((t) => t === "Normal"),
        );
      });
    }
  }
});
