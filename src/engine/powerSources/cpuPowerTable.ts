import { readFileSync } from 'node:fs';

/** One row of CodeCarbon's CPU TDP table. */
export interface CpuPowerRow {
  readonly name: string;
  readonly tdpWatts: number;
}

/** Rows whose lower-cased name contains one of `words`, or all of them when `every`. */
export interface CpuRowFilter {
  readonly words: readonly string[];
  readonly every: boolean;
}

/**
 * CodeCarbon's CPU TDP table: the shape of `data/cpuPower.json` with all its rows, or a reader that returns
 * at least the rows a filter keeps (`readCpuPowerRows`), so that the table need not be parsed whole.
 */
export type CpuPowerData =
  | { readonly provenance?: unknown; readonly cpus: readonly CpuPowerRow[] }
  | { readonly rowsMatching: (filter: CpuRowFilter) => readonly CpuPowerRow[] };

function keeps(filter: CpuRowFilter, lowerCaseText: string): boolean {
  return filter.every ? filter.words.every((word) => lowerCaseText.includes(word)) : filter.words.some((word) => lowerCaseText.includes(word));
}

/** A table row matched to the machine's CPU brand string. */
export interface CpuTdpMatch {
  /** The table's name, e.g. "Intel Xeon Platinum 8375C"; shown in descriptions. */
  readonly name: string;
  readonly tdpWatts: number;
  /** `exact`: same name after normalising; `tokens`: the table name's words all appear in the brand string. */
  readonly matchedBy: 'exact' | 'tokens';
}

/**
 * Reduces a CPU brand string to the words that identify the model:
 * "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz" → "intel xeon platinum 8375c",
 * "AMD Ryzen 9 5950X 16-Core Processor" → "amd ryzen 9 5950x",
 * "12th Gen Intel(R) Core(TM) i7-12700H" → "intel core i7-12700h".
 */
export function normaliseCpuName(name: string): string {
  return name
    .toLowerCase()
    .replace(/\((r|tm|c)\)|[®™]/g, ' ')
    .replace(/@.*$/, ' ')
    .replace(/\b\d+(st|nd|rd|th) gen\b/g, ' ')
    .replace(/\b(with|w\/) radeon.*$/, ' ')
    .replace(/\b\d+-core processor\b|\bprocessor\b|\bcpu\b/g, ' ')
    .replace(/[^a-z0-9+\-. ]/g, ' ')
    .split(/\s+/)
    .filter((token) => token.length > 0)
    .join(' ');
}

/**
 * Finds the TDP of a CPU brand string in the table, following CodeCarbon's `TDP._get_matching_cpu`: an exact match
 * after normalising, else a token match at CodeCarbon's threshold of 100 (every word of the table name is in the
 * brand string, or the reverse). Among token matches the most specific name wins; a tie between different TDPs is
 * ambiguous and gives undefined rather than a guess. A token match must share the model number (a word with a
 * digit), so "Intel Xeon" alone never matches. Duplicate names keep their highest TDP.
 */
export function matchCpuTdp(brandString: string, table: CpuPowerData): CpuTdpMatch | undefined {
  const brand = normaliseCpuName(brandString);
  if (brand === '') return undefined;
  const brandTokens = new Set(brand.split(' '));
  const modelTokens = [...brandTokens].filter((token) => /\d/.test(token));
  // Normalising all ~5,000 names costs ~18 ms, a fifth of the CLI's start-up. Every match shares a model token
  // with the brand (an exact match shares all of its words), and normalising never alters such a token, so
  // only names that contain one as plain text need normalising.
  // Without a model token only an exact match is possible, and it contains every word of the brand.
  const filter: CpuRowFilter = modelTokens.length > 0 ? { words: modelTokens, every: false } : { words: [...brandTokens], every: true };
  const rows = new Map<string, { name: string; tdpWatts: number }>();
  for (const row of 'cpus' in table ? table.cpus : table.rowsMatching(filter)) {
    if (!(row.tdpWatts > 0)) continue;
    if (!keeps(filter, row.name.toLowerCase())) continue;
    const key = normaliseCpuName(row.name);
    const existing = rows.get(key);
    if (!existing || row.tdpWatts > existing.tdpWatts) rows.set(key, { name: row.name, tdpWatts: row.tdpWatts });
  }
  const exact = rows.get(brand);
  if (exact) return { ...exact, matchedBy: 'exact' };

  let best: { name: string; tdpWatts: number; tokenCount: number; tied: boolean } | undefined;
  for (const [key, row] of rows) {
    const tokens = new Set(key.split(' '));
    const contained = [...tokens].every((token) => brandTokens.has(token)) || [...brandTokens].every((token) => tokens.has(token));
    if (!contained || !modelTokens.some((token) => tokens.has(token))) continue;
    if (!best || tokens.size > best.tokenCount) best = { ...row, tokenCount: tokens.size, tied: false };
    else if (tokens.size === best.tokenCount && row.tdpWatts !== best.tdpWatts) best.tied = true;
  }
  return best && !best.tied ? { name: best.name, tdpWatts: best.tdpWatts, matchedBy: 'tokens' } : undefined;
}

/**
 * The rows of a CPU table file (`data/cpuPower.json`) that `filter` may keep, parsing only their lines: the
 * shipped file has one row per line, names verbatim (scripts/buildData.mjs writes it so, and its test checks
 * it), and parsing and validating all ~5,000 rows costs ~15 ms of a CLI start of ~100 ms. The words are looked
 * for in the lower-cased file with indexOf; the caller checks each row's name again. A file in any other
 * layout, or a found line that is not a valid row, is left to `readAll`, the validating loader.
 */
export function readCpuPowerRows(path: string, filter: CpuRowFilter, readAll: () => readonly CpuPowerRow[]): CpuPowerRow[] {
  const fromAll = (): CpuPowerRow[] => readAll().filter((row) => keeps(filter, row.name.toLowerCase()));
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    return fromAll();
  }
  // Latin-1 keeps one character per byte, lower-cased or not, so offsets found here are byte offsets into
  // the UTF-8 file; the words searched for are ASCII.
  const lower = bytes.toString('latin1').toLowerCase();
  if (!lower.includes('\n    {"name":')) return fromAll();
  // With `every`, the lines holding the longest word are the candidates; else those holding any word.
  const searched = filter.every ? [filter.words.reduce((longest, word) => (word.length > longest.length ? word : longest), '')] : filter.words;
  const lineStarts = new Set<number>();
  for (const word of searched) {
    if (word === '') continue;
    for (let at = lower.indexOf(word); at !== -1; at = lower.indexOf(word, at + word.length)) {
      lineStarts.add(lower.lastIndexOf('\n', at) + 1);
    }
  }
  const rows: CpuPowerRow[] = [];
  for (const start of lineStarts) {
    const newline = lower.indexOf('\n', start);
    const end = newline === -1 ? lower.length : newline;
    const line = lower.slice(start, end).trim();
    if (!line.startsWith('{"name":') || !keeps(filter, line)) continue;
    const row = parseRowLine(bytes.toString('utf8', start, end).trim());
    if (!row) return fromAll();
    rows.push(row);
  }
  return rows;
}

function parseRowLine(line: string): CpuPowerRow | undefined {
  try {
    const value = JSON.parse(line.endsWith(',') ? line.slice(0, -1) : line) as Partial<CpuPowerRow>;
    return typeof value.name === 'string' && typeof value.tdpWatts === 'number' && Number.isFinite(value.tdpWatts)
      ? { name: value.name, tdpWatts: value.tdpWatts }
      : undefined;
  } catch {
    return undefined;
  }
}
