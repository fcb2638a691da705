/** Minimal RFC 4180 CSV reading for the raw data files (quoted fields, embedded newlines, BOM). */

/**
 * Parses CSV text into rows of fields.
 * @param {string} text
 * @returns {string[][]}
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  // Some upstream files (CodeCarbon impact.csv) start with a UTF-8 BOM.
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') {
        quoted = false;
      } else {
        field += ch;
      }
    } else if (ch === '"') {
      quoted = true;
    } else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += ch;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => !(r.length === 1 && r[0] === ''));
}

/**
 * Parses CSV text whose header is at `headerIndex` into objects keyed by header names.
 * @param {string} text
 * @param {{ headerIndex?: number, skipComments?: boolean }} [options]
 * @returns {Record<string, string>[]}
 */
export function parseCsvObjects(text, options = {}) {
  let rows = parseCsv(text);
  if (options.skipComments) rows = rows.filter((r) => !(r[0] ?? '').startsWith('#'));
  const headerIndex = options.headerIndex ?? 0;
  const header = rows[headerIndex] ?? [];
  return rows.slice(headerIndex + 1).map((r) => {
    /** @type {Record<string, string>} */
    const object = {};
    header.forEach((name, i) => {
      object[name.trim()] = (r[i] ?? '').trim();
    });
    return object;
  });
}
