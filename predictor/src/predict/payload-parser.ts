import { ApiError } from '../errors/api-error';

/** Rows in the model's feature order, with the labels the client gave them. */
export interface ParsedBatch {
  rows: Float64Array[];
  labels: string[];
}

type Json = unknown;

/**
 * Reads the original capstone contract — an object of columns, each a `{"<label>": value}`
 * dict (pandas `to_json()` default) or a list — or `{"instances": [{...}]}`. Every problem
 * is a 4xx naming the field and the row; nothing here can throw anything else.
 */
export function parsePredictionPayload(body: Json, features: readonly string[], maxRows: number): ParsedBatch {
  if (!isPlainObject(body)) {
    throw invalid('INVALID_PAYLOAD', 'the body must be a JSON object of feature columns or {"instances": [...]}', {});
  }
  return 'instances' in body ? parseInstances(body, features, maxRows) : parseColumns(body, features, maxRows);
}

function parseInstances(body: Record<string, Json>, features: readonly string[], maxRows: number): ParsedBatch {
  const extra = Object.keys(body).filter((k) => k !== 'instances');
  if (extra.length > 0)
    throw invalid('UNKNOWN_FIELD', `unexpected top-level field "${extra[0]}" next to instances`, { field: extra[0] });
  const instances = body.instances;
  if (!Array.isArray(instances))
    throw invalid('INVALID_PAYLOAD', 'instances must be a list of objects', { field: 'instances' });
  checkBatchSize(instances.length, maxRows);
  const rows = instances.map((instance, r) => {
    if (!isPlainObject(instance)) throw invalid('INVALID_PAYLOAD', `instances[${r}] must be an object`, { row: r });
    const unknown = Object.keys(instance).find((k) => !features.includes(k));
    if (unknown !== undefined) throw unknownFeature(unknown, features, r);
    const row = new Float64Array(features.length);
    features.forEach((f, j) => {
      if (!(f in instance)) throw missingFeature(f, r);
      row[j] = toFinite(instance[f], f, r);
    });
    return row;
  });
  return { rows, labels: rows.map((_, i) => String(i)) };
}

function parseColumns(body: Record<string, Json>, features: readonly string[], maxRows: number): ParsedBatch {
  const unknown = Object.keys(body).find((k) => !features.includes(k));
  if (unknown !== undefined) throw unknownFeature(unknown, features);
  const missing = features.find((f) => !(f in body));
  if (missing !== undefined) throw missingFeature(missing);

  // Rows are matched by label (pandas dict-of-dicts); a list column is labelled 0..n-1.
  const labels = columnLabels(body[features[0]], features[0]);
  checkBatchSize(labels.length, maxRows);
  const rows = labels.map(() => new Float64Array(features.length));
  for (let j = 0; j < features.length; j++) {
    const feature = features[j];
    const column = body[feature];
    const size = Array.isArray(column) ? column.length : isPlainObject(column) ? Object.keys(column).length : -1;
    if (size < 0) throw notAColumn(feature);
    for (let i = 0; i < labels.length; i++) {
      const value = Array.isArray(column) ? column[Number(labels[i])] : (column as Record<string, Json>)[labels[i]];
      const present = Array.isArray(column)
        ? isIndexLabel(labels[i], size)
        : Object.hasOwn(column as object, labels[i]);
      if (size !== labels.length || !present) throw rowMismatch(feature, column, features[0], labels);
      rows[i][j] = toFinite(value, feature, labels[i]);
    }
  }
  return { rows, labels };
}

function columnLabels(column: Json, feature: string): string[] {
  if (Array.isArray(column)) return column.map((_, i) => String(i));
  if (isPlainObject(column)) return Object.keys(column);
  throw notAColumn(feature);
}

function isIndexLabel(label: string, size: number): boolean {
  const i = Number(label);
  return Number.isInteger(i) && i >= 0 && i < size && String(i) === label;
}

function notAColumn(feature: string): ApiError {
  return invalid('INVALID_PAYLOAD', `column ${feature} must be a list or an object of {"<row>": value}`, {
    field: feature,
  });
}

function rowMismatch(feature: string, column: Json, firstFeature: string, labels: string[]): ApiError {
  const own = Array.isArray(column) ? column.map((_, i) => String(i)) : Object.keys(column as object);
  return invalid(
    'ROW_MISMATCH',
    `column ${feature} has rows [${preview(own)}] but ${firstFeature} has [${preview(labels)}]`,
    {
      field: feature,
    },
  );
}

function toFinite(value: Json, field: string, row: number | string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const shown = typeof value === 'string' ? `"${value.slice(0, 40)}"` : value === null ? 'null' : typeof value;
  throw invalid('INVALID_VALUE', `${field} at row ${row} must be a finite number, got ${shown}`, { field, row });
}

function checkBatchSize(rows: number, maxRows: number): void {
  if (rows === 0) throw invalid('EMPTY_BATCH', 'the batch has no rows', {});
  if (rows > maxRows)
    throw new ApiError(413, 'BATCH_TOO_LARGE', `the batch has ${rows} rows; the limit is ${maxRows}`, {
      rows,
      limit: maxRows,
    });
}

function missingFeature(feature: string, row?: number): ApiError {
  const where = row === undefined ? '' : ` in row ${row}`;
  return invalid(
    'MISSING_FEATURE',
    `feature ${feature} is missing${where}`,
    row === undefined ? { field: feature } : { field: feature, row },
  );
}

function unknownFeature(name: string, features: readonly string[], row?: number): ApiError {
  const shown = name.slice(0, 64);
  return invalid(
    'UNKNOWN_FEATURE',
    `unknown feature "${shown}"; the model takes ${features.join(', ')}`,
    row === undefined ? { field: shown } : { field: shown, row },
  );
}

function invalid(code: string, message: string, details: Record<string, unknown>): ApiError {
  return new ApiError(400, code, message, details);
}

function isPlainObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function preview(labels: string[]): string {
  return labels.slice(0, 5).join(', ') + (labels.length > 5 ? ', …' : '');
}
