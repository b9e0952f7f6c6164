import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { collectIslands, registerIslands, serializeProps } from "@/lib/web/islands.ts";

function Counter({ start }: { start: number }) {
  return <button type="button">{start}</button>;
}
function Outer({ label }: { label: string }) {
  return (
    <div>
      {label}
      <Counter start={2} />
    </div>
  );
}
registerIslands({ Counter: { default: Counter }, Outer: { default: Outer } });

Deno.test("[islands] collectIslands - marks a top-level island and collects its props", () => {
  const { result, islands } = collectIslands(() =>
    renderToString(
      <main>
        <Counter start={1} />
      </main>,
    )
  );
  assert.equal(
    result,
    '<main><parley-island data-island="Counter" data-index="0"><button type="button">1</button></parley-island></main>',
  );
  assert.deepEqual(islands, [{ name: "Counter", props: { start: 1 } }]);
});

Deno.test("[islands] collectIslands - an island inside another is not marked again", () => {
  const { result, islands } = collectIslands(() => renderToString(<Outer label="x" />));
  assert.equal(islands.length, 1);
  assert.equal(islands[0].name, "Outer");
  assert.equal((result.match(/parley-island data-island/g) ?? []).length, 1);
});

Deno.test("[islands] collectIslands - a page without islands collects nothing", () => {
  const { islands } = collectIslands(() => renderToString(<p>static</p>));
  assert.deepEqual(islands, []);
});

Deno.test("[islands] serializeProps - cannot end the script element early", () => {
  const json = serializeProps([{ name: "X", props: { s: "</script><!-- \u2028" } }]);
  assert.ok(!json.includes("</script"));
  assert.ok(!json.includes("<!--"));
  assert.deepEqual(JSON.parse(json), [{ s: "</script><!-- \u2028" }]);
});
