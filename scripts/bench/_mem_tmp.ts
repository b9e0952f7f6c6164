import app from "@/main.ts";
const port = Number(Deno.env.get("PORT") ?? 8000);
Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, app.fetch);
setInterval(() => {
  const a = Deno.memoryUsage();
  (globalThis as any).gc();
  const b = Deno.memoryUsage();
  console.error(`mem rss ${(a.rss/2**20).toFixed(1)} heapUsed ${(a.heapUsed/2**20).toFixed(1)} heapTotal ${(a.heapTotal/2**20).toFixed(1)} ext ${(a.external/2**20).toFixed(1)} | after gc rss ${(b.rss/2**20).toFixed(1)} heapUsed ${(b.heapUsed/2**20).toFixed(1)} heapTotal ${(b.heapTotal/2**20).toFixed(1)}`);
}, 1000);
