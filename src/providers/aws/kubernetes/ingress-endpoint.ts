import { isIP } from 'node:net';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';

const HOSTNAME = /^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$/;

export type IngressEndpoint = { endpoint: string } | { waiting: string } | { problem: string };

/**
 * Where an Ingress answers, from the load balancer its controller reports in status: the ALB's
 * DNS name on EKS. An address that is not plainly a host is a problem, not something to put in
 * a URL. A port is honoured when the status names one (the ALB listens on 80 and names none).
 */
export function ingressEndpoint(ingress: IIngress): IngressEndpoint {
  const address = ingress.status?.loadBalancer?.ingress?.[0];
  const host = address?.hostname || address?.ip;
  const name = `ingress ${ingress.metadata?.namespace}/${ingress.metadata?.name}`;
  if (!host) return { waiting: `${name} has no load balancer address yet` };
  const ipVersion = isIP(host);
  if (ipVersion === 0 && !HOSTNAME.test(host)) {
    return { problem: `${name} reports load balancer address "${host.slice(0, 80)}", which is not a host name` };
  }
  const port = address?.ports?.[0]?.port;
  const hostPart = ipVersion === 6 ? `[${host}]` : host;
  return { endpoint: `http://${hostPart}${port && port !== 80 ? `:${port}` : ''}` };
}
