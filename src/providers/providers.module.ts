import { DynamicModule } from '@nestjs/common';
import type { ControllerConfig } from '../config/controller.config';
import { AwsProviderModule } from './aws/aws-provider.module';
import { LocalProviderModule } from './local/local-provider.module';

/** One provider for the whole controller, chosen once from config; both bind the same ports. */
export class ProvidersModule {
  static forConfig(config: ControllerConfig): DynamicModule {
    switch (config.provider) {
      case 'local':
        return { module: ProvidersModule, imports: [LocalProviderModule], exports: [LocalProviderModule] };
      case 'aws':
        return { module: ProvidersModule, imports: [AwsProviderModule], exports: [AwsProviderModule] };
    }
  }
}
