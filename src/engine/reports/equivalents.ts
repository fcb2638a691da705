/** One everyday comparison from `data/equivalents.json`. */
export interface EquivalentDefinition {
  readonly id: 'car-km' | 'tv-hours' | 'household-days';
  /** What one unit is, e.g. "km driven by an average car". */
  readonly label: string;
  /** kg CO₂e emitted per unit. */
  readonly kgPerUnit: number;
  readonly source: string;
}

/** The shape of `data/equivalents.json`. */
export interface EquivalentsData {
  readonly provenance: unknown;
  readonly equivalents: readonly EquivalentDefinition[];
}

/** Emissions expressed in one comparison's units. */
export interface EquivalentAmount {
  readonly id: EquivalentDefinition['id'];
  readonly label: string;
  readonly amount: number;
  readonly source: string;
}

/** Converts emissions into each comparison's units; entries with an unusable factor are skipped. */
export function computeEquivalents(emissionsKg: number, data: EquivalentsData): EquivalentAmount[] {
  return data.equivalents
    .filter((equivalent) => Number.isFinite(equivalent.kgPerUnit) && equivalent.kgPerUnit > 0)
    .map(({ id, label, kgPerUnit, source }) => ({ id, label, amount: emissionsKg / kgPerUnit, source }));
}
