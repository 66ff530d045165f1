/** Checks on composed YAML documents that the `yaml` library leaves to its caller (shared by both parse paths). */
import { type Alias, isAlias, isMap, isScalar, isSeq, type Node, visit } from 'yaml';

/** The message of a duplicate mapping key (the `yaml` library's own wording, as reported before). */
export const DUPLICATE_KEY_MESSAGE = 'Map keys must be unique';

/**
 * The error of an alias whose anchor is not earlier in its own document (`roots`: every
 * document's root, `index`: the alias's document), saying when the anchor is in another one.
 */
export function undefinedAliasError(
  alias: Alias,
  roots: readonly unknown[],
  index: number,
): { offset: number; message: string; code: string } {
  const name = alias.source;
  const elsewhere = roots.some((root, i) => i !== index && anchorNames(root).has(name));
  const shown = name.length > 60 ? `${name.slice(0, 60)}…` : name;
  const message = elsewhere
    ? `alias *${shown} refers to an anchor in another document; anchors do not carry across "---" (kubectl rejects the file): repeat the value or its anchor in this document`
    : `alias *${shown} has no anchor &${shown} before it in this document (kubectl rejects the file)`;
  return { offset: alias.range?.[0] ?? 0, message, code: 'UNDEFINED_ALIAS' };
}

/** Every anchor name defined in a document. */
function anchorNames(root: unknown): Set<string> {
  const names = new Set<string>();
  if (root === null || root === undefined) return names;
  visit(root as Node, {
    Node: (_key, n) => {
      if (!isAlias(n) && n.anchor) names.add(n.anchor);
    },
  });
  return names;
}

/** The first alias (in document order) without an anchor of its name before it, or undefined. */
export function firstUndefinedAlias(root: unknown): Alias | undefined {
  if (root === null || root === undefined) return undefined;
  const defined = new Set<string>();
  let found: Alias | undefined;
  visit(root as Node, {
    Node: (_key, n) => {
      if (isAlias(n)) {
        if (!defined.has(n.source)) {
          found = n;
          return visit.BREAK;
        }
      } else if (n.anchor) defined.add(n.anchor);
      return undefined;
    },
  });
  return found;
}

/**
 * The offset of the first duplicate mapping key in document order, or undefined: linear, with
 * the library's notion of equal keys (two scalars with the same value; NaN is never equal, as
 * with `===`) and its order (a pair's key, then the pair's check, then its value).
 */
export function firstDuplicateKey(root: unknown): number | undefined {
  if (isMap(root)) {
    const seen = new Set<unknown>();
    for (const pair of root.items) {
      const inKey = firstDuplicateKey(pair.key);
      if (inKey !== undefined) return inKey;
      const key = pair.key;
      if (isScalar(key) && !Number.isNaN(key.value)) {
        if (seen.has(key.value)) return key.range?.[0] ?? 0;
        seen.add(key.value);
      }
      const inValue = firstDuplicateKey(pair.value);
      if (inValue !== undefined) return inValue;
    }
    return undefined;
  }
  if (isSeq(root)) {
    for (const item of root.items) {
      const found = firstDuplicateKey(item);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
