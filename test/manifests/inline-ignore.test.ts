import { describe, expect, it } from 'vitest';
import { parseInlineIgnore } from '../../src/manifests/inline-ignore.js';

describe('parseInlineIgnore', () => {
  it.each([
    [' # k8s-image-check: ignore', ['*']],
    ['  #k8s-image-check:ignore', ['*']],
    [' # k8s-image-check: ignore=latest-tag', ['latest-tag']],
    [' # k8s-image-check: ignore = latest-tag, dirty-tag ', ['latest-tag', 'dirty-tag']],
    [' # pinned by ops; k8s-image-check: ignore=mutable-tag', ['mutable-tag']],
    [' # k8s-image-check: ignore=', ['*']],
  ])('%j → %j', (rest, expected) => {
    expect(parseInlineIgnore(rest)).toEqual(expected);
  });

  it.each(['', ' # a comment', ' # k8s-image-check: check', ' # k8s-image-check: ignored-by-someone'])(
    '%j → none',
    (rest) => {
      expect(parseInlineIgnore(rest)).toBeUndefined();
    },
  );
});
