// Runs `beamlink start ...` from the sources (tests spawn this in a child process they can
// SIGSTOP or kill -9): node --import tsx test/interop/node/run-start.ts start --sname x
import { Command } from 'commander';
import { startCommand } from '../../../src/cli/commands/start.ts';

await new Command('beamlink')
  .addCommand(startCommand())
  .parseAsync(process.argv.slice(2), { from: 'user' });
