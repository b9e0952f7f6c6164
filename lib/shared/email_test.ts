import assert from "node:assert/strict";
import { emailProblem } from "@/lib/shared/email.ts";

Deno.test("[email] emailProblem - plain addresses pass, malformed and overlong ones say why", () => {
  for (const ok of ["mina@example.com", "mina.kim+chat@mail.example.co.kr", "민지@example.com"]) {
    assert.equal(emailProblem(ok), null, ok);
  }
  for (const bad of ["", "mina", "mina@", "@example.com", "mina@example", "mina @example.com", "a@b@c.com"]) {
    assert.equal(emailProblem(bad), "invalid", bad);
  }
  assert.equal(emailProblem(`${"a".repeat(250)}@example.com`), "too_long");
});
