import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';

/** The DNS names the fake cluster gives its load balancers: k8s-<namespace>-<name>-<id>.<region>.elb.amazonaws.com. */
const ALB_HOST = /^k8s-(.+)-[a-z0-9]+-\d+\.[a-z0-9-]+\.elb\.amazonaws\.com$/;
/** Nothing listens on port 1: an unknown load balancer refuses connections, as a deleted one would. */
const NOWHERE = 'http://127.0.0.1:1';

/**
 * Stands in for DNS and the ALBs: requests this process makes to a fake load balancer's DNS
 * name reach the predictor process of that namespace on loopback. Any other host that is not
 * loopback is refused, so no test request can leave the machine.
 */
export function installLoopbackLoadBalancers(endpointOf: (namespace: string) => string | undefined): () => void {
  const previous = getGlobalDispatcher();
  const agent = new Agent().compose(
    (dispatch: Dispatcher['dispatch']) => (options, handler) =>
      dispatch({ ...options, origin: route(options.origin) }, handler),
  );
  const route = (origin: string | URL | undefined): string => {
    const url = new URL(String(origin));
    if (url.hostname === '127.0.0.1' || url.hostname === 'localhost') return url.origin;
    const namespace = ALB_HOST.exec(url.hostname)?.[1];
    return (namespace && endpointOf(namespace)) || NOWHERE;
  };
  setGlobalDispatcher(agent);
  return () => setGlobalDispatcher(previous);
}
