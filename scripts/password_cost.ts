/**
 * The cost of one log-in on this machine: `deno run -A scripts/password_cost.ts [runs]`.
 * Times PBKDF2-HMAC-SHA256 at the production iteration count (what every log-in and sign-up pays,
 * and what an unknown username pays too, through the dummy hash), one at a time and in parallel.
 */
import { parseArgs } from "node:util";
import { hashPassword, PBKDF2_ITERATIONS, verifyDummy, verifyPassword } from "@/lib/accounts/password.ts";

const { positionals } = parseArgs({ args: Deno.args, allowPositionals: true });
const runs = Number(positionals[0] ?? 10);
const stored = await hashPassword("correct horse battery");

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

function summary(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(0);
  return `median ${at(0.5)} ms, p90 ${at(0.9)} ms, min ${s[0].toFixed(0)} ms`;
}

const right: number[] = [], wrong: number[] = [], unknown: number[] = [];
for (let i = 0; i < runs; i++) {
  right.push(await time(() => verifyPassword("correct horse battery", stored)));
  wrong.push(await time(() => verifyPassword("wrong horse battery", stored)));
  unknown.push(await time(() => verifyDummy("correct horse battery")));
}
const cores = navigator.hardwareConcurrency;
const parallel = cores * 2;
const wall = await time(() =>
  Promise.all(Array.from({ length: parallel }, () => verifyPassword("x", stored)))
);
console.log(
  `PBKDF2-HMAC-SHA256, ${PBKDF2_ITERATIONS} iterations, ${runs} runs, ${cores} cores (${Deno.build.target})`,
);
console.log(`right password:   ${summary(right)}`);
console.log(`wrong password:   ${summary(wrong)}`);
console.log(`unknown username: ${summary(unknown)}`);
console.log(
  `${parallel} at once: ${wall.toFixed(0)} ms wall → about ${
    (parallel / (wall / 1000)).toFixed(1)
  } log-ins/s`,
);
