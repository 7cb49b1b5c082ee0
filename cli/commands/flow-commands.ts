/** `pause`, `resume`: stop a priority class from running jobs, and let it run again. */
import type { Command } from 'commander';
import type { PauseResult } from '../../shared/admin/pause-classes.ts';
import type { CommandContext } from '../command-context.ts';
import { printJson } from '../output.ts';

export function registerFlowCommands(program: Command, cli: CommandContext): void {
  program
    .command('pause <class>')
    .description('stop a class from starting jobs (running ones finish; messages wait in the queue)')
    .action(async (className: string, _: unknown, command: Command) => {
      const result = await (await cli.connect(command)).admin.pause(className);
      if (cli.json(command)) return printJson(result);
      console.log(`${className} paused${mappingNote(result)}`);
    });

  program
    .command('resume <class>')
    .description('let a paused class run jobs again')
    .action(async (className: string, _: unknown, command: Command) => {
      const result = await (await cli.connect(command)).admin.resume(className);
      if (cli.json(command)) return printJson(result);
      console.log(`${className} resumed${mappingNote(result)}`);
    });
}

function mappingNote(result: PauseResult): string {
  return result.mappings.length > 0 ? ` (event source mapping ${result.mappings.join(', ')})` : '';
}
