import { loadServingConfig, type StartFlags } from '../config/load.js';
import { runPrimary } from '../process/cluster.js';
import { newIdentityToken } from '../process/identity.js';
import { removePidFile, writePidFile } from '../process/pidfile.js';
import { claimPort, pidRecord, planServing, prepareModules, startServing } from '../process/start.js';
import { announceReady, type Reporter } from '../process/start-lines.js';
import { say, warn } from './output.js';

// `hub serving start`: the flags and the config file to one config, then the start-up path of process/start.ts,
// in this process or, with --use_multiprocess, in each serving process of a cluster this process supervises.

const report: Reporter = { say, warn };

export async function servingStart(flags: StartFlags): Promise<void> {
  const { config, notices } = loadServingConfig(flags);
  notices.forEach((n) => say(`note: ${n}`));
  const identity = newIdentityToken();
  if (config.processes === 1) {
    await startServing(config, { report, identity });
    return;
  }
  // The primary checks and prepares once, so that the serving processes only load what is ready.
  const plan = await planServing(config, report);
  await claimPort(config);
  await prepareModules(plan, report, process.stdout);
  const record = pidRecord(plan, identity);
  await runPrimary({ config, identity }, async () => {
    await writePidFile(record);
    announceReady(config, plan.devices, report);
  }, () => removePidFile(config.port, process.pid));
}
