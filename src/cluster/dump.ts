/**
 * Offline input: `kubectl get pods -A -o json` (`--pods-file`) and a List of controllers (`--objects-file`,
 * e.g. `kubectl get deploy,sts,ds,cronjob,job,rs -A -o json`; Events in either file add probe details). Parsing is pure; `readDumpFile` is the only I/O.
 *
 * A dump does not say when it was taken. Unless `--now` is given, it is judged as of the newest object timestamp
 * in it (creation, managedFields, status start/completion times, condition transitions, container state times;
 * never `deletionTimestamp`, which lies in the future during the grace period, nor values such as env vars):
 * a lower bound of when it was taken, so grace periods are never over-counted.
 */
import { readFile } from 'node:fs/promises';
import { parseYamlText } from '../yaml.js';
import { splitJsonList } from './json-list.js';
import {
  CONTROLLER_KINDS,
  type ControllerRecord,
  compactController,
  compactEvent,
  compactPod,
  type EventRecord,
  isControllerKind,
  type PodRecord,
} from './records.js';

/** What a dump file held. */
export interface ParsedDump {
  pods: PodRecord[];
  controllers: ControllerRecord[];
  /** Probe-failure events of pods (`kubectl get events -A -o json` items), for optional enrichment. */
  events: EventRecord[];
  /** The newest timestamp in the dump (ISO), or null when it has none. */
  newest: string | null;
  /** Items of kinds cluster mode does not use (Services, ConfigMaps...), by kind. */
  ignored: Record<string, number>;
  /** Items that were skipped because they are not objects (`null` in `items`), said once per file. */
  warnings: string[];
}

/** Thrown for a dump file that is not a Kubernetes object or List. */
export class DumpError extends Error {
  override name = 'DumpError';
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

type Obj = Record<string, unknown>;

function asObj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function asList(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(asObj).filter((o): o is Obj => o !== undefined) : [];
}

/** Container status times: `state`/`lastState` × running.startedAt, terminated.startedAt/finishedAt. */
function containerTimes(status: Obj, out: unknown[]): void {
  for (const key of ['containerStatuses', 'initContainerStatuses', 'ephemeralContainerStatuses'])
    for (const cs of asList(status[key]))
      for (const which of ['state', 'lastState']) {
        const state = asObj(cs[which]);
        out.push(asObj(state?.running)?.startedAt);
        const t = asObj(state?.terminated);
        out.push(t?.startedAt, t?.finishedAt);
      }
}

/**
 * Adds the newest object timestamp of an item to `best`: only fields the API server or a controller writes
 * (creation, managedFields updates, start/completion/schedule times, condition transitions, container state
 * times). Never `deletionTimestamp` (in the future during the grace period) and never free values such as
 * env vars, annotations or args: an env var `2027-01-01T00:00:00Z` must not move `now`.
 */
function newestIn(item: unknown, best: { ms: number }): void {
  const o = asObj(item);
  if (!o) return;
  const meta = asObj(o.metadata) ?? {};
  const status = asObj(o.status) ?? {};
  const times: unknown[] = [meta.creationTimestamp];
  for (const f of asList(meta.managedFields)) times.push(f.time);
  for (const k of ['startTime', 'completionTime', 'lastScheduleTime', 'lastSuccessfulTime'])
    times.push(status[k]);
  for (const c of asList(status.conditions))
    times.push(c.lastTransitionTime, c.lastUpdateTime, c.lastProbeTime);
  containerTimes(status, times);
  for (const t of times) {
    if (typeof t !== 'string' || !ISO.test(t)) continue;
    const ms = Date.parse(t);
    if (ms > best.ms) best.ms = ms;
  }
}

const LIST_KIND_TO_KIND: Record<string, string> = {
  PodList: 'Pod',
  DeploymentList: 'Deployment',
  StatefulSetList: 'StatefulSet',
  DaemonSetList: 'DaemonSet',
  ReplicaSetList: 'ReplicaSet',
  JobList: 'Job',
  CronJobList: 'CronJob',
  EventList: 'Event',
};

function notParsed(name: string, err: unknown): DumpError {
  const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new DumpError(
    `${name} is not valid JSON or YAML (${reason}); pass the output of kubectl get ... -o json.`,
  );
}

/**
 * The dump's top-level object and its items: a JSON List from its bytes item by item (see json-list.ts), else
 * the whole text in one piece.
 */
function parseText(input: string | Buffer, name: string): { doc: unknown; items?: Iterable<unknown> | null } {
  try {
    const split = jsonStart(input)
      ? splitJsonList(Buffer.isBuffer(input) ? input : Buffer.from(input))
      : null;
    if (split !== null) return { doc: split.root, items: split.items };
    const text = typeof input === 'string' ? input : input.toString('utf8');
    return {
      doc: text.trimStart().startsWith('{') ? JSON.parse(text) : parseYamlText(text, { maxAliasCount: 100 }),
    };
  } catch (err: unknown) {
    throw notParsed(name, err);
  }
}

/** True when the first character after JSON whitespace is `{` (cheap: no decoding of a whole Buffer). */
function jsonStart(input: string | Buffer): boolean {
  const head = typeof input === 'string' ? input.slice(0, 1024) : input.toString('utf8', 0, 1024);
  return /^[ \t\n\r]*\{/.test(head);
}

/** Returns the pods and controllers of a dump's text (JSON, or YAML as `kubectl -o yaml` prints it). */
export function parseDump(text: string | Buffer, name: string): ParsedDump {
  const { doc, items: split } = parseText(text, name);
  const root = doc as { kind?: unknown; items?: unknown };
  if (!root || typeof root !== 'object' || typeof root.kind !== 'string') {
    throw new DumpError(
      `${name} is not a Kubernetes object or List (no "kind"); pass the output of kubectl get ... -o json.`,
    );
  }
  const itemKind = LIST_KIND_TO_KIND[root.kind];
  // Split items are parsed one by one as the loop goes, so each raw object is dropped once compacted.
  const items: Iterable<unknown> =
    split ?? (Array.isArray(root.items) ? root.items : root.kind.endsWith('List') ? [] : [root]);
  const out: ParsedDump = { pods: [], controllers: [], events: [], newest: null, ignored: {}, warnings: [] };
  const best = { ms: -Infinity };
  const notObjects: number[] = [];
  let index = -1;
  for (const item of iterate(items, name)) {
    index++;
    if (!asObj(item)) {
      notObjects.push(index);
      continue;
    }
    const kind = (item as { kind?: unknown }).kind;
    const k = typeof kind === 'string' ? kind : itemKind;
    if (k === 'Pod') out.pods.push(compactPod(item));
    else if (k && isControllerKind(k)) out.controllers.push(compactController(k, item));
    else if (k === 'Event') {
      const e = compactEvent(item);
      if (e) out.events.push(e);
      continue; // an event's time says nothing about when the dump was taken
    } else {
      out.ignored[k ?? 'unknown'] = (out.ignored[k ?? 'unknown'] ?? 0) + 1;
      continue;
    }
    newestIn(item, best);
  }
  if (notObjects.length > 0)
    out.warnings.push(
      `${name}: ${notObjects.length} item(s) of items are not objects (null or a scalar, at index ${notObjects.slice(0, 5).join(', ')}${notObjects.length > 5 ? ', …' : ''}); they were skipped.`,
    );
  if (Number.isFinite(best.ms)) out.newest = new Date(best.ms).toISOString().replace('.000Z', 'Z');
  return out;
}

/** The items, with an item that does not parse reported as the whole dump not parsing. */
function* iterate(items: Iterable<unknown>, name: string): Generator<unknown> {
  const it = items[Symbol.iterator]();
  for (;;) {
    let next: IteratorResult<unknown>;
    try {
      next = it.next();
    } catch (err: unknown) {
      throw notParsed(name, err);
    }
    if (next.done) return;
    yield next.value;
  }
}

/** Reads and parses a dump file; throws a `DumpError` naming the file when it cannot be read. */
export async function readDumpFile(path: string): Promise<ParsedDump> {
  // The bytes, not a string: a JSON List is parsed from them item by item, without a decoded copy.
  let text: Buffer;
  try {
    text = await readFile(path);
  } catch (err: unknown) {
    const code = (err as { code?: string }).code ?? (err instanceof Error ? err.message : String(err));
    throw new DumpError(`Cannot read ${path} (${code}); check the path.`);
  }
  return parseDump(text, path);
}

/** The resource names a controller dump may hold (for messages). */
export const DUMP_RESOURCES = Object.keys(CONTROLLER_KINDS).join(',');
