import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { Client } from '@libsql/client';
import { CONTROLLER_CONFIG, type ControllerConfig } from '../config/controller.config';
import { openDatabase } from './database';
import { DEPLOYMENT_STORE } from './deployment-store';
import { SqliteDeploymentStore } from './sqlite-deployment-store';

export const DATABASE = Symbol('Database');

/** The SQLite file, opened and migrated once at boot; a file that cannot be opened stops the boot. */
@Global()
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [CONTROLLER_CONFIG],
      useFactory: (config: ControllerConfig) => openDatabase(config.databaseFile),
    },
    { provide: DEPLOYMENT_STORE, inject: [DATABASE], useFactory: (db: Client) => new SqliteDeploymentStore(db) },
  ],
  exports: [DATABASE, DEPLOYMENT_STORE],
})
export class StoreModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Client) {}

  onApplicationShutdown(): void {
    this.db.close();
  }
}
