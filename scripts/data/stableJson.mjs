/** Deterministic JSON for the committed data files: sorted keys, one table row per line, trailing newline. */

/**
 * Returns a copy of `value` with object keys sorted, recursively.
 * @param {unknown} value
 * @returns {unknown}
 */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    /** @type {Record<string, unknown>} */
    const sorted = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys(/** @type {Record<string, unknown>} */ (value)[key]);
    return sorted;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error(`Non-finite number in data: ${value}`);
  return value;
}

/**
 * Serialises a data file. Arrays of objects become one compact row per line (small diffs); everything
 * else is indented by two spaces.
 * @param {unknown} value
 * @returns {string}
 */
export function stringifyStable(value) {
  return `${render(sortKeys(value), '')}\n`;
}

/**
 * @param {unknown} value
 * @param {string} indent
 * @returns {string}
 */
function render(value, indent) {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every((v) => v !== null && typeof v === 'object' && !Array.isArray(v))) {
      return `[\n${value.map((v) => `${inner}${JSON.stringify(v)}`).join(',\n')}\n${indent}]`;
    }
    return JSON.stringify(value);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${render(v, inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(value);
}

/**
 * Rounds to a fixed number of decimals so rebuilt files do not depend on float noise.
 * @param {number} value
 * @param {number} decimals
 * @returns {number}
 */
export function round(value, decimals) {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
