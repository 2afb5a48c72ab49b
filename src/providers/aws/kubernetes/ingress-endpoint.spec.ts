import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { ingressEndpoint } from './ingress-endpoint';

type Address = NonNullable<NonNullable<NonNullable<IIngress['status']>['loadBalancer']>['ingress']>[number];

function ingress(address?: Address): IIngress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'housing', namespace: 'housing-a1' },
    status: { loadBalancer: address ? { ingress: [address] } : {} },
  };
}

describe('ingressEndpoint', () => {
  it.each<[Address, string]>([
    [
      { hostname: 'k8s-housinga1-housing-0f1e2d3c4b-123456789.eu-west-1.elb.amazonaws.com' },
      'http://k8s-housinga1-housing-0f1e2d3c4b-123456789.eu-west-1.elb.amazonaws.com',
    ],
    [{ ip: '203.0.113.7' }, 'http://203.0.113.7'],
    [{ ip: '2001:db8::7' }, 'http://[2001:db8::7]'],
    [{ ip: '127.0.0.1', ports: [{ port: 41234, protocol: 'TCP' }] }, 'http://127.0.0.1:41234'],
    [{ hostname: 'alb.example', ports: [{ port: 80, protocol: 'TCP' }] }, 'http://alb.example'],
  ])('%j answers at %s', (address, endpoint) => {
    expect(ingressEndpoint(ingress(address))).toEqual({ endpoint });
  });

  it('waits while the load balancer has no address', () => {
    expect(ingressEndpoint(ingress())).toEqual({
      waiting: 'ingress housing-a1/housing has no load balancer address yet',
    });
  });

  it.each(['alb.example/path', 'alb.example:80', 'user@alb.example', 'alb example'])(
    'refuses %j, which is not a host name',
    (hostname) => {
      expect(ingressEndpoint(ingress({ hostname }))).toHaveProperty('problem');
    },
  );
});
