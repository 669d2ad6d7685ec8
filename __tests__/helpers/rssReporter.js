// Preloaded into the action's process by runAction({ rss: true }): writes its peak RSS (bytes)
// on exit, so memory bounds are measured on the real entry point. VmHWM, not getrusage's
// maxrss: Linux carries maxrss over from the (large) test process that forked this one.
const fs = require('node:fs');
process.on('exit', () => {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const kib = Number(/^VmHWM:\s+(\d+) kB$/m.exec(status)[1]);
  fs.writeFileSync(process.env.RSS_REPORT_FILE, String(kib * 1024));
});
