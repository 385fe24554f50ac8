import { describe, expect, it } from 'vitest';
import { ChoiceError, manualResolution } from '../../functions/conflicts/domain/manual-choice.js';
import { type ConflictCase, decideConflict } from '../../functions/conflicts/domain/resolution-rules.js';
import { classifyFields } from '../../functions/conflicts/domain/field-changes.js';

/**
 * The rule chain, table-driven: each row is a conflict and the settings, and
 * the decision the rules must reach. The rows are ordered like the rules, and
 * rows marked "before" show that an earlier rule takes precedence.
 */
const T0 = '2026-11-24T10:00:00.000Z';
const plus = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const base = { first_name: 'Ana', phone: '111', title: 'CTO' };

const conflict = (overrides: Partial<ConflictCase>): ConflictCase => ({
  base,
  local: base,
  remote: base,
  localChangedAt: T0,
  remoteChangedAt: plus(10),
  remoteDeleted: false,
  source: 'crm',
  ...overrides,
});
const noPriority = { windowSeconds: 60, prioritySource: null };

describe('Conflicts: the rule chain', () => {
  describe.each([
    {
      label: 'local changed 5 minutes after the remote',
      case: conflict({
        local: { ...base, phone: '222' },
        remote: { ...base, phone: '333' },
        localChangedAt: plus(300),
      }),
      settings: noPriority,
      expected: { kind: 'resolve', rule: 'newest-wins', winner: 'local', values: { ...base, phone: '222' } },
    },
    {
      label: 'remote changed 5 minutes after local',
      case: conflict({
        local: { ...base, phone: '222' },
        remote: { ...base, phone: '333' },
        remoteChangedAt: plus(300),
      }),
      settings: noPriority,
      expected: { kind: 'resolve', rule: 'newest-wins', winner: 'remote', values: { ...base, phone: '333' } },
    },
    {
      label: 'newest wins before the merge: apart past the window, no overlap',
      case: conflict({
        local: { ...base, phone: '222' },
        remote: { ...base, title: 'CEO' },
        remoteChangedAt: plus(120),
      }),
      settings: noPriority,
      expected: { kind: 'resolve', rule: 'newest-wins', winner: 'remote', values: { ...base, title: 'CEO' } },
    },
    {
      label: 'changes within the window to different fields',
      case: conflict({ local: { ...base, phone: '222' }, remote: { ...base, title: 'CEO' } }),
      settings: noPriority,
      expected: { kind: 'resolve', rule: 'merge', winner: 'merge', values: { ...base, phone: '222', title: 'CEO' } },
    },
    {
      label: 'both changed a field to the same value, and each one field more',
      case: conflict({
        local: { ...base, phone: '999', first_name: 'Anna' },
        remote: { ...base, phone: '999', title: 'CEO' },
      }),
      settings: noPriority,
      expected: {
        kind: 'resolve',
        rule: 'merge',
        winner: 'merge',
        values: { first_name: 'Anna', phone: '999', title: 'CEO' },
      },
    },
    {
      label: 'merge before priority: no overlap though a priority source is set',
      case: conflict({ local: { ...base, phone: '222' }, remote: { ...base, title: 'CEO' } }),
      settings: { windowSeconds: 60, prioritySource: 'crm' },
      expected: { kind: 'resolve', rule: 'merge', winner: 'merge' },
    },
    {
      label: 'an overlap and the source is the priority source, with other changes on both sides',
      case: conflict({
        local: { ...base, phone: '222', first_name: 'Anna' },
        remote: { ...base, phone: '333', title: 'CEO' },
      }),
      settings: { windowSeconds: 60, prioritySource: 'crm' },
      expected: {
        kind: 'resolve',
        rule: 'source-priority',
        winner: 'merge',
        values: { first_name: 'Anna', phone: '333', title: 'CEO' },
      },
    },
    {
      label: 'an overlap only, and the source is the priority source',
      case: conflict({ local: { ...base, phone: '222' }, remote: { ...base, phone: '333' } }),
      settings: { windowSeconds: 60, prioritySource: 'crm' },
      expected: { kind: 'resolve', rule: 'source-priority', winner: 'remote', values: { ...base, phone: '333' } },
    },
    {
      label: 'an overlap and the priority source is another system',
      case: conflict({ local: { ...base, phone: '222' }, remote: { ...base, phone: '333' } }),
      settings: { windowSeconds: 60, prioritySource: 'erp' },
      expected: { kind: 'escalate' },
    },
    {
      label: 'an overlap and no priority source',
      case: conflict({ local: { ...base, phone: '222' }, remote: { ...base, phone: '333' } }),
      settings: noPriority,
      expected: { kind: 'escalate' },
    },
    {
      label: 'a remote delete, even long after the local change',
      case: conflict({ local: { ...base, phone: '222' }, remoteDeleted: true, remoteChangedAt: plus(3600) }),
      settings: { windowSeconds: 60, prioritySource: 'crm' },
      expected: { kind: 'escalate', reason: 'the remote side deleted the record' },
    },
    {
      label: 'changes exactly the window apart',
      case: conflict({
        local: { ...base, phone: '222' },
        remote: { ...base, phone: '333' },
        remoteChangedAt: plus(60),
      }),
      settings: noPriority,
      expected: { kind: 'escalate' },
    },
  ])('when $label', ({ case: input, settings, expected }) => {
    it(`decides ${expected.kind} ${'rule' in expected ? expected.rule : ''}`, () => {
      // Act
      const decision = decideConflict(input, settings);
      // Assess
      expect(decision).toMatchObject(expected);
    });
  });

  it('names the overlapping fields with both values when it escalates', () => {
    // Act
    const decision = decideConflict(
      conflict({ local: { ...base, phone: '222' }, remote: { ...base, phone: '333' } }),
      noPriority,
    );
    // Assess
    expect(decision.kind).toBe('escalate');
    expect(decision.kind === 'escalate' && decision.overlapping).toEqual([
      { field: 'phone', base: '111', local: '222', remote: '333', change: 'overlap' },
    ]);
  });

  it('does not take an unreadable change time for a difference past the window', () => {
    // Act
    const decision = decideConflict(
      conflict({ local: { ...base, phone: '222' }, remote: { ...base, title: 'CEO' }, localChangedAt: 'yesterday' }),
      noPriority,
    );
    // Assess
    expect(decision).toMatchObject({ kind: 'resolve', rule: 'merge' });
  });
});

describe('Conflicts: a manual choice', () => {
  const local = { ...base, phone: '222', first_name: 'Anna' };
  const remote = { ...base, phone: '333', title: 'CEO' };
  const fields = classifyFields(base, local, remote);

  it.each([
    ['local', local],
    ['remote', remote],
  ] as const)('takes the %s side whole', (winner, values) => {
    // Act
    const resolution = manualResolution(fields, { winner }, local, remote);
    // Assess
    expect(resolution).toMatchObject({ rule: 'manual', winner, values });
  });

  it('takes each named field from the side or value chosen, and merges the rest', () => {
    // Act
    const resolution = manualResolution(fields, { fields: { phone: { value: '444' } } }, local, remote);
    // Assess
    expect(resolution.values).toEqual({ first_name: 'Anna', phone: '444', title: 'CEO' });
    expect(resolution.winner).toBe('merge');
  });

  it('refuses a field the record does not hold, naming it', () => {
    // Act
    const choose = () => manualResolution(fields, { fields: { fax: 'local', phone: 'local' } }, local, remote);
    // Assess
    expect(choose).toThrow(ChoiceError);
    expect(choose).toThrow('Unknown field(s): fax');
  });

  it('refuses a choice that leaves an overlapping field undecided', () => {
    // Act
    const choose = () => manualResolution(fields, { fields: { title: 'remote' } }, local, remote);
    // Assess
    expect(choose).toThrow('Both sides changed phone');
  });
});
