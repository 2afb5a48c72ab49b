import type { ControllerConfig } from './config/controller.config';
import type { RunningController } from './start-controller';

/** What a person needs after `npm start`: where everything is, and where the tokens are (never the tokens). */
export function describeEndpoints(config: ControllerConfig, controller: RunningController): string {
  const lines = [
    '',
    `cutover controller (${config.provider} provider) is up`,
    `  API      ${controller.url}/v1   (OpenAPI: ${controller.url}/docs)`,
    ...config.apps.map((a) => `  edge     ${controller.edgeUrls[a.name]}   app ${a.name}: what users hit`),
    `  tokens   ${config.tokensFile}${controller.tokensCreated ? '  (generated now, readable only by you)' : ''}`,
    `  state    ${config.stateDir}`,
    '',
    'try:',
    `  curl -s -XPOST ${Object.values(controller.edgeUrls)[0]}/predict -H 'content-type: application/json' \\`,
    `    -d '{"CHAS":{"0":0},"RM":{"0":6.575},"TAX":{"0":296.0},"PTRATIO":{"0":15.3},"B":{"0":396.9},"LSTAT":{"0":4.98}}'`,
    '',
  ];
  return lines.join('\n') + '\n';
}
