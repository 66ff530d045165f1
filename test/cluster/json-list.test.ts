import { describe, expect, it } from 'vitest';
import { DumpError, parseDump } from '../../src/cluster/dump.js';
import { splitJsonList } from '../../src/cluster/json-list.js';

/** What the splitter yields, put back together: must be exactly JSON.parse's value. */
function rejoin(text: string): unknown {
  const split = splitJsonList(Buffer.from(text));
  if (split === null) return null;
  return split.items === null ? split.root : { ...split.root, items: [...split.items] };
}

const pod = (name: string) => ({
  kind: 'Pod',
  metadata: { name, annotations: { 'a"}]\\': 'x\\"}]{[', emoji: 'é日本😀 \ud83d' } },
  spec: { containers: [{ name: 'c', image: 'nginx:1.2', args: ['{', '[', '"', '\\'] }] },
  status: { phase: 'Running', n: -1.5e3, ok: true, none: null },
});

describe('splitJsonList', () => {
  it.each([
    ['a List', JSON.stringify({ kind: 'PodList', items: [pod('a'), pod('b')], metadata: {} })],
    [
      'pretty-printed, items first',
      JSON.stringify({ items: [pod('a'), 1, null, 'x', []], kind: 'List' }, null, 2),
    ],
    ['no items', JSON.stringify({ kind: 'Pod', metadata: { name: 'a' } })],
    ['empty items', ' { "kind" : "PodList" , "items" : [ ] } \n'],
    ['an empty object', '{}'],
  ])('splits %s into exactly what JSON.parse gives', (_label, text) => {
    expect(rejoin(text)).toEqual(JSON.parse(text));
  });

  it.each([
    ['a trailing comma', '{"kind":"PodList","items":[{"a":1},]}'],
    ['items twice', '{"kind":"PodList","items":[],"items":[{"a":1}]}'],
    ['a __proto__ key', '{"__proto__":{"x":1},"kind":"Pod"}'],
    ['items not an array', '{"kind":"PodList","items":null}'],
    ['text after the object', '{"kind":"Pod"} x'],
    ['an unclosed string', '{"kind":"Pod'],
    ['a bad scalar', '{"kind":tru}'],
  ])('leaves %s to JSON.parse (null)', (_label, text) => {
    expect(splitJsonList(Buffer.from(text))).toBeNull();
  });
});

describe('parseDump from bytes', () => {
  it('gives the same records from a Buffer as from the text', () => {
    const text = JSON.stringify({ kind: 'PodList', items: [pod('a'), null, pod('b')] });
    expect(parseDump(Buffer.from(text), 'pods.json')).toEqual(parseDump(text, 'pods.json'));
    expect(parseDump(Buffer.from(text), 'pods.json').pods.map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });

  it("reports a broken item with JSON.parse's message for the whole file", () => {
    const text = '{"kind":"PodList","items":[{"kind":"Pod"},{"kind":"Pod","x":[1,}]}';
    let expected = '';
    try {
      JSON.parse(text);
    } catch (err: unknown) {
      expected = (err as Error).message;
    }
    expect(() => parseDump(Buffer.from(text), 'pods.json')).toThrow(DumpError);
    expect(() => parseDump(Buffer.from(text), 'pods.json')).toThrow(
      `pods.json is not valid JSON or YAML (${expected})`,
    );
  });
});
