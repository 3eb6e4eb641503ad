// Preloaded into each service by the end-to-end benchmark (NODE_OPTIONS=--require <this file>)
// when it profiles. It samples with the V8 CPU profiler (the same sampler as `node --cpu-prof`,
// 1 ms interval) only while <KINLINK_BENCH_PROFILE_DIR>/control says `start`, and writes
// <dir>/<service>.cpuprofile when it says `stop`. Unlike --cpu-prof, which writes only at a
// normal exit and so would include boot and shutdown, this brackets exactly the load window.
// A control file rather than a signal: Nest's shutdown hooks treat SIGUSR2 (and most others) as
// "shut down", and SIGUSR1 opens the inspector.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.KINLINK_BENCH_PROFILE_DIR;
if (dir) {
  const match = /apps[\\/]([^\\/]+)[\\/]src[\\/]main\.js$/.exec(process.argv[1] || '');
  const name = match ? match[1] : `pid-${process.pid}`;
  const control = path.join(dir, 'control');
  let session = null;
  let last = '';
  const start = () => {
    session = new inspector.Session();
    session.connect();
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 1000 }, () => session.post('Profiler.start')));
  };
  const stop = () => {
    const s = session;
    session = null;
    s.post('Profiler.stop', (err, result) => {
      if (!err && result && result.profile) {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, `${name}.cpuprofile`);
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
        fs.renameSync(`${file}.tmp`, file);
      }
      s.disconnect();
    });
  };
  setInterval(() => {
    let cmd = '';
    try {
      cmd = fs.readFileSync(control, 'utf8').trim();
    } catch {
      return;
    }
    if (cmd === last) return;
    last = cmd;
    if (cmd.startsWith('start') && !session) start();
    else if (cmd.startsWith('stop') && session) stop();
  }, 200).unref();
}
