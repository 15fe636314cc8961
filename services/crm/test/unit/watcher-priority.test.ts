// The watcher's lane rule (src/watcher/priority.ts): health changes of children first,
// applies next, startup lists and resyncs last.
import { expect } from "chai";
import { priorityOf, type WatchEvent } from "../../src/watcher/priority.ts";

describe("watcher job lanes (priorityOf)", function () {
  const rows: { name: string; event: WatchEvent; want: ReturnType<typeof priorityOf> }[] = [
    { name: "a child's health changed", event: { source: "child", change: "health" }, want: "health" },
    { name: "a new record (first apply)", event: { source: "record", change: "added" }, want: "live" },
    { name: "a record's spec changed", event: { source: "record", change: "updated" }, want: "live" },
    { name: "a record deleted", event: { source: "record", change: "deleted" }, want: "live" },
    { name: "a child edited by hand", event: { source: "child", change: "edited" }, want: "live" },
    { name: "a child added by someone else", event: { source: "child", change: "added" }, want: "live" },
    { name: "a child deleted", event: { source: "child", change: "deleted" }, want: "live" },
    { name: "a record of the first list", event: { source: "record", change: "listed" }, want: "background" },
    { name: "a resync", event: { source: "resync" }, want: "background" },
  ];
  for (const row of rows)
    it(`${row.name} -> ${row.want}`, function () {
      expect(priorityOf(row.event)).to.equal(row.want);
    });
});
