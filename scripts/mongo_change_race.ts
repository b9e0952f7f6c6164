/**
 * Races twelve reactions and twelve appends on one message from two MongoDB clients, round after
 * round on fresh databases of a FerretDB started here, and prints the slowest round and how many
 * rounds failed (the store's 8 s bound). The contract test does one such round; this shows the rate.
 *
 * deno run -A scripts/mongo_change_race.ts [rounds=30]
 */
import { startFerretDB } from "@/tests/support/ferretdb.ts";
import { openMongoStore } from "@/lib/store/mongo/mod.ts";
import { createPublic, randomMessage, randomUserRef } from "@/lib/store/contract/data.ts";

const db = await startFerretDB();
const rounds = Number(Deno.args[0] ?? 30);
let worst = 0, failures = 0;
for (let r = 0; r < rounds; r++) {
  const uri = db.uri.replace(/\/[^/?]*(\?|$)/, `/race_${r}$1`);
  const stores = [await openMongoStore(uri), await openMongoStore(uri)];
  const room = (await createPublic(stores[0])).id;
  const author = randomUserRef();
  const { message } = await stores[0].appendMessage(randomMessage(room, author, { text: "first" }));
  const started = performance.now();
  try {
    await Promise.all(
      Array.from(
        { length: 24 },
        (_, i) =>
          i % 2
            ? stores[i % 2].appendMessage(randomMessage(room, author))
            : stores[(i >> 1) % 2].changeMessage({
              room,
              id: message.id,
              by: randomUserRef(),
              change: { op: "react", emoji: "👍" },
            }),
      ),
    );
  } catch (error) {
    failures++;
    console.log(`round ${r}: ${error}`);
  }
  worst = Math.max(worst, performance.now() - started);
  await stores[0].drop();
  for (const s of stores) await s.close();
}
console.log(`rounds ${rounds}, slowest ${worst.toFixed(0)} ms, failed ${failures}`);
await db.stop();
