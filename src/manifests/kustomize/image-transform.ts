/**
 * The kustomize `images:` transformer, reproduced from kustomize's `api/image/image.go` (`IsImageMatched`,
 * `Split`) and `api/filters/imagetag/updater.go` (`SetImageValue`), kustomize v5.
 */

import { compileSafePattern, type SafePattern } from '../../safe-regex.js';

/** One `images:` entry of a kustomization (or the `imageTag` of a builtin `ImageTagTransformer`). */
export interface KustomizeImageEntry {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
  tagSuffix?: string;
}

/** An image string split the way kustomize's `image.Split` splits it. */
export interface SplitImage {
  name: string;
  tag: string;
  digest: string;
}

/**
 * Returns true when kustomize would consider `image` to be the image named `name`.
 *
 * @remarks kustomize builds the regular expression `^<name>(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`
 * without escaping `name`, so a `.` in the name matches any character, as it does in kustomize. A name that
 * is not a valid expression falls back to an exact comparison of the name part. The expression runs on
 * RE2, as in kustomize (Go's regexp): linear time, so a hostile name cannot hang the build.
 */
// RE2 also reads `^*` as Go does (a name starting with `*`, e.g. `*/app`): a repeated start anchor that
// may repeat zero times, so the expression is unanchored at the start (kubectl kustomize v5.5 sets
// `*/app` on `registry.example.com/team/app:1.0` but not on `app:1.0`).
export function isImageMatched(image: string, name: string): boolean {
  let pattern: SafePattern;
  try {
    pattern = compileSafePattern(`^${name}(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$`);
  } catch {
    return splitImage(image).name === name;
  }
  return pattern.test(image);
}

/** Splits an image into name, tag and digest exactly as kustomize's `image.Split` does. */
export function splitImage(image: string): SplitImage {
  // The first `/` separates a possible registry host (which may carry a `:port`) from the path.
  let slashIndex = image.indexOf('/');
  let searchName = image;
  if (slashIndex > 0) {
    searchName = image.slice(slashIndex);
  } else {
    slashIndex = 0;
  }
  let id = searchName.indexOf('@');
  let ic = searchName.indexOf(':');
  if (ic < 0 && id < 0) return { name: image, tag: '', digest: '' };
  if (id >= 0 && (id < ic || ic < 0)) {
    id += slashIndex;
    return { name: image.slice(0, id), tag: '', digest: image.slice(id + 1) };
  }
  if (id >= 0 && ic >= 0) {
    id += slashIndex;
    ic += slashIndex;
    return { name: image.slice(0, ic), tag: image.slice(ic + 1, id), digest: image.slice(id + 1) };
  }
  ic += slashIndex;
  return { name: image.slice(0, ic), tag: image.slice(ic + 1), digest: '' };
}

/**
 * Returns the image after one `images:` entry, or null when the entry does not match it.
 *
 * @remarks Mirrors `imageTagUpdater.SetImageValue`: `newName` replaces the name; `newTag` and `digest`
 * together give `name:tag@digest`; `newTag` alone drops an existing digest; `digest` alone drops the tag;
 * `tagSuffix` (only when neither `newTag` nor `digest` is set) appends to the existing tag and drops the
 * digest.
 */
export function applyImageEntry(image: string, entry: KustomizeImageEntry): string | null {
  if (!isImageMatched(image, entry.name)) return null;
  let { name, tag, digest } = splitImage(image);
  if (entry.newName) name = entry.newName;
  if (entry.newTag && entry.digest) {
    tag = entry.newTag;
    digest = entry.digest;
  } else if (entry.newTag) {
    tag = entry.newTag;
    digest = '';
  } else if (entry.digest) {
    tag = '';
    digest = entry.digest;
  } else if (entry.tagSuffix) {
    tag += entry.tagSuffix;
    digest = '';
  }
  let result = name;
  if (tag) result += `:${tag}`;
  if (digest) result += `@${digest}`;
  return result;
}
