import { check, type Gate } from './gate';

/** Green takes the same features as blue, or the deployment declared the change. */
export const schemaGate: Gate = async ({ app, green, blue, declaredFeatureChange }) => {
  const { critical } = app.smoke.schema;
  const greenFeatures = green.version.features ?? [];
  if (greenFeatures.length === 0)
    return check('schema', critical, false, 'green does not report its features in /version');
  if (!blue) return check('schema', critical, true, `first release: features ${greenFeatures.join(', ')}`);
  const blueFeatures = blue.version.features ?? [];
  const missing = blueFeatures.filter((f) => !greenFeatures.includes(f));
  const added = greenFeatures.filter((f) => !blueFeatures.includes(f));
  if (missing.length === 0 && added.length === 0)
    return check('schema', critical, true, `same ${greenFeatures.length} features as blue`);
  const change = [missing.length ? `drops ${missing.join(', ')}` : '', added.length ? `adds ${added.join(', ')}` : '']
    .filter(Boolean)
    .join(' and ');
  return declaredFeatureChange
    ? check('schema', critical, true, `feature change declared by the deployment: green ${change}`)
    : check(
        'schema',
        critical,
        false,
        `green ${change} compared with blue ${blue.release}; clients sending blue's payload would break (declare the change to allow it)`,
      );
};
