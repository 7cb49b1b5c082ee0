/** `dashboard`: the web dashboard (dashboard/server.ts) over the pipeline the CLI is configured for. */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { startDashboard } from '../../dashboard/server.ts';
import type { CommandContext } from '../command-context.ts';
import { parseCount } from '../output.ts';

export function registerDashboardCommand(program: Command, cli: CommandContext): void {
  program
    .command('dashboard')
    .description('serve the web dashboard on 127.0.0.1: overview, jobs, failures, DLQs, schedules, health')
    .option('--port <port>', 'port to listen on (0: any free one)', '0')
    .option('--host <host>', 'address to bind; anything but loopback exposes the admin functions to the network', '127.0.0.1')
    .option('--open', 'open it in the default browser')
    .action(async (options: { port: string; host: string; open?: boolean }, command: Command) => {
      const [{ admin, config }, { registry, schedules }] = await Promise.all([cli.connect(command), cli.app(command)]);
      const dashboard = await startDashboard({
        admin,
        registry,
        schedules,
        config,
        host: options.host,
        port: parseCount(options.port, '--port'),
      });
      if (cli.json(command)) console.log(JSON.stringify({ url: dashboard.url }));
      else console.log(`sqs-jobs dashboard for ${config.tableName}:\n  ${dashboard.url}\nCtrl-C stops it.`);
      if (options.open) openBrowser(dashboard.url);
      await new Promise<void>((resolve) => {
        const stop = () => void dashboard.close().then(resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}

function openBrowser(url: string): void {
  const [cmd, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => console.error(`could not open a browser (${cmd}); open the address above`));
  child.unref();
}
