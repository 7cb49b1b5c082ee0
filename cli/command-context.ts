/** What every command needs from the program: the connection and the output mode. */
import type { Command } from 'commander';
import { connect, type Connection } from './connection.ts';

export interface CommandContext {
  connect(command: Command): Connection;
  json(command: Command): boolean;
}

interface GlobalOptions {
  json?: boolean;
  outputs?: string;
  stack?: string;
}

export function commandContext(): CommandContext {
  const connections = new Map<string, Connection>();
  return {
    connect(command) {
      const { outputs, stack } = command.optsWithGlobals<GlobalOptions>();
      const key = `${outputs ?? ''}|${stack ?? ''}`;
      let connection = connections.get(key);
      if (!connection) {
        connection = connect({ ...(outputs ? { outputs } : {}), ...(stack ? { stack } : {}) });
        connections.set(key, connection);
      }
      return connection;
    },
    json: (command) => command.optsWithGlobals<GlobalOptions>().json === true,
  };
}
