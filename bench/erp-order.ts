/** Lines of every bench ERP order. */
const ERP_ORDER_LINES = 10;

/**
 * A 10-line sales order as the ERP sends it: the erp-orders suite's load and
 * the memory suite's representative ERP webhook.
 *
 * @example
 * const payload = aBenchErpOrder('SO-1');
 */
const aBenchErpOrder = (id: string) => ({
  orderNumber: id,
  customerId: 'CUST-1',
  orderDate: '2026-12-01',
  requestedShipDate: '2026-12-05',
  status: 'open',
  subtotal: 550,
  taxAmount: 104.5,
  shippingAmount: 9.9,
  total: 664.4,
  currency: 'EUR',
  lineItems: Array.from({ length: ERP_ORDER_LINES }, (_, i) => ({
    sku: `SKU-${1000 + i}`,
    description: `Bench item ${i + 1}, boxed`,
    quantity: i + 1,
    unitPrice: 10,
    discount: 0,
    lineTotal: 10 * (i + 1),
  })),
  lastModified: '2026-12-03T10:00:00Z',
});

export { aBenchErpOrder, ERP_ORDER_LINES };
