// Where lac's weights are looked for, named once for the installer (weights.ts), the manifest and the benchmark.

export const LAC_SYSTEM_DIR = '/usr/lib/python3/dist-packages/jieba/lac_small';
export const LAC_DEBIAN_PACKAGE = 'python3-jieba';
/** Environment variable naming a lac_small folder, for machines without apt. */
export const LAC_DIR_ENV = 'HUB_LAC_DIR';
