import { lookupValue, type PositionedValue } from './values.js';

/** A branch condition's value: known true or false, or unknown (treated as rendered). */
type Truth = true | false | null;

interface Frame {
  /** Whether the current branch renders. */
  current: Truth;
  /** Whether an earlier branch of this if/else chain is known to render. */
  taken: boolean;
  /** Whether an earlier branch of this chain could not be evaluated. */
  unknown: boolean;
}

const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;

/**
 * Returns, for each line of a template, false when the line sits in an `if` branch that the given values
 * switch off (`{{- if .Values.redis.enabled }}` with `enabled: false`), true otherwise.
 *
 * @remarks Only conditions built from `.Values` paths, `not`, `and`, `or` and `eq`/`ne` against literals are
 * evaluated; anything else counts as rendered, so this errs towards reporting an image. A line is judged by
 * the branches open when it starts.
 */
export function renderedLines(text: string, values: PositionedValue): boolean[] {
  const stack: Frame[] = [];
  const out: boolean[] = [];
  for (const line of text.split('\n')) {
    out.push(stack.every((f) => f.current !== false));
    for (const m of line.matchAll(ACTION)) {
      const action = (m[1] ?? '').trim();
      const word = action.split(/\s+/)[0] ?? '';
      const top = stack[stack.length - 1];
      if (word === 'if' || word === 'with') {
        const t = evalCondition(action.slice(word.length).trim(), values);
        stack.push({ current: t, taken: t === true, unknown: t === null });
      } else if (word === 'range' || word === 'block') {
        stack.push({ current: null, taken: false, unknown: true });
      } else if (word === 'define') {
        stack.push({ current: false, taken: false, unknown: false });
      } else if (word === 'else' && top) {
        const rest = action.slice(4).trim();
        const t = rest.startsWith('if ') ? evalCondition(rest.slice(3).trim(), values) : true;
        if (top.taken || t === false) top.current = false;
        else top.current = top.unknown || t === null ? null : true;
        top.taken ||= top.current === true;
        top.unknown ||= t === null;
      } else if (word === 'end') {
        stack.pop();
      }
    }
  }
  return out;
}

/** Evaluates a simple condition against values, or null when it uses anything else. */
export function evalCondition(expr: string, values: PositionedValue): Truth {
  const e = expr.replace(/^\((.*)\)$/, '$1').trim();
  const words = e.split(/\s+/);
  const [head, ...rest] = words;
  if (head === 'not' && rest.length === 1) {
    const t = evalCondition(rest[0] ?? '', values);
    return t === null ? null : !t;
  }
  if ((head === 'and' || head === 'or') && rest.length >= 2) {
    const ts = rest.map((w) => evalCondition(w, values));
    if (head === 'and') return ts.includes(false) ? false : ts.includes(null) ? null : true;
    return ts.includes(true) ? true : ts.includes(null) ? null : false;
  }
  if ((head === 'eq' || head === 'ne') && rest.length === 2) {
    const [a, b] = rest.map((w) => termText(w ?? '', values));
    if (a === undefined || b === undefined) return null;
    return head === 'eq' ? a === b : a !== b;
  }
  if (words.length === 1 && head) {
    const path = /^\$?\.Values((?:\.[A-Za-z0-9_]+)+)$/.exec(head);
    if (!path) return null;
    return truthy(lookupValue(values, (path[1] ?? '').slice(1).split('.')));
  }
  return null;
}

function termText(word: string, values: PositionedValue): string | undefined {
  if (/^"(?:[^"\\]|\\.)*"$/.test(word)) return JSON.parse(word) as string;
  if (/^(true|false|-?\d+(\.\d+)?)$/.test(word)) return word;
  const path = /^\$?\.Values((?:\.[A-Za-z0-9_]+)+)$/.exec(word);
  if (!path) return undefined;
  const node = lookupValue(values, (path[1] ?? '').slice(1).split('.'));
  if (node === undefined) return '';
  return node.kind === 'scalar' ? String(node.value ?? '') : undefined;
}

/** Go template truthiness: false, 0, "", nil and empty collections are false. */
function truthy(node: PositionedValue | undefined): boolean {
  if (node === undefined) return false;
  if (node.kind === 'map') return node.entries.size > 0;
  if (node.kind === 'seq') return node.items.length > 0;
  const v = node.value;
  return !(v === null || v === false || v === 0 || v === '');
}
