import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { BodyTooLargeError, readBoundedBody } from './read-bounded-body';

function request(headers: Record<string, string> = {}): PassThrough & IncomingMessage {
  return Object.assign(new PassThrough(), { headers }) as unknown as PassThrough & IncomingMessage;
}

describe('readBoundedBody', () => {
  it('buffers a body within the limit', async () => {
    const req = request();
    const body = readBoundedBody(req, 10);
    req.write('hello ');
    req.end('world'.slice(0, 4));
    await expect(body).resolves.toEqual(Buffer.from('hello worl'));
  });

  it('refuses a declared length over the limit without reading', async () => {
    await expect(readBoundedBody(request({ 'content-length': '11' }), 10)).rejects.toBeInstanceOf(BodyTooLargeError);
  });

  it('stops as soon as a streamed body passes the limit', async () => {
    const req = request();
    const body = readBoundedBody(req, 10);
    req.write('0123456789');
    req.write('x');
    await expect(body).rejects.toEqual(new BodyTooLargeError(10));
  });

  it('fails when the client goes away mid-body', async () => {
    const req = request();
    const body = readBoundedBody(req, 10);
    req.write('01');
    req.destroy();
    await expect(body).rejects.toThrow(/before the body ended/);
  });
});
