import { describe, expect, it, vi } from 'vitest';
import { lazySchemas } from '../../functions/kernel/lazy-schemas.js';
import * as z from '../../functions/kernel/validation.js';

describe('lazySchemas: schemas built on first read', () => {
  it('builds nothing when the table is created', () => {
    // Prepare
    const build = vi.fn(() => z.string());

    // Act
    lazySchemas({ name: build });

    // Assess
    expect(build).not.toHaveBeenCalled();
  });

  it('builds a schema on its first read and hands back the same one afterwards', () => {
    // Prepare
    const build = vi.fn(() => z.string());
    const table = lazySchemas({ name: build, other: () => z.number() });

    // Act
    const first = table.name;
    const second = table.name;

    // Assess
    expect(build).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(z.safeParse(first, 'Ana').success).toBe(true);
    expect(z.safeParse(first, 42).success).toBe(false);
  });

  it('lists every key, so callers may iterate it like a plain object', () => {
    // Prepare
    const table = lazySchemas({ a: () => z.string(), b: () => z.number() });

    // Act
    const keys = Object.keys(table);

    // Assess
    expect(keys).toEqual(['a', 'b']);
  });

  it('leaves the others unbuilt when one is read', () => {
    // Prepare
    const unread = vi.fn(() => z.number());
    const table = lazySchemas({ read: () => z.string(), unread });

    // Act
    void table.read;

    // Assess
    expect(unread).not.toHaveBeenCalled();
  });
});
