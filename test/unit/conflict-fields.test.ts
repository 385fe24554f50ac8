import { describe, expect, it } from 'vitest';
import { classifyFields, remoteView, sameValues } from '../../functions/conflicts/domain/field-changes.js';

describe('Conflicts: field classification', () => {
  describe.each([
    { label: 'nobody changed it', base: 'a', local: 'a', remote: 'a', change: 'none' },
    { label: 'only local changed it', base: 'a', local: 'b', remote: 'a', change: 'local' },
    { label: 'only remote changed it', base: 'a', local: 'a', remote: 'c', change: 'remote' },
    { label: 'both changed it to the same value', base: 'a', local: 'b', remote: 'b', change: 'both-same' },
    { label: 'both changed it to different values', base: 'a', local: 'b', remote: 'c', change: 'overlap' },
    { label: 'local added it, remote did not', base: undefined, local: 'b', remote: undefined, change: 'local' },
    { label: 'local removed it, remote changed it', base: 'a', local: undefined, remote: 'c', change: 'overlap' },
    {
      label: 'a null and a missing value are the same',
      base: undefined,
      local: null,
      remote: undefined,
      change: 'none',
    },
  ])('when $label', ({ base, local, remote, change }) => {
    it(`classifies the field as ${change}`, () => {
      // Prepare
      const side = (value: unknown) => (value === undefined ? {} : { f: value });
      // Act
      const [view] = classifyFields(side(base), side(local), side(remote));
      // Assess
      expect(view).toEqual({ field: 'f', base, local, remote, change });
    });
  });

  it('compares nested values by content, not by identity', () => {
    // Act
    const [view] = classifyFields({ a: { x: 1 } }, { a: { x: 1 } }, { a: { x: 2 } });
    // Assess
    expect(view?.change).toBe('remote');
  });

  it('lists every field any side holds, in name order', () => {
    // Act
    const fields = classifyFields({ b: 1 }, { c: 1 }, { a: 1 }).map((v) => v.field);
    // Assess
    expect(fields).toEqual(['a', 'b', 'c']);
  });

  it('lays each remote change over the base, oldest first, keeping the fields a change leaves out', () => {
    // Act
    const view = remoteView({ a: 1, b: 1, c: 1 }, [{ a: 2 }, { a: 3, b: 4 }]);
    // Assess
    expect(view).toEqual({ a: 3, b: 4, c: 1 });
  });

  it('holds two views with a missing and a null field for the same values', () => {
    // Assess
    expect(sameValues({ a: 1, b: null }, { a: 1 })).toBe(true);
    expect(sameValues({ a: 1 }, { a: 2 })).toBe(false);
  });
});
