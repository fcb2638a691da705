import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Checked } from '../../../src/protocol/messageFields';
import { checkHostToPanel, checkPanelToHost, parseHostToPanel, parsePanelToHost } from '../../../src/protocol/panelMessages';
import {
  checkAdvisorHostToPanel, checkAdvisorPanelToHost, parseAdvisorHostToPanel, parseAdvisorPanelToHost,
} from '../../../src/protocol/regionAdvisorMessages';
import {
  advisorHostToPanelMessage, advisorPanelToHostMessage, editAt, hostToPanelMessage, jsonKind, otherKindThan, overTheWire,
  panelToHostMessage, pathsOf,
} from './protocolArbitraries';

interface Validator {
  readonly name: string;
  readonly parse: (raw: unknown) => unknown;
  readonly check: (raw: unknown) => Checked<unknown>;
  readonly valid: fc.Arbitrary<unknown>;
}

const VALIDATORS: readonly Validator[] = [
  { name: 'host → panel', parse: parseHostToPanel, check: checkHostToPanel, valid: hostToPanelMessage },
  { name: 'panel → host', parse: parsePanelToHost, check: checkPanelToHost, valid: panelToHostMessage },
  { name: 'host → Region Advisor', parse: parseAdvisorHostToPanel, check: checkAdvisorHostToPanel, valid: advisorHostToPanelMessage },
  { name: 'Region Advisor → host', parse: parseAdvisorPanelToHost, check: checkAdvisorPanelToHost, valid: advisorPanelToHostMessage },
];

const RUNS = { numRuns: 300 };

/** A valid message, and a path inside it chosen by index. */
const messageAndPath = (valid: fc.Arbitrary<unknown>) => fc.tuple(valid, fc.nat()).map(([message, index]) => {
  const wire = overTheWire(message);
  const paths = pathsOf(wire);
  return { message, wire, path: paths[index % paths.length] ?? ['type'] };
});

/** Never throws; a verdict is either a message that parses to itself, or a short reason. */
function assertVerdict(validator: Validator, raw: unknown): Checked<unknown> {
  const verdict = validator.check(raw);
  if (verdict.ok) {
    assert.deepEqual(validator.parse(verdict.message), verdict.message, 'what is accepted parses to itself');
    assert.deepEqual(validator.parse(raw), verdict.message);
  } else {
    assert.equal(typeof verdict.reason, 'string');
    assert.ok(verdict.reason.length > 0 && verdict.reason.length < 300, verdict.reason);
    assert.equal(validator.parse(raw), undefined);
  }
  return verdict;
}

describe('protocol validators under fuzzing', () => {
  for (const validator of VALIDATORS) {
    describe(validator.name, () => {
      it('never throws on any JSON value, and gives a reason for each one it drops', () => {
        fc.assert(fc.property(fc.jsonValue(), (raw) => void assertVerdict(validator, raw)), RUNS);
      });

      it('never throws on any JavaScript value, null-prototype objects, symbols and boxed values included', () => {
        fc.assert(fc.property(fc.anything({ withNullPrototype: true, withBoxedValues: true, withMap: true, withSet: true, withSparseArray: true }),
          (raw) => void assertVerdict(validator, raw)), RUNS);
      });

      it('keeps every valid message unchanged, as sent and after a structured clone', () => {
        fc.assert(fc.property(validator.valid, (message) => {
          assert.deepEqual(validator.check(message), { ok: true, message });
          assert.deepEqual(validator.parse(overTheWire(message)), message);
        }), RUNS);
      });

      it('drops a message when any one field, at any depth, holds a value of another kind', () => {
        fc.assert(fc.property(messageAndPath(validator.valid).chain(({ wire, path }) => {
          let current: unknown = wire;
          for (const key of path) current = (current as Record<string | number, unknown>)[key];
          return fc.tuple(fc.constant({ wire, path }), otherKindThan(jsonKind(current)));
        }), ([{ wire, path }, replacement]) => {
          const mutated = editAt(wire, path, (container, key) => {
            container[key] = replacement;
          });
          const verdict = assertVerdict(validator, mutated);
          assert.equal(verdict.ok, false, `${path.join('.')} = ${JSON.stringify(replacement)} was accepted`);
        }), RUNS);
      });

      it('never throws when a field is deleted or replaced by any JSON value', () => {
        fc.assert(fc.property(messageAndPath(validator.valid), fc.option(fc.jsonValue()), ({ wire, path }, replacement) => {
          const mutated = editAt(wire, path, (container, key) => {
            if (replacement === null) delete container[key];
            else container[key] = replacement;
          });
          assertVerdict(validator, mutated);
        }), RUNS);
      });

      it('ignores unknown keys (a newer peer may add fields) and returns only the known ones', () => {
        fc.assert(fc.property(validator.valid, fc.string({ minLength: 1 }).filter((key) => !['__proto__', 'constructor', 'prototype'].includes(key)),
          fc.jsonValue(), (message, key, value) => {
            const wire = overTheWire(message) as Record<string, unknown>;
            fc.pre(!(key in wire));
            assert.deepEqual(validator.parse({ ...wire, [key]: value }), message);
          }), RUNS);
      });

      it('drops an object anywhere in a message that carries __proto__, constructor or prototype as its own key', () => {
        const objectPaths = (wire: unknown) => [[], ...pathsOf(wire)].filter((path) => {
          let current: unknown = wire;
          for (const key of path) current = (current as Record<string | number, unknown>)[key];
          return jsonKind(current) === 'object';
        });
        fc.assert(fc.property(validator.valid, fc.nat(), fc.constantFrom('__proto__', 'constructor', 'prototype'), (message, index, key) => {
          const wire = overTheWire(message);
          const paths = objectPaths(wire);
          const path = paths[index % paths.length] ?? [];
          let target = wire as Record<string | number, unknown>;
          for (const step of path) target = target[step] as Record<string | number, unknown>;
          Object.defineProperty(target, key, { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
          const verdict = assertVerdict(validator, wire);
          assert.equal(verdict.ok, false);
          assert.equal(({} as Record<string, unknown>).polluted, undefined);
        }), RUNS);
      });

      it('drops, with a reason, a message whose fields are getters or proxies that throw, without running the getters', () => {
        fc.assert(fc.property(messageAndPath(validator.valid), fc.constantFrom('getter', 'revoked proxy', 'throwing proxy'),
          ({ wire, path }, hostile) => {
            let ran = false;
            const mutated = editAt(wire, path, (container, key) => {
              if (hostile === 'getter') {
                Object.defineProperty(container, key, { enumerable: true, get: () => { ran = true; throw new Error('getter ran'); } });
                return;
              }
              const trap = () => { ran = true; throw new Error('trap ran'); };
              if (hostile === 'revoked proxy') {
                const { proxy, revoke } = Proxy.revocable({}, {});
                revoke();
                container[key] = proxy;
              } else {
                container[key] = new Proxy({}, { get: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap, has: trap });
              }
            });
            const verdict = validator.check(mutated);
            assert.equal(verdict.ok, false);
            if (hostile === 'getter') assert.equal(ran, false, 'a getter was run');
          }), RUNS);
      });
    });
  }

  it('says why a message was dropped: its type and what was wrong, never the whole message', () => {
    assert.deepEqual(checkPanelToHost({ type: 'exportReport', runId: 'run-1', format: 'pdf' }),
      { ok: false, reason: '"exportReport": expected one of csv, json, html, md, got "pdf"' });
    assert.deepEqual(checkPanelToHost({ type: 'selectRun', runId: 'x'.repeat(100_000) }),
      { ok: false, reason: '"selectRun": expected an id of 1 to 200 characters, got a string of 100000 characters' });
    assert.deepEqual(checkPanelToHost('ready'), { ok: false, reason: 'expected an object, got "ready"' });
    assert.deepEqual(checkAdvisorPanelToHost({ type: 'launchMissiles' }), { ok: false, reason: '"launchMissiles": unknown type "launchMissiles"' });
    assert.deepEqual(checkAdvisorPanelToHost({ type: 'setFilters', filters: { providers: [], measuredOnly: 'yes' } }),
      { ok: false, reason: '"setFilters": expected true or false, got "yes"' });
  });
});
