import type { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';

/**
 * Walks a CloudFormation template (as yaml-cfn parses it) against the AWS service spec: every
 * resource type exists, every property (nested ones included) exists for its type, required
 * properties are present, and every Ref, GetAtt and Sub variable resolves. Values built by
 * intrinsic functions are not type-checked: only CloudFormation knows what they resolve to.
 */

export type SpecDatabase = Awaited<ReturnType<typeof loadAwsServiceSpec>>;

/** The parts of the spec's property model this walk needs. */
type SpecType =
  | { type: 'ref'; reference: { $ref: string } }
  | { type: 'array' | 'map'; element: SpecType }
  | { type: 'union'; types: SpecType[] }
  | { type: 'string' | 'number' | 'integer' | 'boolean' | 'json' | 'date-time' | 'null' | 'tag' };
type SpecProperties = Record<string, { type: SpecType; required?: boolean }>;

interface Template {
  Parameters?: Record<string, unknown>;
  Conditions?: Record<string, unknown>;
  Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
  Outputs?: Record<string, unknown>;
}

const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
];

export function checkTemplate(db: SpecDatabase, template: Template): string[] {
  const problems: string[] = [];
  const resources = template.Resources ?? {};
  if (Object.keys(resources).length === 0) problems.push('the template has no Resources');
  for (const [id, resource] of Object.entries(resources)) {
    const spec = db.lookup('resource', 'cloudFormationType', 'equals', resource.Type)[0];
    if (!spec) {
      problems.push(`${id}: unknown resource type ${resource.Type}`);
      continue;
    }
    const properties = spec.properties as unknown as SpecProperties;
    checkObject(db, resource.Properties ?? {}, properties, `${id}.Properties`, problems);
  }
  checkReferences(db, template, problems);
  return problems;
}

function checkObject(db: SpecDatabase, value: unknown, properties: SpecProperties, path: string, problems: string[]) {
  if (isIntrinsic(value)) return;
  if (!isPlainObject(value)) {
    problems.push(`${path}: expected an object, got ${JSON.stringify(value)}`);
    return;
  }
  for (const key of Object.keys(value)) {
    if (!(key in properties)) problems.push(`${path}.${key}: no such property`);
  }
  for (const [key, property] of Object.entries(properties)) {
    if (property.required && !(key in value)) problems.push(`${path}.${key}: required property is missing`);
    if (key in value) checkValue(db, value[key], property.type, `${path}.${key}`, problems);
  }
}

function checkValue(db: SpecDatabase, value: unknown, type: SpecType, path: string, problems: string[]): void {
  if (isIntrinsic(value)) return;
  switch (type.type) {
    case 'ref': {
      const definition = db.get('typeDefinition', type.reference.$ref);
      checkObject(db, value, definition.properties as unknown as SpecProperties, path, problems);
      return;
    }
    case 'array':
      if (!Array.isArray(value)) problems.push(`${path}: expected a list`);
      else value.forEach((v, i) => checkValue(db, v, type.element, `${path}[${i}]`, problems));
      return;
    case 'map':
      if (!isPlainObject(value)) problems.push(`${path}: expected a map`);
      else Object.entries(value).forEach(([k, v]) => checkValue(db, v, type.element, `${path}.${k}`, problems));
      return;
    case 'union': {
      // Fits if any member fits; report the closest member's problems otherwise.
      const attempts = type.types.map((member) => {
        const found: string[] = [];
        checkValue(db, value, member, path, found);
        return found;
      });
      if (!attempts.some((a) => a.length === 0)) {
        problems.push(...attempts.sort((a, b) => a.length - b.length)[0]);
      }
      return;
    }
    case 'json':
      return;
    case 'tag':
      checkObject(
        db,
        value,
        { Key: { type: { type: 'string' }, required: true }, Value: { type: { type: 'string' }, required: true } },
        path,
        problems,
      );
      return;
    case 'boolean':
      if (typeof value !== 'boolean' && value !== 'true' && value !== 'false')
        problems.push(`${path}: expected a boolean`);
      return;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' && !(typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
        problems.push(`${path}: expected a number`);
      }
      return;
    default:
      // CloudFormation turns scalars into strings; a list or object where a scalar belongs is wrong.
      if (typeof value === 'object' && value !== null) problems.push(`${path}: expected a ${type.type}`);
  }
}

function checkReferences(db: SpecDatabase, template: Template, problems: string[]): void {
  const resources = template.Resources ?? {};
  const names = new Set([...Object.keys(template.Parameters ?? {}), ...Object.keys(resources), ...PSEUDO_PARAMETERS]);
  const attributeExists = (resource: string, attribute: string) => {
    const type = resources[resource]?.Type;
    const spec = type ? db.lookup('resource', 'cloudFormationType', 'equals', type)[0] : undefined;
    return Boolean(spec && attribute in spec.attributes);
  };
  const visit = (node: unknown, path: string, subVariables: Set<string>): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}[${i}]`, subVariables));
    if (!isPlainObject(node)) return;
    if (typeof node.Ref === 'string' && !names.has(node.Ref)) problems.push(`${path}: Ref to unknown ${node.Ref}`);
    const getAtt = node['Fn::GetAtt'];
    if (Array.isArray(getAtt) && !attributeExists(String(getAtt[0]), String(getAtt[1]))) {
      problems.push(`${path}: GetAtt ${getAtt.join('.')} does not exist`);
    }
    const sub = node['Fn::Sub'];
    if (sub !== undefined) {
      const [text, variables] = Array.isArray(sub) ? [sub[0], sub[1] ?? {}] : [sub, {}];
      const local = new Set([...subVariables, ...Object.keys(variables as object)]);
      for (const [, variable] of String(text).matchAll(/\$\{([^!][^}]*)\}/g)) {
        const [head, attribute] = variable.split('.');
        const ok = attribute ? attributeExists(head, attribute) : names.has(head) || local.has(head);
        if (!ok) problems.push(`${path}: Sub variable \${${variable}} does not resolve`);
      }
      if (Array.isArray(sub)) visit(sub[1], `${path}.Fn::Sub`, subVariables);
      return;
    }
    for (const [key, value] of Object.entries(node)) visit(value, `${path}.${key}`, subVariables);
  };
  visit(template.Resources, 'Resources', new Set());
  visit(template.Outputs, 'Outputs', new Set());
}

function isIntrinsic(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
