import { deepEqual, equal, throws } from "node:assert/strict";
import { FULL, parseOptions, QUICK, SCENARIOS } from "./options.ts";
import { SERVER_KINDS } from "./protocols.ts";

Deno.test("[bench] options - no flags: every server and scenario at full size", () => {
  const o = parseOptions([]);
  deepEqual(o.only, [...SERVER_KINDS]);
  deepEqual(o.scenarios, [...SCENARIOS]);
  equal(o.sizes, FULL);
  equal(o.save, false);
  equal(o.historySize, 1_000_000);
  equal(o.clients, 2);
});

Deno.test("[bench] options - narrowing flags are read", () => {
  const o = parseOptions(["--quick", "--only=parley,ws", "--scenario=smallrooms,oneroom", "--save"]);
  deepEqual(o.only, ["parley", "ws"]);
  deepEqual(o.scenarios, ["smallrooms", "oneroom"]);
  equal(o.sizes, QUICK);
  equal(o.save, true);
  equal(o.historySize, 10_000);
});

Deno.test("[bench] options - unknown names and flags are refused, naming the known ones", () => {
  throws(() => parseOptions(["--only=parley,nats"]), /unknown server: nats \(known: parley/);
  throws(() => parseOptions(["--scenario=soak"]), /unknown scenario: soak/);
  throws(() => parseOptions(["--fast"]), /unknown flag: --fast/);
  throws(() => parseOptions(["--clients=0"]), /--clients/);
  throws(() => parseOptions(["--history-size=10"]), /--history-size/);
});

Deno.test("[bench] options - the small-rooms sizes are the issue's", () => {
  equal(FULL.smallRooms, 100);
  equal(FULL.smallReaders, 5);
  equal(FULL.inFlight, 8);
  equal(FULL.latencyRate, 200);
  equal(FULL.oneRoomReaders, 10);
  equal(FULL.oneRoomMessages, 5000);
  equal(FULL.fanoutReaders, 1000);
});
