import {
  AlreadyExistsException,
  CloudFormationClient,
  CloudFormationServiceException,
  CreateStackCommand,
  DescribeStackEventsCommand,
  DescribeStacksCommand,
  InsufficientCapabilitiesException,
  UpdateStackCommand,
  type CreateStackInput,
  type DescribeStackEventsInput,
  type DescribeStacksInput,
  type Parameter,
  type Stack,
  type StackEvent,
  type UpdateStackInput,
} from '@aws-sdk/client-cloudformation';
import { mockClient } from 'aws-sdk-client-mock';
import { yamlParse } from 'yaml-cfn';

/** What applying a template's resources does outside CloudFormation (e.g. to CloudFront). */
export interface StackResources {
  create(params: Record<string, string>): Record<string, string>;
  update(params: Record<string, string>, outputs: Record<string, string>): void;
}

interface ParameterDefinition {
  Default?: string;
  AllowedValues?: string[];
  AllowedPattern?: string;
  MaxLength?: number;
}

interface Template {
  Parameters?: Record<string, ParameterDefinition>;
  Resources: Record<string, { Type: string }>;
}

type Pending = 'create-complete' | 'update-complete' | 'update-fails' | 'rollback-complete' | 'rollback-fails';

interface FakeStack {
  stackId: string;
  stackName: string;
  status: string;
  template: Template;
  parameters: Record<string, string>;
  previousParameters?: Record<string, string>;
  outputs: Record<string, string>;
  tags: Record<string, string>;
  roleArn?: string;
  terminationProtection: boolean;
  createdAt: Date;
  /** Newest first, as DescribeStackEvents returns them. */
  events: StackEvent[];
  pending?: Pending;
  ticksLeft: number;
  token?: string;
}

export interface ScriptedFailure {
  resource: string;
  reason: string;
  /** The rollback fails too, leaving UPDATE_ROLLBACK_FAILED. */
  rollbackFails?: boolean;
}

const metadata = { $metadata: {} };
const UPDATABLE = [
  'CREATE_COMPLETE',
  'UPDATE_COMPLETE',
  'UPDATE_ROLLBACK_COMPLETE',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_COMPLETE',
];

/**
 * An in-memory CloudFormation for stacks of one resource: parameters are validated against the
 * template (AllowedValues, AllowedPattern, defaults, UsePreviousValue); an update with equal
 * parameters is the "No updates are to be performed." ValidationError; stacks move through
 * *_IN_PROGRESS to their final state as time passes (each DescribeStacks is a tick); a scripted
 * failure rolls the next update back with the stack events CloudFormation would write.
 */
export class FakeCloudFormation {
  private readonly stacks = new Map<string, FakeStack>();
  private readonly failures: ScriptedFailure[] = [];
  /** The scripted failure an in-flight update is heading for, by stack name. */
  private readonly pendingFailure = new Map<string, ScriptedFailure>();
  private serial = 0;
  private clock = Date.parse('2024-05-01T10:00:00Z');

  constructor(
    private readonly options: { resources: StackResources; ticksToSettle?: number; eventsPageSize?: number },
  ) {}

  install() {
    const mock = mockClient(CloudFormationClient);
    mock.on(DescribeStacksCommand).callsFake((input) => this.describeStacks(input));
    mock.on(UpdateStackCommand).callsFake((input) => this.updateStack(input));
    mock.on(CreateStackCommand).callsFake((input) => this.createStack(input));
    mock.on(DescribeStackEventsCommand).callsFake((input) => this.describeStackEvents(input));
    return mock;
  }

  /** A stack created earlier (by the bootstrap, by hand), already CREATE_COMPLETE. */
  seedStack(input: { stackName: string; templateBody: string; parameters: Record<string, string> }): void {
    this.createStack({
      StackName: input.stackName,
      TemplateBody: input.templateBody,
      Parameters: Object.entries(input.parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
    });
    this.settle();
  }

  /** The next update fails on `resource` and rolls back. */
  failNextUpdate(failure: ScriptedFailure): void {
    this.failures.push(failure);
  }

  /** Lets time pass, without anyone looking, until no stack operation is in progress. */
  settle(): void {
    for (let i = 0; i < 100 && [...this.stacks.values()].some((s) => s.pending); i++) this.tick();
  }

  stack(name: string): Readonly<FakeStack> | undefined {
    return this.stacks.get(name);
  }

  describeStacks(input: DescribeStacksInput) {
    const stack = this.find(input.StackName);
    this.tick();
    return { ...metadata, Stacks: [this.view(stack)] };
  }

  createStack(input: CreateStackInput) {
    const name = input.StackName ?? '';
    if (this.stacks.has(name))
      throw new AlreadyExistsException({ ...metadata, message: `Stack [${name}] already exists` });
    if (!input.TemplateBody) throw validationError('Either Template URL or Template Body must be specified.');
    const template = yamlParse(input.TemplateBody) as Template;
    this.requireCapabilities(template, input.Capabilities);
    const stack: FakeStack = {
      stackId: `arn:aws:cloudformation:eu-west-1:111122223333:stack/${name}/${String(++this.serial).padStart(8, '0')}`,
      stackName: name,
      status: 'CREATE_IN_PROGRESS',
      template,
      parameters: resolveParameters(template, input.Parameters ?? [], undefined),
      outputs: {},
      tags: Object.fromEntries((input.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])),
      roleArn: input.RoleARN,
      terminationProtection: input.EnableTerminationProtection ?? false,
      createdAt: this.now(),
      events: [],
      pending: 'create-complete',
      ticksLeft: this.options.ticksToSettle ?? 2,
      token: input.ClientRequestToken,
    };
    this.stacks.set(name, stack);
    this.event(stack, stack.stackName, 'CREATE_IN_PROGRESS', 'User Initiated');
    this.event(stack, this.resourceName(stack), 'CREATE_IN_PROGRESS');
    return { ...metadata, StackId: stack.stackId };
  }

  updateStack(input: UpdateStackInput) {
    const stack = this.find(input.StackName);
    if (!UPDATABLE.includes(stack.status)) {
      throw validationError(`Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
    let template = stack.template;
    if (input.TemplateBody) template = yamlParse(input.TemplateBody) as Template;
    else if (!input.UsePreviousTemplate)
      throw validationError('Either Template URL or Template Body must be specified.');
    this.requireCapabilities(template, input.Capabilities);
    const parameters = resolveParameters(template, input.Parameters ?? [], stack.parameters);
    if (template === stack.template && sameParameters(parameters, stack.parameters)) {
      throw validationError('No updates are to be performed.');
    }
    const failure = this.failures.shift();
    Object.assign(stack, {
      status: 'UPDATE_IN_PROGRESS',
      template,
      previousParameters: stack.parameters,
      parameters,
      pending: failure ? 'update-fails' : 'update-complete',
      ticksLeft: this.options.ticksToSettle ?? 2,
      token: input.ClientRequestToken,
    });
    this.event(stack, stack.stackName, 'UPDATE_IN_PROGRESS', 'User Initiated');
    this.event(stack, this.resourceName(stack), 'UPDATE_IN_PROGRESS');
    if (failure) this.pendingFailure.set(stack.stackName, failure);
    else this.options.resources.update(parameters, stack.outputs);
    return { ...metadata, StackId: stack.stackId };
  }

  describeStackEvents(input: DescribeStackEventsInput) {
    const stack = this.find(input.StackName);
    const size = this.options.eventsPageSize ?? 100;
    const start = Number(input.NextToken ?? 0);
    const page = stack.events.slice(start, start + size);
    const next = start + size < stack.events.length ? String(start + size) : undefined;
    return { ...metadata, StackEvents: structuredClone(page), NextToken: next };
  }

  private tick(): void {
    for (const stack of this.stacks.values()) {
      if (!stack.pending || stack.ticksLeft-- > 0) continue;
      this.advance(stack);
    }
  }

  private advance(stack: FakeStack): void {
    const resource = this.resourceName(stack);
    const failure = this.pendingFailure.get(stack.stackName);
    const ticks = this.options.ticksToSettle ?? 2;
    switch (stack.pending) {
      case 'create-complete':
        stack.outputs = this.options.resources.create(stack.parameters);
        this.event(stack, resource, 'CREATE_COMPLETE');
        this.finish(stack, 'CREATE_COMPLETE');
        return;
      case 'update-complete':
        this.event(stack, resource, 'UPDATE_COMPLETE');
        this.event(stack, stack.stackName, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
        this.finish(stack, 'UPDATE_COMPLETE');
        return;
      case 'update-fails':
        this.event(stack, resource, 'UPDATE_FAILED', failure?.reason);
        this.event(
          stack,
          stack.stackName,
          'UPDATE_ROLLBACK_IN_PROGRESS',
          `The following resource(s) failed to update: [${failure?.resource ?? resource}].`,
        );
        Object.assign(stack, {
          status: 'UPDATE_ROLLBACK_IN_PROGRESS',
          pending: failure?.rollbackFails ? 'rollback-fails' : 'rollback-complete',
          ticksLeft: ticks,
        });
        return;
      case 'rollback-complete':
        this.event(stack, resource, 'UPDATE_COMPLETE');
        this.event(stack, stack.stackName, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
        stack.parameters = stack.previousParameters ?? stack.parameters;
        this.pendingFailure.delete(stack.stackName);
        this.finish(stack, 'UPDATE_ROLLBACK_COMPLETE');
        return;
      case 'rollback-fails':
        this.event(
          stack,
          resource,
          'UPDATE_FAILED',
          'Resource handler returned message: "Rate exceeded" during rollback',
        );
        this.pendingFailure.delete(stack.stackName);
        this.finish(stack, 'UPDATE_ROLLBACK_FAILED', `The following resource(s) failed to update: [${resource}].`);
        return;
    }
  }

  private finish(stack: FakeStack, status: string, reason?: string): void {
    this.event(stack, stack.stackName, status, reason);
    Object.assign(stack, { status, pending: undefined, ticksLeft: 0 });
  }

  private event(stack: FakeStack, logicalId: string, status: string, reason?: string): void {
    const isStack = logicalId === stack.stackName;
    stack.events.unshift({
      StackId: stack.stackId,
      StackName: stack.stackName,
      EventId: `${logicalId}-${status}-${stack.events.length}`,
      LogicalResourceId: logicalId,
      PhysicalResourceId: isStack ? stack.stackId : stack.outputs.DistributionId,
      ResourceType: isStack ? 'AWS::CloudFormation::Stack' : stack.template.Resources[logicalId]?.Type,
      Timestamp: this.now(),
      ResourceStatus: status as StackEvent['ResourceStatus'],
      ResourceStatusReason: reason,
      ClientRequestToken: stack.token,
    });
  }

  private view(stack: FakeStack): Stack {
    return {
      StackId: stack.stackId,
      StackName: stack.stackName,
      StackStatus: stack.status as Stack['StackStatus'],
      CreationTime: stack.createdAt,
      Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      Tags: Object.entries(stack.tags).map(([Key, Value]) => ({ Key, Value })),
      RoleARN: stack.roleArn,
      EnableTerminationProtection: stack.terminationProtection,
    };
  }

  private find(name: string | undefined): FakeStack {
    const stack = this.stacks.get(name ?? '');
    if (!stack) throw validationError(`Stack with id ${name} does not exist`);
    return stack;
  }

  private resourceName(stack: FakeStack): string {
    return Object.keys(stack.template.Resources)[0];
  }

  private requireCapabilities(template: Template, capabilities: string[] | undefined): void {
    const iam = Object.values(template.Resources).some((r) => r.Type.startsWith('AWS::IAM::'));
    if (iam && !capabilities?.some((c) => c.startsWith('CAPABILITY_'))) {
      throw new InsufficientCapabilitiesException({ ...metadata, message: 'Requires capabilities : [CAPABILITY_IAM]' });
    }
  }

  private now(): Date {
    this.clock += 1000;
    return new Date(this.clock);
  }
}

/** CloudFormation's catch-all client error; not a modeled exception class in the SDK. */
export function validationError(message: string): CloudFormationServiceException {
  return new CloudFormationServiceException({ ...metadata, name: 'ValidationError', $fault: 'client', message });
}

function resolveParameters(
  template: Template,
  given: Parameter[],
  previous: Record<string, string> | undefined,
): Record<string, string> {
  const definitions = template.Parameters ?? {};
  const unknown = given.map((p) => p.ParameterKey ?? '').filter((k) => !(k in definitions));
  if (unknown.length > 0) throw validationError(`Parameters: [${unknown.join(', ')}] do not exist in the template`);
  const resolved: Record<string, string> = {};
  for (const [key, definition] of Object.entries(definitions)) {
    const p = given.find((g) => g.ParameterKey === key);
    if (p?.UsePreviousValue && p.ParameterValue !== undefined) {
      throw validationError(
        `Invalid input for parameter key ${key}. Cannot specify usePreviousValue as true and non empty value for a parameter`,
      );
    }
    let value = p?.UsePreviousValue ? previous?.[key] : (p?.ParameterValue ?? definition.Default);
    if (value === undefined) throw validationError(`Parameters: [${key}] must have values`);
    value = String(value);
    if (definition.AllowedValues && !definition.AllowedValues.map(String).includes(value)) {
      throw validationError(`Parameter '${key}' must be one of AllowedValues`);
    }
    if (definition.AllowedPattern && !new RegExp(definition.AllowedPattern).test(value)) {
      throw validationError(`Parameter '${key}' must match pattern ${definition.AllowedPattern}`);
    }
    if (definition.MaxLength !== undefined && value.length > definition.MaxLength) {
      throw validationError(`Parameter '${key}' must contain at most ${definition.MaxLength} characters`);
    }
    resolved[key] = value;
  }
  return resolved;
}

function sameParameters(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}
