import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Container, Service } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { loadServingConfig } from '../../src/config/load.js';
import { inferenceServiceSchema, servingRuntimeSchema } from './kserve-schema.js';
import { renderKustomization, type K8sObject } from './kustomize-lite.js';
import { comparable, DEPLOY_DIR, find, KUBERNETES_DIR, kustomizations, renderWithKubectl } from './manifests.js';

// Every kustomization under deploy/kubernetes renders, every object it renders is valid against the
// Kubernetes OpenAPI schemas (kubernetes-models), and the Deployment agrees with the server it runs: probe
// paths, port, grace period against the drain timeout, the config in its ConfigMap. The KServe resources
// are checked against schemas written from KServe's CRDs.

// Parsed manifests are free-form trees: the schemas check them.
type Json = any;

const MODELS: Record<string, new (data: Json) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Service': Service,
};

function validateObject(o: K8sObject): void {
  const Model = MODELS[`${o.apiVersion}/${o.kind}`];
  assert.ok(Model, `no schema for ${o.apiVersion} ${o.kind}: add it to the test`);
  new Model(o).validate();
}

function configOf(objects: K8sObject[]) {
  const data = (find(objects, 'ConfigMap') as Json).data as Record<string, string>;
  const file = join(mkdtempSync(join(tmpdir(), 'hub-k8s-config-')), 'config.json');
  writeFileSync(file, data['config.json']!);
  return loadServingConfig({ config: file }).config;
}

const kubectlAvailable = renderWithKubectl(join(KUBERNETES_DIR, 'base')) !== undefined;
if (!kubectlAvailable) console.warn('NOTE: kubectl not found: kustomizations are rendered by test/deploy/kustomize-lite.ts only');

describe('Kubernetes manifests', () => {
  for (const name of kustomizations()) {
    describe(name, () => {
      const dir = join(KUBERNETES_DIR, name);
      const objects = renderKustomization(dir);

      test('kubectl kustomize renders the same objects as kustomize-lite', { skip: kubectlAvailable ? false : 'kubectl not installed' }, () => {
        assert.deepEqual(comparable(objects), comparable(renderWithKubectl(dir)!));
      });

      test('every object is valid against the Kubernetes OpenAPI schemas', () => {
        assert.deepEqual(objects.map((o) => o.kind).sort(), ['ConfigMap', 'Deployment', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'Service']);
        for (const o of objects) validateObject(o);
      });

      test('the Deployment fits the server: config, port, probes, drain', () => {
        const config = configOf(objects);
        const deployment = find(objects, 'Deployment') as Json;
        const pod = deployment.spec.template.spec;
        const [container] = pod.containers;
        assert.deepEqual(container.args, ['-c', '/etc/hub-serving/config.json']);
        const mount = container.volumeMounts.find((m: Json) => m.mountPath === '/etc/hub-serving');
        const volume = pod.volumes.find((v: Json) => v.name === mount.name);
        assert.equal(volume.configMap.name, find(objects, 'ConfigMap').metadata.name, 'the config volume is the generated ConfigMap');
        assert.equal(container.ports[0].containerPort, config.port);
        assert.equal(container.readinessProbe.httpGet.path, '/readyz');
        assert.equal(container.livenessProbe.httpGet.path, '/healthz');
        assert.equal(container.startupProbe.httpGet.path, '/healthz');
        const preStop = Number(container.lifecycle.preStop.exec.command.at(-1));
        // Requests in flight end within the config's timeout; the threads then need a few seconds to end.
        assert.ok(pod.terminationGracePeriodSeconds >= preStop + config.timeoutSeconds + 10,
          `terminationGracePeriodSeconds ${pod.terminationGracePeriodSeconds} < preStop ${preStop} + timeout ${config.timeoutSeconds} + 10`);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.ok(container.resources.limits.cpu && container.resources.requests.memory);
      });

      test('Service, HPA and PDB point at the Deployment', () => {
        const deployment = find(objects, 'Deployment') as Json;
        const podLabels = deployment.spec.template.metadata.labels as Record<string, string>;
        const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
        const service = find(objects, 'Service') as Json;
        assert.ok(selects(service.spec.selector), 'the Service selects the pods');
        assert.equal(service.spec.ports[0].targetPort, deployment.spec.template.spec.containers[0].ports[0].name);
        assert.ok(selects((find(objects, 'PodDisruptionBudget') as Json).spec.selector.matchLabels), 'the PDB selects the pods');
        const hpa = find(objects, 'HorizontalPodAutoscaler') as Json;
        assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
        assert.ok(hpa.spec.minReplicas <= hpa.spec.maxReplicas);
      });
    });
  }

  test('the ocr overlay serves OCR, the api-key overlay passes the Secret as HUB_API_KEY', () => {
    const ocr = renderKustomization(join(KUBERNETES_DIR, 'overlays/ocr'));
    assert.deepEqual(configOf(ocr).modules.map((m) => m.name), ['chinese_ocr_db_crnn_mobile']);
    const keyed = find(renderKustomization(join(KUBERNETES_DIR, 'overlays/api-key')), 'Deployment') as Json;
    const env = keyed.spec.template.spec.containers[0].env.find((e: Json) => e.name === 'HUB_API_KEY');
    assert.deepEqual(env.valueFrom.secretKeyRef, { name: 'hub-serving-api-key', key: 'api-key' });
  });

  test('the HPA names a metric the server exports (the commented queue-length variant too)', () => {
    const metrics = readFileSync(new URL('../../../src/server/metrics.ts', import.meta.url), 'utf8');
    const hpa = readFileSync(join(KUBERNETES_DIR, 'base/hpa.yaml'), 'utf8');
    const named = /name: (hub_[a-z_]+)/.exec(hpa);
    assert.ok(named, 'the commented custom-metrics variant names a hub_ metric');
    assert.match(metrics, new RegExp(`name: '${named[1]}'`));
  });
});

describe('KServe manifests', () => {
  const load = (file: string) => parseAllDocuments(readFileSync(join(DEPLOY_DIR, 'kserve', file), 'utf8')).map((d) => d.toJS() as Json);
  const ajv = new Ajv({ allErrors: true, strict: true });
  const [runtime] = load('servingruntime.yaml');
  const [isvc] = load('inferenceservice.yaml');

  test('the ServingRuntime is valid, its containers valid core/v1 Containers', () => {
    const valid = ajv.validate(servingRuntimeSchema, runtime);
    assert.ok(valid, ajv.errorsText());
    for (const container of runtime.spec.containers) new Container(container).validate();
    const [container] = runtime.spec.containers;
    assert.equal(container.name, 'kserve-container');
    assert.deepEqual(container.args.slice(-2), ['-p', String(container.ports[0].containerPort)]);
    assert.equal(container.readinessProbe.httpGet.path, '/readyz');
    assert.equal(container.livenessProbe.httpGet.path, '/healthz');
  });

  test('the InferenceService is valid and names the runtime and one of its formats', () => {
    const valid = ajv.validate(inferenceServiceSchema, isvc);
    assert.ok(valid, ajv.errorsText());
    const { model } = isvc.spec.predictor;
    assert.equal(model.runtime, runtime.metadata.name);
    assert.ok(runtime.spec.supportedModelFormats.some((f: Json) => f.name === model.modelFormat.name));
    assert.ok(runtime.spec.protocolVersions.includes(model.protocolVersion));
  });

  test('a misspelt key is refused', () => {
    const bad = structuredClone(isvc);
    bad.spec.predictor.model.storageURI = 'gs://x';
    assert.equal(ajv.validate(inferenceServiceSchema, bad), false);
  });
});
