/**
 * Field readers for the protocols' validators: each returns the value when it has the expected shape and
 * throws Malformed otherwise, so a parser reads a whole message in one pass and turns any throw into
 * "drop it". Imports nothing, like the rest of the protocol.
 */

/** A field had the wrong shape; parsers catch it and drop the message. */
export class Malformed extends Error {}

/** A message, or undefined when reading it threw (a bad field, or a hostile Proxy). */
export function orUndefined<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch {
    return undefined;
  }
}

export type Fields = { readonly [key: string]: unknown };

// Keys that could reach Object.prototype if a receiver ever merged the object into another.
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
// The widest view has about 20 fields; the slack lets a newer peer add a few without being dropped.
const MAX_KEYS = 64;

/**
 * Copies a plain object's own data properties into a prototype-free record, so later reads never see
 * inherited values and never run getters.
 */
export function readFields(raw: unknown): Fields {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Malformed('not an object');
  const keys = Object.keys(raw);
  if (keys.length > MAX_KEYS) throw new Malformed('too many keys');
  const fields: Record<string, unknown> = Object.create(null);
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) throw new Malformed('forbidden key');
    const descriptor = Object.getOwnPropertyDescriptor(raw, key);
    if (!descriptor || !('value' in descriptor)) throw new Malformed('accessor property');
    fields[key] = descriptor.value;
  }
  return fields;
}

/** Absent and `undefined` mean "none"; `null` is malformed, since no sender produces it. */
export function optional<T>(value: unknown, read: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

export function readArray<T>(value: unknown, maxLength: number, read: (item: unknown) => T): T[] {
  if (!Array.isArray(value) || value.length > maxLength) throw new Malformed('not a bounded array');
  const items: T[] = [];
  for (let index = 0; index < value.length; index++) {
    const descriptor = Object.getOwnPropertyDescriptor(value, index);
    if (!descriptor || !('value' in descriptor)) throw new Malformed('hole or accessor in array');
    items.push(read(descriptor.value));
  }
  return items;
}

export function readNumber(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Malformed('number out of range');
  }
  return value;
}

export function readNonNegative(value: unknown): number {
  return readNumber(value, 0, Number.MAX_VALUE);
}

export function readInteger(value: unknown, min: number, max: number): number {
  const number = readNumber(value, min, max);
  if (!Number.isInteger(number)) throw new Malformed('not an integer');
  return number;
}

export function readBoolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Malformed('not a boolean');
  return value;
}

export function readBoundedText(value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length > maxLength) throw new Malformed('not a bounded string');
  return value;
}

/** A non-empty string of at most `maxLength`. */
export function readNonEmptyText(value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) throw new Malformed('not an id');
  return value;
}

export function readEnum<T extends string>(value: unknown, choices: readonly T[]): T {
  if (!(choices as readonly unknown[]).includes(value)) throw new Malformed('unknown choice');
  return value as T;
}
