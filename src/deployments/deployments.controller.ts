import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthedRequest } from '../auth/auth.guard';
import { RequireRole } from '../auth/roles';
import { DeploymentView, toView } from './deployment-view';
import { DeploymentsService } from './deployments.service';
import {
  AppParamDto,
  CreateDeploymentDto,
  DeploymentIdDto,
  ListQueryDto,
  PromoteDto,
  RollbackDto,
  StepParamDto,
} from './dto/deployment.dtos';

const actor = (req: AuthedRequest) => req.principal?.name ?? 'unknown';

@ApiTags('deployments')
@ApiBearerAuth()
@Controller('v1')
export class DeploymentsController {
  constructor(private readonly deployments: DeploymentsService) {}

  @Get('apps')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Every app: active and previous release, in-flight deployment, edge origin' })
  listApps() {
    return this.deployments.listApps().then((apps) => ({ apps }));
  }

  @Get('apps/:app')
  @RequireRole('viewer')
  @ApiOperation({ summary: "One app's status" })
  app(@Param() p: AppParamDto) {
    return this.deployments.appStatus(p.app);
  }

  @Post('apps/:app/deployments')
  @RequireRole('ci')
  @ApiOperation({
    summary: 'Start a deployment: 201 new, 200 the same release already in flight, 409 another in flight',
  })
  async create(
    @Param() p: AppParamDto,
    @Body() body: CreateDeploymentDto,
    @Req() req: AuthedRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<DeploymentView> {
    const { deployment, created } = await this.deployments.create(p.app, body, actor(req));
    reply.status(created ? 201 : 200);
    return toView(deployment);
  }

  @Get('apps/:app/releases')
  @RequireRole('viewer')
  @ApiOperation({
    summary:
      'The release ledger: artifact, sha256, model and its metrics, commit, and every deployment of each release',
  })
  async releases(@Param() p: AppParamDto) {
    return { releases: await this.deployments.releases(p.app) };
  }

  @Get('apps/:app/deployments')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'Deployment history, newest first, paginated with an opaque cursor' })
  async list(@Param() p: AppParamDto, @Query() q: ListQueryDto) {
    const page = await this.deployments.list(p.app, q.limit, q.cursor);
    return { items: page.items.map(toView), nextCursor: page.nextCursor ?? null };
  }

  @Get('deployments/:id')
  @RequireRole('viewer')
  @ApiOperation({ summary: 'One deployment: phase, checkpoints, step attempts, smoke report' })
  async get(@Param() p: DeploymentIdDto): Promise<DeploymentView> {
    return toView(await this.deployments.get(p.id));
  }

  @Post('deployments/:id/steps/:step')
  @RequireRole('ci')
  @HttpCode(202)
  @ApiOperation({ summary: 'Allow one step for step-by-step callers; 409 if a step before it has not completed' })
  async step(@Param() p: StepParamDto, @Req() req: AuthedRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { deployment, alreadyDone } = await this.deployments.requestStep(p.id, p.step, actor(req));
    if (alreadyDone) reply.status(200);
    return { ...toView(deployment), step: p.step, alreadyDone };
  }

  @Post('deployments/:id/promote')
  @RequireRole('operator')
  @HttpCode(202)
  @ApiOperation({ summary: 'Approve promotion of a deployment that passed its smoke test' })
  async promote(
    @Param() p: DeploymentIdDto,
    @Body() body: PromoteDto,
    @Req() req: AuthedRequest,
  ): Promise<DeploymentView> {
    return toView(await this.deployments.promote(p.id, actor(req), body));
  }

  @Post('deployments/:id/smoke-test')
  @RequireRole('operator')
  @HttpCode(202)
  @ApiOperation({ summary: 'Re-run the smoke test of a deployment waiting for promotion' })
  async rerunSmokeTest(@Param() p: DeploymentIdDto, @Req() req: AuthedRequest): Promise<DeploymentView> {
    return toView(await this.deployments.rerunSmokeTest(p.id, actor(req)));
  }

  @Post('deployments/:id/abort')
  @RequireRole('operator')
  @HttpCode(202)
  @ApiOperation({ summary: 'Abort: green torn down, edge back on blue' })
  async abort(@Param() p: DeploymentIdDto, @Req() req: AuthedRequest): Promise<DeploymentView> {
    return toView(await this.deployments.abort(p.id, actor(req)));
  }

  @Post('apps/:app/rollback')
  @RequireRole('operator')
  @HttpCode(202)
  @ApiOperation({ summary: 'Back to the previous release (or `to`): a flip while blue still runs, else a redeploy' })
  async rollback(@Param() p: AppParamDto, @Body() body: RollbackDto, @Req() req: AuthedRequest) {
    const { deployment, created } = await this.deployments.rollback(p.app, body.to, actor(req));
    return { ...toView(deployment), created };
  }
}
