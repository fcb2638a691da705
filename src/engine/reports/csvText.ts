/**
 * CSV quoting and parsing as Python's csv module does it with QUOTE_MINIMAL (what pandas `to_csv`
 * uses): a field is quoted only when it holds a comma, a quote or a line break, and quotes are doubled.
 */
export function quoteCsvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}

/** One CSV line, with its `\n` terminator (pandas writes `os.linesep`, `\n` on Linux and macOS). */
export function formatCsvLine(fields: readonly string[]): string {
  return `${fields.map(quoteCsvField).join(',')}\n`;
}

/**
 * Splits CSV text into records of fields. Handles quoted fields with commas, doubled quotes and line
 * breaks, and both `\n` and `\r\n` endings. A blank line yields no record.
 */
export function parseCsvRecords(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldStarted = false;
  const endRecord = (): void => {
    if (fieldStarted || fields.length > 0) {
      fields.push(field);
      records.push(fields);
    }
    fields = [];
    field = '';
    fieldStarted = false;
  };
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
      fieldStarted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
      fieldStarted = true;
    } else if (char === '\n') {
      endRecord();
    } else if (char === '\r' && text[index + 1] === '\n') {
      continue;
    } else {
      field += char;
      fieldStarted = true;
    }
  }
  endRecord();
  return records;
}
