import { lookupValue, type PositionedValue, scalarText, type ValueLocation } from './values.js';

/** An image read from values by convention, with the entries that composed it. */
export interface ConventionImage {
  /** Dotted path of the image object or string (`image`, `redis`, `frontend.image`). */
  path: string;
  image: string;
  /** The entry that decides the reference: the digest, else the tag, else the repository (or the string). */
  decidedAt: ValueLocation;
  /** The other entries that took part, each with what it contributed. */
  related: { at: ValueLocation; message: string }[];
  /** True when the tag was empty and the chart's appVersion was assumed. */
  tagFromAppVersion: boolean;
}

const IMAGE_STRING_KEY = /^(image|[A-Za-z0-9]*Image)$/;

/**
 * Returns the images a values tree names by the common chart conventions: objects with `repository`
 * (plus `registry`, `tag`, `digest`, and `global.imageRegistry`), and `image:` / `*Image:` strings.
 *
 * @remarks Best effort: charts compose images in their templates, so this is a guess that matches the
 * common `{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}` shape. An empty
 * tag is assumed to default to the chart's `appVersion`, as that shape does. `skip` holds paths whose images
 * the template evaluator already reported.
 */
export function conventionImages(
  values: PositionedValue,
  chart: { appVersion: string; appVersionAt: ValueLocation },
  skip: Set<string>,
): ConventionImage[] {
  const out: ConventionImage[] = [];
  const globalRegistry = lookupValue(values, ['global', 'imageRegistry']);
  const walk = (node: PositionedValue, path: string[]) => {
    if (node.kind !== 'map') return;
    const dotted = path.join('.');
    const repository = node.entries.get('repository');
    const repoText = scalarText(repository);
    if (repository && repoText && !repoText.includes('{{') && !skip.has(dotted) && path[0] !== 'global') {
      out.push(composeObject(dotted, node, repository, repoText, globalRegistry, chart));
      return;
    }
    for (const [key, child] of node.entries) {
      const childPath = [...path, key];
      if (child.kind === 'map') {
        walk(child, childPath);
        continue;
      }
      const text = scalarText(child);
      if (
        child.kind === 'scalar' &&
        IMAGE_STRING_KEY.test(key) &&
        isImageLike(text) &&
        !skip.has(childPath.join('.'))
      ) {
        out.push({
          path: childPath.join('.'),
          image: text,
          decidedAt: child.at,
          related: [],
          tagFromAppVersion: false,
        });
      }
    }
  };
  walk(values, []);
  return out;
}

function composeObject(
  path: string,
  node: Extract<PositionedValue, { kind: 'map' }>,
  repository: PositionedValue,
  repoText: string,
  globalRegistry: PositionedValue | undefined,
  chart: { appVersion: string; appVersionAt: ValueLocation },
): ConventionImage {
  const related: ConventionImage['related'] = [];
  const registry = scalarText(globalRegistry) ? globalRegistry : node.entries.get('registry');
  const registryText = scalarText(registry);
  let image = registryText ? `${registryText.replace(/\/+$/, '')}/${repoText}` : repoText;
  if (registry && registryText) related.push({ at: registry.at, message: `registry ${registryText}` });
  related.push({ at: repository.at, message: `repository ${repoText}` });
  const tag = node.entries.get('tag');
  const digest = node.entries.get('digest');
  let tagText = scalarText(tag);
  let decidedAt = repository.at;
  let tagFromAppVersion = false;
  if (tagText) {
    decidedAt = tag?.at ?? decidedAt;
  } else if (chart.appVersion) {
    tagText = chart.appVersion;
    tagFromAppVersion = true;
    decidedAt = chart.appVersionAt;
    related.push({
      at: tag?.at ?? repository.at,
      message: `${path}.tag is empty; assumed the chart's appVersion ${chart.appVersion} (the common \`default .Chart.AppVersion\` convention)`,
    });
  }
  if (tagText) image += `:${tagText}`;
  const digestText = scalarText(digest);
  if (digest && digestText) {
    image += `@${digestText}`;
    if (tag && scalarText(tag)) related.push({ at: tag.at, message: `tag ${scalarText(tag)}` });
    decidedAt = digest.at;
  }
  return { path, image, decidedAt, related: related.filter((r) => r.at !== decidedAt), tagFromAppVersion };
}

/** True for strings that look like an image reference rather than a flag or a policy (`IfNotPresent`). */
function isImageLike(text: string): boolean {
  return /^[a-z0-9][a-z0-9._\-/:@]*$/.test(text) && (text.includes('/') || text.includes(':'));
}
