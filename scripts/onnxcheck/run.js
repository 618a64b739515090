// Runs ONNX models exported by evo in onnxruntime (CPU) and writes their outputs.
//
// usage: node run.js JOBS.json
//
// JOBS.json is a list of jobs {"model": "net.onnx", "input": "x.f32", "dims": [N, C, H, W],
// "output": "logits.f32"}: the input file holds N·C·H·W float32 values (little-endian, NCHW),
// the output file receives the model's "logits" output as float32 values (little-endian,
// [N, classes]). Paths are relative to the directory of JOBS.json. Prints one line per model.
'use strict';

const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

function readF32(file) {
  const b = fs.readFileSync(file);
  if (b.length % 4 !== 0) throw new Error(`${file}: ${b.length} bytes is not a whole number of float32 values`);
  const out = new Float32Array(b.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = b.readFloatLE(4 * i);
  return out;
}

function writeF32(file, values) {
  const b = Buffer.alloc(4 * values.length);
  for (let i = 0; i < values.length; i++) b.writeFloatLE(values[i], 4 * i);
  fs.writeFileSync(file, b);
}

async function main() {
  if (process.argv.length !== 3) {
    console.error('usage: node run.js JOBS.json');
    process.exit(2);
  }
  const jobsFile = process.argv[2];
  const dir = path.dirname(path.resolve(jobsFile));
  const jobs = JSON.parse(fs.readFileSync(jobsFile, 'utf8'));
  for (const job of jobs) {
    const at = (p) => path.resolve(dir, p);
    // Sequential execution, no graph rewrites beyond the basic ones: the plain arithmetic of
    // each operator, which is what the comparison with evo's logits is about.
    const session = await ort.InferenceSession.create(at(job.model), {
      executionProviders: ['cpu'],
      graphOptimizationLevel: 'basic',
    });
    const x = readF32(at(job.input));
    const want = job.dims.reduce((a, b) => a * b, 1);
    if (x.length !== want) throw new Error(`${job.input}: ${x.length} values, dims ${job.dims} need ${want}`);
    const out = await session.run({ input: new ort.Tensor('float32', x, job.dims) });
    const logits = out.logits;
    writeF32(at(job.output), logits.data);
    console.log(`${job.model}: logits ${logits.dims.join('x')}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
