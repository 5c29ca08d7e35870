import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { describeQuota, parseCfsQuota, parseCpuMax, parseProcCgroup, readCpuQuota, usableCores } from '../../src/process/cpu-quota.js';

// The cgroup CPU quota, as Kubernetes and `docker run --cpus` set it, sizes the threads instead of the
// machine's core count. Files are given as a map, as cgroup v2 and v1 lay them out in and out of containers.

const reader = (files: Record<string, string>) => (path: string) => files[path];

describe('parsing the quota files', () => {
  test('cgroup v2 cpu.max', () => {
    assert.equal(parseCpuMax('max 100000\n'), undefined);
    assert.equal(parseCpuMax('200000 100000\n'), 2);
    assert.equal(parseCpuMax('150000 100000'), 1.5);
    assert.equal(parseCpuMax('50000 100000'), 0.5);
    assert.equal(parseCpuMax('100000'), 1, 'the period defaults to 100000');
    assert.equal(parseCpuMax(''), undefined);
    assert.equal(parseCpuMax('garbage here'), undefined);
  });
  test('cgroup v1 cfs quota and period', () => {
    assert.equal(parseCfsQuota('-1\n', '100000\n'), undefined);
    assert.equal(parseCfsQuota('150000\n', '100000\n'), 1.5);
    assert.equal(parseCfsQuota('400000', '100000'), 4);
    assert.equal(parseCfsQuota('100000', '0'), undefined);
  });
  test('/proc/self/cgroup', () => {
    assert.deepEqual(parseProcCgroup('0::/kubepods.slice/pod1/cri-abc\n'), { v2: '/kubepods.slice/pod1/cri-abc' });
    assert.deepEqual(parseProcCgroup('12:pids:/docker/abc\n4:cpu,cpuacct:/docker/abc\n1:name=systemd:/docker/abc\n0::/\n'), { v1cpu: '/docker/abc', v2: '/' });
  });
});

describe('reading the quota', () => {
  test('cgroup v2 inside a container (its own namespace: the root is its cgroup)', () => {
    const read = reader({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': '150000 100000\n' });
    assert.equal(readCpuQuota('/sys/fs/cgroup', read), 1.5);
  });
  test('cgroup v2 seen from the host: the process cgroup first', () => {
    const read = reader({
      '/proc/self/cgroup': '0::/system.slice/hub.service\n',
      '/sys/fs/cgroup/system.slice/hub.service/cpu.max': '200000 100000\n',
    });
    assert.equal(readCpuQuota('/sys/fs/cgroup', read), 2);
  });
  test('cgroup v2 without a limit', () => {
    assert.equal(readCpuQuota('/sys/fs/cgroup', reader({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': 'max 100000\n' })), undefined);
  });
  test('cgroup v1 (cpu,cpuacct mount, the container sees its own cgroup at the mount root)', () => {
    const read = reader({
      '/proc/self/cgroup': '4:cpu,cpuacct:/docker/abc\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '150000\n',
      '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000\n',
    });
    assert.equal(readCpuQuota('/sys/fs/cgroup', read), 1.5);
  });
  test('cgroup v1 unlimited', () => {
    const read = reader({
      '/proc/self/cgroup': '1:cpu:/\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '-1\n',
      '/sys/fs/cgroup/cpu/cpu.cfs_period_us': '100000\n',
    });
    assert.equal(readCpuQuota('/sys/fs/cgroup', read), undefined);
  });
  test('no cgroup files at all (not Linux, or /sys not mounted)', () => {
    assert.equal(readCpuQuota('/sys/fs/cgroup', reader({})), undefined);
  });
  test('this machine: a number or undefined, never an exception', () => {
    const quota = readCpuQuota();
    assert.ok(quota === undefined || quota > 0);
  });
});

describe('cores to size threads by', () => {
  test('no quota: the machine', () => {
    assert.deepEqual(usableCores(16, undefined), { cores: 16, machine: 16 });
    assert.equal(describeQuota(usableCores(16, undefined)), '');
  });
  test('a quota below the machine: whole cores, at least one', () => {
    assert.deepEqual(usableCores(16, 1.5), { cores: 1, machine: 16, quota: 1.5 });
    assert.deepEqual(usableCores(16, 4), { cores: 4, machine: 16, quota: 4 });
    assert.deepEqual(usableCores(16, 0.25), { cores: 1, machine: 16, quota: 0.25 });
    assert.equal(describeQuota(usableCores(16, 1.5)), ' (CPU quota 1.5 cores of 16)');
    assert.equal(describeQuota(usableCores(2, 1)), ' (CPU quota 1 core of 2)');
  });
  test('a quota above the machine: the machine', () => {
    assert.deepEqual(usableCores(2, 8), { cores: 2, machine: 2, quota: 8 });
  });
});
