import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { PredictorModule } from './app.module';
import type { PredictorConfig } from './config/predictor.config';
import {
  answerClientError,
  answerConnect,
  answerFrameworkError,
  answerUnmetExpectation,
} from './errors/framework-answers';
import { PredictorMetrics } from './metrics/predictor-metrics.service';
import { registerPredictRoute } from './predict/predict.route';

type Observer = { observe(seconds: number): void };
import { PredictService } from './predict/predict.service';

/** Builds the predictor app (not listening yet), shared by main.ts and the tests. */
export async function createPredictorApp(config: PredictorConfig): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: config.BODY_LIMIT_BYTES,
    // Keep-alive sockets are closed when idle on shutdown so draining does not wait on them.
    forceCloseConnections: 'idle',
    // A malformed URL or request line gets the stable error body too, not Fastify's own.
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
  });
  const app = await NestFactory.create<NestFastifyApplication>(PredictorModule.forConfig(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));

  const fastify = app.getHttpAdapter().getInstance();
  const metrics = app.get(PredictorMetrics);
  // JSON is the only body the API takes: without this, the text and form parsers would hand
  // strings to the routes instead of answering 415. Prototype-poisoning keys are refused.
  // (Nest's own parsers are off: `bodyParser: false` leaves Fastify's JSON parser in charge.)
  fastify.removeContentTypeParser('text/plain');
  // What Node answers by itself (an unmet Expect, a CONNECT) gets the stable error body too.
  fastify.server.on('checkExpectation', answerUnmetExpectation);
  fastify.server.on('connect', answerConnect);
  registerPredictRoute(fastify, app.get(PredictService));
  // One labelled child per (route, method, status), looked up by a string key: prom-client would
  // otherwise hash the label object on every request, a visible share of a single-row /predict.
  const timers = new Map<string, Observer>();
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    const key = `${route} ${req.method} ${reply.statusCode}`;
    let timer = timers.get(key);
    if (!timer) {
      timer = metrics.requestDuration.labels({ route, method: req.method, status: reply.statusCode });
      timers.set(key, timer);
    }
    timer.observe(reply.elapsedTime / 1000);
    done();
  });
  return app;
}
