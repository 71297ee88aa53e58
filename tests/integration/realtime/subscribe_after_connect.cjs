// The official socket.io-client, as a web page uses it: connect, then subscribe to a job
// with since while it publishes. Prints one JSON line per ack or job_event of that job, in
// arrival order, and exits once the job's last event is in.
// Usage: node subscribe_after_connect.cjs <web dir> <url> <token> <job id> <since>
const { createRequire } = require("node:module");
const [webDir, url, token, jobId, since] = process.argv.slice(2);
const { io } = createRequire(`${webDir}/package.json`)("socket.io-client");
const terminal = new Set(["job.completed", "job.failed", "job.cancelled"]);
const socket = io(`${url}/jobs`, { auth: { token }, transports: ["websocket"], reconnection: false });
const out = (line) => process.stdout.write(JSON.stringify(line) + "\n");
let acked = false;
socket.on("job_event", (event) => {
  if (event.job_id !== jobId) return;
  out({ kind: "job_event", seq: event.seq, type: event.type });
  if (acked && terminal.has(event.type)) { socket.close(); process.exit(0); }
});
socket.on("connect", () => {
  socket.emit("subscribe", { job_id: jobId, since: Number(since) }, (ack) => {
    acked = true;
    out({ kind: "ack", ok: ack.ok, last_seq: ack.last_seq });
  });
});
socket.on("connect_error", (error) => { out({ kind: "connect_error", error: String(error) }); process.exit(2); });
setTimeout(() => { out({ kind: "timeout" }); process.exit(3); }, 60000);
