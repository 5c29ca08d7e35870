import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadServingConfig, type StartFlags } from '../../src/config/load.js';
import { overridesFor, scheduleValues } from '../../src/config/schedule.js';
import { UsageError } from '../../src/errors/catalogue.js';
import { ONE_IMAGE_PER_CALL, unbatched } from '../../src/modules/_vision/detection-stages.js';
import { LAC_DEFAULT_SCHEDULE } from '../../src/modules/lac/index.js';
import { planServing } from '../../src/process/start.js';
import { quiet, scheduleLine } from '../../src/process/start-lines.js';
import { scheduleWith } from '../../src/scheduler/batcher.js';
import { runHub } from '../helpers/cli.js';

// Scheduling per module (PaddleHub's modules_info): a module's own max_batch_size, max_elements, max_queue_delay
// and max_queue_size win over the server-wide options, which win over each model's default; bad values are
// refused in the config's one-line words. How a real server then forms its calls: test/scheduler/.

const dir = mkdtempSync(join(tmpdir(), 'module-schedule-'));
function load(content: unknown, flags: Omit<StartFlags, 'config'> = {}, env: NodeJS.ProcessEnv = {}) {
  const path = join(dir, `c${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(path, JSON.stringify(content));
  return loadServingConfig({ ...flags, config: path }, dir, env);
}
const refused = (content: unknown, message: string) =>
  assert.throws(() => load(content), (e: unknown) => e instanceof UsageError && e.message === message, message);

describe('precedence', () => {
  test("a module's entry wins over the server-wide value (flag, variable or file), which wins over the model's default", () => {
    const { config } = load({
      modules_info: { lac: { max_batch_size: 32, max_queue_delay: 2000, max_elements: 65536 }, jieba_paddle: {} },
      max_batch_size: 16,
      max_queue_size: 100,
    }, { maxBatchSize: '8' }, { HUB_MAX_QUEUE_SIZE: '50' });
    assert.deepEqual(config.schedule.modules, { lac: { maxBatchSize: 32, maxElements: 65536, maxQueueDelayMs: 2 } });
    assert.deepEqual(overridesFor(config.schedule, 'lac'), { maxBatchSize: 32, maxElements: 65536, maxQueueDelayMs: 2, maxQueueSize: 50 });
    assert.deepEqual(overridesFor(config.schedule, 'jieba_paddle'), { maxBatchSize: 8, maxQueueSize: 50 });
    // What openModel does with them: the model's default fills what neither sets (spreadWhenFull is no option).
    assert.deepEqual(scheduleWith(LAC_DEFAULT_SCHEDULE, overridesFor(config.schedule, 'jieba_paddle')),
      { maxBatchSize: 8, maxElements: 4096, maxQueueDelayMs: 0, maxQueueSize: 50, spreadWhenFull: true });
    assert.deepEqual(scheduleWith(LAC_DEFAULT_SCHEDULE, overridesFor(config.schedule, 'lac')),
      { maxBatchSize: 32, maxElements: 65536, maxQueueDelayMs: 2, maxQueueSize: 50, spreadWhenFull: true });
  });

  test('with no value anywhere a model keeps its own defaults', () => {
    const { config } = load({ modules_info: { lac: {} } });
    assert.deepEqual(overridesFor(config.schedule, 'lac'), {});
    assert.deepEqual(scheduleWith(LAC_DEFAULT_SCHEDULE, overridesFor(config.schedule, 'lac')), LAC_DEFAULT_SCHEDULE);
  });

  test("every model of a module gets the module's values; a model that takes one image per call keeps that", () => {
    const { config } = load({ modules_info: { chinese_ocr_db_crnn_mobile: { max_batch_size: 2 }, yolov3_darknet53_coco2017: { max_batch_size: 8, max_queue_size: 64 } } });
    for (const model of ['det', 'cls', 'rec']) assert.deepEqual(overridesFor(config.schedule, `chinese_ocr_db_crnn_mobile/${model}`), { maxBatchSize: 2 });
    assert.deepEqual(unbatched(scheduleWith(ONE_IMAGE_PER_CALL, overridesFor(config.schedule, 'yolov3_darknet53_coco2017'))),
      { ...ONE_IMAGE_PER_CALL, maxBatchSize: 1, maxQueueSize: 64 });
  });

  test('max_elements is a server-wide option too: a flag, a variable and a file key', () => {
    assert.equal(load({ modules_info: { lac: {} }, max_elements: 1000 }).config.schedule.maxElements, 1000);
    assert.equal(load({ modules_info: { lac: {} } }, {}, { HUB_MAX_ELEMENTS: '2000' }).config.schedule.maxElements, 2000);
    assert.equal(load({ modules_info: { lac: {} }, max_elements: 1000 }, { maxElements: '3000' }).config.schedule.maxElements, 3000);
  });

  test('-m beside -c keeps the file entry of a module it names, its scheduling included', () => {
    const { config } = load({ modules_info: { lac: { max_batch_size: 4 }, chinese_ocr_db_crnn_mobile: { max_batch_size: 2 } } }, { modules: ['lac'] });
    assert.deepEqual(config.schedule.modules, { lac: { maxBatchSize: 4 } });
  });

  test('the file keys become values in milliseconds; unset keys stay out, so they hide nothing', () => {
    assert.deepEqual(scheduleValues({ max_queue_delay: 1500 }), { maxQueueDelayMs: 1.5 });
    assert.deepEqual(scheduleValues({}), {});
    assert.deepEqual(overridesFor({ maxBatchSize: 16, modules: { lac: {} } }, 'lac'), { maxBatchSize: 16 });
  });
});

describe('names', () => {
  test("a task's entry applies to its default module, by the name its models are labelled with", async () => {
    const { config } = load({ modules_info: { ocr: { max_batch_size: 2 }, lac: { max_queue_size: 10 } } });
    const plan = await planServing(config, quiet);
    assert.deepEqual(plan.config.schedule.modules, { chinese_ocr_db_crnn_mobile: { maxBatchSize: 2 }, lac: { maxQueueSize: 10 } });
    assert.deepEqual(overridesFor(plan.config.schedule, 'chinese_ocr_db_crnn_mobile/rec'), { maxBatchSize: 2 });
  });

  test('serving processes of --use_multiprocess plan the same values from the config they are sent', async () => {
    const { config } = load({ modules_info: { ocr: { max_batch_size: 2, max_queue_delay: 500 } }, max_batch_size: 16, use_multiprocess: true, workers: 2 });
    // node:cluster sends the primary's config as JSON; each process plans its own start from it.
    const sent = JSON.parse(JSON.stringify(config)) as typeof config;
    assert.deepEqual(sent.schedule, config.schedule);
    assert.deepEqual((await planServing(sent, quiet)).config.schedule, (await planServing(config, quiet)).config.schedule);
  });
});

describe('validation', () => {
  test('a bad value names its key path, the value and what is allowed', () => {
    refused({ modules_info: { lac: { max_batch_size: 0 } } }, 'modules_info.lac.max_batch_size: 0 is not allowed: expected an integer from 1 to 4096');
    refused({ modules_info: { lac: { max_elements: 'lots' } } }, 'modules_info.lac.max_elements: "lots" is not allowed: expected an integer from 1 to 1000000000');
    refused({ modules_info: { lac: { max_queue_delay: 1.5 } } }, 'modules_info.lac.max_queue_delay: 1.5 is not allowed: expected an integer from 0 to 10000000');
    refused({ modules_info: { lac: { max_queue_size: -1 } } }, 'modules_info.lac.max_queue_size: -1 is not allowed: expected an integer from 1 to 1000000');
    refused({ modules_info: { lac: {} }, max_elements: 0 }, 'max_elements: 0 is not allowed: expected an integer from 1 to 1000000000');
  });

  test('a misspelt key is guessed among the keys an entry accepts', () => {
    refused({ modules_info: { lac: { max_batch: 4 } } },
      'modules_info.lac: unknown key "max_batch"; did you mean "max_batch_size"? accepted keys: init_args, predict_args, path, max_batch_size, max_elements, max_queue_delay, max_queue_size');
  });

  test('hub serving start refuses it with that one line and exit code 1', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, JSON.stringify({ modules_info: { lac: { max_batch_size: 5000 } }, max_batch_size: 16 }));
    const run = runHub(['serving', 'start', '-c', path]);
    assert.equal(run.status, 1, run.stderr);
    assert.equal(run.stderr, 'error: modules_info.lac.max_batch_size: 5000 is not allowed: expected an integer from 1 to 4096\n');
  });
});

test('the start-up line says each model\'s schedule in the file\'s keys and units', () => {
  const line = scheduleLine(new Map([
    ['lac', { maxBatchSize: 32, maxElements: 65536, maxQueueDelayMs: 2, maxQueueSize: 5000 }],
    ['chinese_ocr_db_crnn_mobile/cls', { maxBatchSize: 24, maxElements: Infinity, maxQueueDelayMs: 0, maxQueueSize: 20000 }],
  ]));
  assert.equal(line, 'schedules (max_batch_size/max_elements/max_queue_delay/max_queue_size): lac 32/65536/2000/5000, chinese_ocr_db_crnn_mobile/cls 24/any/0/20000');
});
