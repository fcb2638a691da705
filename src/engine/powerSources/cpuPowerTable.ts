/** The shape of `data/cpuPower.json`: CodeCarbon's CPU TDP table with provenance. */
export interface CpuPowerData {
  readonly provenance?: unknown;
  readonly cpus: readonly { readonly name: string; readonly tdpWatts: number }[];
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
  const mayMatch = modelTokens.length > 0
    ? (lowerName: string) => modelTokens.some((token) => lowerName.includes(token))
    : (lowerName: string) => [...brandTokens].every((token) => lowerName.includes(token));
  const rows = new Map<string, { name: string; tdpWatts: number }>();
  for (const row of table.cpus) {
    if (!(row.tdpWatts > 0)) continue;
    if (!mayMatch(row.name.toLowerCase())) continue;
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
