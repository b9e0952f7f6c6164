/**
 * `deno run -A scripts/support_search_bench.ts [messages] [conversations]`: seeds support
 * conversations holding 100,000 messages (default; 1,000 conversations of 100) into a fresh KV file
 * and a fresh FerretDB database, then times the counselors' search (`searchSupport`, one page of 20, what
 * `GET /api/support/search` runs) for a rare word, a common one, a user's name, Korean text and
 * text found nowhere. Prints one line per store and query: median and worst of 5 runs, in ms.
 */
import { openKvStore } from "@/lib/store/kv/mod.ts";
import { openMongoStore } from "@/lib/store/mongo/mod.ts";
import type { NewMessage, Store } from "@/lib/store/types.ts";
import { startFerretDB } from "@/tests/support/ferretdb.ts";
import { indexConversation } from "@/lib/support/search_index.ts";
import { searchSupport } from "@/lib/support/search.ts";
import { newSupportRecords } from "@/lib/support/support.ts";

const TOTAL = Number(Deno.args[0] ?? 100_000);
const CONVERSATIONS = Number(Deno.args[1] ?? 1_000);
const RUNS = 5;
const counselor = {
  id: "s",
  userId: "bench-counselor",
  name: "bench",
  role: "counselor" as const,
  createdAt: "",
  expiresAt: "",
};

const WORDS = [
  "수강료",
  "환불",
  "일정",
  "schedule",
  "refund",
  "price",
  "부트캠프",
  "course",
  "신청",
  "certificate",
];

function text(i: number): string {
  const a = WORDS[i % WORDS.length], b = WORDS[(i * 7 + 3) % WORDS.length];
  // One message in 10,000 holds the rare word.
  return i % 10_000 === 4_242 ? `문의: zebra-${i} ${a}` : `${a} ${b} 관련 질문 ${i} about the ${b}`;
}

async function seed(store: Store): Promise<number> {
  const began = performance.now();
  const per = Math.ceil(TOTAL / CONVERSATIONS);
  let made = 0;
  for (let c = 0; c < CONVERSATIONS && made < TOTAL; c++) {
    const user = {
      id: `bench-u${c}`,
      name: c === 777 ? "홍길동 Gildong" : `user ${c}`,
      role: "guest" as const,
    };
    const conversation = await store.getOrCreateSupport(user, () => newSupportRecords(user));
    const batch: NewMessage[] = [];
    for (let k = 0; k < per && made < TOTAL; k++, made++) {
      batch.push({
        room: conversation.room,
        kind: "text",
        author: user,
        clientId: `s${made}`,
        text: text(made),
      });
    }
    await store.importMessages!(batch);
    // What the hub's support hook does after each stored message, once per conversation here.
    await indexConversation(store, conversation.room);
  }
  return performance.now() - began;
}

async function time(store: Store, q: string): Promise<{ median: number; worst: number; hits: number }> {
  const ms: number[] = [];
  let hits = 0;
  for (let i = 0; i < RUNS; i++) {
    const began = performance.now();
    hits = (await searchSupport(store, counselor, q, { limit: 20 })).conversations.length;
    ms.push(performance.now() - began);
  }
  ms.sort((a, b) => a - b);
  return { median: ms[Math.floor(RUNS / 2)], worst: ms[RUNS - 1], hits };
}

async function run(name: string, store: Store): Promise<void> {
  const seedMs = await seed(store);
  console.log(
    `${name}: seeded ${TOTAL} messages in ${CONVERSATIONS} conversations in ${Math.round(seedMs)} ms`,
  );
  for (const q of ["zebra-4242", "refund", "홍길동", "관련 질문 9999", "nowhere-to-be-found"]) {
    const r = await time(store, q);
    console.log(
      `${name}: q=${JSON.stringify(q)} → ${r.hits} hits, median ${r.median.toFixed(0)} ms, worst ${
        r.worst.toFixed(0)
      } ms`,
    );
  }
}

const dir = await Deno.makeTempDir({ prefix: "parley-search-" });
const kv = await openKvStore(`${dir}/bench.kv`);
try {
  await run("kv", kv);
} finally {
  await kv.close();
  await Deno.remove(dir, { recursive: true });
}

const ferret = await startFerretDB();
try {
  const mongo = await openMongoStore(`${ferret.uri}parley_search_bench`);
  try {
    await run("ferretdb", mongo);
  } finally {
    await mongo.drop();
    await mongo.close();
  }
} finally {
  await ferret.stop();
}
