// Small DOM helpers. Text always goes in through textContent, never innerHTML, so run names,
// commands and diagnostics from the host cannot inject markup.

export interface ElementOptions {
  readonly className?: string;
  readonly text?: string;
  readonly title?: string;
  readonly attributes?: Readonly<Record<string, string>>;
}

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options: ElementOptions = {},
  children: readonly (Node | undefined)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  if (options.title) node.title = options.title;
  for (const [name, value] of Object.entries(options.attributes ?? {})) node.setAttribute(name, value);
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A codicon, decorative: the text next to it says the same. */
export function codicon(name: string, extraClass = ''): HTMLSpanElement {
  return element('span', { className: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, attributes: { 'aria-hidden': 'true' } });
}

/** The element with `id`, which the panel's HTML must have. */
export function requireElement<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`The panel's HTML has no #${id}`);
  return found as T;
}

export function setText(node: HTMLElement, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}
