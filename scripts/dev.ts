/**
 * `deno task dev`: builds, serves with `--watch` (the server restarts on any server-side change) and
 * rebuilds the islands bundle when islands/, components/ or lib/ change. Reload the page to see it.
 */
const root = new URL("..", import.meta.url);
const port = Deno.env.get("PORT") ?? "8000";

async function build(manifestOnly = false) {
  const args = ["run", "-A", "scripts/build.ts", ...(manifestOnly ? ["--manifest-only"] : [])];
  const out = await new Deno.Command(Deno.execPath(), { args, cwd: root }).output();
  if (!out.success) console.error(new TextDecoder().decode(out.stderr));
  return out.success;
}

await build();
const server = new Deno.Command(Deno.execPath(), {
  args: ["serve", "-A", "--watch", "--port", port, "main.ts"],
  cwd: root,
}).spawn();
console.log(`Parley dev server on http://localhost:${port}`);

let timer: ReturnType<typeof setTimeout> | undefined;
const watcher = Deno.watchFs(
  ["islands", "components", "lib", "routes"].map((d) => new URL(d, root).pathname),
);
for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(sig, () => {
    watcher.close();
    server.kill("SIGTERM");
    Deno.exit(0);
  });
}
for await (const event of watcher) {
  if (event.paths.every((p) => p.endsWith("manifest.gen.ts"))) continue;
  clearTimeout(timer);
  timer = setTimeout(() => build().then((ok) => ok && console.log("islands rebuilt")), 150);
}
