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

/** A validator's verdict: the message, or why it was dropped (for the receiver's log). */
export type Checked<T> = { readonly ok: true; readonly message: T } | { readonly ok: false; readonly reason: string };

/**
 * Reads `raw` with `read`; any throw becomes a reason naming the message's type and what was wrong.
 * Never throws, even for a thrown value whose own properties throw.
 */
export function checkMessage<T>(raw: unknown, read: (raw: unknown) => T): Checked<T> {
  try {
    return { ok: true, message: read(raw) };
  } catch (error) {
    let why: string;
    try {
      why = error instanceof Malformed ? error.message : 'unreadable (an accessor or proxy threw)';
    } catch {
      why = 'unreadable (an accessor or proxy threw)';
    }
    const type = messageType(raw);
    return { ok: false, reason: type === undefined ? why : `"${type}": ${why}` };
  }
}

/** The `type` a malformed message claims, when it is a short plain string; read without running getters. */
function messageType(raw: unknown): string | undefined {
  try {
    if (typeof raw !== 'object' || raw === null) return undefined;
    const descriptor = Object.getOwnPropertyDescriptor(raw, 'type');
    const type: unknown = descriptor && 'value' in descriptor ? descriptor.value : undefined;
    return typeof type === 'string' && type.length <= 40 ? type : undefined;
  } catch {
    return undefined;
  }
}

/** A value as a reason names it: its kind, and a short form of a string or number. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  switch (typeof value) {
    case 'string': return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
    case 'number': return String(value);
    case 'object': return 'an object';
    default: return typeof value;
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
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Malformed(`expected an object, got ${describeValue(raw)}`);
  const keys = Object.keys(raw);
  if (keys.length > MAX_KEYS) throw new Malformed(`more than ${MAX_KEYS} keys`);
  const fields: Record<string, unknown> = Object.create(null);
  for (const key of keys) {
    if (FORBIDDEN_KEYS.has(key)) throw new Malformed(`forbidden key "${key}"`);
    const descriptor = Object.getOwnPropertyDescriptor(raw, key);
    if (!descriptor || !('value' in descriptor)) throw new Malformed(`accessor property "${key.slice(0, 40)}"`);
    fields[key] = descriptor.value;
  }
  return fields;
}

/** Absent and `undefined` mean "none"; `null` is malformed, since no sender produces it. */
export function optional<T>(value: unknown, read: (value: unknown) => T): T | undefined {
  return value === undefined ? undefined : read(value);
}

export function readArray<T>(value: unknown, maxLength: number, read: (item: unknown) => T): T[] {
  if (!Array.isArray(value) || value.length > maxLength) {
    throw new Malformed(`expected an array of at most ${maxLength}, got ${describeValue(value)}`);
  }
  const items: T[] = [];
  for (let index = 0; index < value.length; index++) {
    const descriptor = Object.getOwnPropertyDescriptor(value, index);
    if (!descriptor || !('value' in descriptor)) throw new Malformed(`hole or accessor at index ${index}`);
    items.push(read(descriptor.value));
  }
  return items;
}

export function readNumber(value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new Malformed(`expected a number from ${min} to ${max}, got ${describeValue(value)}`);
  }
  return value;
}

export function readNonNegative(value: unknown): number {
  return readNumber(value, 0, Number.MAX_VALUE);
}

export function readInteger(value: unknown, min: number, max: number): number {
  const number = readNumber(value, min, max);
  if (!Number.isInteger(number)) throw new Malformed(`expected an integer, got ${number}`);
  return number;
}

export function readBoolean(value: unknown): boolean {
  if (typeof value !== 'boolean') throw new Malformed(`expected true or false, got ${describeValue(value)}`);
  return value;
}

export function readBoundedText(value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length > maxLength) {
    throw new Malformed(`expected a string of at most ${maxLength} characters, got ${describeValue(value)}`);
  }
  return value;
}

/** A non-empty string of at most `maxLength`. */
export function readNonEmptyText(value: unknown, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new Malformed(`expected an id of 1 to ${maxLength} characters, got ${describeValue(value)}`);
  }
  return value;
}

export function readEnum<T extends string>(value: unknown, choices: readonly T[]): T {
  if (!(choices as readonly unknown[]).includes(value)) {
    throw new Malformed(`expected one of ${choices.join(', ')}, got ${describeValue(value)}`);
  }
  return value as T;
}
