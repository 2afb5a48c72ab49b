import type { FastifyInstance } from 'fastify';
import type { PredictService } from './predict.service';

/**
 * POST /predict is registered on Fastify directly rather than through a Nest controller:
 * measured with `npm run bench:predictor`, Nest's router pipeline cost about 30% of a
 * single-row request. It stays a thin HTTP translation: errors still go through Nest's
 * exception handler and so the one error filter.
 */
export function registerPredictRoute(fastify: FastifyInstance, service: PredictService): void {
  fastify.post('/predict', (request, reply) => {
    const answer = service.predict(request.body);
    void reply.header('x-model-version', answer.model).header('x-release-id', answer.release).send(answer);
  });
}
