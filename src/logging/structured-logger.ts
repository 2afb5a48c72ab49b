import { Logger } from '@nestjs/common';

/** A pino-shaped facade over Nest's logger (backed by nestjs-pino), for adapters that log fields. */
export interface StructuredLogger {
  info(fields: Record<string, unknown>, message: string): void;
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export function structuredLogger(context: string): StructuredLogger {
  const logger = new Logger(context);
  return {
    info: (fields, msg) => logger.log({ ...fields, msg }),
    warn: (fields, msg) => logger.warn({ ...fields, msg }),
    error: (fields, msg) => logger.error({ ...fields, msg }),
  };
}
