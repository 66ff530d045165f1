import type { ContainerType } from '../types.js';
import { renderedLines } from './template-conditions.js';
import { lookupValue, type PositionedValue, scalarText, type ValueLocation } from './values.js';

/** What a template expression may read besides values: the chart's metadata. */
export interface TemplateContext {
  values: PositionedValue;
  chart: {
    name: string;
    version: string;
    appVersion: string;
    appVersionAt: ValueLocation;
    chartFile: string;
  };
}

/** One piece of an evaluated image string and where it came from. */
export interface ImagePart {
  text: string;
  /** The values entry or Chart.yaml field, or null for literal template text. */
  from: ValueLocation | null;
  /** `.Values.image.tag`, `.Chart.AppVersion`, or null for literal text. */
  expr: string | null;
  /** True when a `default` fell back to its alternative. */
  defaulted: boolean;
  /** For a default: the empty values entry it replaced, when the entry exists. */
  emptyFrom?: ValueLocation | null;
}

/** An `image:` line of a chart template, evaluated against values without running helm. */
export interface TemplateImage {
  line: number;
  column: number;
  /** The value as written in the template. */
  written: string;
  /** The image after evaluation, or null when the line uses template features this evaluator lacks. */
  image: string | null;
  parts: ImagePart[];
  /** `.Values` paths the line reads (`image.repository`), evaluated or not. */
  valuesPaths: string[];
  kind: string | null;
  container: string | null;
  containerType: ContainerType;
  /** False when the line sits in an `if` branch the values switch off (helm would not render it). */
  rendered: boolean;
}

const IMAGE_LINE = /^(\s*)(-\s+)?image:\s*(.*?)\s*$/;
const ACTION = /\{\{-?\s*(.*?)\s*-?\}\}/g;
const VALUES_REF = /\$?\.Values((?:\.[A-Za-z0-9_]+)+)/g;

/**
 * Finds the `image:` lines of a chart template and evaluates the simple ones: literal text, `.Values.x.y`,
 * `.Chart.AppVersion`/`.Chart.Name`/`.Chart.Version`, string literals, `default`, `quote`, `toString`,
 * `trim` and `lower`. Lines inside `range`/`with` blocks, helpers (`include`, `template`, `tpl`) and anything
 * else are returned with `image: null`. Lines inside `if` branches the values switch off are marked `rendered: false`.
 */
export function findTemplateImages(text: string, ctx: TemplateContext): TemplateImage[] {
  const lines = text.split('\n');
  const rendered = renderedLines(text, ctx.values);
  const out: TemplateImage[] = [];
  lines.forEach((lineText, i) => {
    const m = IMAGE_LINE.exec(lineText);
    if (!m) return;
    let written = stripComment(m[3] ?? '');
    if (!written || written === '|' || written === '>') return;
    const column = lineText.indexOf(written, lineText.indexOf('image:') + 6) + 1;
    if (/^(["']).*\1$/.test(written)) written = written.slice(1, -1);
    const valuesPaths = [...written.matchAll(VALUES_REF)].map((r) => (r[1] ?? '').slice(1));
    const parts = evaluate(written, ctx);
    const indent = m[1]?.length ?? 0;
    out.push({
      line: i + 1,
      column,
      written,
      image: parts ? parts.map((p) => p.text).join('') || null : null,
      parts: parts ?? [],
      valuesPaths,
      kind: findKind(lines, i),
      container: findContainerName(lines, i, indent, ctx),
      containerType: findContainerType(lines, i, indent),
      rendered: rendered[i] !== false,
    });
  });
  return out;
}

function stripComment(value: string): string {
  // A quoted value runs to its last quote (actions inside may quote strings: `default "x"`).
  const quoted = /^(["'])(.*)\1(\s+#.*)?$/.exec(value);
  if (quoted) return `${quoted[1]}${quoted[2]}${quoted[1]}`;
  const hash = value.search(/\s#/);
  return (hash >= 0 ? value.slice(0, hash) : value).trim();
}

/** Evaluates a template string into parts, or null when an action is not supported. */
function evaluate(written: string, ctx: TemplateContext): ImagePart[] | null {
  const parts: ImagePart[] = [];
  let last = 0;
  for (const m of written.matchAll(ACTION)) {
    if ((m.index ?? 0) > last)
      parts.push({ text: written.slice(last, m.index), from: null, expr: null, defaulted: false });
    const part = evaluatePipeline(m[1] ?? '', ctx);
    if (!part) return null;
    parts.push(part);
    last = (m.index ?? 0) + m[0].length;
  }
  if (last < written.length)
    parts.push({ text: written.slice(last), from: null, expr: null, defaulted: false });
  if (parts.some((p) => p.text.includes('{{') || p.text.includes('}}'))) return null;
  return parts;
}

function evaluatePipeline(pipeline: string, ctx: TemplateContext): ImagePart | null {
  const commands = pipeline.split('|').map((c) => c.trim());
  let current: ImagePart | null = null;
  for (const command of commands) {
    const words = tokenize(command);
    if (!words || words.length === 0) return null;
    const [fn, ...args] = words;
    if (fn === undefined) return null;
    if (current === null) {
      current =
        fn === 'default' && args.length === 2
          ? applyDefault(term(args[1] ?? '', ctx), args[0] ?? '', ctx)
          : null;
      if (current === null && args.length === 0) current = term(fn, ctx);
      if (current === null && ['quote', 'toString', 'trim', 'lower'].includes(fn) && args.length === 1) {
        current = transform(fn, term(args[0] ?? '', ctx));
      }
      if (current === null) return null;
      continue;
    }
    if (fn === 'default' && args.length === 1) current = applyDefault(current, args[0] ?? '', ctx);
    else if (['quote', 'toString', 'trim', 'lower'].includes(fn) && args.length === 0)
      current = transform(fn, current);
    else return null;
    if (current === null) return null;
  }
  return current;
}

function tokenize(command: string): string[] | null {
  const words: string[] = [];
  const re = /\s*("(?:[^"\\]|\\.)*"|[^\s"]+)/g;
  let m: RegExpExecArray | null = re.exec(command);
  while (m !== null) {
    words.push(m[1] ?? '');
    m = re.exec(command);
  }
  return words;
}

function transform(fn: string, part: ImagePart | null): ImagePart | null {
  if (!part) return null;
  if (fn === 'trim') return { ...part, text: part.text.trim() };
  if (fn === 'lower') return { ...part, text: part.text.toLowerCase() };
  return part; // quote/toString: the YAML value is the same string
}

function applyDefault(
  current: ImagePart | null,
  alternative: string,
  ctx: TemplateContext,
): ImagePart | null {
  if (!current) return null;
  if (current.text !== '') return current;
  const alt = term(alternative, ctx);
  return alt
    ? {
        ...alt,
        defaulted: true,
        emptyFrom: current.from,
        expr: `${current.expr ?? '""'} | default ${alt.expr ?? alt.text}`,
      }
    : null;
}

/** Evaluates one term: `.Values.a.b`, `$.Values.a.b`, `.Chart.X`, or a string literal. */
function term(word: string, ctx: TemplateContext): ImagePart | null {
  if (/^"(?:[^"\\]|\\.)*"$/.test(word))
    return { text: JSON.parse(word) as string, from: null, expr: word, defaulted: false };
  const values = /^\$?\.Values((?:\.[A-Za-z0-9_]+)+)$/.exec(word);
  if (values) {
    const path = (values[1] ?? '').slice(1).split('.');
    const node = lookupValue(ctx.values, path);
    if (node !== undefined && node.kind !== 'scalar') return null;
    return {
      text: scalarText(node),
      from: node?.at ?? null,
      expr: `.Values.${path.join('.')}`,
      defaulted: false,
    };
  }
  const chart = /^\$?\.Chart\.(AppVersion|Name|Version)$/.exec(word);
  if (chart) {
    const field = chart[1];
    const text =
      field === 'AppVersion' ? ctx.chart.appVersion : field === 'Name' ? ctx.chart.name : ctx.chart.version;
    const from =
      field === 'AppVersion' ? ctx.chart.appVersionAt : { file: ctx.chart.chartFile, line: 1, column: 1 };
    return { text, from, expr: `.Chart.${field}`, defaulted: false };
  }
  return null;
}

function findKind(lines: string[], index: number): string | null {
  for (let i = index; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (/^---/.test(line)) return null;
    const m = /^kind:\s*["']?([A-Za-z0-9]+)["']?\s*$/.exec(line);
    if (m) return m[1] ?? null;
  }
  return null;
}

function findContainerName(
  lines: string[],
  index: number,
  imageIndent: number,
  ctx: TemplateContext,
): string | null {
  for (let i = index - 1; i >= 0 && i >= index - 40; i--) {
    const line = lines[i] ?? '';
    const m = /^(\s*)-\s+name:\s*(.+?)\s*$/.exec(line);
    if (m && (m[1]?.length ?? 0) + 2 === imageIndent) {
      const written = (m[2] ?? '').replace(/^(["'])(.*)\1$/, '$2');
      const parts = evaluate(written, ctx);
      return parts ? parts.map((p) => p.text).join('') || null : null;
    }
    const indent = line.length - line.trimStart().length;
    if (line.trim() && !line.trim().startsWith('{{') && indent < imageIndent - 2) break;
  }
  return null;
}

function findContainerType(lines: string[], index: number, imageIndent: number): ContainerType {
  for (let i = index - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    const m = /^(\s*)(initContainers|containers|ephemeralContainers):/.exec(line);
    if (m && (m[1]?.length ?? 0) < imageIndent) {
      return m[2] === 'initContainers'
        ? 'initContainer'
        : m[2] === 'ephemeralContainers'
          ? 'ephemeralContainer'
          : 'container';
    }
  }
  return 'container';
}
