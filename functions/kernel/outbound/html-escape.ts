/**
 * HTML bodies of outbound mail carry values from other systems (a
 * customer's name, a product name typed into an ERP): each is escaped
 * before it is placed in the markup, so a `<script>` in a name arrives as
 * text. Shared by every tool that writes an HTML mail.
 */
const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Text made safe to place in HTML, in element content and in quoted
 * attributes alike.
 *
 * @example
 * escapeHtml('<b>"Tom & Jerry"</b>'); // '&lt;b&gt;&quot;Tom &amp; Jerry&quot;&lt;/b&gt;'
 */
const escapeHtml = (value: string): string => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);

export { escapeHtml };
