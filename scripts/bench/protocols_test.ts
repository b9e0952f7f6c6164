import { deepEqual, equal } from "node:assert/strict";
import { splitCentrifugo, stamps } from "./protocols.ts";

Deno.test("[bench] centrifugo frame - a ping bundled among publications is found", () => {
  const frame = [
    '{"push":{"channel":"r","pub":{"data":{"text":"~t1.5~"}}}}',
    "{}",
    '{"push":{"channel":"r","pub":{"data":{"text":"~t2.5~"}}}}',
  ].join("\n");
  const out = splitCentrifugo(frame);
  equal(out.pings, 1);
  equal(out.connected, false);
  deepEqual(stamps(out.rest), [1.5, 2.5]);
});

Deno.test("[bench] centrifugo frame - the connect reply and two pings in one frame", () => {
  const out = splitCentrifugo('{"id":1,"connect":{"client":"x"}}\n{}\n{}\n');
  equal(out.pings, 2);
  equal(out.connected, true);
  equal(out.rest, "");
});

Deno.test("[bench] centrifugo frame - a lone ping is still a ping", () => {
  deepEqual(splitCentrifugo("{}"), { pings: 1, connected: false, rest: "" });
});

Deno.test("[bench] stamps - every message of a coalesced frame counts, a torn stamp does not", () => {
  deepEqual(stamps('{"text":"~t10~"}\n{"text":"a ~t20.25~ b"}'), [10, 20.25]);
  deepEqual(stamps('{"text":"~t10'), []);
  deepEqual(stamps("no stamp"), []);
});
