/**
 * Guesses the microarchitecture of a server CPU from its brand string, in the names the Cloud Carbon Footprint
 * coefficients use ("Cascade Lake", "EPYC 3rd Gen"). Covers the parts cloud VMs report; undefined otherwise.
 * Xeon Scalable: the second digit of the model number is the generation (8175M → 1 → Skylake, 8259CL → Cascade
 * Lake, 8375C → Ice Lake, 8488C → Sapphire Rapids). EPYC: the last digit is the generation (7R32 → 2nd Gen,
 * 7B13 → 3rd Gen, 9R14 → 4th Gen, 9R45 → 5th Gen). Xeon E5/E7 "vN": v2 Ivy Bridge, v3 Haswell, v4 Broadwell, none Sandy Bridge.
 */
export function inferMicroarchitecture(brandString: string): string | undefined {
  const brand = brandString.toLowerCase();
  const scalable = /xeon.*\b(platinum|gold|silver|bronze)\s+\d(\d)\d{2}/.exec(brand);
  if (scalable) {
    return ({ '1': 'Skylake', '2': 'Cascade Lake', '3': 'Ice Lake', '4': 'Sapphire Rapids', '5': 'Emerald Rapids' } as Record<string, string>)[scalable[2] ?? ''];
  }
  const epyc = /epyc\s+\d[0-9a-z]{2}(\d)\b/.exec(brand);
  if (epyc) {
    return ({ '1': 'EPYC 1st Gen', '2': 'EPYC 2nd Gen', '3': 'EPYC 3rd Gen', '4': 'EPYC 4th Gen', '5': 'EPYC 5th Gen' } as Record<string, string>)[epyc[1] ?? ''];
  }
  const xeonE = /xeon.*\be[57]-\d{4}[a-z]*(?:\s+v(\d))?/.exec(brand);
  if (xeonE) {
    return ({ '': 'Sandy Bridge', '2': 'Ivy Bridge', '3': 'Haswell', '4': 'Broadwell' } as Record<string, string>)[xeonE[1] ?? ''];
  }
  return undefined;
}
