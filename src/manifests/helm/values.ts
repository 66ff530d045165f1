import { isMap, isScalar, isSeq, type LineCounter, type Node } from 'yaml';
import { parseYamlDocument } from '../../yaml.js';
import { clampedPosition, yamlErrorOffset } from '../parse.js';
import { endColumnOf } from '../span.js';
import type { ParseProblem } from '../types.js';

/** Where a values entry was written. */
export interface ValueLocation {
  file: string;
  line: number;
  column: number;
  /** Column just after the value when it is on one line (see `endColumnOf`). */
  endColumn?: number;
}

/** A values tree that remembers where each entry came from (after merging several values files). */
export type PositionedValue =
  | { kind: 'map'; entries: Map<string, PositionedValue>; at: ValueLocation }
  | { kind: 'seq'; items: PositionedValue[]; at: ValueLocation }
  | { kind: 'scalar'; value: string | number | boolean | null; at: ValueLocation };

/** Parses one values file into a positioned tree; an empty file is an empty map. */
export function parseValues(file: string, text: string): { values: PositionedValue; errors: ParseProblem[] } {
  const { document: doc, lineCounter } = parseYamlDocument(text, { uniqueKeys: false });
  const at = (node: Node | null | undefined): ValueLocation => {
    const p = lineCounter.linePos(node?.range?.[0] ?? 0);
    return withEnd({ file, line: p.line, column: p.col }, endColumnOf(node, lineCounter));
  };
  const errors: ParseProblem[] = doc.errors.slice(0, 1).map((e) => {
    const p = clampedPosition(text, lineCounter, yamlErrorOffset(text, e, doc.contents));
    return {
      file,
      line: p.line,
      column: p.column,
      message: `${file} is not valid YAML (${e.message.split('\n')[0]}); helm would refuse this values file.`,
    };
  });
  const root =
    errors.length > 0 || doc.contents === null ? null : positionedFromNode(doc.contents, file, lineCounter);
  return { values: root?.kind === 'map' ? root : { kind: 'map', entries: new Map(), at: at(null) }, errors };
}

/** Converts a parsed YAML node (e.g. a HelmRelease's `spec.values`) into a positioned values tree. */
export function positionedFromNode(node: unknown, file: string, lineCounter: LineCounter): PositionedValue {
  const at = (n: Node | null | undefined): ValueLocation => {
    const p = lineCounter.linePos(n?.range?.[0] ?? 0);
    return withEnd(
      { file, line: p.line, column: p.col },
      isScalar(n) ? endColumnOf(n, lineCounter) : undefined,
    );
  };
  const convert = (n: unknown): PositionedValue => {
    if (isMap(n)) {
      const entries = new Map<string, PositionedValue>();
      for (const pair of n.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : null;
        if (key !== null) entries.set(key, convert(pair.value));
      }
      return { kind: 'map', entries, at: at(n) };
    }
    if (isSeq(n)) return { kind: 'seq', items: n.items.map(convert), at: at(n as Node) };
    if (isScalar(n)) {
      const v = n.value;
      const value = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
      return { kind: 'scalar', value, at: at(n) };
    }
    return { kind: 'scalar', value: null, at: at(n as Node | null) };
  };
  return convert(node);
}

/**
 * Merges values the way helm coalesces them: maps merge key by key, anything else in `override` replaces
 * the base, and an explicit `null` deletes the key.
 */
export function mergeValues(base: PositionedValue, override: PositionedValue): PositionedValue {
  if (base.kind !== 'map' || override.kind !== 'map') return override;
  const entries = new Map(base.entries);
  for (const [key, value] of override.entries) {
    if (value.kind === 'scalar' && value.value === null) {
      entries.delete(key);
      continue;
    }
    const existing = entries.get(key);
    entries.set(key, existing ? mergeValues(existing, value) : value);
  }
  return { kind: 'map', entries, at: base.at };
}

/** Returns the value at a dotted path (`image.repository`), or undefined. */
export function lookupValue(root: PositionedValue, path: string[]): PositionedValue | undefined {
  let node: PositionedValue | undefined = root;
  for (const key of path) {
    if (node?.kind !== 'map') return undefined;
    node = node.entries.get(key);
  }
  return node;
}

/**
 * Returns a scalar as helm prints it in a template: strings as they are, numbers in their shortest form
 * (`tag: 1.10` prints `1.1`, a well-known helm surprise), booleans as `true`/`false`, null as empty.
 */
export function scalarText(value: PositionedValue | undefined): string {
  if (value?.kind !== 'scalar' || value.value === null) return '';
  return String(value.value);
}

function withEnd(at: ValueLocation, endColumn: number | undefined): ValueLocation {
  return endColumn === undefined ? at : { ...at, endColumn };
}
