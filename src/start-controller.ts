import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { cleanupOpenApiDoc } from 'nestjs-zod';
import { AppModule } from './app.module';
import { TokenRegistry } from './auth/token-registry';
import {
  answerClientError,
  answerConnect,
  answerFrameworkError,
  answerUnmetExpectation,
  MAX_PARAM_LENGTH,
} from './http/framework-errors';
import type { ControllerConfig } from './config/controller.config';
import { LocalLifecycle } from './providers/local/local-provider.module';
import { EDGE_PORT, type EdgePort } from './providers/ports';
import { ReconcilerService } from './reconciler/reconciler.service';

const BODY_LIMIT_BYTES = 64 * 1024;

export interface RunningController {
  app: NestFastifyApplication;
  url: string;
  tokensCreated: boolean;
  /** Per app, the URL users hit: the local edge, or CloudFront (or the app's custom domain). */
  edgeUrls: Record<string, string>;
  /** Closes the controller; with `everything` on the local provider, also its releases and edge. */
  stop(opts: { everything: boolean }): Promise<void>;
}

/** Boots the controller: tokens, store, provider, HTTP API with OpenAPI at /docs. */
export async function startController(config: ControllerConfig): Promise<RunningController> {
  const { created } =
    config.provider === 'local' ? TokenRegistry.ensureLocalFile(config.tokensFile) : { created: false };
  const tokens = TokenRegistry.fromFile(config.tokensFile);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forConfig(config, tokens),
    new FastifyAdapter({
      bodyLimit: BODY_LIMIT_BYTES,
      routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
      frameworkErrors: answerFrameworkError,
      clientErrorHandler: answerClientError,
    }),
    // Nest's parsers would add a form parser; Fastify's JSON parser is the one the API needs.
    // A failed boot (a state database that cannot be opened, say) rejects instead of Nest
    // exiting the process itself: main says why in one line, and an in-process caller survives.
    { bufferLogs: true, bodyParser: false, abortOnError: false },
  );
  app.useLogger(app.get(Logger));
  // JSON is the only body the API takes: without this, a text/plain body would reach the
  // routes as a string (a confusing 400) instead of being answered with 415.
  app.getHttpAdapter().getInstance().removeContentTypeParser('text/plain');
  // What Node answers by itself (an unmet Expect, a CONNECT) gets the stable error body too.
  app.getHttpAdapter().getInstance().server.on('checkExpectation', answerUnmetExpectation).on('connect', answerConnect);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('cutover')
      .setDescription('Blue-green deployments for ML prediction APIs. Bearer tokens with roles viewer, ci, operator.')
      .setVersion('1')
      .addBearerAuth({
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque token',
        description: 'A token from the tokens file; its role decides what it may do.',
      })
      .build(),
  );
  SwaggerModule.setup('docs', app, cleanupOpenApiDoc(document), { jsonDocumentUrl: 'docs/openapi.json' });
  await app.listen(config.listen.port, config.listen.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.listen.port;
  const stop = async ({ everything }: { everything: boolean }) => {
    if (everything && config.provider === 'local') {
      // The reconciler stops first, so nothing restarts a release while they are being stopped.
      await app.get(ReconcilerService).onApplicationShutdown();
      await app.get(LocalLifecycle, { strict: false }).stopEverything();
    }
    await app.close();
  };
  const edge = app.get<EdgePort>(EDGE_PORT);
  const edgeUrls = Object.fromEntries(config.apps.map((a) => [a.name, edge.publicUrl(a.name)]));
  return { app, url: `http://${config.listen.host}:${port}`, tokensCreated: created, edgeUrls, stop };
}
