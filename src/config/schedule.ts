// How a model's calls are formed comes from three places, and this file is the one statement of their order,
// strongest first: the module's own entry in modules_info, then the server-wide option (flag, variable or file
// key, settled in load.ts), then the model's own default. What a model cannot take whatever it is told (one
// image per call) is applied after all three, by its declaration's `fit` (src/modules/contract/model-handle.ts).

/** Scheduling values as the options set them; an unset one falls through to the next place. */
export interface ScheduleValues {
  /** Rows per model call; 1 turns batching across requests off. */
  maxBatchSize?: number;
  /** Rows x the longest item per call (characters of text, pixels of images). */
  maxElements?: number;
  /** Longest an item waits for companions, in milliseconds (given in microseconds). */
  maxQueueDelayMs?: number;
  /** Items waiting per model before requests are refused with 429. */
  maxQueueSize?: number;
}

/** The values a whole schedule has once every place was consulted. */
export type EffectiveSchedule = Required<ScheduleValues>;

/** The server-wide values, each module's own, and who is told the schedules the models end up with. */
export interface ScheduleOverrides extends ScheduleValues {
  /**
   * Each module's values from its modules_info entry, by the name its models are labelled with: a model is
   * labelled with its module's name, or `module/model` where a module has several (OCR's det, cls and rec).
   */
  modules?: Record<string, ScheduleValues>;
  /** Told each model's schedule as it opens, for the start-up lines. */
  opened?(model: string, schedule: EffectiveSchedule): void;
}

/** The scheduling keys of the config file, server-wide and in a module's entry. */
export interface ScheduleKeys {
  max_batch_size?: number;
  max_elements?: number;
  max_queue_delay?: number;
  max_queue_size?: number;
}

const VALUE_NAMES = ['maxBatchSize', 'maxElements', 'maxQueueDelayMs', 'maxQueueSize'] as const;

/** Only the values that are set (an unset one must not hide the next place's). */
function setValues(values: ScheduleValues | undefined): ScheduleValues {
  const set: ScheduleValues = {};
  for (const name of VALUE_NAMES) if (values?.[name] !== undefined) set[name] = values[name];
  return set;
}

/** A file's keys as values: the delay is given in microseconds, as Triton's max_queue_delay_microseconds. */
export function scheduleValues(keys: ScheduleKeys): ScheduleValues {
  return setValues({
    maxBatchSize: keys.max_batch_size,
    maxElements: keys.max_elements,
    maxQueueDelayMs: keys.max_queue_delay === undefined ? undefined : keys.max_queue_delay / 1000,
    maxQueueSize: keys.max_queue_size,
  });
}

/** The module a model label belongs to: `lac` of `lac`, `chinese_ocr_db_crnn_mobile` of `chinese_ocr_db_crnn_mobile/det`. */
export const moduleOfModel = (model: string): string => model.split('/')[0]!;

/** What the model labelled `model` is told: its module's own values over the server-wide ones. */
export function overridesFor(overrides: ScheduleOverrides | undefined, model: string): ScheduleValues {
  return { ...setValues(overrides), ...setValues(overrides?.modules?.[moduleOfModel(model)]) };
}
