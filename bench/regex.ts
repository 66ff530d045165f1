/**
 * Regex settings on RE2 (src/safe-regex.ts) vs. native RegExp over 100k tags: the default literal
 * pattern, an alternation, and `^(a+)+$` (catastrophic on a backtracking engine; only RE2 is timed on
 * the hostile input, since native RegExp would not finish).
 *
 * Run: node_modules/.bin/node bench/regex.ts
 */
import type * as SafeRegex from '../src/safe-regex.js';

const { compileSafePattern } = (await import(
  new URL('../src/safe-regex.ts', import.meta.url).href
)) as typeof SafeRegex;

const tags = Array.from(
  { length: 100_000 },
  (_, i) => `v1.${i}.${i % 7}-g${((i * 2654435761) >>> 0).toString(16)}${i % 50 === 0 ? '-dirty' : ''}`,
);

function time(test: (s: string) => boolean, inputs: readonly string[]): [number, number] {
  const started = performance.now();
  let hits = 0;
  for (const s of inputs) if (test(s)) hits++;
  return [performance.now() - started, hits];
}

for (const p of ['-dirty$', '-(dirty|wip)$']) {
  const safe = compileSafePattern(p);
  const native = new RegExp(p);
  const [ts, hs] = time((s) => safe.test(s), tags);
  const [tn, hn] = time((s) => native.test(s), tags);
  console.log(
    `${p.padEnd(16)} RE2 ${ts.toFixed(1)} ms (${hs} hits)  RegExp ${tn.toFixed(1)} ms (${hn} hits)`,
  );
}
const hostile = Array.from({ length: 1000 }, (_, i) => `${'a'.repeat(100 + (i % 28))}b`);
const [th] = time((s) => compileSafePattern('^(a+)+$').test(s), hostile);
console.log(`^(a+)+$ on 1000 hostile 128-char tags: RE2 ${th.toFixed(1)} ms (RegExp: does not finish)`);
