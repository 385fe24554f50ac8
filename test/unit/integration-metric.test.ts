import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The module as a fresh container loads it: Powertools reads POWERTOOLS_METRICS_DISABLED when the metric is first made. */
const freshCount = async () => {
  vi.resetModules();
  return (await import('../../functions/kernel/integration-metric.js')).countForIntegration;
};

/** The EMF documents written to stdout while `act` runs. */
const emfWrittenBy = (act: () => void): Record<string, unknown>[] => {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return lines
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
};

describe('countForIntegration', () => {
  beforeEach(() => {
    // The test config silences metrics; these tests are about what would be published.
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('publishes one count at once under the integration dimension, with no flush by the handler', async () => {
    // Prepare
    const countForIntegration = await freshCount();

    // Act
    const documents = emfWrittenBy(() => countForIntegration('Inbound_synced', 'crm'));

    // Assess
    expect(documents).toHaveLength(1);
    const [document] = documents;
    expect(document).toMatchObject({ Inbound_synced: 1, integration: 'crm' });
    const emf = document?._aws as { CloudWatchMetrics: { Namespace: string; Dimensions: string[][] }[] } | undefined;
    const directive = emf?.CloudWatchMetrics[0];
    expect(directive?.Namespace).toBe('SyncTools');
    expect(directive?.Dimensions[0]).toContain('integration');
    expect(directive?.Dimensions[0]).toContain('service');
  });

  it('keeps the integrations of one batch apart', async () => {
    // Prepare
    const countForIntegration = await freshCount();

    // Act
    const documents = emfWrittenBy(() => {
      countForIntegration('Outbound_delivered', 'crm');
      countForIntegration('Outbound_delivered', 'erp', 3);
    });

    // Assess
    expect(documents.map((document) => [document.integration, document.Outbound_delivered])).toEqual([
      ['crm', 1],
      ['erp', 3],
    ]);
  });

  it('publishes nothing when metrics are disabled', async () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const countForIntegration = await freshCount();

    // Act
    const documents = emfWrittenBy(() => countForIntegration('Alert_sent', 'slack'));

    // Assess
    expect(documents).toEqual([]);
  });
});
