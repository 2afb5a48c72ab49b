import { Controller, Get, Headers, Param, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequireRole } from '../auth/roles';
import { DeploymentsService } from './deployments.service';
import { DeploymentIdDto } from './dto/deployment.dtos';

const POLL_MS = 250;
const HEARTBEAT_MS = 15_000;
/** A stream never outlives this, so a forgotten client cannot hold a connection forever. */
const MAX_STREAM_MS = 60 * 60 * 1000;

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1/deployments')
export class DeploymentEventsController {
  constructor(private readonly deployments: DeploymentsService) {}

  /**
   * Server-sent events of a deployment's progress. Resumes after `Last-Event-ID` (or `?after=`);
   * ends once the deployment has finished and every event was sent.
   */
  @Get(':id/events')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Server-sent events: step.started, step.finished, phase, finished …' })
  async stream(
    @Param() p: DeploymentIdDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Query('after') after: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.deployments.get(p.id);
    let cursor = Number(lastEventId ?? after ?? 0);
    if (!Number.isSafeInteger(cursor) || cursor < 0) cursor = 0;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    let closed = false;
    req.raw.on('close', () => (closed = true));
    const started = Date.now();
    let lastWrite = Date.now();
    while (!closed && Date.now() - started < MAX_STREAM_MS) {
      // Read "finished" before the events: the final save writes both at once, so a stream
      // that saw the deployment finished and then no new event has sent everything.
      const wasFinished = (await this.deployments.get(p.id)).finishedAt !== undefined;
      const events = await this.deployments.events(p.id, cursor);
      for (const e of events) {
        raw.write(
          `id: ${e.id}\nevent: ${e.type}\ndata: ${JSON.stringify({ ...e.data, at: e.at, deploymentId: e.deploymentId })}\n\n`,
        );
        cursor = e.id;
        lastWrite = Date.now();
      }
      if (events.length === 0) {
        if (wasFinished) break;
        if (Date.now() - lastWrite > HEARTBEAT_MS) {
          raw.write(': heartbeat\n\n');
          lastWrite = Date.now();
        }
        await new Promise((r) => setTimeout(r, POLL_MS));
      }
    }
    raw.end();
  }
}
