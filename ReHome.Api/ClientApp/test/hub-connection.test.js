import { test } from "node:test";
import assert from "node:assert/strict";
import { createHubConnection } from "../src/rehome-client.js";

test("a bare hub connection goes to the hub under the api's address and is not started", () => {
  const connection = createHubConnection({ url: "http://api.example/", accessTokenFactory: () => "token" });
  assert.equal(connection.baseUrl, "http://api.example/hubs/agent");
  assert.equal(connection.state, "Disconnected");
});

test("a hub address is taken as it is", () => {
  const connection = createHubConnection({ url: "http://api.example/hubs/agent", accessTokenFactory: () => "token" });
  assert.equal(connection.baseUrl, "http://api.example/hubs/agent");
});
