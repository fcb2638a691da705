/** The parsed values of a JSON Lines text, and how many lines could not be parsed. */
export interface ParsedJsonLines {
  readonly values: readonly unknown[];
  /** Lines that were not valid JSON: a truncated last line after a crash, or garbage. */
  readonly skippedLines: number;
}

/** Serialises one value as a complete line. JSON.stringify never emits a raw newline, so one value is one line. */
export function toJsonLine(value: unknown): string {
  return `${JSON.stringify(value)}\n`;
}

/**
 * Parses JSON Lines, skipping (and counting) lines that are not valid JSON. A last line without its
 * newline is parsed too when it is complete JSON, since only the newline may have been lost.
 */
export function parseJsonLines(text: string): ParsedJsonLines {
  const values: unknown[] = [];
  let skippedLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      values.push(JSON.parse(line));
    } catch {
      skippedLines++;
    }
  }
  return { values, skippedLines };
}
