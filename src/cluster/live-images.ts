/**
 * The images a live workload runs or would run, as registry-check targets: its template images (what a new pod
 * pulls) and its pods' `imageID` digests (what runs now). Pure.
 */
import { checkKey, parseReference } from '../image/reference.js';
import type { ImageReference } from '../image/types.js';
import { type LiveWorkload, parseImageId, runningImages } from './live.js';
import type { LiveImageSource } from './types.js';

/** One registry-check target: the check key, the parsed reference and where it came from. */
export interface Target {
  key: string;
  ref: ImageReference;
  source: LiveImageSource;
}

/** Returns the images a workload runs or would run, per container: its template images and its pods' digests. */
export function liveImageTargets(
  w: LiveWorkload,
  includeIdle: boolean,
): { container: string; target: Target }[] {
  const out: { container: string; target: Target }[] = [];
  const add = (container: string, image: string, source: LiveImageSource) => {
    const parsed = parseReference(image);
    if (parsed.ok) out.push({ container, target: { key: checkKey(parsed.ref), ref: parsed.ref, source } });
  };
  if (!w.idle || includeIdle) for (const c of w.containers) add(c.name, c.image, 'template');
  if (!w.controller && w.kind !== 'Pod') {
    // Owner kind we do not list (an Argo Rollout...): what its pods asked for is what a new pod would pull.
    const names = new Set(
      w.pods.flatMap((p) => [...(p.spec.initContainers ?? []), ...p.spec.containers].map((c) => c.name)),
    );
    for (const name of names) for (const img of runningImages(w, name).specImages) add(name, img, 'template');
  }
  const names = new Set(
    w.pods.flatMap((p) =>
      [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])].map((s) => s.name),
    ),
  );
  for (const name of [...names].sort()) {
    for (const id of runningImages(w, name).imageIds) {
      const parsed = parseImageId(id);
      if (parsed) add(name, `${parsed.repository}@${parsed.digest}`, 'pod');
    }
  }
  const seen = new Set<string>();
  return out.filter((t) => {
    const k = `${t.container}\u0000${t.target.key}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
