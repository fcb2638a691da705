// Colour arithmetic for the charts, which take theme colours (`--vscode-charts-*`) and need translucent
// fills under the lines. DOM-free: unit-tested in plain Node.

/**
 * `color` with its alpha multiplied by `alpha` (0–1), as `rgba(…)`. Takes the forms VS Code themes
 * write: #rgb, #rgba, #rrggbb, #rrggbbaa, rgb() and rgba(). Anything else comes back unchanged, so an
 * unexpected theme value still draws, only opaque.
 */
export function withAlpha(color: string, alpha: number): string {
  const rgba = parseColor(color.trim());
  if (!rgba) return color;
  const [red, green, blue, ownAlpha] = rgba;
  return `rgba(${red}, ${green}, ${blue}, ${roundAlpha(ownAlpha * clamp(alpha, 0, 1))})`;
}

type Rgba = readonly [number, number, number, number];

function parseColor(color: string): Rgba | undefined {
  const hex = /^#([0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i.exec(color)?.[1];
  if (hex) {
    const digits = hex.length <= 4 ? [...hex].map((digit) => digit + digit) : (hex.match(/../g) ?? []);
    const [red = 0, green = 0, blue = 0, alpha = 255] = digits.map((pair) => parseInt(pair, 16));
    return [red, green, blue, alpha / 255];
  }
  const functional = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+)(%?))?\s*\)$/i.exec(color);
  if (functional) {
    const [, red = '0', green = '0', blue = '0', alpha, percent] = functional;
    const alphaValue = alpha === undefined ? 1 : Number(alpha) / (percent ? 100 : 1);
    return [clamp(Number(red), 0, 255), clamp(Number(green), 0, 255), clamp(Number(blue), 0, 255), clamp(alphaValue, 0, 1)];
  }
  return undefined;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function roundAlpha(alpha: number): number {
  return Math.round(alpha * 1000) / 1000;
}
