import { describe, expect, it } from 'vitest';
import { topology } from '../../lib/topology.js';
import { tableAccessOf, tableUseOf } from '../helpers/source-graph.js';

/**
 * The table grants in the topology are exactly what each function's code
 * calls: read from the handler's bundle (every module it imports, type-only
 * imports left out), the tables each module names with `tableName('x')` and
 * the DynamoDB commands it sends. A grant the code never uses (a Scan,
 * a BatchWriteItem, a DeleteItem) fails here, as does a call without a grant.
 */
describe('Topology: table grants', () => {
  it.each(Object.entries(topology.functions))(
    'grants %s exactly the table operations its code calls',
    (_name, spec) => {
      // Act
      const used = tableAccessOf(spec.entry);

      // Assess
      const declared = Object.fromEntries(
        Object.entries(spec.tables ?? {}).map(([table, ops]) => [table, [...ops].sort()]),
      );
      expect(used).toEqual(declared);
    },
  );

  it('reads the tables and operations of a module from its code, not from its comments', () => {
    // Act
    const use = tableUseOf('functions/kernel/records/record-reads.ts');

    // Assess
    expect(use).toEqual({ tables: ['records'], operations: ['GetItem'] });
  });

  it('counts each item kind of a transaction as the operation IAM authorises it by', () => {
    // Act
    const use = tableUseOf('functions/kernel/records/linked-update.ts');

    // Assess
    expect(use).toEqual({ tables: ['records'], operations: ['PutItem', 'UpdateItem'] });
  });
});
