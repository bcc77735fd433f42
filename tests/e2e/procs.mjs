// Finding the app's processes in /proc: the memory bench (benches/app/measure.mjs)
// and the end-to-end suite read the app and its WebKit processes by pid.
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

/** The kernel keeps 15 characters of a process name: WebKitWebProcess reads "WebKitWebProces". */
export const WEB_PROCESS = "WebKitWebProces";

const pids = () => readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));

/** `/proc/<pid>/stat` from its third field (state) on: comm may hold spaces and parentheses, what follows the last ')' is fixed. */
function statFields(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** Every process below `root` (itself included): the app, its WebKit web and network processes. */
export function processTree(root) {
  const children = new Map();
  for (const entry of pids()) {
    try {
      const ppid = Number(statFields(entry)[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [];
  const walk = (pid) => {
    tree.push(pid);
    for (const child of children.get(pid) ?? []) walk(child);
  };
  walk(root);
  return tree;
}

/** The process running the executable at `bin` (a real path, as /proc/<pid>/exe reads). */
export function pidOf(bin) {
  for (const entry of pids()) {
    try {
      if (readlinkSync(`/proc/${entry}/exe`) === bin) return Number(entry);
    } catch {
      // not ours to read, or gone
    }
  }
  throw new Error(`no process runs ${bin}`);
}

/** The web process in `root`'s tree (the one that runs the page). */
export function webProcess(root) {
  return processTree(root).find((pid) => {
    try {
      return readFileSync(`/proc/${pid}/comm`, "utf8").trim() === WEB_PROCESS;
    } catch {
      return false;
    }
  });
}

/** CPU time `pid` has used so far, user + system, in seconds (`/proc/<pid>/stat`, at 100 ticks a second). */
export function cpuSeconds(pid) {
  try {
    const fields = statFields(pid);
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime
  } catch {
    return 0; // gone meanwhile
  }
}
