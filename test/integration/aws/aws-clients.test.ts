import { createAwsClients } from '../../../src/providers/aws/aws-clients';

describe('createAwsClients', () => {
  it('builds the three clients for the configured region, leaving credentials to the default chain', async () => {
    const clients = createAwsClients({ region: 'eu-west-1' });

    for (const client of [clients.eks, clients.cloudformation, clients.cloudfront]) {
      expect(await client.config.region()).toBe('eu-west-1');
      expect(await client.config.maxAttempts()).toBe(3);
      client.destroy();
    }
  });
});
