// Writes the golden exported files: npx tsx test/interchange/write-exports.ts, then check them with
// /usr/bin/python3 test/fixtures/onnx/make_fixtures.py --check-exports (onnx.checker, full check).

import { mkdirSync, writeFileSync } from 'node:fs';
import { init, SequenceModel } from '../../bindings/index.node.ts';
import { exportOnnx } from '../../bindings/interchange/onnx-export.ts';
import { EXPORT_CASES, setFormulaWeights } from './export-cases.ts';

const folder = new URL('../fixtures/onnx/exported/', import.meta.url);
mkdirSync(folder, { recursive: true });
const rt = await init({ backend: 'ts' });
for (const c of EXPORT_CASES.filter((c) => c.golden)) {
  const model = new SequenceModel(rt, c.options);
  setFormulaWeights(model);
  const bytes = exportOnnx(model);
  writeFileSync(new URL(`${c.name}.onnx`, folder), bytes);
  console.log(`exported/${c.name}.onnx`, bytes.length, 'bytes');
  model.dispose();
}
