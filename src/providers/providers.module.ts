import { DynamicModule } from '@nestjs/common';
import type { ControllerConfig } from '../config/controller.config';
import { ControllerConfigError } from '../config/controller.config';
import { LocalProviderModule } from './local/local-provider.module';

/** One provider for the whole controller, chosen once from config; both bind the same ports. */
export class ProvidersModule {
  static forConfig(config: ControllerConfig): DynamicModule {
    switch (config.provider) {
      case 'local':
        return { module: ProvidersModule, imports: [LocalProviderModule], exports: [LocalProviderModule] };
      case 'aws':
        throw new ControllerConfigError('CUTOVER_PROVIDER=aws: the aws provider is not built yet (tracked in issue 6)');
    }
  }
}
