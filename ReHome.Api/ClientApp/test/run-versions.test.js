import { test } from "node:test";
import assert from "node:assert/strict";
import { RunVersions } from "../src/run-versions.js";

test("an update overtaken by a newer one is dropped", () => {
  const runs = new RunVersions();
  assert.equal(runs.accept({ id: "r1", version: 2 }), true);   // running, from the worker
  assert.equal(runs.accept({ id: "r1", version: 1 }), false);  // queued, from the api, arriving late
  assert.equal(runs.accept({ id: "r1", version: 3 }), true);   // completed
  assert.equal(runs.accept({ id: "r1", version: 3 }), false);  // the same update twice
});

test("runs are tracked separately, and updates without a version always pass", () => {
  const runs = new RunVersions();
  assert.equal(runs.accept({ id: "r1", version: 5 }), true);
  assert.equal(runs.accept({ id: "r2", version: 1 }), true);
  assert.equal(runs.accept({ id: "r3" }), true);
  assert.equal(runs.accept({ id: "r3" }), true);
});
