import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../src/manifests/escape.js';
import { extractFile } from '../../src/manifests/extract.js';

describe('escapeControl', () => {
  it('writes line breaks, tabs and other control characters as escapes, and is idempotent', () => {
    const once = escapeControl('a\nb\r\tc\u001b[31md\u2028');
    expect(once).toBe('a\\nb\\r\\tc\\u001b[31md\\u2028');
    expect(escapeControl(once)).toBe(once);
    expect(escapeControl('plain: nginx:1.27')).toBe('plain: nginx:1.27');
  });

  it('keeps messages that quote a multi-line value on one line', () => {
    const text =
      'kind: Pod\nspec:\n  containers:\n    - name: "a\\tb"\n      image: {repo: x,\n        tag: y}\n';
    const result = extractFile({ path: 'x.yaml', absPath: '/x.yaml', size: text.length }, text);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]?.message).toBe(
      'container a\\tb has an image that is not a string ({repo: x,\\n        tag: y}); write the image as a plain string.',
    );
  });
});
