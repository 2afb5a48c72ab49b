/**
 * Longest path parameter the router hands to a route. Above every DTO's own limit, so those
 * answer with VALIDATION_FAILED naming the parameter; longer ones never reach a route.
 */
export const MAX_PARAM_LENGTH = 256;

// The controller and the predictor answer what Fastify and Node refuse before routing alike.
export {
  answerClientError,
  answerConnect,
  answerFrameworkError,
  answerUnmetExpectation,
} from '../../predictor/src/errors/framework-answers';
