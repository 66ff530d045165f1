import { describe, expect, it } from 'vitest';
import { detach } from '../../src/manifests/extract.js';

describe('detach', () => {
  it('returns an equal string for every kind of value, lone surrogates included', () => {
    const text = `image: registry.example.com/team/app:1.2.3 \ud800 lone-\udc00-surrogate é 日本`;
    for (const value of [text, text.slice(7, 41), text.slice(41), 'short', '', '\ud800'.repeat(20)]) {
      expect(detach(value)).toBe(value);
    }
  });
});
