/** Resident memory and CPU time of a server's whole process tree, read from /proc (Linux only). */

const TICKS_PER_SECOND = 100;

export interface ProcSample {
  /** Resident set size summed over the tree, bytes. */
  rss: number;
  /** User + system CPU time summed over the tree, seconds. */
  cpu: number;
  /** When it was taken, performance.now() ms. */
  at: number;
}

function readStat(pid: number): { ppid: number; cpu: number } | null {
  try {
    const text = Deno.readTextFileSync(`/proc/${pid}/stat`);
    // The command name may hold spaces and parentheses: fields start after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

function readRss(pid: number): number {
  try {
    const match = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+) kB/);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pid and all its descendants (uvicorn may fork; `deno serve --parallel` is threads in one). */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of Deno.readDirSync("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid)) continue;
    const stat = readStat(pid);
    if (stat) children.set(stat.ppid, [...(children.get(stat.ppid) ?? []), pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.pop()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

export function sample(root: number): ProcSample {
  let rss = 0, cpu = 0;
  for (const pid of processTree(root)) {
    rss += readRss(pid);
    cpu += readStat(pid)?.cpu ?? 0;
  }
  return { rss, cpu, at: performance.now() };
}

/** CPU used between two samples, in percent of one core (200 = both cores of this machine). */
export function cpuPercent(from: ProcSample, to: ProcSample): number {
  const seconds = (to.at - from.at) / 1000;
  return seconds > 0 ? ((to.cpu - from.cpu) / seconds) * 100 : 0;
}
