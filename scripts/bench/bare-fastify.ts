/**
 * The baseline for bench:predictor: a bare Fastify route (same Fastify copy as the predictor)
 * that parses the same JSON body and answers a constant JSON body. PORT from argv.
 */
import Fastify from 'fastify';

const port = Number(process.argv[2] ?? 0);
const app = Fastify({ bodyLimit: 1024 * 1024 });
const answer = { prediction: [22.5], model: 'constant', release: 'bare' };
app.post('/predict', async () => answer);
app.listen({ port, host: '127.0.0.1' }).then((address) => process.stdout.write(`listening ${address}\n`));
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
