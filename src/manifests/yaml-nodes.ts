import { isAlias, isMap, isScalar, isSeq, type Node, visit } from 'yaml';

/** Default cap on alias dereferences per document while extracting (a YAML bomb stops here). */
export const DEFAULT_MAX_ALIAS_COUNT = 1000;

/** Thrown when a document dereferences more aliases than allowed; `offset` is the alias that tipped it. */
export class AliasLimitError extends Error {
  override name = 'AliasLimitError';
  readonly offset: number;
  readonly limit: number;
  constructor(offset: number, limit: number) {
    super(`more than ${limit} YAML alias expansions`);
    this.offset = offset;
    this.limit = limit;
  }
}

/**
 * Walking state for one parsed document: resolves aliases (lazily, once per document) and
 * counts every dereference against `maxAliasCount`, so nested aliases or merge keys cannot
 * make a lookup exponential.
 */
export class NodeWalker {
  private aliasCount = 0;
  private targets: Map<Node, Node | undefined> | undefined;
  private readonly root: Node | null;
  readonly maxAliasCount: number;

  /** `root` is the document's root node (`contents`). */
  constructor(root: Node | null, maxAliasCount: number = DEFAULT_MAX_ALIAS_COUNT) {
    this.root = root;
    this.maxAliasCount = maxAliasCount;
  }

  /** Follows an alias to its anchored node (counting it); other nodes are returned as they are. */
  deref(node: unknown): Node | undefined {
    if (node === null || node === undefined) return undefined;
    if (!isAlias(node)) return node as Node;
    this.aliasCount += 1;
    if (this.aliasCount > this.maxAliasCount)
      throw new AliasLimitError(node.range?.[0] ?? 0, this.maxAliasCount);
    this.targets ??= this.indexAliases();
    const target = this.targets.get(node);
    // An anchor cannot itself be an alias, so one step is enough.
    return target;
  }

  /** `map[key]`, honouring `<<` merge keys (own keys win, then merge sources in order). */
  get(map: unknown, key: string): Node | undefined {
    const node = this.deref(map);
    if (!isMap(node)) return undefined;
    let merges: unknown[] | undefined;
    let own: unknown;
    let found = false;
    // Last occurrence wins for duplicate keys (as in JSON and yaml's toJS).
    for (const pair of node.items) {
      const k = pair.key;
      if (!isScalar(k)) continue;
      if (k.value === key) {
        own = pair.value;
        found = true;
      } else if (typeof k.value === 'symbol' || (k.value === '<<' && k.type === 'PLAIN')) {
        merges ??= [];
        merges.push(pair.value);
      }
    }
    if (found) return this.deref(own);
    if (merges === undefined) return undefined;
    for (const source of merges) {
      const value = this.deref(source);
      const sources = isSeq(value) ? value.items : [value];
      for (const s of sources) {
        const found = this.get(s, key);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }

  /** The string value of `map[key]` when it is a scalar, else null. */
  getString(map: unknown, key: string): string | null {
    const node = this.get(map, key);
    if (!isScalar(node) || node.value === null || node.value === undefined) return null;
    return typeof node.value === 'string' ? node.value : String(node.value);
  }

  /** The items of a sequence node (aliases resolved), or [] for anything else. */
  items(seq: unknown): Node[] {
    const node = this.deref(seq);
    if (!isSeq(node)) return [];
    const out: Node[] = [];
    for (const item of node.items) {
      const value = this.deref(item);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  /** Keys and values of a mapping without following merge keys or aliases (for bounded searches). */
  entries(map: unknown): Array<[string, Node]> {
    if (!isMap(map)) return [];
    const out: Array<[string, Node]> = [];
    for (const pair of map.items) {
      if (isScalar(pair.key) && typeof pair.key.value === 'string' && pair.value) {
        out.push([pair.key.value, pair.value as Node]);
      }
    }
    return out;
  }

  /** Maps each alias to the last node before it carrying its anchor (YAML's rule), in one pass. */
  private indexAliases(): Map<Node, Node | undefined> {
    const current = new Map<string, Node>();
    const targets = new Map<Node, Node | undefined>();
    if (this.root === null) return targets;
    visit(this.root, {
      Node: (_key, n) => {
        if (isAlias(n)) targets.set(n, current.get(n.source));
        else if (n.anchor) current.set(n.anchor, n);
      },
    });
    return targets;
  }
}
