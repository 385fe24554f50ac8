import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamo } from '../aws/dynamo-client.js';
import { tableName } from '../aws/resource-names.js';
import type { StockTransaction } from './stock.js';

/**
 * Writes a transaction item: the stream consumer's ledger entry for one
 * stock version. Its key is the version it records and its content comes
 * from that version alone, so writing it again (a redelivered stream
 * record) leaves the same one item.
 */
const putTransaction = async (transaction: StockTransaction): Promise<void> => {
  await dynamo().send(new PutCommand({ TableName: tableName('inventory'), Item: transaction }));
};

export { putTransaction };
