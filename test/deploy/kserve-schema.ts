// JSON schemas of the KServe resources in deploy/kserve, written from KServe's CRDs (serving.kserve.io:
// ServingRuntime v1alpha1, InferenceService v1beta1). They cover the fields KServe defines and refuse
// unknown ones at the levels this repo writes, so a misspelt key fails here instead of being pruned by the
// API server. Containers are core/v1 Containers: the test checks them with kubernetes-models.

const metadata = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  additionalProperties: false,
};

const protocolVersion = { enum: ['v1', 'v2', 'grpc-v1', 'grpc-v2'] };

export const servingRuntimeSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'serving.kserve.io/v1alpha1' },
    kind: { enum: ['ServingRuntime', 'ClusterServingRuntime'] },
    metadata,
    spec: {
      type: 'object',
      required: ['containers'],
      properties: {
        supportedModelFormats: {
          type: 'array',
          items: {
            type: 'object',
            required: ['name'],
            properties: {
              name: { type: 'string', minLength: 1 },
              version: { type: 'string' },
              autoSelect: { type: 'boolean' },
              priority: { type: 'integer', minimum: 1 },
            },
            additionalProperties: false,
          },
        },
        protocolVersions: { type: 'array', items: protocolVersion },
        multiModel: { type: 'boolean' },
        disabled: { type: 'boolean' },
        grpcEndpoint: { type: 'string' },
        grpcDataEndpoint: { type: 'string' },
        httpDataEndpoint: { type: 'string' },
        replicas: { type: 'integer', minimum: 0 },
        containers: { type: 'array', minItems: 1, items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
        volumes: { type: 'array' },
        nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
        affinity: { type: 'object' },
        tolerations: { type: 'array' },
        imagePullSecrets: { type: 'array' },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        annotations: { type: 'object', additionalProperties: { type: 'string' } },
        builtInAdapter: { type: 'object' },
        storageHelper: { type: 'object', properties: { disabled: { type: 'boolean' } }, additionalProperties: false },
        workerSpec: { type: 'object' },
        hostIPC: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

export const inferenceServiceSchema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { const: 'serving.kserve.io/v1beta1' },
    kind: { const: 'InferenceService' },
    metadata,
    spec: {
      type: 'object',
      required: ['predictor'],
      properties: {
        predictor: {
          type: 'object',
          properties: {
            // ComponentExtensionSpec
            minReplicas: { type: 'integer', minimum: 0 },
            maxReplicas: { type: 'integer', minimum: 0 },
            scaleTarget: { type: 'integer', minimum: 1 },
            scaleMetric: { enum: ['cpu', 'memory', 'concurrency', 'rps'] },
            containerConcurrency: { type: 'integer', minimum: 0 },
            timeout: { type: 'integer', minimum: 0 },
            canaryTrafficPercent: { type: 'integer', minimum: 0, maximum: 100 },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            annotations: { type: 'object', additionalProperties: { type: 'string' } },
            serviceAccountName: { type: 'string' },
            nodeSelector: { type: 'object', additionalProperties: { type: 'string' } },
            tolerations: { type: 'array' },
            model: {
              type: 'object',
              required: ['modelFormat'],
              properties: {
                modelFormat: {
                  type: 'object',
                  required: ['name'],
                  properties: { name: { type: 'string', minLength: 1 }, version: { type: 'string' } },
                  additionalProperties: false,
                },
                runtime: { type: 'string' },
                protocolVersion,
                storageUri: { type: 'string' },
                // The rest of a core/v1 Container's fields (ModelSpec embeds PredictorExtensionSpec).
                args: { type: 'array', items: { type: 'string' } },
                command: { type: 'array', items: { type: 'string' } },
                env: { type: 'array' },
                image: { type: 'string' },
                resources: {
                  type: 'object',
                  properties: {
                    requests: { type: 'object', additionalProperties: { type: 'string' } },
                    limits: { type: 'object', additionalProperties: { type: 'string' } },
                  },
                  additionalProperties: false,
                },
              },
              additionalProperties: false,
            },
          },
          additionalProperties: false,
        },
        transformer: { type: 'object' },
        explainer: { type: 'object' },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};
