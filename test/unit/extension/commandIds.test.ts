import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CommandId } from '../../../src/extension/commandIds';

interface ContributedCommand {
  command: string;
  title: string;
  category?: string;
}

const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { commands: ContributedCommand[]; menus?: Record<string, { command: string }[]> };
};

describe('CommandId', () => {
  it('lists exactly the commands package.json contributes', () => {
    const contributed = manifest.contributes.commands.map((command) => command.command).sort();
    assert.deepEqual(contributed, Object.values(CommandId).sort());
  });

  it('puts every command in the "Carbon Meter" category with a title', () => {
    for (const command of manifest.contributes.commands) {
      assert.equal(command.category, 'Carbon Meter', command.command);
      assert.ok(command.title.length > 0, command.command);
    }
  });

  it('only refers to contributed commands from menus', () => {
    const known = new Set<string>(Object.values(CommandId));
    for (const [menu, entries] of Object.entries(manifest.contributes.menus ?? {})) {
      for (const entry of entries) assert.ok(known.has(entry.command), `${menu} refers to ${entry.command}`);
    }
  });
});
