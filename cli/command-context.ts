/** What every command needs from the program: the app's config, the connection, the output mode. */
import type { Command } from 'commander';
import { loadAppConfig, type LoadedAppConfig } from './app-config.ts';
import { connect, type Connection } from './connection.ts';

export interface CommandContext {
  app(command: Command): Promise<LoadedAppConfig>;
  connect(command: Command): Promise<Connection>;
  json(command: Command): boolean;
}

interface GlobalOptions {
  json?: boolean;
  config?: string;
  outputs?: string;
  stack?: string;
}

export function commandContext(): CommandContext {
  let app: Promise<LoadedAppConfig> | undefined;
  let connection: Promise<Connection> | undefined;
  const loadApp = (command: Command) => (app ??= loadAppConfig(command.optsWithGlobals<GlobalOptions>().config));
  return {
    app: loadApp,
    connect(command) {
      connection ??= loadApp(command).then(({ registry }) => {
        const { outputs, stack } = command.optsWithGlobals<GlobalOptions>();
        return connect(registry, { ...(outputs ? { outputs } : {}), ...(stack ? { stack } : {}) });
      });
      return connection;
    },
    json: (command) => command.optsWithGlobals<GlobalOptions>().json === true,
  };
}
